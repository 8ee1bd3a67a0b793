import { calibrate } from './calibration';
import { ipv4ToNumber, parseIp } from './ip';
import type { IpInsightsModel, ModelMetadata } from './model';
import type { ScoreResult, Scorer, Tuple } from './scorer';

const IPV6_UNSCORED = 'IPv6 address: IP Insights models score IPv4 only';

/** Why a tuple that is not IPv4 is unscored: IPv6 is a normal outcome, anything else a bad IP. */
export function unscoredIpReason(ip: string): string {
  return parseIp(ip).kind === 'ipv6' ? IPV6_UNSCORED : `not an IP address: ${ip}`;
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

  scoreOne(tuple: Tuple): ScoreResult {
    const ip = ipv4ToNumber(tuple.ip);
    if (ip < 0) return { kind: 'unscored', reason: unscoredIpReason(tuple.ip) };
    const score = this.model.scoreIpv4(tuple.entity, ip);
    const calibration = calibrate(
      this.model.parts.calibration,
      score,
      this.model.isKnownEntity(tuple.entity),
    );
    return { kind: 'scored', score, calibration };
  }
}
