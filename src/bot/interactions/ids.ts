import * as z from 'zod';
import type { ActionKind } from '../../actions/contract';
import { isActionKind } from '../../actions/kinds';

/** Every remediation button's action_id: `remediate:<kind>` (`remediate:quarantine:snapshot`). */
const ACTION_ID_PREFIX = 'remediate:';
export const ACTION_ID_PATTERN = /^remediate:/;
export const SUPPRESS_VIEW_ID = 'remediate:suppress';
export const TRUST_VIEW_ID = 'remediate:trust-ip';

export interface ButtonIntent {
  readonly kind: ActionKind;
  readonly findingId: string;
  readonly version: number;
  readonly snapshot: boolean;
}

/** A button value only identifies: finding and state version. Everything else is re-read. */
const ButtonValueSchema = z.strictObject({
  f: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  v: z.number().int().min(0).max(1_000_000),
});

export function actionIdFor(kind: ActionKind, snapshot = false): string {
  return `${ACTION_ID_PREFIX}${kind}${snapshot ? ':snapshot' : ''}`;
}

export function buttonValue(findingId: string, version: number): string {
  return JSON.stringify({ f: findingId, v: version });
}

/** Parses a clicked button; undefined for anything we did not render (tampered or foreign). */
export function parseButton(actionId: string, value: string | undefined): ButtonIntent | undefined {
  if (!actionId.startsWith(ACTION_ID_PREFIX) || value === undefined) return undefined;
  const [kind, option, ...rest] = actionId.slice(ACTION_ID_PREFIX.length).split(':');
  if (kind === undefined || !isActionKind(kind) || rest.length > 0) return undefined;
  if (option !== undefined && !(option === 'snapshot' && kind === 'quarantine')) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return undefined;
  }
  const parsed = ButtonValueSchema.safeParse(json);
  if (!parsed.success) return undefined;
  return {
    kind,
    findingId: parsed.data.f,
    version: parsed.data.v,
    snapshot: option === 'snapshot',
  };
}
