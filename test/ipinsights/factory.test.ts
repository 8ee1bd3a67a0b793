import { EmbeddedScorer } from '../../src/ipinsights/embeddedScorer';
import { ScorerConfigError, createScorer } from '../../src/ipinsights/factory';
import { saveModel } from '../../src/ipinsights/modelStore';
import { SageMakerScorer } from '../../src/ipinsights/sageMakerScorer';
import { NoModelScorer } from '../../src/ipinsights/scorer';
import { trainDemoModel } from '../../src/app/demo/trainDemoModel';
import { join } from 'node:path';
import { tempDir } from './support';

const invoker = { invoke: () => Promise.resolve('{"predictions":[]}') };

describe('createScorer', () => {
  it('gives the no-model scorer when nothing is configured', async () => {
    const scorer = await createScorer({}, {});
    expect(scorer).toBeInstanceOf(NoModelScorer);
    await expect(scorer.score([{ entity: 'a', ip: '10.0.0.1' }])).resolves.toEqual([
      { kind: 'unscored', reason: 'no model configured', cause: 'no-model' },
    ]);
  });

  it('refuses a model and an endpoint together', async () => {
    await expect(createScorer({ model: 'm.ipim', endpoint: 'ipi' }, { invoker })).rejects.toThrow(
      new ScorerConfigError(
        'IPINSIGHTS_MODEL and IPINSIGHTS_ENDPOINT are both set; set only one of them',
      ),
    );
  });

  it('selects the SageMaker endpoint', async () => {
    const scorer = await createScorer({ endpoint: 'ipi' }, { invoker });
    expect(scorer).toBeInstanceOf(SageMakerScorer);
    expect(scorer.description).toBe('SageMaker endpoint ipi');
  });

  it('needs a SageMaker client for an endpoint', async () => {
    await expect(createScorer({ endpoint: 'ipi' }, {})).rejects.toThrow(ScorerConfigError);
  });

  it('loads an embedded model from a path and exposes its metadata', async () => {
    const { model } = trainDemoModel({ now: () => new Date('2026-11-25T08:00:00Z') });
    const path = join(await tempDir(), 'demo.ipim');
    await saveModel(model, path);
    const scorer = await createScorer({ model: path }, {});
    if (!(scorer instanceof EmbeddedScorer)) throw new Error(`got ${scorer.description}`);
    expect(scorer.metadata).toEqual(model.metadata);
    expect(scorer.description).toMatch(
      /^embedded model \(trained 2026-11-25, [\d,]+ pairs, \d+ entities\)$/,
    );
  });

  it('refuses an s3:// model without S3 access', async () => {
    await expect(createScorer({ model: 's3://models/m.ipim' }, {})).rejects.toThrow(
      'cannot read s3://models/m.ipim: no S3 access configured',
    );
  });
});
