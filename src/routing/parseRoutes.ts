import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import type { SeverityBand } from '../findings';
import { CodedError, ErrorCode } from '../shared/errors';
import {
  defaultRoutes,
  DEFAULT_GROUPING,
  type Route,
  type RouteAction,
  type RoutingTable,
} from './routes';

/** A routing file that cannot be used: one line naming the rule and the field. */
export class RoutesInvalidError extends CodedError {
  override readonly name = 'RoutesInvalidError';
  readonly code = ErrorCode.RoutesInvalid;
}

const CHANNEL_ID = z
  .string()
  .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel id (C…), not a channel name');

// Finding types: "Backdoor:EC2/C&CActivity.B!DNS"; `*` is the wildcard of a pattern.
const TYPE_PATTERN = z
  .string()
  .regex(/^[A-Za-z0-9:/.!&_*-]{1,256}$/, 'must be a finding type or a pattern with *');

const BANDS: Readonly<Record<string, SeverityBand>> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};

const BAND = z
  .string()
  .transform((value) => value.toLowerCase())
  .pipe(z.enum(['low', 'medium', 'high', 'critical'], 'must be low, medium, high or critical'))
  .transform((value) => BANDS[value] as SeverityBand);

/** One value or a list of them; `what` says what a value must be, for a value of neither shape. */
function oneOrMany<T extends z.ZodType>(item: T, what: string) {
  return z
    .union(
      [item, z.array(item).min(1, 'must list at least one value')],
      `${what}, or a list of them`,
    )
    .transform((value) => (Array.isArray(value) ? value : [value]) as z.output<T>[]);
}

// YAML reads an unquoted account id as a number, dropping a leading zero: 12 digits are taken
// back as they are; fewer must be quoted, since "0123…" and a typo cannot be told apart.
const ACCOUNT = z
  .union([z.string(), z.number().int().nonnegative()])
  .pipe(
    z.transform((value: string | number, context) => {
      if (typeof value === 'string' || String(value).length === 12) return String(value);
      context.issues.push({
        code: 'custom',
        input: value,
        message: `must be a 12-digit AWS account id in quotes (YAML read ${value} as a number)`,
      });
      return z.NEVER;
    }),
  )
  .pipe(z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'));

const MatchSchema = z.strictObject({
  severity: oneOrMany(BAND, 'must be low, medium, high or critical').optional(),
  type: oneOrMany(TYPE_PATTERN, 'must be a finding type or a pattern with *').optional(),
  account: oneOrMany(ACCOUNT, 'must be a 12-digit AWS account id').optional(),
  tag: z
    .record(
      z
        .string()
        .min(1, 'a tag key must not be empty')
        .max(128, 'a tag key is at most 128 characters'),
      oneOrMany(
        z.string().max(256, 'a tag value is at most 256 characters'),
        'must be a tag value',
      ),
    )
    .optional(),
});

const TargetSchema = z
  .strictObject({
    channels: oneOrMany(CHANNEL_ID, 'must be a channel id (C…)').optional(),
    page: z.boolean('must be true or false').optional(),
    digest: z.union([z.literal(true), CHANNEL_ID], 'must be true or a channel id (C…)').optional(),
  })
  .refine((to) => (to.channels?.length ?? 0) > 0 || to.page === true || to.digest !== undefined, {
    error: 'must name channels, page: true or digest',
  });

const RouteSchema = z
  .strictObject({
    name: z
      .string('must be a name')
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-"'),
    match: MatchSchema.default({}),
    to: TargetSchema.optional(),
    drop: z
      .string('must be the reason findings are dropped')
      .trim()
      .min(1, 'must say why findings are dropped')
      .max(300, 'must be at most 300 characters')
      .optional(),
  })
  .refine((route) => (route.to === undefined) !== (route.drop === undefined), {
    error: 'needs exactly one of "to" (where findings go) or "drop" (why they are dropped)',
    path: ['to'],
  });

const FileSchema = z.strictObject({
  version: z.literal(1, 'must be 1').optional(),
  grouping: z
    .strictObject({
      windowSeconds: z
        .number('must be a number of seconds')
        .int('must be whole seconds')
        .min(1, 'must be at least 1 second')
        .max(86_400, 'must be at most a day')
        .optional(),
      threshold: z
        .number('must be a number of findings')
        .int('must be a whole number')
        .min(1, 'must be at least 1')
        .max(1000, 'must be at most 1000')
        .optional(),
    })
    .optional(),
  routes: z.array(RouteSchema, 'must be a list of routes').max(200, 'at most 200 routes'),
});

function ruleName(raw: unknown, index: number): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const routes = (raw as { routes?: unknown }).routes;
  if (!Array.isArray(routes)) return undefined;
  const rule: unknown = routes[index];
  if (typeof rule !== 'object' || rule === null) return undefined;
  const name = (rule as { name?: unknown }).name;
  return typeof name === 'string' ? name.slice(0, 64) : undefined;
}

/**
 * The issue to show for a value that fit no branch of a union: the deepest one that is more than
 * "wrong type" (e.g. the bad item of a list), else the union's own message.
 */
function specific(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union') return issue;
  const candidates = issue.errors
    .flat()
    .map((inner) => specific({ ...inner, path: [...issue.path, ...inner.path] }))
    .filter((inner) => inner.code !== 'invalid_type' && inner.code !== 'invalid_union');
  candidates.sort((a, b) => b.path.length - a.path.length);
  return candidates[0] ?? issue;
}

/** "rule 2 (prod-critical), match.severity: must be low, medium, high or critical". */
function describeIssue(raw: unknown, found: z.core.$ZodIssue): string {
  const issue = specific(found);
  const path = [...issue.path];
  const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const message =
    unknownKeys.length > 0
      ? `unknown field ${unknownKeys.map((k) => `"${k}"`).join(', ')}`
      : issue.message;
  if (path[0] === 'routes' && typeof path[1] === 'number') {
    const index = path[1];
    const name = ruleName(raw, index);
    const field = path.slice(2).map(String).join('.');
    const rule = `rule ${index + 1}${name === undefined ? '' : ` (${name})`}`;
    return field === '' ? `${rule}: ${message}` : `${rule}, ${field}: ${message}`;
  }
  const field = path.map(String).join('.');
  return field === '' ? message : `${field}: ${message}`;
}

function actionOf(route: z.output<typeof RouteSchema>, defaultChannel: string): RouteAction {
  if (route.drop !== undefined) return { kind: 'drop', reason: route.drop };
  const to = route.to ?? {};
  const digest = to.digest === true ? defaultChannel : to.digest;
  return {
    kind: 'deliver',
    channels: [...new Set(to.channels ?? [])],
    page: to.page === true,
    ...(digest === undefined ? {} : { digest }),
  };
}

/**
 * Reads a routing file (YAML, or JSON, which is YAML too) into the table in force: its routes in
 * order, then the built-in defaults. Anything wrong stops with one line naming the rule and field.
 */
export function parseRoutes(text: string, source: string, defaultChannel: string): RoutingTable {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new RoutesInvalidError(`routes (${source}): not YAML or JSON: ${reason ?? 'unreadable'}`);
  }
  const parsed = FileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const what = issue === undefined ? 'invalid' : describeIssue(raw, issue);
    throw new RoutesInvalidError(`routes (${source}): ${what}`);
  }
  const seen = new Map<string, number>();
  const routes: Route[] = parsed.data.routes.map((route, index) => {
    const earlier = seen.get(route.name);
    if (earlier !== undefined) {
      throw new RoutesInvalidError(
        `routes (${source}): rule ${index + 1} (${route.name}), name: already used by rule ${earlier + 1}`,
      );
    }
    seen.set(route.name, index);
    return {
      name: route.name,
      match: route.match,
      action: actionOf(route, defaultChannel),
      origin: 'file',
    };
  });
  const grouping = parsed.data.grouping;
  return {
    routes: [...routes, ...defaultRoutes(defaultChannel)],
    grouping: {
      windowMs: (grouping?.windowSeconds ?? DEFAULT_GROUPING.windowMs / 1000) * 1000,
      threshold: grouping?.threshold ?? DEFAULT_GROUPING.threshold,
    },
    source,
  };
}
