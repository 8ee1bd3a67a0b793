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

/** The data folder's credentials, and how to keep them there (nothing to do when read from it). */
export interface FolderCredentials {
  readonly credentials: DemoCredentials;
  /** Writes new credentials into the (existing) data folder; a no-op for ones read from it. */
  save(): Promise<void>;
}

/**
 * Reads the demo's secrets from the data folder, or makes new random ones on first start,
 * written only by `save()`, so a start refused before it (a port in use) leaves nothing behind.
 * Never fixed values: the bot checks real signatures, and a leaked sandbox secret opens nothing
 * else.
 */
export async function readOrMakeCredentials(
  dataDir: string,
  random: (size: number) => Buffer = randomBytes,
): Promise<FolderCredentials> {
  const path = join(dataDir, CREDENTIALS_FILE);
  const text = await readDataFile(path);
  if (text !== undefined) {
    const parsed = CredentialsSchema.safeParse(parseJsonOrUndefined(text));
    if (!parsed.success) {
      throw new DemoDataError(`${path}: not demo credentials; delete it to make new ones`);
    }
    return { credentials: parsed.data, save: () => Promise.resolve() };
  }
  const created: DemoCredentials = {
    signingSecret: random(32).toString('hex'),
    botToken: `xoxb-local-${random(24).toString('hex')}`,
  };
  return {
    credentials: created,
    save: () =>
      writeFile(path, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600, flag: 'wx' }),
  };
}

/** Reads the data folder's credentials, or makes and writes new ones. */
export async function loadOrCreateCredentials(
  dataDir: string,
  random: (size: number) => Buffer = randomBytes,
): Promise<DemoCredentials> {
  const folder = await readOrMakeCredentials(dataDir, random);
  await folder.save();
  return folder.credentials;
}
