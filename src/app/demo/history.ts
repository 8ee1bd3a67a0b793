import { rename, writeFile } from 'node:fs/promises';
import * as z from 'zod';
import type { ChannelHistory, LocalSlack } from '@guardduty-chatops/slack-sandbox';
import type { Log } from '../../shared/log';
import { parseJsonOrUndefined, readDataFile } from './dataFile';
import { DemoDataError } from './errors';

/**
 * The local Slack keeps its channels in memory; the demo saves them beside the store, or a
 * restart would show an empty channel while the store says every finding is already posted.
 */

const HISTORY_VERSION = 1;

// Messages are checked for what the page and the bot rely on; the rest is kept as saved.
const MessageSchema = z.looseObject({
  type: z.literal('message'),
  ts: z.string().regex(/^\d+\.\d{6}$/),
  text: z.string(),
  team: z.string(),
});

const HistorySchema = z.object({
  version: z.literal(HISTORY_VERSION),
  channels: z.array(
    z.object({ id: z.string().min(1), name: z.string(), messages: z.array(MessageSchema) }),
  ),
});

export class HistoryFile {
  constructor(readonly path: string) {}

  /** The saved channels, or undefined when nothing was saved yet. */
  async read(): Promise<ChannelHistory[] | undefined> {
    const text = await readDataFile(this.path);
    if (text === undefined) return undefined;
    const json = parseJsonOrUndefined(text);
    if (json === undefined) {
      throw new DemoDataError(`${this.path}: not JSON; delete the data folder to start over`);
    }
    const parsed = HistorySchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.map(String).join('.') ?? '';
      throw new DemoDataError(
        `${this.path}: ${where === '' ? '' : `${where}: `}${issue?.message ?? 'invalid'}; delete the data folder to start over`,
      );
    }
    // Checked for the fields the workspace reads; the others pass through as saved.
    return parsed.data.channels;
  }

  /** Written aside, then renamed: a crash never leaves half a file. */
  async write(channels: readonly ChannelHistory[]): Promise<void> {
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify({ version: HISTORY_VERSION, channels }));
    await rename(temporary, this.path);
  }
}

export interface HistoryKeeper {
  /** Resolves once every change so far is on disk. */
  flush(): Promise<void>;
  /** Stops listening, after saving what changed. */
  stop(): Promise<void>;
}

/** Saves the channels after every message change, one write at a time, coalescing bursts. */
export function keepHistory(slack: LocalSlack, file: HistoryFile, log: Log): HistoryKeeper {
  let queued = false;
  let writing: Promise<void> = Promise.resolve();
  const unsubscribe = slack.onChange((change) => {
    if (!change.kind.startsWith('message.') || queued) return;
    queued = true;
    writing = writing.then(async () => {
      queued = false;
      try {
        await file.write(slack.history());
      } catch (error) {
        log.error('could not save the channel history', {
          path: file.path,
          error: (error as Error).message,
        });
      }
    });
  });
  return {
    flush: () => writing,
    stop: async () => {
      unsubscribe();
      await writing;
    },
  };
}
