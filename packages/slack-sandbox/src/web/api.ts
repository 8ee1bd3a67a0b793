import type { BotResponse } from '../types';

/** How an action sent through the local Slack ended, in the words Slack would show. */
export type ActionResult = { readonly ok: true } | { readonly ok: false; readonly problem: string };

/** Slack gives up on an app after 3 seconds. */
const SLACK_TIMEOUT_MS = 3000;

export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/**
 * POSTs to the local Slack's observer API (`/local/click` …) and reads the bot's answer: a
 * non-200 answer or one slower than Slack waits is a failure, like in Slack.
 */
export async function act(path: string, body: unknown): Promise<ActionResult> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    return { ok: false, problem: 'the sandbox is not running (connection refused)' };
  }
  const answer = (await response.json()) as Partial<BotResponse> & { error?: string };
  if (response.status !== 200) {
    return { ok: false, problem: answer.error ?? `HTTP ${response.status}` };
  }
  if ((answer.elapsedMs ?? 0) > SLACK_TIMEOUT_MS) {
    return { ok: false, problem: 'operation_timeout' };
  }
  if (answer.status !== undefined && answer.status !== 200) {
    return { ok: false, problem: `dispatch_failed (the app answered HTTP ${answer.status})` };
  }
  return { ok: true };
}
