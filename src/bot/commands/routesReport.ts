import type { Route, RoutingTable } from '../../routing/routes';
import { code, ours } from '../render/text';

function list(values: readonly string[], shown: (value: string) => string): string {
  return values.map(shown).join(' or ');
}

/** What a route matches, in words: "severity High or Critical · type `Recon:*`". */
function matchWords(route: Route): string {
  const { match } = route;
  const parts = [
    match.severity === undefined ? undefined : `severity ${match.severity.join(' or ')}`,
    match.type === undefined ? undefined : `type ${list(match.type, (t) => code(t, 120))}`,
    match.account === undefined ? undefined : `account ${list(match.account, (a) => code(a, 20))}`,
    ...Object.entries(match.tag ?? {}).map(
      ([key, values]) => `tag ${code(key, 80)} = ${list(values, (v) => code(v, 80))}`,
    ),
  ].filter((part): part is string => part !== undefined);
  return parts.length === 0 ? 'every finding' : parts.join(' · ');
}

function targetWords(route: Route): string {
  const { action } = route;
  if (action.kind === 'drop') return `dropped: ${ours(action.reason, 300)}`;
  const targets = [
    ...action.channels.map((c) => `<#${c}>`),
    ...(action.digest === undefined ? [] : [`daily digest in <#${action.digest}>`]),
    ...(action.page ? ['page on-call'] : []),
  ];
  return targets.join(' + ');
}

/** `/guardduty status`: the routes in force, in the order they are tried. */
export function routesLines(table: RoutingTable): string[] {
  const minutes = Math.round(table.grouping.windowMs / 60_000);
  const window =
    minutes >= 1 ? `${minutes} min` : `${Math.round(table.grouping.windowMs / 1000)} s`;
  return [
    `:twisted_rightwards_arrows: *Routes* from ${ours(table.source, 200)}, the first that matches decides:`,
    ...table.routes.map(
      (route, i) =>
        `${i + 1}. ${code(route.name, 70)}${route.origin === 'default' ? ' _(default)_' : ''}: ${matchWords(route)} → ${targetWords(route)}`,
    ),
    `Bursts: ${table.grouping.threshold} or more findings of one type and account within ${window} share one message and its thread.`,
  ];
}
