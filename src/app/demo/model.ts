import { trainDemoModel } from './trainDemoModel';
import { EmbeddedScorer } from '../../ipinsights/embeddedScorer';
import { loadModel, ModelNotFoundError, saveModel } from '../../ipinsights/modelStore';

export const DEMO_MODEL_FILE = 'demo-model.ipim';

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
    return { scorer: new EmbeddedScorer(await loadModel(path)), path, trained: false };
  } catch (error) {
    if (!(error instanceof ModelNotFoundError)) throw error;
  }
  const { model, scorer } = trainDemoModel({ now });
  await saveModel(model, path);
  return { scorer, path, trained: true };
}
