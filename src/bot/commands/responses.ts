import type { KnownBlock, MessageAttachment, SectionBlock } from '@slack/types';
import type { Actor, AuditEntry, RequestOutcome } from '../../actions/contract';
import type { ScoreResult } from '../../ipinsights/scorer';
import { readScore } from '../../ipinsights/reading';
import { LIMITS } from '../render/limits';
import { code, fitLines, ours, prose } from '../render/text';
import { formatUtc } from '../render/time';
import { askAResponder, type ResponderList } from '../interactions/words';
import { COMMAND, SUBCOMMAND_SPECS, SUBCOMMANDS, type SubcommandName } from './spec';

/**
 * Pure builders of the `/guardduty` answers. Each is an ephemeral Block Kit message with a
 * fallback text, within Block Kit limits; every string from a finding, a user or AWS goes through
 * `prose`/`code`/`ours`, and mrkdwn is `verbatim` so Slack adds no links or mentions of its own.
 */

export interface CommandResponse {
  readonly response_type: 'ephemeral';
  readonly text: string;
  readonly blocks: KnownBlock[];
  readonly attachments?: MessageAttachment[];
}

export function mrkdwn(text: string) {
  return { type: 'mrkdwn' as const, text, verbatim: true };
}

export function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text) };
}

/** Fallback text for notifications: the first line of already-safe mrkdwn, cut short. */
function fallback(text: string): string {
  const first = text.split('\n')[0] ?? '';
  return first.length <= 300 ? first : `${first.slice(0, 299)}…`;
}

export function response(blocks: KnownBlock[], text: string): CommandResponse {
  const fits =
    blocks.length <= LIMITS.messageBlocks
      ? blocks
      : [
          ...blocks.slice(0, LIMITS.messageBlocks - 1),
          context('Too long for one message: the rest is not shown. Narrow the query.'),
        ];
  return { response_type: 'ephemeral', text: fallback(text), blocks: fits };
}

/** A one-line answer (errors, refusals, confirmations). `line` must already be safe mrkdwn. */
export function oneLine(line: string): CommandResponse {
  return response([section(line)], line);
}

/** Lines of safe mrkdwn packed into as few sections as fit, never cutting a line. */
export function sections(lines: readonly string[]): SectionBlock[] {
  const blocks: SectionBlock[] = [];
  let current: string[] = [];
  let length = 0;
  for (const raw of lines) {
    const line = raw.length > LIMITS.sectionText ? fitLines([raw], LIMITS.sectionText) : raw;
    if (line === '') continue;
    if (current.length > 0 && length + 1 + line.length > LIMITS.sectionText) {
      blocks.push(section(current.join('\n')));
      current = [];
      length = 0;
    }
    length += (current.length > 0 ? 1 : 0) + line.length;
    current.push(line);
  }
  if (current.length > 0) blocks.push(section(current.join('\n')));
  return blocks;
}

export function context(text: string): KnownBlock {
  return { type: 'context', elements: [mrkdwn(fitLines([text], LIMITS.contextText))] };
}

const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;

/** A mention of a Slack user id we were given by Slack; anything else is shown as code. */
function userMention(userId: string): string {
  return SLACK_USER.test(userId) ? `<@${userId}>` : code(userId, 40);
}

// ---------------------------------------------------------------------------------------- help

function usageLine(name: SubcommandName): string {
  const spec = SUBCOMMAND_SPECS[name];
  return `\`${COMMAND} ${spec.usage}\`\n${ours(spec.summary, 300)}`;
}

export function renderHelp(topic?: SubcommandName): CommandResponse {
  if (topic !== undefined) {
    const spec = SUBCOMMAND_SPECS[topic];
    const flags = spec.flags.map(
      (f) => `\`--${f.name}${f.value === undefined ? '' : ` ${f.value}`}\` ${f.meaning}`,
    );
    const examples = spec.examples.map((e) => `\`${COMMAND} ${e}\``);
    return response(
      sections([
        usageLine(topic),
        ...(flags.length > 0 ? ['*Flags*', ...flags] : []),
        '*Examples*',
        ...examples,
      ]),
      `${COMMAND} ${spec.usage}`,
    );
  }
  const lines = SUBCOMMANDS.map((s) => usageLine(s.name));
  const examples = SUBCOMMANDS.filter((s) => s.name !== 'help')
    .flatMap((s) => s.examples.slice(0, 1))
    .map((e) => `\`${COMMAND} ${e}\``);
  return response(
    [
      section(
        `*${COMMAND}* — GuardDuty findings from the keyboard. Answers are visible only to you.`,
      ),
      ...sections(lines),
      section(['*Examples*', ...examples].join('\n')),
      context(
        `Severity bands: low 1-3.9, medium 4-6.9, high 7-8.9, critical 9-10. Durations: 30m, 24h, 7d, 2w (at most 90d). \`${COMMAND} help SUBCOMMAND\` for one in detail.`,
      ),
    ],
    `${COMMAND} help: list, show, stats, score, archive, suppress, audit, status`,
  );
}

// --------------------------------------------------------------------------------------- score

export interface ScoreAnswer {
  readonly principal: string;
  readonly entity: string;
  readonly ip: string;
  readonly result: ScoreResult;
  readonly scorer: string;
}

export function renderScore(answer: ScoreAnswer): CommandResponse {
  const reading = readScore(answer.result, answer.entity);
  const why = reading.why === undefined ? '' : `; ${ours(reading.why, 300)}`;
  const detail = reading.detail === undefined ? '' : `: ${ours(reading.detail, 600)}`;
  const line = `:mag: *IP Insights* for ${code(answer.entity, 140)} from ${code(answer.ip, 60)}: *${ours(reading.label, 100)}*${detail}${why}`;
  const notes = [`Scorer: ${ours(answer.scorer, 300)}`];
  if (answer.entity !== answer.principal) {
    notes.push(`${code(answer.principal, 140)} is scored as its role ${code(answer.entity, 140)}`);
  }
  if (answer.result.kind === 'scored') {
    notes.push(`Raw score ${answer.result.score.toFixed(3)}: higher is more usual`);
  }
  return response([section(line), context(notes.join(' · '))], line);
}

// ------------------------------------------------------------------------- archive / suppress

const ACTION_WORDS: Readonly<Record<'archive' | 'suppress', string>> = {
  archive: 'Archive',
  suppress: 'Suppression',
};

export function renderOutcome(
  kind: 'archive' | 'suppress',
  findingId: string,
  outcome: RequestOutcome,
  responders: ResponderList,
): CommandResponse {
  const what = `${ACTION_WORDS[kind]} of ${code(findingId, 140)}`;
  switch (outcome.kind) {
    case 'accepted':
      return oneLine(
        `:hourglass_flowing_sand: ${what} requested${outcome.dryRun ? ' (dry run: planned and audited, AWS is not changed)' : ''}. The result will appear in the finding's message and thread.`,
      );
    case 'refused':
      return oneLine(
        `:no_entry: ${what} refused: ${ours(outcome.reason, 500)}${outcome.askResponders === true ? `; ${askAResponder(responders)}` : ''}`,
      );
    case 'duplicate':
      return oneLine(
        `:information_source: ${what} was already requested by ${userMention(outcome.by.userId)} at ${formatUtc(outcome.at)} (${ours(outcome.status, 20)}); nothing new was done.`,
      );
    case 'invalid':
      return oneLine(`:warning: ${what} is not possible: ${ours(outcome.reason, 500)}`);
  }
}

// --------------------------------------------------------------------------------------- audit

function auditLine(entry: AuditEntry): string {
  const parts = [
    `\`#${entry.seq}\` ${formatUtc(entry.at)}`,
    userMention(entry.actor.userId),
    `${ours(entry.type, 20)} *${ours(entry.action, 30)}*`,
    `finding ${code(entry.findingId, 140)}`,
  ];
  if (entry.target !== '') parts.push(`target ${code(entry.target, 200)}`);
  if (entry.dryRun) parts.push('dry run');
  if (entry.result !== undefined) parts.push(prose(entry.result, 300));
  if (entry.error !== undefined) parts.push(`error: ${prose(entry.error, 300)}`);
  return parts.join(' · ');
}

export interface AuditQueryView {
  readonly findingId?: string;
  readonly userId?: string;
  readonly limit: number;
}

export function renderAudit(
  query: AuditQueryView,
  entries: readonly AuditEntry[],
): CommandResponse {
  const scope =
    query.findingId !== undefined
      ? ` for finding ${code(query.findingId, 140)}`
      : query.userId !== undefined
        ? ` by ${userMention(query.userId)}`
        : '';
  if (entries.length === 0) return oneLine(`No audit records${scope}.`);
  const title = `*Audit trail${scope}*, newest first (${entries.length}${entries.length === query.limit ? `, the ${query.limit} newest` : ''})`;
  return response([section(title), ...sections(entries.map(auditLine))], `Audit trail${scope}`);
}

/** `audit @name` when the name means no one, or several people. */
export function renderNameLookup(
  name: string,
  people: readonly { readonly id: string; readonly name: string }[],
): CommandResponse {
  const typed = code(`@${name}`, 90);
  if (people.length === 0) {
    return oneLine(
      `No one in this workspace is named ${typed}. Pick the person from the list as you type @, or give their user id (U…).`,
    );
  }
  const shown = people.slice(0, 10).map((p) => `${userMention(p.id)} (${code(p.id, 30)})`);
  const more = people.length > 10 ? ` and ${people.length - 10} more` : '';
  return oneLine(
    `${typed} could be ${shown.join(', ')}${more}. Run \`${COMMAND} audit\` with the user id.`,
  );
}

/** The actor of a slash command, as Slack's signed request names them. */
export function actorOf(command: { user_id: string; team_id: string; user_name?: string }): Actor {
  return {
    userId: command.user_id,
    teamId: command.team_id,
    ...(command.user_name === undefined ? {} : { userName: command.user_name }),
  };
}
