import { calibrate } from './calibration';
import { parseIp } from './ip';
import type { IpInsightsModel, ModelMetadata } from './model';
import type { ScoreResult, Scorer, Tuple } from './scorer';

const IPV6_UNSCORED = 'IPv6 address: IP Insights models score IPv4 only';
const LEADING_ZERO_UNSCORED = 'IPv4 address with a leading zero (octal or decimal is ambiguous)';

/** The unscored result of a tuple that is not IPv4: IPv6 is a normal outcome, anything else a bad IP. */
export function unscoredIp(ip: string): ScoreResult {
  const kind = parseIp(ip).kind;
  if (kind === 'ipv6') return { kind: 'unscored', reason: IPV6_UNSCORED, cause: 'ipv6' };
  const reason = kind === 'leading-zero' ? LEADING_ZERO_UNSCORED : `not an IP address: ${ip}`;
  return { kind: 'unscored', reason, cause: 'not-an-ip' };
}

/** The Scorer over a model held in memory: no network, microseconds a tuple. */
export class EmbeddedScorer implements Scorer {
  readonly description: string;

  constructor(readonly model: IpInsightsModel) {
    const { trainedAt, trainingPairs, entityCount } = model.metadata;
    this.description = `embedded model (trained ${trainedAt.slice(0, 10)}, ${trainingPairs.toLocaleString('en-US')} pairs, ${entityCount.toLocaleString('en-US')} entities)`;
  }

  get metadata(): ModelMetadata {
    return this.model.metadata;
  }

  score(tuples: readonly Tuple[]): Promise<ScoreResult[]> {
    return Promise.resolve(tuples.map((tuple) => this.scoreOne(tuple)));
  }

  /**
   * An entity the model never saw is not scored: its embedding is untrained, so its number
   * (exactly 0) would carry no information and read as a judgement.
   */
  scoreOne(tuple: Tuple): ScoreResult {
    const ip = parseIp(tuple.ip);
    if (ip.kind !== 'ipv4') return unscoredIp(tuple.ip);
    const entity = this.model.entityIndex(tuple.entity);
    if (entity < 0) {
      return { kind: 'unscored', reason: 'no history in training', cause: 'unknown-entity' };
    }
    const score = this.model.scoreIpv4(tuple.entity, ip.value);
    return { kind: 'scored', score, calibration: calibrate(this.model, entity, score, ip.value) };
  }
}
