import { ArchiveFindingsCommand } from '@aws-sdk/client-guardduty';
import { fixtureFinding } from '../../../harness/fixtures';
import { ALICE, startBotHarness, type BotHarness } from '../../helpers/bot';
import { actionIds } from './support';

/**
 * Slack shows a click as failed when its ack takes 3 s. The ack must not wait for the store: a
 * busy table (here: intent writes held until the test lets them go) must not decide whether the
 * user sees an error, and the action must still run once the store answers.
 */
const finding = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
let bot: BotHarness;

beforeEach(async () => {
  bot = await startBotHarness();
  bot.aws.guardduty.on(ArchiveFindingsCommand).resolves({});
  await bot.post(finding);
});
afterEach(() => bot.close());

/** Holds every intent write to the idempotency table until `release()`. */
function holdIntentWrites(harness: BotHarness): {
  /** Resolves when the first intent write is being held. */
  readonly reached: Promise<void>;
  readonly release: () => void;
} {
  let release!: () => void;
  let reach!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const reached = new Promise<void>((resolve) => (reach = resolve));
  harness.store.client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { TableName?: string; Item?: { id?: unknown } };
      const id = input.Item?.id;
      if (
        input.TableName === harness.store.tables.idempotency &&
        typeof id === 'string' &&
        id.startsWith('intent#')
      ) {
        reach();
        await gate;
      }
      return next(args);
    },
    { step: 'initialize', name: 'holdIntentWrites' },
  );
  return { reached, release };
}

describe('a click on a busy store', () => {
  it('is acknowledged before its intent is recorded, and runs once the store answers', async () => {
    const store = holdIntentWrites(bot);

    const response = await bot.click(ALICE, finding.id, 'remediate:archive');

    expect(response.status).toBe(200);
    await store.reached;
    expect(bot.aws.guardduty.commandCalls(ArchiveFindingsCommand)).toHaveLength(0);
    store.release();
    await bot.idle();
    expect(bot.aws.guardduty.commandCalls(ArchiveFindingsCommand)).toHaveLength(1);
    expect(actionIds(await bot.message(finding.id))).toContain('remediate:unarchive');
  });
});
