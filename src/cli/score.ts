import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { parseIp } from '../ipinsights/ip';
import type { IpInsightsModel } from '../ipinsights/model';
import { loadModel } from '../ipinsights/modelStore';
import { isS3Uri, type ObjectStorage } from '../ipinsights/objectStorage';
import { csvField } from '../ipinsights/sageMakerScorer';
import { readTupleCsv } from '../ipinsights/tupleCsv';
import { entityForPrincipal } from '../shared/principalEntity';
import { ExitCode } from './exitCodes';
import { UsageError, type CliCommand } from './io';

const SCORE_USAGE =
  'usage: score --model MODEL [FILE.csv]   ("entity,ip" lines, stdin when no file; prints entity,ip,score,status)';

/** The header of the output; `status` says why a line has no score. */
export const SCORE_HEADER = 'entity,ip,score,status';

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

/**
 * `score --model MODEL [FILE.csv]`: "entity,ip" in, "entity,ip,score,status" out. The entity is
 * mapped as training maps it (`AROA…:session` scores as its role); the score is the raw dot
 * product, and only for an entity the model was trained on: an unseen entity, an IPv6 address or
 * something that is not an address prints `unscored` with the reason in `status`
 * (`unknown_entity`, `ipv6`, `leading_zero`, `not_an_ip`), never a number.
 */
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
      await out.line(SCORE_HEADER);
      for await (const tuple of readTupleCsv(input, source)) {
        await out.line(
          `${csvField(tuple.entity)},${csvField(tuple.ip)},${scoreColumns(model, tuple)}`,
        );
      }
    } finally {
      await out.flush();
    }
    return ExitCode.ok;
  };
}

const IP_STATUS = { ipv6: 'ipv6', 'leading-zero': 'leading_zero', invalid: 'not_an_ip' } as const;

function scoreColumns(model: IpInsightsModel, tuple: { entity: string; ip: string }): string {
  const ip = parseIp(tuple.ip);
  if (ip.kind !== 'ipv4') return `unscored,${IP_STATUS[ip.kind]}`;
  const entity = entityForPrincipal(tuple.entity);
  if (!model.isKnownEntity(entity)) return 'unscored,unknown_entity';
  return `${model.scoreIpv4(entity, ip.value).toFixed(6)},scored`;
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
