import type { SeverityBand } from '../findings';

/** What a route matches: every field given must hold; a list holds when any of its items does. */
export interface RouteMatch {
  readonly severity?: readonly SeverityBand[];
  /** Finding-type patterns, `*` matching any text. */
  readonly type?: readonly string[];
  /** 12-digit AWS account ids (the member account under a delegated administrator). */
  readonly account?: readonly string[];
  /** Resource tag key → accepted value patterns (`*` matches any text). */
  readonly tag?: Readonly<Record<string, readonly string[]>>;
}

/** Where a matching finding goes. */
export type RouteAction =
  | {
      readonly kind: 'deliver';
      /** Posted at once, in each of these channels. */
      readonly channels: readonly string[];
      /** Page the on-call team (when paging is configured). */
      readonly page: boolean;
      /** Gathered for this channel's daily digest. */
      readonly digest?: string;
    }
  | { readonly kind: 'drop'; readonly reason: string };

export interface Route {
  readonly name: string;
  readonly match: RouteMatch;
  readonly action: RouteAction;
  /** `file`: written by the operator; `default`: the built-in routes after them. */
  readonly origin: 'file' | 'default';
}

/** Many findings of one type and account within `windowMs` become one message with a thread. */
export interface Grouping {
  readonly windowMs: number;
  /** How many findings of one kind in one batch open a group (1 = always group). */
  readonly threshold: number;
}

export interface RoutingTable {
  /** In order: the first route that matches decides. The defaults come last. */
  readonly routes: readonly Route[];
  readonly grouping: Grouping;
  /** Where the routes were read from, for `/guardduty status` and the logs. */
  readonly source: string;
}

export const DEFAULT_GROUPING: Grouping = { windowMs: 5 * 60_000, threshold: 5 };

/**
 * The built-in routes: Critical and High to the channel and on-call, Medium to the channel, Low
 * to the daily digest. They follow the file's routes, so a finding no route names still arrives.
 */
export function defaultRoutes(channel: string): Route[] {
  return [
    {
      name: 'default-critical-high',
      match: { severity: ['Critical', 'High'] },
      action: { kind: 'deliver', channels: [channel], page: true },
      origin: 'default',
    },
    {
      name: 'default-medium',
      match: { severity: ['Medium'] },
      action: { kind: 'deliver', channels: [channel], page: false },
      origin: 'default',
    },
    {
      name: 'default-low',
      match: { severity: ['Low'] },
      action: { kind: 'deliver', channels: [], page: false, digest: channel },
      origin: 'default',
    },
  ];
}

/** The routes in force when no routing file is configured. */
export function defaultRoutingTable(channel: string): RoutingTable {
  return {
    routes: defaultRoutes(channel),
    grouping: DEFAULT_GROUPING,
    source: 'built-in defaults',
  };
}
