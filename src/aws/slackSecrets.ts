import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import * as z from 'zod';
import { CodedError, ErrorCode } from '../shared/errors';

/** The Slack secret holds no usable credentials (still the template's placeholder, or malformed). */
export class SlackSecretError extends CodedError {
  override readonly name = 'SlackSecretError';
  readonly code = ErrorCode.SlackSecretInvalid;
}

const SlackSecretSchema = z.object({
  signingSecret: z.string().min(1),
  botToken: z.string().min(1),
});

/** How long a read of the secret is trusted: a rotated secret is in use within this time. */
export const SECRET_MAX_AGE_SECONDS = 900;
/** A failed signature reads the secret again at most this often. */
const REFRESH_AT_MOST_EVERY_MS = 60_000;

export interface SlackCredentials {
  readonly signingSecret: string;
  readonly botToken: string;
}

async function readSlackSecret(secretId: string, forceFetch: boolean): Promise<SlackCredentials> {
  const value = await getSecret(secretId, {
    transform: 'json',
    maxAge: SECRET_MAX_AGE_SECONDS,
    forceFetch,
  });
  const parsed = SlackSecretSchema.safeParse(value);
  if (!parsed.success) {
    throw new SlackSecretError(
      `secret ${secretId} must be JSON with non-empty "signingSecret" and "botToken" strings`,
    );
  }
  return parsed.data;
}

/**
 * On Lambda the Slack credentials live in one Secrets Manager secret (JSON `{signingSecret,
 * botToken}`) named by SLACK_SECRET_ARN. Returns the environment with them filled in (the
 * configuration then refuses a placeholder or a short signing secret). Never logged.
 */
export async function withSlackSecrets(env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  const secretId = env.SLACK_SECRET_ARN;
  if (secretId === undefined || secretId === '') return env;
  const credentials = await readSlackSecret(secretId, false);
  return {
    ...env,
    SLACK_SIGNING_SECRET: credentials.signingSecret,
    SLACK_BOT_TOKEN: credentials.botToken,
  };
}

/**
 * The signing secret as the Slack function checks signatures with it: re-read once its copy is
 * older than SECRET_MAX_AGE_SECONDS, and once on a signature that does not match (a rotation),
 * but at most once a minute, so a flood of forged requests cannot flood Secrets Manager.
 */
export function rotatingSigningSecret(secretId: string, clock: () => number = Date.now) {
  let lastForced = 0;
  return {
    current: async () => (await readSlackSecret(secretId, false)).signingSecret,
    refresh: async () => {
      const now = clock();
      const force = now - lastForced >= REFRESH_AT_MOST_EVERY_MS;
      if (force) lastForced = now;
      return (await readSlackSecret(secretId, force)).signingSecret;
    },
  };
}
