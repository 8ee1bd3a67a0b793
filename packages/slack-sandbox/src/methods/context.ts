import type { Grants } from '../grants';
import type { Clock } from '../types';
import type { ViewRegistry } from '../views';
import type { Workspace } from '../workspace';

/** The state a Web API method reads and changes. */
export interface MethodContext {
  readonly workspace: Workspace;
  readonly views: ViewRegistry;
  readonly grants: Grants;
  readonly clock: Clock;
}

/** The fields of a successful answer, without `ok` (the dispatcher adds it). */
export type MethodResult = Record<string, unknown>;

/** One Web API method: parses its arguments, throws SlackApiError for Slack's error answers. */
export type MethodHandler = (args: Record<string, unknown>, context: MethodContext) => MethodResult;
