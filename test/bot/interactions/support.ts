import type { AuditRecord } from '../../../src/actions/audit/record';
import { allAuditRecords } from '../../../harness/store';
import { CHANNEL, type BotHarness } from '../../helpers/bot';

interface Block {
  readonly type?: string;
  readonly block_id?: string;
  readonly elements?: readonly { action_id?: string; text?: string | { text?: string } }[];
  readonly text?: { text?: string };
}

function blocksOf(message: Record<string, unknown>): Block[] {
  return (message.blocks ?? []) as Block[];
}

/** The action_ids of the finding message's buttons, in order. */
export function actionIds(message: Record<string, unknown>): string[] {
  return blocksOf(message)
    .filter((b) => b.block_id === 'finding_actions')
    .flatMap((b) => (b.elements ?? []).map((e) => e.action_id ?? ''));
}

/** The status lines under the buttons. */
export function contextTexts(message: Record<string, unknown>): string[] {
  return blocksOf(message)
    .filter((b) => b.block_id === 'finding_status')
    .flatMap((b) => (b.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : '')));
}

/** The section texts of the replies in the finding message's thread, oldest first. */
export async function threadTexts(bot: BotHarness, findingId: string): Promise<string[]> {
  const ts = (await bot.runtime.findings.get(findingId))!.ts!;
  return bot.slack.workspace
    .thread(CHANNEL, ts)
    .filter((m) => m.ts !== ts)
    .map((m) => blocksOf(m as unknown as Record<string, unknown>)[0]?.text?.text ?? m.text);
}

/** Every audit record, oldest first, across every finding's chain. */
export function auditRecords(bot: BotHarness): Promise<AuditRecord[]> {
  return allAuditRecords(bot.store.client, bot.store.tables);
}
