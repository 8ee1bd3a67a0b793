import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import * as z from 'zod';

const SlackSecretSchema = z.object({
  signingSecret: z.string().min(1),
  botToken: z.string().min(1),
});

/**
 * On Lambda the Slack credentials live in one Secrets Manager secret (JSON `{signingSecret,
 * botToken}`) named by SLACK_SECRET_ARN. Returns the environment with them filled in; read once
 * per cold start and cached by Powertools. Never logged.
 */
export async function withSlackSecrets(env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  const secretId = env.SLACK_SECRET_ARN;
  if (secretId === undefined || secretId === '') return env;
  const value = await getSecret(secretId, { transform: 'json', maxAge: 900 });
  const parsed = SlackSecretSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(
      `secret ${secretId} must be JSON with non-empty "signingSecret" and "botToken" strings`,
    );
  }
  return {
    ...env,
    SLACK_SIGNING_SECRET: parsed.data.signingSecret,
    SLACK_BOT_TOKEN: parsed.data.botToken,
  };
}
