import { severityBand, typeGlob, type Finding } from '../findings';
import { resourceTags } from './resourceTags';
import type { Route, RouteMatch, RoutingTable } from './routes';

/** What the routes decided for one finding. */
export type RouteDecision =
  | {
      readonly kind: 'deliver';
      readonly route: string;
      readonly channels: readonly string[];
      readonly page: boolean;
      readonly digest?: string;
    }
  | { readonly kind: 'drop'; readonly route: string; readonly reason: string };

function anyPattern(patterns: readonly string[], value: string): boolean {
  return patterns.some((pattern) => typeGlob(pattern)(value));
}

export function routeMatches(match: RouteMatch, finding: Finding): boolean {
  if (match.severity !== undefined && !match.severity.includes(severityBand(finding.severity))) {
    return false;
  }
  if (match.type !== undefined && !anyPattern(match.type, finding.type)) return false;
  if (match.account !== undefined && !match.account.includes(finding.accountId)) return false;
  if (match.tag !== undefined) {
    const tags = resourceTags(finding);
    for (const [key, values] of Object.entries(match.tag)) {
      const value = tags.get(key);
      if (value === undefined || !anyPattern(values, value)) return false;
    }
  }
  return true;
}

function decisionOf(route: Route): RouteDecision {
  const { action } = route;
  if (action.kind === 'drop') return { kind: 'drop', route: route.name, reason: action.reason };
  return {
    kind: 'deliver',
    route: route.name,
    channels: action.channels,
    page: action.page,
    ...(action.digest === undefined ? {} : { digest: action.digest }),
  };
}

/** The first route that matches decides; the defaults at the end match every severity. */
export function routeFinding(table: RoutingTable, finding: Finding): RouteDecision {
  const route = table.routes.find((r) => routeMatches(r.match, finding));
  if (route === undefined) {
    return { kind: 'drop', route: '(none)', reason: 'no route matches' };
  }
  return decisionOf(route);
}
