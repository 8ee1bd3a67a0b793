import { findingsFunction } from '../app/findingsFunction';

/** template.yaml FindingsFunction: GuardDuty findings from EventBridge. */
export const handler = findingsFunction();
