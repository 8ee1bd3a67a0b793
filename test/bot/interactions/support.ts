import type { AuditRecord } from '../../../src/actions/audit/record';
import { allAuditRecords } from '../../../harness/store';
import { CHANNEL, type BotHarness } from '../../helpers/bot';

interface Block {
  readonly type?: string;
  readonly block_id?: string;
  readonly elements?: readonly { action_id?: string; text?: string | { text?: string } }[];
  readonly text?: { text?: string };
}

/** The message's blocks, then those of its attachments (a finding's body is in one). */
export function blocksOf(message: Record<string, unknown>): Block[] {
  const attachments = (message.attachments ?? []) as { blocks?: Block[] }[];
  return [...((message.blocks ?? []) as Block[]), ...attachments.flatMap((a) => a.blocks ?? [])];
}

/** The action_ids of the finding message's remediation buttons, in order (not Details). */
export function actionIds(message: Record<string, unknown>): string[] {
  return blocksOf(message)
    .filter((b) => b.block_id === 'finding_actions')
    .flatMap((b) => (b.elements ?? []).map((e) => e.action_id ?? ''))
    .filter((id) => id !== 'finding:details');
}

/** The status lines under the buttons. */
export function contextTexts(message: Record<string, unknown>): string[] {
  return blocksOf(message)
    .filter((b) => b.block_id === 'finding_status')
    .flatMap((b) => (b.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : '')));
}

/**
 * The section texts of the replies in the finding message's thread, oldest first, without the
 * finding's own details the publisher posts there.
 */
export async function threadTexts(bot: BotHarness, findingId: string): Promise<string[]> {
  const ts = (await bot.runtime.findings.get(findingId))!.ts!;
  return bot.slack.workspace
    .thread(CHANNEL, ts)
    .filter((m) => m.ts !== ts && m.metadata?.event_type !== 'guardduty_finding_details')
    .map((m) => blocksOf(m as unknown as Record<string, unknown>)[0]?.text?.text ?? m.text);
}

/** Every audit record, oldest first, across every finding's chain. */
export function auditRecords(bot: BotHarness): Promise<AuditRecord[]> {
  return allAuditRecords(bot.store.client, bot.store.tables);
}
