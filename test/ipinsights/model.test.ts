import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedScorer } from '../../src/ipinsights/embeddedScorer';
import { resolveHyperparameters } from '../../src/ipinsights/hyperparameters';
import { ipv4ToNumber } from '../../src/ipinsights/ip';
import { IpInsightsModel, entityFingerprint } from '../../src/ipinsights/model';
import { decodeModel, encodeModel, ModelFormatError } from '../../src/ipinsights/modelFile';
import { loadModel, ModelNotFoundError, saveModel } from '../../src/ipinsights/modelStore';
import { seededRandom } from '../../src/ipinsights/random';
import { EmptyTrainingSetError, trainModel } from '../../src/ipinsights/train';
import { TrainingSetBuilder } from '../../src/ipinsights/trainingSet';
import type { ScoreResult } from '../../src/ipinsights/scorer';

const NOW = new Date('2026-11-25T10:00:00Z');

/** Two teams on clearly separate networks: alice-* in 10.1.0.0/16, bob-* in 172.20.0.0/16. */
function separatedData(seed = 3) {
  const random = seededRandom(seed);
  const builder = new TrainingSetBuilder();
  for (let i = 0; i < 4000; i++) {
    const alice = i % 2 === 0;
    const base = alice ? ipv4ToNumber('10.1.0.0') : ipv4ToNumber('172.20.0.0');
    builder.add(`${alice ? 'alice' : 'bob'}-${i % 10}`, base + Math.floor(random.next() * 65536));
  }
  return builder.build();
}

function train(seed = 1) {
  const hyperparameters = resolveHyperparameters({ vector_dim: 16, epochs: 4, seed }, 10);
  return trainModel(separatedData(), { hyperparameters, now: () => NOW });
}

function scoreOf(result: ScoreResult | undefined): number {
  if (result?.kind !== 'scored') throw new Error(`not scored: ${JSON.stringify(result)}`);
  return result.score;
}

describe('trained model', () => {
  const { model, epochLosses } = train();
  const scorer = new EmbeddedScorer(model);

  it('ranks a pair from the other team network below a familiar one, even for a new address', async () => {
    const [familiar, foreign] = await scorer.score([
      { entity: 'alice-2', ip: '10.1.200.7' },
      { entity: 'alice-2', ip: '172.20.200.7' },
    ]);
    expect(scoreOf(familiar)).toBeGreaterThan(scoreOf(foreign));
    // The learned part alone ranks them the same way: the embeddings generalise to the /16.
    expect(model.dotProduct('alice-2', ipv4ToNumber('10.1.200.7'))).toBeGreaterThan(
      model.dotProduct('alice-2', ipv4ToNumber('172.20.200.7')) + 1,
    );
  });

  it('calibrates: a familiar pair is typical, a foreign one beyond almost all normal activity', async () => {
    const [familiar, foreign] = await scorer.score([
      { entity: 'bob-3', ip: '172.20.1.1' },
      { entity: 'bob-3', ip: '10.1.1.1' },
    ]);
    expect(familiar?.kind === 'scored' && familiar.calibration?.unusualVsNormal).toBeLessThan(0.9);
    expect(foreign?.kind === 'scored' && foreign.calibration?.unusualVsNormal).toBeGreaterThan(
      0.99,
    );
  });

  it('does not score an entity never seen in training: its number would mean nothing', async () => {
    const [seen, unseen] = await scorer.score([
      { entity: 'alice-0', ip: '10.1.0.1' },
      { entity: 'carol', ip: '10.1.0.1' },
    ]);
    expect(seen?.kind === 'scored' && seen.calibration?.knownEntity).toBe(true);
    expect(unseen).toEqual({
      kind: 'unscored',
      reason: 'no history in training',
      cause: 'unknown-entity',
    });
  });

  it("keeps each entity's history: its own percentiles and the /16s it was seen from", async () => {
    const [own, foreign] = await scorer.score([
      { entity: 'alice-2', ip: '10.1.200.7' },
      { entity: 'alice-2', ip: '172.20.200.7' },
    ]);
    expect(own?.kind === 'scored' && own.calibration).toMatchObject({
      unusualVsOwn: expect.any(Number) as number,
      history: { pairs: 400, network: { network: '10.1.0.0/16', count: 400, complete: true } },
    });
    expect(own?.kind === 'scored' && own.calibration?.unusualVsOwn).toBeLessThan(0.9);
    expect(foreign?.kind === 'scored' && foreign.calibration).toMatchObject({
      unusualVsOwn: 1,
      history: { pairs: 400, network: { network: '172.20.0.0/16', count: 0, complete: true } },
    });
  });

  it('reports IPv6 and non-addresses as unscored, never throwing', async () => {
    await expect(
      scorer.score([
        { entity: 'alice-0', ip: '2001:db8::1' },
        { entity: 'alice-0', ip: 'ec2.amazonaws.com' },
      ]),
    ).resolves.toEqual([
      {
        kind: 'unscored',
        reason: 'IPv6 address: IP Insights models score IPv4 only',
        cause: 'ipv6',
      },
      { kind: 'unscored', reason: 'not an IP address: ec2.amazonaws.com', cause: 'not-an-ip' },
    ]);
  });

  it('learns: the loss falls from epoch to epoch', () => {
    expect(epochLosses).toHaveLength(4);
    expect(epochLosses[3]).toBeLessThan(epochLosses[0]!);
  });

  it('describes itself with its training date and size', () => {
    expect(scorer.description).toBe(
      'embedded model (trained 2026-11-25, 4,000 pairs, 10 entities)',
    );
    expect(scorer.metadata).toEqual({
      trainedAt: '2026-11-25T10:00:00.000Z',
      trainingPairs: 4000,
      entityCount: 10,
      finalLoss: epochLosses[3],
    });
  });

  it('is deterministic for a seed and differs for another seed', () => {
    expect(Buffer.from(encodeModel(train(1).model)).equals(Buffer.from(encodeModel(model)))).toBe(
      true,
    );
    expect(Buffer.from(encodeModel(train(2).model)).equals(Buffer.from(encodeModel(model)))).toBe(
      false,
    );
  });
});

/**
 * The model as an older build wrote it: that version number, and a header without the
 * hyperparameters added since (frequency_prior_weight came with version 3).
 */
function asVersion(model: IpInsightsModel, version: 1 | 2): Buffer {
  const bytes = Buffer.from(encodeModel(model));
  const headerLength = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength)) as {
    hyperparameters: Record<string, unknown>;
  };
  delete header.hyperparameters.frequency_prior_weight;
  const text = Buffer.from(JSON.stringify(header));
  const padded = Buffer.alloc(Math.ceil((12 + text.length) / 4) * 4 - 12, ' ');
  text.copy(padded);
  const sections = bytes.subarray(Math.ceil((12 + headerLength) / 4) * 4);
  const out = Buffer.concat([bytes.subarray(0, 12), padded, sections]);
  out.writeUInt32LE(version, 4);
  out.writeUInt32LE(padded.length, 8);
  return out;
}

describe('model file', () => {
  const { model } = train();
  const probes = [
    { entity: 'alice-1', ip: '10.1.3.4' },
    { entity: 'bob-1', ip: '10.1.3.4' },
    { entity: 'nobody', ip: '8.8.8.8' },
  ];

  it('round-trips through a local file with identical scores and metadata', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'ipinsights-')), 'model.ipim');
    const bytes = await saveModel(model, path);
    expect((await readFile(path)).length).toBe(bytes);
    const loaded = await loadModel(path);
    expect(await new EmbeddedScorer(loaded).score(probes)).toEqual(
      await new EmbeddedScorer(model).score(probes),
    );
    expect(loaded.metadata).toEqual(model.metadata);
    expect(loaded.hyperparameters).toEqual(model.hyperparameters);
  });

  it('keeps the training counts: the score is the dot product plus their log likelihood ratio', () => {
    const decoded = decodeModel(encodeModel(model));
    const address = ipv4ToNumber('10.1.3.4');
    expect(decoded.prior?.entries).toBe(model.prior?.entries);
    expect(decoded.scoreIpv4('alice-1', address)).toBe(model.scoreIpv4('alice-1', address));
    expect(model.scoreIpv4('alice-1', address)).toBeCloseTo(
      model.dotProduct('alice-1', address) +
        (model.prior?.score(entityFingerprint('alice-1'), address) ?? Number.NaN),
      5,
    );
  });

  it('reads a version 2 file (no training counts): the dot product alone, with its history', () => {
    const { prior: _prior, ...v2Parts } = model.parts;
    const decoded = decodeModel(asVersion(new IpInsightsModel(v2Parts), 2));
    expect(decoded.prior).toBeUndefined();
    expect(decoded.hyperparameters.frequency_prior_weight).toBe(0);
    expect(decoded.history).toBeDefined();
    const address = ipv4ToNumber('10.1.3.4');
    expect(decoded.scoreIpv4('alice-2', address)).toBe(model.dotProduct('alice-2', address));
  });

  it('reads a version 1 file (no history): scores alike, readings from the account alone', () => {
    const { history: _history, prior: _prior, ...v1Parts } = model.parts;
    const decoded = decodeModel(asVersion(new IpInsightsModel(v1Parts), 1));
    expect(decoded.history).toBeUndefined();
    const result = new EmbeddedScorer(decoded).scoreOne({ entity: 'alice-2', ip: '10.1.3.4' });
    expect(result).toEqual({
      kind: 'scored',
      score: model.dotProduct('alice-2', ipv4ToNumber('10.1.3.4')),
      calibration: {
        unusualVsNormal: expect.any(Number) as number,
        unusualVsRandom: expect.any(Number) as number,
        knownEntity: true,
      },
    });
  });

  it('decodes from a buffer at an odd byte offset', () => {
    const bytes = encodeModel(model);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const decoded = decodeModel(shifted.subarray(1));
    expect(decoded.scoreIpv4('alice-1', ipv4ToNumber('10.1.3.4'))).toBe(
      model.scoreIpv4('alice-1', ipv4ToNumber('10.1.3.4')),
    );
  });

  it('rejects an unknown format version with a clear message', () => {
    const bytes = Buffer.from(encodeModel(model));
    bytes.writeUInt32LE(7, 4);
    expect(() => decodeModel(bytes)).toThrow(
      new ModelFormatError(
        'model file format version 7 is not supported (this build reads versions 1, 2 and 3)',
      ),
    );
  });

  it('rejects a file that is not a model', () => {
    expect(() => decodeModel(Buffer.from('entity,ip\nalice,10.0.0.1\n'))).toThrow(
      'not an IP Insights model file (no "IPIM" header)',
    );
  });

  it('rejects a truncated file', () => {
    const bytes = encodeModel(model);
    expect(() => decodeModel(bytes.subarray(0, bytes.length - 8))).toThrow(
      'model file is truncated',
    );
  });

  it('rejects a training-count table it could not probe', () => {
    const prior = model.prior?.parts;
    if (prior === undefined) throw new Error('the model has no prior');
    const full = { ...prior, keys: prior.keys.map((key) => key || 2) };
    expect(() =>
      decodeModel(encodeModel(new IpInsightsModel({ ...model.parts, prior: full }))),
    ).toThrow('model file prior table has no empty slot');
    const odd = { ...prior, keys: prior.keys.subarray(1), counts: prior.counts.subarray(1) };
    expect(() =>
      decodeModel(encodeModel(new IpInsightsModel({ ...model.parts, prior: odd }))),
    ).toThrow('model file prior sections are not one power-of-two table');
  });

  it('says which model is missing', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'ipinsights-')), 'absent.ipim');
    await expect(loadModel(path)).rejects.toThrow(
      new ModelNotFoundError(`model not found: ${path}`),
    );
  });

  it('rejects a corrupt header naming the field', async () => {
    const bytes = Buffer.from(encodeModel(model));
    const headerLength = bytes.readUInt32LE(8);
    const header = bytes
      .toString('utf8', 12, 12 + headerLength)
      .replace('"vector_dim":16', '"vector_dim":"x"');
    const corrupt = Buffer.concat([
      bytes.subarray(0, 12),
      Buffer.from(header),
      bytes.subarray(12 + headerLength),
    ]);
    corrupt.writeUInt32LE(Buffer.byteLength(header), 8);
    const path = join(await mkdtemp(join(tmpdir(), 'ipinsights-')), 'corrupt.ipim');
    await writeFile(path, corrupt);
    await expect(loadModel(path)).rejects.toThrow(
      /^model file header: hyperparameters\.vector_dim /,
    );
  });
});

it('refuses to train on nothing', () => {
  const hyperparameters = resolveHyperparameters({}, 0);
  expect(() =>
    trainModel(new TrainingSetBuilder().build(), { hyperparameters, now: () => NOW }),
  ).toThrow(new EmptyTrainingSetError('no (entity, IPv4) pairs to train on'));
});
