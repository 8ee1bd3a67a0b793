import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as z from 'zod';
import { ListGateway } from '../../actions/lists/listGateway';
import type { AwsCall, AwsCallResult, AwsGateway } from '../../actions/ports/awsGateway';
import type { IpListStore } from '../../actions/ports/ipLists';
import { UnsupportedCallError } from '../../aws/remediationCalls';
import { FileIpLists } from '../../store/fileIpLists';
import { createAwsGateway } from '../awsGateway';
import { CodedError, ErrorCode } from '../../shared/errors';
import { SAMPLE_DETECTOR_ID } from './sampleGuardDuty';

/** A call GuardDuty itself would refuse (an unknown detector or set), in GuardDuty's words. */
export class DemoBadRequestError extends CodedError {
  override readonly name = 'BadRequestException';
  readonly code = ErrorCode.AwsCallUnsupported;
}

const SetSchema = z.object({
  kind: z.enum(['ThreatIntelSet', 'IPSet']),
  region: z.string(),
  id: z.string(),
  name: z.string(),
  format: z.string(),
  location: z.string(),
  status: z.enum(['ACTIVE', 'INACTIVE']),
});
type DemoSet = z.infer<typeof SetSchema>;
const FileSchema = z.object({ sets: z.array(SetSchema) });

/** The API names of one kind of set: its id field and the list of ids. */
const KIND = {
  ThreatIntelSet: { idField: 'ThreatIntelSetId', ids: 'ThreatIntelSetIds' },
  IPSet: { idField: 'IpSetId', ids: 'IpSetIds' },
} as const;

function kindOf(command: string): DemoSet['kind'] | undefined {
  if (/^(List|Get|Create|Update)ThreatIntelSets?$/.test(command)) return 'ThreatIntelSet';
  if (/^(List|Get|Create|Update)IPSets?$/.test(command)) return 'IPSet';
  return undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * GuardDuty's IP list API as the demo answers it, with no AWS: one detector per region (the
 * sample findings'), its ThreatIntelSets and IPSets kept in a file of the demo's data directory,
 * so `Add IP to threat list` and `Trust IP` create, update and activate a set for real and a
 * restarted demo finds it again. Every other GuardDuty call is refused: the demo's other
 * actions stay dry runs.
 */
export class DemoListSets implements AwsGateway {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly path: string) {}

  call(call: AwsCall): Promise<AwsCallResult> {
    const next = this.queue.then(() => this.answer(call));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async answer(call: AwsCall): Promise<AwsCallResult> {
    if (call.service !== 'guardduty') throw new UnsupportedCallError(call);
    const region = call.region ?? 'us-east-1';
    if (call.command === 'ListDetectors') return { output: { DetectorIds: [SAMPLE_DETECTOR_ID] } };
    const kind = kindOf(call.command);
    if (kind === undefined) throw new UnsupportedCallError(call);
    if (call.input.DetectorId !== SAMPLE_DETECTOR_ID) {
      throw new DemoBadRequestError(
        `The request is rejected because the input detectorId is not owned by the current account.`,
      );
    }
    const sets = await this.load();
    const mine = sets.filter((set) => set.kind === kind && set.region === region);
    const idField = KIND[kind].idField;
    const found = (): DemoSet => {
      const set = mine.find((candidate) => candidate.id === call.input[idField]);
      if (set === undefined) {
        throw new DemoBadRequestError(
          `The request is rejected because the ${kind} does not exist.`,
        );
      }
      return set;
    };
    switch (call.command.replace(kind, '').replace(/s$/, '')) {
      case 'List':
        return { output: { [KIND[kind].ids]: mine.map((set) => set.id) } };
      case 'Get': {
        const set = found();
        return {
          output: {
            Name: set.name,
            Format: set.format,
            Location: set.location,
            Status: set.status,
          },
        };
      }
      case 'Create': {
        const name = text(call.input.Name) ?? '';
        const id = createHash('sha256')
          .update(`${region}:${kind}:${name}`)
          .digest('hex')
          .slice(0, 32);
        const existing = mine.find((set) => set.id === id);
        if (existing === undefined) {
          sets.push({
            kind,
            region,
            id,
            name,
            format: text(call.input.Format) ?? 'TXT',
            location: text(call.input.Location) ?? '',
            status: call.input.Activate === true ? 'ACTIVE' : 'INACTIVE',
          });
          await this.save(sets);
        }
        return { output: { [idField]: id } };
      }
      case 'Update': {
        const set = found();
        const location = text(call.input.Location);
        if (location !== undefined) set.location = location;
        if (typeof call.input.Activate === 'boolean') {
          set.status = call.input.Activate ? 'ACTIVE' : 'INACTIVE';
        }
        await this.save(sets);
        return { output: {} };
      }
      default:
        throw new UnsupportedCallError(call);
    }
  }

  private async load(): Promise<DemoSet[]> {
    let body: string;
    try {
      body = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return FileSchema.parse(JSON.parse(body)).sets;
  }

  private async save(sets: readonly DemoSet[]): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await writeFile(`${this.path}.writing`, `${JSON.stringify({ sets }, null, 2)}\n`, 'utf8');
    await rename(`${this.path}.writing`, this.path);
  }
}

/** IAM and EC2 in the demo: never called (its other actions are dry runs), refused if they were. */
const NO_AWS: AwsGateway = {
  call: (call) =>
    Promise.reject(
      new DemoBadRequestError(
        `the demo has no AWS account: ${call.service}:${call.command} is a dry run here (start the demo with --live to act in AWS)`,
      ),
    ),
};

/** The demo's lists: files in its data directory, and its GuardDuty's sets over them. */
export interface DemoLists {
  readonly store: IpListStore;
  /** The worker's gateway: the list files and the sets; nothing else. */
  readonly aws: AwsGateway;
}

export function demoLists(dataDir: string): DemoLists {
  const dir = join(dataDir, 'lists');
  const store = new FileIpLists(dir);
  return {
    store,
    aws: createAwsGateway({
      guardduty: new DemoListSets(join(dir, 'sets.json')),
      lists: new ListGateway(store),
      iam: NO_AWS,
      ec2: NO_AWS,
    }),
  };
}
