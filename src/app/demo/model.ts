import { trainDemoModel } from './trainDemoModel';
import { EmbeddedScorer } from '../../ipinsights/embeddedScorer';
import { loadModel, ModelNotFoundError, saveModel } from '../../ipinsights/modelStore';

export const DEMO_MODEL_FILE = 'demo-model.ipim';
/** GuardDuty's sample instance, which the demo's flow logs train. */
const DEMO_INSTANCE = 'i-99999999';

export interface DemoScorer {
  readonly scorer: EmbeddedScorer;
  readonly path: string;
  /** True when this start trained the model (first start on the data folder). */
  readonly trained: boolean;
}

/**
 * The IP Insights scorer of the demo: the model trained on synthetic CloudTrail at the first
 * start and kept in the data folder, so scores stay the same from one run to the next.
 */
export async function demoScorer(path: string, now: () => Date): Promise<DemoScorer> {
  try {
    const model = await loadModel(path);
    // A model kept from before the demo learned instances from flow logs is trained again.
    if (model.history !== undefined && model.isKnownEntity(DEMO_INSTANCE)) {
      return { scorer: new EmbeddedScorer(model), path, trained: false };
    }
  } catch (error) {
    if (!(error instanceof ModelNotFoundError)) throw error;
  }
  const { model, scorer } = trainDemoModel({ now });
  await saveModel(model, path);
  return { scorer, path, trained: true };
}
