import { ArchiveFindingsCommand } from '@aws-sdk/client-guardduty';
import type { ActionRequest } from '../../src/actions/contract';
import type { Dispatcher } from '../../src/actions/ports/dispatch';
import { fixtureFinding } from '../../harness/fixtures';
import { ALICE, NOW, startRuntimeHarness, type RuntimeHarness } from '../helpers/bot';

const finding = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');

/** Keeps what would go to the worker; the worker never runs unless a test runs it. */
class HeldDispatcher implements Dispatcher {
  readonly held: string[] = [];
  dispatch(intentId: string): Promise<void> {
    this.held.push(intentId);
    return Promise.resolve();
  }
}

let harness: RuntimeHarness;
let dispatcher: HeldDispatcher;
let now: number;

beforeEach(async () => {
  now = NOW.getTime();
  dispatcher = new HeldDispatcher();
  harness = await startRuntimeHarness({ dispatcher, clock: () => new Date(now) });
  harness.aws.guardduty.on(ArchiveFindingsCommand).resolves({});
  await harness.runtime.publisher.publish(finding);
});
afterEach(() => harness.close());

const archive: ActionRequest = {
  findingId: finding.id,
  kind: 'archive',
  actor: { userId: ALICE, teamId: 'T0LOCAL001' },
  source: 'command',
};

describe('DefaultRemediationService', () => {
  it('tells a second request that the first is still pending', async () => {
    expect(await harness.runtime.remediation.service.request(archive)).toMatchObject({
      kind: 'accepted',
    });
    expect(await harness.runtime.remediation.service.request(archive)).toEqual({
      kind: 'duplicate',
      by: archive.actor,
      at: NOW.toISOString(),
      status: 'pending',
    });
  });

  it('hands a stalled intent to the worker again; a worker that gets it too late does nothing', async () => {
    const { service, intents, subjects, audit, worker } = harness.runtime.remediation;
    await service.request(archive);
    now += 17 * 60_000;

    expect(await service.request(archive)).toEqual({
      kind: 'duplicate',
      by: archive.actor,
      at: NOW.toISOString(),
      status: 'pending',
    });
    expect(dispatcher.held).toEqual([dispatcher.held[0], dispatcher.held[0]]);

    await worker.run(dispatcher.held[0]!);
    expect(harness.aws.guardduty.calls()).toHaveLength(0);
    expect(await intents.get(dispatcher.held[0]!)).toMatchObject({
      status: 'failed',
      error: 'the request is 17 minutes old; nothing was done — click again if it is still wanted',
    });
    expect((await audit.list({ limit: 5 })).map((e) => [e.type, e.result])).toEqual([
      [
        'refusal',
        'the request is 17 minutes old; nothing was done — click again if it is still wanted',
      ],
      ['request', undefined],
    ]);
    expect(
      (await subjects.get({ family: 'archive', subject: `finding:${finding.id}` })).version,
    ).toBe(1);

    expect(await service.request(archive)).toMatchObject({ kind: 'accepted' });
    await worker.run(dispatcher.held[2]!);
    expect(harness.aws.guardduty.commandCalls(ArchiveFindingsCommand)).toHaveLength(1);
  });

  it('finishes and counts as reported when the finding message was deleted meanwhile', async () => {
    const { service, worker, intents } = harness.runtime.remediation;
    await service.request(archive);
    const record = (await harness.runtime.findings.get(finding.id))!;
    harness.slack.workspace.deleteMessage(record.channel, record.ts!);

    await worker.run(dispatcher.held[0]!);
    expect(harness.aws.guardduty.commandCalls(ArchiveFindingsCommand)).toHaveLength(1);
    expect(await intents.get(dispatcher.held[0]!)).toMatchObject({
      status: 'succeeded',
      reported: true,
    });
  });

  it('says so when the finding is unknown', async () => {
    expect(
      await harness.runtime.remediation.service.request({ ...archive, findingId: 'unknown-id' }),
    ).toEqual({
      kind: 'invalid',
      reason: 'finding unknown-id is not known here (it was never posted)',
    });
  });
});
