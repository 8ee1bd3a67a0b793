import { AthenaQueries } from '../aws/athenaQueries';
import { SageMakerTrainingJobs } from '../aws/sageMakerJobs';
import type { QueryRunner } from '../ipinsights/athenaTuples';
import type { SageMakerJobs } from '../ipinsights/sageMakerTraining';

/** SageMaker's control plane for `train --sagemaker`, in the region asked for. */
export function sageMakerJobs(region: string): SageMakerJobs {
  return SageMakerTrainingJobs.inRegion(region);
}

/** Athena for `tuples --athena`, in the region asked for. */
export function athenaQueries(region: string): QueryRunner {
  return AthenaQueries.inRegion(region);
}
