import { isIPv4 } from 'node:net';
import type { KnownBlock, ModalView } from '@slack/types';
import * as z from 'zod';
import type { SuppressionCriteria } from '../../actions/contract';
import { remoteIpAttribute, remoteIpProblem, scopeProblem } from '../../actions/suppression';
import type { Finding } from '../../findings';
import { code, prose } from '../render/text';
import { SUPPRESS_VIEW_ID } from './ids';

/** What the modal carries between opening and submission; re-checked on submit. */
export interface SuppressModalMetadata {
  readonly findingId: string;
  readonly version?: number;
  /** Where to answer ephemerally after the submission. */
  readonly channel?: string;
}

const MetadataSchema = z.strictObject({
  f: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  v: z.number().int().min(0).optional(),
  c: z
    .string()
    .regex(/^[CGD][A-Z0-9]+$/)
    .optional(),
});

export function parseMetadata(text: string): SuppressModalMetadata | undefined {
  try {
    const parsed = MetadataSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return undefined;
    return {
      findingId: parsed.data.f,
      ...(parsed.data.v === undefined ? {} : { version: parsed.data.v }),
      ...(parsed.data.c === undefined ? {} : { channel: parsed.data.c }),
    };
  } catch {
    return undefined;
  }
}

const FIELDS = {
  type: 'suppress_type',
  principal: 'suppress_principal',
  instance: 'suppress_instance',
  remoteIp: 'suppress_remote_ip',
  scope: 'suppress_scope',
  count: 'suppress_count',
  expires: 'suppress_expires',
  note: 'suppress_note',
} as const;
const VALUE = 'value';
const EVERY_FINDING_OF_TYPE = 'every-finding-of-type';

/** How many open findings a rule on the type alone would match (GuardDuty's count). */
export type TypeCount =
  | { readonly kind: 'counting' }
  | { readonly kind: 'counted'; readonly open: number }
  | { readonly kind: 'unknown' };

function countLine(type: string, count: TypeCount): string {
  const which = `findings of type ${code(type, 140)}`;
  switch (count.kind) {
    case 'counting':
      return `Counting the open ${which}…`;
    case 'unknown':
      return `Could not count the open ${which}; GuardDuty's console shows them.`;
    case 'counted': {
      const n =
        count.open === 1
          ? '*1* open finding'
          : `*${count.open.toLocaleString('en-US')}* open findings`;
      return `Every finding of this type: ${n} of type ${code(type, 140)} in GuardDuty now, on any resource. Without a principal or instance the rule archives every new one like them.`;
    }
  }
}

/** The title as the end of a sentence: its own final dot or ellipsis is not doubled. */
function sentenceEnd(text: string): string {
  return /[.…!?]$/.test(text) ? text : `${text}.`;
}

function textInput(
  blockId: string,
  label: string,
  initial: string | undefined,
  options: { optional?: boolean; hint?: string; maxLength?: number } = {},
): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    optional: options.optional ?? true,
    label: { type: 'plain_text', text: label },
    element: {
      type: 'plain_text_input',
      action_id: VALUE,
      ...(initial === undefined ? {} : { initial_value: initial.slice(0, 256) }),
      max_length: options.maxLength ?? 256,
    },
    ...(options.hint === undefined ? {} : { hint: { type: 'plain_text', text: options.hint } }),
  };
}

/** The suppress modal, prefilled with the criteria (type plus principal, instance, remote IP). */
export function suppressModal(
  finding: Finding,
  criteria: SuppressionCriteria,
  metadata: SuppressModalMetadata,
  count?: TypeCount,
): ModalView {
  const ipFilterable = remoteIpAttribute(finding) !== undefined;
  return {
    type: 'modal',
    callback_id: SUPPRESS_VIEW_ID,
    private_metadata: JSON.stringify({
      f: metadata.findingId,
      ...(metadata.version === undefined ? {} : { v: metadata.version }),
      ...(metadata.channel === undefined ? {} : { c: metadata.channel }),
    }),
    title: { type: 'plain_text', text: 'Suppress similar' },
    submit: { type: 'plain_text', text: 'Create rule' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          verbatim: true,
          text: `Creates a GuardDuty suppression rule (a filter with action *Archive*) for findings like ${code(finding.id, 140)}: ${sentenceEnd(prose(finding.title || finding.type, 300))}\n*It affects new findings only*; existing findings stay as they are. Every field you fill in must match; clear a field to match any value.`,
        },
      },
      textInput(FIELDS.type, 'Finding type', criteria.findingType, { optional: false }),
      textInput(FIELDS.principal, 'Principal id', criteria.principalId),
      textInput(FIELDS.instance, 'Instance id', criteria.instanceId),
      ...(ipFilterable
        ? [textInput(FIELDS.remoteIp, 'Remote IPv4 address', criteria.remoteIp)]
        : [
            {
              type: 'context',
              elements: [
                {
                  type: 'plain_text',
                  text: `No remote IP: GuardDuty filters cannot match one on ${finding.service.action?.actionType ?? 'these'} findings.`,
                  emoji: false,
                },
              ],
            } satisfies KnownBlock,
          ]),
      {
        type: 'input',
        block_id: FIELDS.scope,
        optional: true,
        label: { type: 'plain_text', text: 'Scope' },
        element: {
          type: 'checkboxes',
          action_id: VALUE,
          options: [
            {
              text: { type: 'plain_text', text: 'Every finding of this type, on any resource' },
              value: EVERY_FINDING_OF_TYPE,
            },
          ],
        },
        hint: {
          type: 'plain_text',
          text: 'Needed when no principal or instance is filled in: the rule then matches the type on every resource.',
        },
      },
      ...(count === undefined
        ? []
        : [
            {
              type: 'section',
              block_id: FIELDS.count,
              text: { type: 'mrkdwn', verbatim: true, text: countLine(finding.type, count) },
            } satisfies KnownBlock,
          ]),
      {
        type: 'input',
        block_id: FIELDS.expires,
        optional: true,
        label: { type: 'plain_text', text: 'Expires on' },
        element: { type: 'datepicker', action_id: VALUE },
        hint: {
          type: 'plain_text',
          text: 'Written into the rule, the audit log and the status line; GuardDuty does not expire rules, so delete it then.',
        },
      },
      textInput(FIELDS.note, 'Why', criteria.description, { maxLength: 200 }),
    ],
  };
}

interface InputState {
  value?: string | null;
  selected_date?: string | null;
  selected_options?: readonly { value?: string }[] | null;
}

type StateValues = Readonly<Record<string, Readonly<Record<string, InputState>>>>;

export type SuppressSubmission =
  | { readonly ok: true; readonly criteria: SuppressionCriteria }
  | { readonly ok: false; readonly errors: Readonly<Record<string, string>> };

const PRINCIPAL = /^[A-Za-z0-9:_+=,.@-]{1,256}$/;
const INSTANCE = /^i-[0-9a-f]{8,17}$/;

/**
 * Checks what the responder entered; errors are keyed by block, as Slack shows them. With the
 * finding, also whether GuardDuty can filter on what was entered and whether a rule wider than
 * the finding's resource was meant.
 */
export function parseSuppressSubmission(
  values: StateValues,
  today: Date,
  finding?: Finding,
): SuppressSubmission {
  const text = (block: string) => {
    const raw = values[block]?.[VALUE]?.value;
    const trimmed = typeof raw === 'string' ? raw.trim() : '';
    return trimmed === '' ? undefined : trimmed;
  };
  const errors: Record<string, string> = {};
  const findingType = text(FIELDS.type);
  if (findingType === undefined) errors[FIELDS.type] = 'Enter the finding type to match.';
  const principalId = text(FIELDS.principal);
  if (principalId !== undefined && !PRINCIPAL.test(principalId)) {
    errors[FIELDS.principal] = 'Not a principal id (letters, digits and :_+=,.@- only).';
  }
  const instanceId = text(FIELDS.instance);
  if (instanceId !== undefined && !INSTANCE.test(instanceId)) {
    errors[FIELDS.instance] = 'Not an instance id (i- followed by 8 or 17 hex digits).';
  }
  const remoteIp = text(FIELDS.remoteIp);
  if (remoteIp !== undefined && !isIPv4(remoteIp)) {
    errors[FIELDS.remoteIp] = 'Not an IPv4 address (rules match IPv4 remote addresses only).';
  } else if (remoteIp !== undefined && finding !== undefined) {
    const problem = remoteIpProblem(finding);
    if (problem !== undefined) errors[FIELDS.remoteIp] = `${problem}.`;
  }
  const everyFindingOfType = (values[FIELDS.scope]?.[VALUE]?.selected_options ?? []).some(
    (option) => option.value === EVERY_FINDING_OF_TYPE,
  );
  const expiresAt = values[FIELDS.expires]?.[VALUE]?.selected_date ?? undefined;
  const todayDate = today.toISOString().slice(0, 10);
  if (expiresAt != null && (!/^\d{4}-\d{2}-\d{2}$/.test(expiresAt) || expiresAt <= todayDate)) {
    errors[FIELDS.expires] = 'Pick a date after today.';
  }
  const description = text(FIELDS.note);
  const broad = principalId === undefined && instanceId === undefined;
  const criteria: SuppressionCriteria = {
    findingType: findingType ?? '',
    ...(principalId === undefined ? {} : { principalId }),
    ...(instanceId === undefined ? {} : { instanceId }),
    ...(remoteIp === undefined ? {} : { remoteIp }),
    // Only where it widens the rule: a narrower rule keeps the name it always had.
    ...(broad && everyFindingOfType ? { everyFindingOfType: true } : {}),
    ...(expiresAt == null ? {} : { expiresAt }),
    ...(description === undefined ? {} : { description }),
  };
  if (findingType !== undefined && scopeProblem(criteria) !== undefined) {
    const from = remoteIp === undefined ? '' : ` from ${remoteIp}`;
    errors[FIELDS.scope] =
      `No principal or instance is filled in, so the rule archives every new finding of this type${from} on any resource: tick the box to mean it.`;
  }
  if (Object.keys(errors).length > 0 || findingType === undefined) return { ok: false, errors };
  return { ok: true, criteria };
}
