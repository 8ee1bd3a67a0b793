import { workerFunction } from '../app/workerFunction';

/** template.yaml WorkerFunction: intents and deferred commands, invoked by the Slack function. */
export const handler = workerFunction();
