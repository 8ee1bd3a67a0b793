import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import * as z from 'zod';

const PagerDutySecretSchema = z.object({ routingKey: z.string().regex(/^[A-Za-z0-9]{32}$/) });

/**
 * The PagerDuty routing key lives in its own Secrets Manager secret (JSON `{routingKey}`) named
 * by PAGERDUTY_SECRET_ARN, read by the pager function only. Returns the environment with
 * PAGERDUTY_ROUTING_KEY filled in; never logged.
 */
export async function withPagerDutySecret(env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  const secretId = env.PAGERDUTY_SECRET_ARN;
  if (secretId === undefined || secretId === '') return env;
  const value = await getSecret(secretId, { transform: 'json', maxAge: 900 });
  const parsed = PagerDutySecretSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(
      `secret ${secretId} must be JSON {"routingKey": "<the 32-character Events API v2 integration key>"}`,
    );
  }
  return { ...env, PAGERDUTY_ROUTING_KEY: parsed.data.routingKey };
}
