/** The on-call tool the messages name. */
export const PAGING_TOOL = 'PagerDuty';
