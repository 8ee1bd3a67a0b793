import { numberToIpv4, parseCidr } from '../../ipinsights/ip';
import { randomInt, type Random } from '../../ipinsights/random';

/**
 * Synthetic VPC Flow Logs for the demo and tests: the instances of the demo findings talking to
 * their usual peers, written as VPC Flow Logs write to S3 (a custom format with a header line,
 * one gzipped file per day), with the rejected flows and NODATA records real logs contain.
 * Deterministic for a given Random.
 */

/** A custom format with the fields the reader uses best: the instance and the direction. */
export const DEMO_FLOW_LOG_FORMAT =
  'version account-id interface-id instance-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status flow-direction';

interface Peer {
  readonly cidr: string;
  /** Share of the instance's flows with this peer. */
  readonly share: number;
  readonly direction: 'ingress' | 'egress';
  readonly port: number;
}

interface DemoInstance {
  readonly instanceId: string;
  readonly interfaceId: string;
  readonly privateIp: string;
  readonly flowsPerDay: number;
  readonly peers: readonly Peer[];
}

/**
 * The demo findings' instances. i-99999999 (GuardDuty's sample instance) serves web clients and
 * only now and then one from 198.51.100.0/24, so the sample findings from there read rare (they
 * are Medium and High: posted to the channel); the ec2-app web server i-0abcd1234ef567890 takes
 * clients from many networks and few from 192.0.2.0/24, so its (Low, digest) SSH brute force and
 * port probe from there read rare too; the worker i-0fedc9876ba543210 calls two AWS service
 * ranges only, so its bitcoin pool 198.18.0.9 reads never seen.
 */
const DEMO_INSTANCES: readonly DemoInstance[] = [
  {
    instanceId: 'i-99999999',
    interfaceId: 'eni-bfcffe88',
    privateIp: '10.0.0.23',
    flowsPerDay: 200,
    peers: [
      { cidr: '54.239.28.0/24', share: 0.5, direction: 'egress', port: 443 },
      { cidr: '73.12.0.0/16', share: 0.25, direction: 'ingress', port: 443 },
      { cidr: '24.56.0.0/16', share: 0.22, direction: 'ingress', port: 443 },
      { cidr: '198.51.100.0/24', share: 0.03, direction: 'ingress', port: 80 },
    ],
  },
  {
    instanceId: 'i-0abcd1234ef567890',
    interfaceId: 'eni-0a1b2c3d4e5f60718',
    privateIp: '172.31.10.20',
    flowsPerDay: 300,
    peers: [
      { cidr: '73.12.0.0/16', share: 0.2, direction: 'ingress', port: 443 },
      { cidr: '24.56.0.0/16', share: 0.15, direction: 'ingress', port: 443 },
      { cidr: '98.113.0.0/16', share: 0.15, direction: 'ingress', port: 443 },
      { cidr: '67.180.0.0/16', share: 0.1, direction: 'ingress', port: 443 },
      { cidr: '54.239.28.0/24', share: 0.37, direction: 'egress', port: 443 },
      { cidr: '192.0.2.0/24', share: 0.03, direction: 'ingress', port: 22 },
    ],
  },
  {
    instanceId: 'i-0fedc9876ba543210',
    interfaceId: 'eni-0fedcba9876543210',
    privateIp: '172.31.40.8',
    flowsPerDay: 150,
    peers: [
      { cidr: '52.94.0.0/16', share: 0.6, direction: 'egress', port: 443 },
      { cidr: '35.71.0.0/16', share: 0.4, direction: 'egress', port: 443 },
    ],
  },
];

export interface FlowLogFile {
  /** The S3 key VPC Flow Logs would write it under. */
  readonly key: string;
  readonly text: string;
}

export interface SyntheticFlowLogOptions {
  readonly end: Date;
  readonly days?: number;
  readonly accountId?: string;
  readonly region?: string;
}

const DAY_MS = 86_400_000;
const REJECTED_SHARE = 0.05;
const NODATA_SHARE = 0.01;

/** One file per day, each with the header line and every demo instance's flows of that day. */
export function generateSyntheticFlowLogs(
  options: SyntheticFlowLogOptions,
  random: Random,
): FlowLogFile[] {
  const days = options.days ?? 14;
  const account = options.accountId ?? '123456789012';
  const region = options.region ?? 'us-east-1';
  const firstDay = Math.floor(options.end.getTime() / DAY_MS) - days + 1;
  const files: FlowLogFile[] = [];
  for (let day = firstDay; day < firstDay + days; day++) {
    const lines = [DEMO_FLOW_LOG_FORMAT];
    for (const instance of DEMO_INSTANCES) {
      for (let i = 0; i < instance.flowsPerDay; i++) {
        lines.push(flowLine(instance, account, day, random));
      }
    }
    const date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    const [yyyy, mm, dd] = date.split('-');
    const stamp = `${date.replaceAll('-', '')}T0000Z`;
    files.push({
      key: `AWSLogs/${account}/vpcflowlogs/${region}/${yyyy}/${mm}/${dd}/${account}_vpcflowlogs_${region}_fl-0123456789abcdef0_${stamp}_${day.toString(16)}.log.gz`,
      text: `${lines.join('\n')}\n`,
    });
  }
  return files;
}

function flowLine(instance: DemoInstance, account: string, day: number, random: Random): string {
  const start = Math.floor((day * DAY_MS + random.next() * DAY_MS) / 1000);
  const head = `5 ${account} ${instance.interfaceId} ${instance.instanceId}`;
  if (random.next() < NODATA_SHARE) {
    return `${head} - - - - - - - ${start} ${start + 60} - NODATA -`;
  }
  let pick = random.next();
  let peer = instance.peers[instance.peers.length - 1];
  for (const candidate of instance.peers) {
    if (pick < candidate.share) {
      peer = candidate;
      break;
    }
    pick -= candidate.share;
  }
  const range = parseCidr(peer?.cidr ?? '198.51.100.0/24') ?? { first: 0, size: 1 };
  const remote = numberToIpv4(range.first + randomInt(random, range.size));
  const ephemeral = 32_768 + randomInt(random, 28_000);
  const port = peer?.port ?? 443;
  const ingress = peer?.direction === 'ingress';
  const [src, dst, srcPort, dstPort] = ingress
    ? [remote, instance.privateIp, ephemeral, port]
    : [instance.privateIp, remote, ephemeral, port];
  const action = random.next() < REJECTED_SHARE ? 'REJECT' : 'ACCEPT';
  const packets = 1 + randomInt(random, 40);
  return `${head} ${src} ${dst} ${srcPort} ${dstPort} 6 ${packets} ${packets * 120} ${start} ${start + 60} ${action} OK ${peer?.direction ?? 'egress'}`;
}
