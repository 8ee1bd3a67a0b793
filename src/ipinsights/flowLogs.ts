import { createInterface } from 'node:readline';
import { FileCounts, decodedStream, logFiles, oneLine, withoutBom } from './logFiles';
import { parseIp } from './ip';
import type { ObjectLister, ObjectReader } from './objectStorage';
import type { Random } from './random';
import { CodedError, ErrorCode } from '../shared/errors';

/**
 * VPC Flow Logs → (instance, remote IPv4) pairs, so instance findings (NETWORK_CONNECTION,
 * PORT_PROBE) are scored against what the instance really talks to. Reads the default format
 * (version 2) and custom formats, whose S3 files start with a header line naming the fields.
 */

/** The default (version 2) format's fields, in order. */
export const DEFAULT_FLOW_LOG_FIELDS = [
  'version',
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
] as const;

/** An ENI as EC2's DescribeNetworkInterfaces describes it: its instance and its own addresses. */
export interface NetworkInterface {
  readonly interfaceId: string;
  readonly instanceId?: string;
  readonly privateIps: readonly string[];
}

/** The ENIs of the account and region, for formats without `instance-id` (src/aws/ implements it). */
export interface NetworkInterfaceLister {
  list(): AsyncIterable<NetworkInterface>;
}

export type FlowSkipReason =
  | 'not-ok'
  | 'rejected'
  | 'no-instance'
  | 'direction-unknown'
  | 'private-peer'
  | 'not-unicast'
  | 'not-an-ip'
  | 'sampled-out';

export const FLOW_SKIP_REASONS: Readonly<Record<FlowSkipReason, string>> = {
  'not-ok': 'NODATA/SKIPDATA records',
  rejected: 'rejected flows',
  'no-instance': 'flows of interfaces with no known instance',
  'direction-unknown': 'flows between two private addresses with no direction',
  'private-peer': 'flows with an RFC 1918 peer',
  'not-unicast': 'flows with a link-local, loopback or multicast peer',
  'not-an-ip': 'records with an address that is not one',
  'sampled-out': 'records left out by --sample',
};

export class FlowLogStats extends FileCounts {
  records = 0;
  ipv4 = 0;
  ipv6 = 0;
  readonly skipped: Record<FlowSkipReason, number> = {
    'not-ok': 0,
    rejected: 0,
    'no-instance': 0,
    'direction-unknown': 0,
    'private-peer': 0,
    'not-unicast': 0,
    'not-an-ip': 0,
    'sampled-out': 0,
  };

  add(other: FlowLogStats): void {
    this.records += other.records;
    this.ipv4 += other.ipv4;
    this.ipv6 += other.ipv6;
    for (const reason of Object.keys(this.skipped) as FlowSkipReason[]) {
      this.skipped[reason] += other.skipped[reason];
    }
  }
}

export class FlowLogFormatError extends CodedError {
  override readonly name = 'FlowLogFormatError';
  readonly code = ErrorCode.CloudTrailInputInvalid;
}

export interface FlowLogOptions {
  readonly storage?: ObjectLister & ObjectReader;
  /** ENIs of the account, for formats without `instance-id`; listed once, on first need. */
  readonly interfaces?: NetworkInterfaceLister;
  /** Keep flows with an RFC 1918 peer (east-west traffic); off by default. */
  readonly includePrivatePeers?: boolean;
  /** Share of accepted records kept, (0, 1]; flow logs are far bigger than CloudTrail. */
  readonly sample?: number;
  readonly random?: Random;
  readonly strict?: boolean;
}

/** One pair: the instance and the remote IPv4 address as a 32-bit number. */
export interface FlowTuple {
  readonly entity: string;
  readonly ip: number;
}

/** Names a folder walk or an S3 listing keeps: `….log.gz` as VPC Flow Logs write to S3, `.log`, `.txt`. */
export function isFlowLogFileName(name: string): boolean {
  return /\.(log|txt)(\.gz)?$/i.test(name);
}

const FIELD_NAME = /^[a-z][a-z0-9-]*$/;

/** The field names of a header line, or undefined when the line is a record. */
export function headerFields(line: string): string[] | undefined {
  const tokens = line.trim().split(/\s+/);
  const names = tokens.map((t) => t.replace(/^\$\{(.*)\}$/, '$1'));
  return names.length > 1 && names.every((n) => FIELD_NAME.test(n)) ? names : undefined;
}

/** RFC 1918 private ranges. */
function isRfc1918(ip: number): boolean {
  const a = ip >>> 24;
  const b = (ip >>> 16) & 255;
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/** Never an internet peer: 0/8, loopback, link-local (the metadata service), multicast and above. */
function isNotUnicast(ip: number): boolean {
  const a = ip >>> 24;
  const b = (ip >>> 16) & 255;
  return a === 0 || a === 127 || (a === 169 && b === 254) || a >= 224;
}

type Outcome =
  | { readonly kind: 'tuple'; readonly tuple: FlowTuple }
  | { readonly kind: 'ipv6' }
  | { readonly kind: 'skipped'; readonly reason: FlowSkipReason };

interface Columns {
  readonly count: number;
  readonly status?: number;
  readonly action?: number;
  readonly instance?: number;
  readonly interface?: number;
  readonly src?: number;
  readonly dst?: number;
  readonly pktSrc?: number;
  readonly pktDst?: number;
  readonly direction?: number;
}

function columns(fields: readonly string[]): Columns {
  const at = (name: string): number | undefined => {
    const i = fields.indexOf(name);
    return i < 0 ? undefined : i;
  };
  const src = at('srcaddr') ?? at('pkt-srcaddr');
  const dst = at('dstaddr') ?? at('pkt-dstaddr');
  if (src === undefined || dst === undefined) {
    throw new FlowLogFormatError('the format has no srcaddr/dstaddr fields');
  }
  if (at('instance-id') === undefined && at('interface-id') === undefined) {
    throw new FlowLogFormatError('the format has neither instance-id nor interface-id');
  }
  return {
    count: fields.length,
    status: at('log-status'),
    action: at('action'),
    instance: at('instance-id'),
    interface: at('interface-id'),
    src,
    dst,
    pktSrc: at('pkt-srcaddr'),
    pktDst: at('pkt-dstaddr'),
    direction: at('flow-direction'),
  };
}

function field(values: readonly string[], index: number | undefined): string | undefined {
  if (index === undefined) return undefined;
  const value = values[index];
  return value === undefined || value === '-' ? undefined : value;
}

/** The ENIs, listed once when a file first needs them. */
class InterfaceMap {
  private map: Map<string, NetworkInterface> | undefined;

  constructor(private readonly lister: NetworkInterfaceLister | undefined) {}

  static of(enis: readonly NetworkInterface[]): InterfaceMap {
    const map = new InterfaceMap(undefined);
    map.map = new Map(enis.map((eni) => [eni.interfaceId, eni]));
    return map;
  }

  /** True once listed, or when there is nothing to list. */
  get loaded(): boolean {
    return this.map !== undefined || this.lister === undefined;
  }

  async load(): Promise<void> {
    if (this.map !== undefined || this.lister === undefined) return;
    const map = new Map<string, NetworkInterface>();
    for await (const eni of this.lister.list()) map.set(eni.interfaceId, eni);
    this.map = map;
  }

  get(interfaceId: string): NetworkInterface | undefined {
    return this.map?.get(interfaceId);
  }
}

/** One flow log record → its pair, or why it has none. */
function recordOutcome(
  values: readonly string[],
  cols: Columns,
  interfaces: InterfaceMap,
  options: FlowLogOptions,
): Outcome {
  const status = field(values, cols.status);
  if (status !== undefined && status !== 'OK') return { kind: 'skipped', reason: 'not-ok' };
  const action = field(values, cols.action);
  if (action !== undefined && action !== 'ACCEPT') return { kind: 'skipped', reason: 'rejected' };
  if (options.sample !== undefined && options.sample < 1) {
    if ((options.random?.next() ?? 0) >= options.sample) {
      return { kind: 'skipped', reason: 'sampled-out' };
    }
  }
  const interfaceId = field(values, cols.interface);
  const eni = interfaceId === undefined ? undefined : interfaces.get(interfaceId);
  const instance = field(values, cols.instance) ?? eni?.instanceId;
  if (instance === undefined) return { kind: 'skipped', reason: 'no-instance' };

  const src = field(values, cols.pktSrc) ?? field(values, cols.src) ?? '';
  const dst = field(values, cols.pktDst) ?? field(values, cols.dst) ?? '';
  const srcIp = parseIp(src);
  const dstIp = parseIp(dst);
  if (srcIp.kind === 'invalid' || srcIp.kind === 'leading-zero') return skippedIp();
  if (dstIp.kind === 'invalid' || dstIp.kind === 'leading-zero') return skippedIp();
  // An IPv6 flow, whichever side is remote: counted, never trained (the model is IPv4 only).
  if (srcIp.kind === 'ipv6' || dstIp.kind === 'ipv6') return { kind: 'ipv6' };

  let remote: 'src' | 'dst' | undefined;
  const direction = field(values, cols.direction);
  if (direction === 'ingress') remote = 'src';
  else if (direction === 'egress') remote = 'dst';
  else if (eni !== undefined && eni.privateIps.includes(dst)) remote = 'src';
  else if (eni !== undefined && eni.privateIps.includes(src)) remote = 'dst';
  else {
    // The interface's own address is private; of a private and a public one, the public is remote.
    const srcPrivate = isRfc1918(srcIp.value);
    const dstPrivate = isRfc1918(dstIp.value);
    if (srcPrivate && !dstPrivate) remote = 'dst';
    else if (dstPrivate && !srcPrivate) remote = 'src';
  }
  if (remote === undefined) return { kind: 'skipped', reason: 'direction-unknown' };
  const peer = remote === 'src' ? srcIp : dstIp;
  if (isNotUnicast(peer.value)) return { kind: 'skipped', reason: 'not-unicast' };
  if (isRfc1918(peer.value) && options.includePrivatePeers !== true) {
    return { kind: 'skipped', reason: 'private-peer' };
  }
  return { kind: 'tuple', tuple: { entity: instance, ip: peer.value } };
}

function skippedIp(): Outcome {
  return { kind: 'skipped', reason: 'not-an-ip' };
}

/**
 * One file's lines, in order: the first non-empty one sets the format (a header line naming the
 * fields, or a record of the default format). Collects the file's pairs and counts.
 */
class FlowLogLines {
  private cols: Columns | undefined;
  private number = 0;
  private pending: { readonly line: string; readonly number: number } | undefined;
  readonly tuples: FlowTuple[] = [];
  readonly stats = new FlowLogStats();

  constructor(
    private readonly interfaces: InterfaceMap,
    private readonly options: FlowLogOptions,
  ) {}

  /**
   * Reads one line. Returns 'needs-interfaces' when it set a format without `instance-id`
   * and the ENI list is not loaded yet: load it, then `resume()`.
   */
  line(raw: string): 'needs-interfaces' | undefined {
    this.number++;
    const line = this.number === 1 ? withoutBom(raw) : raw;
    if (line.trim() === '') return undefined;
    if (this.cols === undefined) {
      const header = headerFields(line);
      const cols = columns(header ?? DEFAULT_FLOW_LOG_FIELDS);
      this.cols = cols;
      const needs = cols.instance === undefined && !this.interfaces.loaded;
      if (header === undefined) {
        if (needs) {
          this.pending = { line, number: this.number };
          return 'needs-interfaces';
        }
        this.record(line, this.number);
      }
      return needs ? 'needs-interfaces' : undefined;
    }
    this.record(line, this.number);
    return undefined;
  }

  /** Reads the record that waited for the ENI list, if one did. */
  resume(): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending !== undefined) this.record(pending.line, pending.number);
  }

  private record(line: string, number: number): void {
    const cols = this.cols ?? columns(DEFAULT_FLOW_LOG_FIELDS);
    const values = line.trim().split(/\s+/);
    if (values.length !== cols.count) {
      throw new FlowLogFormatError(
        `line ${number}: ${values.length} fields, the format has ${cols.count}`,
      );
    }
    this.stats.records++;
    const outcome = recordOutcome(values, cols, this.interfaces, this.options);
    if (outcome.kind === 'tuple') {
      this.stats.ipv4++;
      this.tuples.push(outcome.tuple);
    } else if (outcome.kind === 'ipv6') this.stats.ipv6++;
    else this.stats.skipped[outcome.reason]++;
  }
}

/**
 * The pairs of one flow log file's text, read synchronously (the demo's synthetic logs): the
 * same rules as `flowLogTuples`, with the ENIs given as a list rather than listed from EC2.
 */
export function flowLogTextTuples(
  text: string,
  stats: FlowLogStats,
  options: Omit<FlowLogOptions, 'interfaces' | 'storage'> & {
    readonly interfaces?: readonly NetworkInterface[];
  } = {},
): FlowTuple[] {
  const { interfaces: enis = [], ...rest } = options;
  const lines = new FlowLogLines(InterfaceMap.of(enis), rest);
  for (const raw of text.split('\n')) {
    if (lines.line(raw) === 'needs-interfaces') lines.resume();
  }
  stats.files++;
  stats.add(lines.stats);
  return lines.tuples;
}

/**
 * Every (instance, remote IPv4) pair of every file, streamed line by line (gzip by its magic
 * bytes). A file that cannot be read, or whose format cannot be used, adds nothing and is named
 * in `stats.unreadable` (unless `strict`); a file's pairs are released once it is read to the end.
 */
export async function* flowLogTuples(
  paths: readonly string[],
  stats: FlowLogStats,
  options: FlowLogOptions = {},
): AsyncIterable<FlowTuple> {
  const interfaces = new InterfaceMap(options.interfaces);
  for await (const file of logFiles(paths, isFlowLogFileName, options.storage)) {
    const lines = new FlowLogLines(interfaces, options);
    try {
      const decoded = await decodedStream(file);
      try {
        for await (const raw of createInterface({ input: decoded, crlfDelay: Infinity })) {
          if (lines.line(raw) === 'needs-interfaces') {
            await interfaces.load();
            lines.resume();
          }
        }
      } finally {
        decoded.destroy();
      }
    } catch (error) {
      if (options.strict === true) {
        throw new FlowLogFormatError(`${file.name}: ${oneLine(error)}`);
      }
      stats.files++;
      stats.unreadable.push({ name: file.name, reason: oneLine(error) });
      continue;
    }
    stats.files++;
    stats.add(lines.stats);
    yield* lines.tuples;
  }
}
