import type { ModalView } from '@slack/types';
import * as z from 'zod';
import { TRUST_MAX_DAYS } from '../../actions/lists/check';
import type { Finding } from '../../findings';
import { code, prose } from '../render/text';
import { TRUST_VIEW_ID } from './ids';

/**
 * Trust IP's confirm step: a modal naming the address and what trusting it does, with the reason
 * and the expiry it requires. Everything in it is checked again on submit, and by the worker.
 */
export interface TrustModalMetadata {
  readonly findingId: string;
  readonly version: number;
  readonly channel?: string;
}

const MetadataSchema = z.strictObject({
  f: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  v: z.number().int().min(0),
  c: z
    .string()
    .regex(/^[CGD][A-Z0-9]+$/)
    .optional(),
});

export function parseTrustMetadata(text: string): TrustModalMetadata | undefined {
  try {
    const parsed = MetadataSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return undefined;
    return {
      findingId: parsed.data.f,
      version: parsed.data.v,
      ...(parsed.data.c === undefined ? {} : { channel: parsed.data.c }),
    };
  } catch {
    return undefined;
  }
}

export const TRUST_FIELDS = { reason: 'trust_reason', expires: 'trust_expires' } as const;
const VALUE = 'value';
const DAY_MS = 86_400_000;

export function trustModal(
  finding: Finding,
  entry: string,
  metadata: TrustModalMetadata,
  today: Date,
): ModalView {
  const week = new Date(today.getTime() + 7 * DAY_MS).toISOString().slice(0, 10);
  return {
    type: 'modal',
    callback_id: TRUST_VIEW_ID,
    private_metadata: JSON.stringify({
      f: metadata.findingId,
      v: metadata.version,
      ...(metadata.channel === undefined ? {} : { c: metadata.channel }),
    }),
    title: { type: 'plain_text', text: 'Trust IP' },
    submit: { type: 'plain_text', text: 'Trust it' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          verbatim: true,
          text: `Adds ${code(entry, 70)} to this account's GuardDuty *trusted IP list* in ${code(finding.region, 30)}. *GuardDuty then makes no VPC Flow Log or CloudTrail findings for it* — an attacker using it goes unseen. Seen in ${code(finding.id, 140)}: ${prose(finding.title || finding.type, 200)}.`,
        },
      },
      {
        type: 'input',
        block_id: TRUST_FIELDS.reason,
        label: { type: 'plain_text', text: 'Why is it trusted?' },
        element: { type: 'plain_text_input', action_id: VALUE, max_length: 200 },
        hint: { type: 'plain_text', text: 'Shown on every finding from it, and in the audit log.' },
      },
      {
        type: 'input',
        block_id: TRUST_FIELDS.expires,
        label: { type: 'plain_text', text: `Trusted until (at most ${TRUST_MAX_DAYS} days)` },
        element: { type: 'datepicker', action_id: VALUE, initial_date: week },
      },
    ],
  };
}

type StateValues = Readonly<
  Record<string, Readonly<Record<string, { value?: string | null; selected_date?: string | null }>>>
>;

export type TrustSubmission =
  | { readonly ok: true; readonly reason: string; readonly expiresAt: string }
  | { readonly ok: false; readonly errors: Readonly<Record<string, string>> };

/** The reason and the end of the chosen day (UTC); errors keyed by block, as Slack shows them. */
export function parseTrustSubmission(values: StateValues, today: Date): TrustSubmission {
  const errors: Record<string, string> = {};
  const reason = (values[TRUST_FIELDS.reason]?.[VALUE]?.value ?? '').trim();
  if (reason === '') errors[TRUST_FIELDS.reason] = 'Say why this address is trusted.';
  const date = values[TRUST_FIELDS.expires]?.[VALUE]?.selected_date ?? '';
  const end = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T23:59:59.000Z`) : Number.NaN;
  if (Number.isNaN(end) || date <= today.toISOString().slice(0, 10)) {
    errors[TRUST_FIELDS.expires] = 'Pick a date after today.';
  } else if (end > today.getTime() + TRUST_MAX_DAYS * DAY_MS) {
    errors[TRUST_FIELDS.expires] = `At most ${TRUST_MAX_DAYS} days from today.`;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, reason, expiresAt: new Date(end).toISOString() };
}
