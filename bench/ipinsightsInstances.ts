import type { Network } from './ipinsightsHarder';
import { randomInt, type Random } from '../src/ipinsights/random';
import { TrainingSetBuilder, type TrainingSet } from '../src/ipinsights/trainingSet';

/**
 * Instances as VPC Flow Logs show them, for the "same model or a second one" question: web
 * servers answer clients from popular networks and call a few AWS service ranges, workers call
 * the partner APIs of their service group, bastions take SSH from the company's offices. Remote
 * addresses only (accepted flows, RFC 1918 peers left out), as the flow log reader yields them.
 */

export interface InstanceData {
  readonly train: TrainingSet;
  readonly test: { readonly entities: readonly string[]; readonly ips: Uint32Array };
}

const HOLD_OUT = 0.1;

export function generateInstanceData(
  networks: readonly Network[],
  instances: number,
  random: Random,
): InstanceData {
  const pick = (): Network => networks[randomInt(random, Math.min(2000, networks.length))]!;
  const ipIn = (network: Network): number => {
    const block = network.blocks[randomInt(random, network.blocks.length)]!;
    return block.first + randomInt(random, block.size);
  };
  const awsRanges = [pick(), pick(), pick()];
  const groups = Array.from({ length: Math.ceil(instances / 10) }, () =>
    Array.from({ length: 2 + randomInt(random, 4) }, () => {
      const partner = pick();
      const base = ipIn(partner);
      return Array.from({ length: 8 }, (_, i) => base - (base % 256) + i * 7);
    }),
  );
  const offices = Array.from({ length: 5 }, () => {
    const base = ipIn(pick());
    return [base, base + 1];
  });
  const builder = new TrainingSetBuilder();
  const testEntities: string[] = [];
  const testIps: number[] = [];
  for (let i = 0; i < instances; i++) {
    const id = `i-${(0x1000000 + i).toString(16)}00000000`;
    const role = random.next();
    const flows = Math.min(5000, Math.floor(200 / (1 - random.next())));
    const group = groups[i % groups.length] ?? [];
    const office = offices[randomInt(random, offices.length)] ?? [0];
    for (let f = 0; f < flows; f++) {
      let ip: number;
      if (role < 0.4) {
        // Web: clients from popular networks (the first ranks), and AWS service calls.
        ip =
          random.next() < 0.7
            ? ipIn(networks[Math.floor(random.next() ** 3 * networks.length)] ?? pick())
            : ipIn(awsRanges[randomInt(random, awsRanges.length)] ?? pick());
      } else if (role < 0.8) {
        const partner = group[randomInt(random, group.length)] ?? [0];
        ip = partner[randomInt(random, partner.length)] ?? 0;
      } else {
        ip = office[randomInt(random, office.length)] ?? 0;
      }
      if (random.next() < HOLD_OUT) {
        testEntities.push(id);
        testIps.push(ip);
      } else builder.add(id, ip);
    }
  }
  return {
    train: builder.build(),
    test: { entities: testEntities, ips: Uint32Array.from(testIps) },
  };
}

/** Two training sets as one (the principals' and the instances'). */
export function mergedSets(a: TrainingSet, b: TrainingSet): TrainingSet {
  const builder = new TrainingSetBuilder();
  for (const set of [a, b]) {
    set.entityOfPair.forEach((entity, pair) => {
      builder.add(set.entities[entity] ?? '', set.ipOfPair[pair] ?? 0);
    });
  }
  return builder.build();
}
