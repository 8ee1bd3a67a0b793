import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { ipv4ToNumber, parseIp } from '../ipinsights/ip';
import type { IpInsightsModel } from '../ipinsights/model';
import { loadModel } from '../ipinsights/modelStore';
import { isS3Uri, type ObjectStorage } from '../ipinsights/objectStorage';
import { csvField } from '../ipinsights/sageMakerScorer';
import { readTupleCsv } from '../ipinsights/tupleCsv';
import { ExitCode } from './exitCodes';
import { UsageError, type CliCommand } from './io';

const SCORE_USAGE =
  'usage: score --model MODEL [FILE.csv]   ("entity,ip" lines; stdin when no file)';

/** Side effects beyond CliIo; S3 access is created only when an s3:// location is used. */
export interface IpInsightsCliDeps {
  readonly storage: () => Promise<ObjectStorage>;
}

export const defaultIpInsightsCliDeps: IpInsightsCliDeps = {
  // Loaded on first use so `score` on a local model never starts the AWS SDK.
  storage: async () => (await import('../app/objectStorage')).s3ObjectStorage(),
};

/** Loads a model; "missing" and "not a model" are bad input (exit 2) by their codes. */
async function loadModelForCli(
  location: string,
  deps: IpInsightsCliDeps,
): Promise<IpInsightsModel> {
  return loadModel(location, isS3Uri(location) ? await deps.storage() : undefined);
}

/** Opens a local input file, or says clearly that it is not there. */
export async function openInputFile(path: string): Promise<Readable> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isFile() !== true) throw new UsageError(`no such file: ${path}`);
  return createReadStream(path);
}

/** Buffers output lines and respects back-pressure, so a million lines do not pile up in memory. */
class LineWriter {
  private buffer = '';

  constructor(
    private readonly out: Writable,
    private readonly flushAt = 64 * 1024,
  ) {}

  async line(text: string): Promise<void> {
    this.buffer += `${text}\n`;
    if (this.buffer.length >= this.flushAt) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer === '') return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.out.write(chunk)) {
      await new Promise<void>((done) => this.out.once('drain', done));
    }
  }
}

/** `score --model MODEL [FILE.csv]`: "entity,ip" in, "entity,ip,score" out (raw dot product). */
export function createScoreCommand(deps: IpInsightsCliDeps): CliCommand {
  return async (args, io) => {
    const { values, positionals } = parseScoreArgs(args);
    if (values.help === true) {
      io.stdout.write(`${SCORE_USAGE}\n`);
      return ExitCode.ok;
    }
    const modelLocation = values.model ?? io.env.IPINSIGHTS_MODEL;
    if (modelLocation === undefined || modelLocation === '') {
      throw new UsageError(`missing --model MODEL (${SCORE_USAGE})`);
    }
    if (positionals.length > 1) throw new UsageError(`one input file at most (${SCORE_USAGE})`);
    const file = positionals[0];
    const source = file === undefined ? 'stdin' : file;
    const model = await loadModelForCli(
      isS3Uri(modelLocation) ? modelLocation : resolve(io.cwd, modelLocation),
      deps,
    );
    const input = file === undefined ? io.stdin : await openInputFile(resolve(io.cwd, file));
    const out = new LineWriter(io.stdout);
    try {
      for await (const tuple of readTupleCsv(input, source)) {
        const ip = ipv4ToNumber(tuple.ip);
        let score: string;
        if (ip >= 0) score = model.scoreIpv4(tuple.entity, ip).toFixed(6);
        else if (parseIp(tuple.ip).kind === 'ipv6') score = 'unscored';
        else throw new UsageError(`${source}:${tuple.line}: not an IP address: "${tuple.ip}"`);
        await out.line(`${csvField(tuple.entity)},${tuple.ip},${score}`);
      }
    } finally {
      await out.flush();
    }
    return ExitCode.ok;
  };
}

/** node:util parseArgs' error as one short usage line ("Unknown option '--x'"). */
export function argumentError(error: unknown, usage: string): UsageError {
  // Checked by shape: errors thrown inside node's internals may come from another realm.
  const message =
    typeof error === 'object' && error !== null && 'message' in error
      ? String(error.message)
      : String(error);
  return new UsageError(`${message.split('. ')[0] ?? message} (${usage})`);
}

function parseScoreArgs(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      options: { model: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    });
  } catch (error) {
    throw argumentError(error, SCORE_USAGE);
  }
}

export const score: CliCommand = createScoreCommand(defaultIpInsightsCliDeps);
