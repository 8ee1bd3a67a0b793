import { PassThrough, Readable, Writable } from 'node:stream';
import type { CliIo } from '../../src/cli/io';

export interface MemoryIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
}

/** A CliIo over strings, so commands run in-process and their output is asserted exactly. */
export function memoryIo(options: {
  stdin?: string;
  cwd: string;
  interactive?: boolean;
}): MemoryIo {
  let out = '';
  let err = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  return {
    stdin: options.stdin === undefined ? new PassThrough() : Readable.from([options.stdin]),
    stdout: sink((text) => (out += text)),
    stderr: sink((text) => (err += text)),
    env: {},
    cwd: options.cwd,
    interactive: options.interactive ?? false,
    out: () => out,
    err: () => err,
  };
}

/**
 * A CliIo in `cwd` whose environment points the bot at a local Slack server and an embedded
 * store in `cwd/store`, plus `extra` variables.
 */
export function localSlackIo(
  slack: { signingSecret: string; botToken: string; apiUrl: string },
  cwd: string,
  extra: NodeJS.ProcessEnv = {},
): MemoryIo {
  return Object.assign(memoryIo({ cwd }), {
    env: {
      SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_API_URL: slack.apiUrl,
      SLACK_CHANNEL_ID: 'C0SECURITY',
      STORE: 'local:store',
      ...extra,
    },
  });
}
