import { pagerFunction } from '../app/pagerFunction';

/** template.yaml PagerFunction: page requests from the page queue, to PagerDuty. */
export const handler = pagerFunction();
