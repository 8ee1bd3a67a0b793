import { buildFrequencyPrior } from '../../src/ipinsights/frequencyPrior';
import { ipv4ToNumber } from '../../src/ipinsights/ip';
import { entityFingerprint } from '../../src/ipinsights/model';
import { seededRandom } from '../../src/ipinsights/random';
import { TrainingSetBuilder } from '../../src/ipinsights/trainingSet';

const ip = ipv4ToNumber;

/**
 * Alice logs in from her home (one address) and, now and then, from a shared carrier pool; Bob
 * from his home in a network many others use too; everyone else from the carrier pool and the
 * popular network.
 */
function logins() {
  const random = seededRandom(5);
  const builder = new TrainingSetBuilder();
  const anyIn = (cidr16: string) => ip(cidr16) + Math.floor(random.next() * 65536);
  for (let i = 0; i < 200; i++) builder.add('alice', ip('81.2.69.160'));
  for (let i = 0; i < 50; i++) builder.add('alice', anyIn('100.64.0.0'));
  for (let i = 0; i < 200; i++) builder.add('bob', ip('90.80.70.60'));
  for (let u = 0; u < 30; u++) {
    for (let i = 0; i < 20; i++)
      builder.add(`user-${u}`, anyIn(i % 2 === 0 ? '90.80.0.0' : '100.64.0.0'));
  }
  return builder.build();
}

describe('frequency prior', () => {
  const set = logins();
  const fingerprints = set.entities.map(entityFingerprint);
  const { exact, compact } = buildFrequencyPrior(
    (pair) => fingerprints[set.entityOfPair[pair] ?? 0] ?? 0,
    set.ipOfPair,
  );
  const alice = entityFingerprint('alice');
  const score = (address: string) => compact.score(alice, ip(address));

  it("ranks the entity's own address first and another user's address last", () => {
    const own = score('81.2.69.160');
    const ownCarrier = score('100.64.77.1');
    const firstVisitToPopularNetwork = score('90.80.1.2');
    const nobodysNetwork = score('203.0.113.9');
    const bobsHome = score('90.80.70.60');
    expect(own).toBeGreaterThan(ownCarrier);
    expect(ownCarrier).toBeGreaterThan(firstVisitToPopularNetwork);
    expect(firstVisitToPopularNetwork).toBeGreaterThan(nobodysNetwork);
    expect(nobodysNetwork).toBeGreaterThan(bobsHome);
  });

  it('reads the same from the compact table, which drops addresses and /24s seen once', () => {
    expect(compact.entries).toBeLessThan(exact.entries);
    const differing = Array.from(set.ipOfPair).filter((address, pair) => {
      const entity = fingerprints[set.entityOfPair[pair] ?? 0] ?? 0;
      return compact.score(entity, address) !== exact.score(entity, address);
    });
    expect(differing).toEqual([]);
  });

  it('scores a training pair left out as a new pair of the same kind', () => {
    // One of the users' carrier logins, seen once: left out, it is a new carrier address.
    const pair = set.entities.indexOf('user-3');
    const first = set.entityOfPair.indexOf(pair);
    const seenOnce = set.ipOfPair[first] ?? 0;
    const user = fingerprints[pair] ?? 0;
    expect(exact.score(user, seenOnce, 1)).toBeCloseTo(exact.score(user, seenOnce + 1, 0), 1);
    // Alice's home, 200 times: one fewer changes little.
    const home = ip('81.2.69.160');
    expect(exact.score(alice, home, 1)).toBeCloseTo(exact.score(alice, home, 0), 1);
  });

  it('gives an entity it never counted the same score at every address of a network', () => {
    const stranger = entityFingerprint('mallory');
    expect(compact.score(stranger, ip('203.0.113.9'))).toBe(
      compact.score(stranger, ip('198.51.100.1')),
    );
  });
});
