import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { parseJsonOrUndefined, readDataFile } from './dataFile';
import { DemoDataError } from './errors';

/** The Slack app secrets the local Slack and the bot share; made up per data folder. */
export interface DemoCredentials {
  readonly signingSecret: string;
  readonly botToken: string;
}

const CredentialsSchema = z.object({
  signingSecret: z.string().regex(/^[0-9a-f]{64}$/),
  botToken: z.string().regex(/^xoxb-local-[0-9a-f]{48}$/),
});

export const CREDENTIALS_FILE = 'credentials.json';

/**
 * Reads the demo's secrets from the data folder, or makes new random ones on first start. Never
 * fixed values: the bot checks real signatures, and a leaked sandbox secret opens nothing else.
 */
export async function loadOrCreateCredentials(
  dataDir: string,
  random: (size: number) => Buffer = randomBytes,
): Promise<DemoCredentials> {
  const path = join(dataDir, CREDENTIALS_FILE);
  const text = await readDataFile(path);
  if (text !== undefined) {
    const parsed = CredentialsSchema.safeParse(parseJsonOrUndefined(text));
    if (!parsed.success) {
      throw new DemoDataError(`${path}: not demo credentials; delete it to make new ones`);
    }
    return parsed.data;
  }
  const created: DemoCredentials = {
    signingSecret: random(32).toString('hex'),
    botToken: `xoxb-local-${random(24).toString('hex')}`,
  };
  await writeFile(path, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return created;
}
