import { slackFunction } from '../app/slackFunction';

/** template.yaml SlackFunction: Slack's signed requests, through its function URL. */
export const handler = slackFunction();
