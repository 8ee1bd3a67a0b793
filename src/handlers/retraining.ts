import { retrainingFunction } from '../app/retrainingFunction';

/** template.yaml RetrainingFunction: the scheduled retraining of the IP Insights model. */
export const handler = retrainingFunction();
