import { digestFunction } from '../app/digestFunction';

/** template.yaml DigestFunction: the daily digest, and `/guardduty digest`. */
export const handler = digestFunction();
