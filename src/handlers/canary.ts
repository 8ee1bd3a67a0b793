import { canaryFunction } from '../app/canaryFunction';

/** template.yaml CanaryFunction: the scheduled end-to-end check, and `/guardduty status --check`. */
export const handler = canaryFunction();
