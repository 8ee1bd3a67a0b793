import { ArchiveFindingsCommand } from '@aws-sdk/client-guardduty';
import { ListAccessKeysCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import type { ActionRequest } from '../../src/actions/contract';
import type { IntentRequest } from '../../src/actions/intents';
import { intentId } from '../../src/actions/intents';
import type { Dispatcher } from '../../src/actions/ports/dispatch';
import type { AuditRecord } from '../../src/actions/audit/record';
import { fixtureFinding } from '../../harness/fixtures';
import { allAuditRecords } from '../../harness/store';
import { ALICE, BOB, NOW, startRuntimeHarness, type RuntimeHarness } from '../helpers/bot';

/**
 * The worker trusts nothing the Slack side wrote but the request itself. These intents are
 * written straight into the table, as the internet-facing function's role could write them, and
 * handed to the worker: none may make an AWS call, and each is audited as refused.
 */

const keyFinding = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
const archiveFinding = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
const keySubject = `${keyFinding.accountId}:access-key:AKIA123456789EXAMPLE`;

class HeldDispatcher implements Dispatcher {
  readonly held: string[] = [];
  dispatch(id: string): Promise<void> {
    this.held.push(id);
    return Promise.resolve();
  }
}

let harness: RuntimeHarness;

async function start(env: NodeJS.ProcessEnv = {}, dryRun = false) {
  harness = await startRuntimeHarness({
    dispatcher: new HeldDispatcher(),
    dryRun,
    env,
    protectedPrincipals: 'Admin',
  });
  harness.aws.iam.on(ListAccessKeysCommand).resolves({
    AccessKeyMetadata: [{ AccessKeyId: 'AKIA123456789EXAMPLE', Status: 'Active' }],
  });
  harness.aws.iam.on(UpdateAccessKeyCommand).resolves({});
  harness.aws.guardduty.on(ArchiveFindingsCommand).resolves({});
  await harness.runtime.publisher.publish(keyFinding);
}
afterEach(() => harness.close());

function forged(overrides: Partial<IntentRequest> = {}): IntentRequest {
  const kind = overrides.kind ?? 'disable-key';
  const subject = overrides.subject ?? keySubject;
  return {
    id: intentId(kind, subject, overrides.version ?? 0),
    findingId: keyFinding.id,
    kind,
    subject,
    target: 'AKIA123456789EXAMPLE',
    version: 0,
    actor: { userId: ALICE, teamId: 'T0LOCAL001' },
    source: 'button',
    requestedAt: NOW.toISOString(),
    dryRun: true,
    ...overrides,
  };
}

/** Any item at all: a forger is not bound by the request's type. */
async function runForged(
  intent: IntentRequest | { readonly id: string; readonly [field: string]: unknown },
) {
  const { remediation } = harness.runtime;
  // Written as an item, not through the service: exactly what a forger with the Slack role could do.
  expect(await remediation.intents.create(intent as unknown as IntentRequest)).toBe(true);
  await remediation.worker.run(intent.id);
}

function records(): Promise<AuditRecord[]> {
  return allAuditRecords(harness.store.client, harness.store.tables);
}

function awsCalls(): number {
  return (
    harness.aws.iam.calls().length +
    harness.aws.guardduty.calls().length +
    harness.aws.ec2.calls().length
  );
}

describe('the worker re-checks a forged intent and makes no AWS call', () => {
  it('refuses a requester who is not a responder', async () => {
    await start();
    await runForged({ ...forged({ actor: { userId: BOB, teamId: 'T0LOCAL001' } }) });
    expect(awsCalls()).toBe(0);
    expect((await records()).map((r) => [r.type, r.actor.userId, r.result])).toEqual([
      ['request', BOB, undefined],
      ['refusal', BOB, 'only responders may remediate findings'],
    ]);
  });

  it('refuses a protected principal, named in any case (IAM names ignore case)', async () => {
    await start({ PROTECTED_PRINCIPALS: 'DEV-Alice' });
    await runForged(forged());
    expect(awsCalls()).toBe(0);
    expect((await records()).at(-1)).toMatchObject({
      type: 'refusal',
      result:
        'the principal is protected from remediation (DEV-Alice); an AWS administrator must act on it by hand',
    });
  });

  it('refuses a finding that was never posted (the intent cannot bring its own)', async () => {
    await start();
    await runForged({ ...forged({ findingId: 'never-posted' }), finding: '{"id":"never-posted"}' });
    expect(awsCalls()).toBe(0);
    expect((await records()).map((r) => [r.type, r.result])).toEqual([
      ['request', undefined],
      ['refusal', 'finding never-posted is not known here (it was never posted)'],
    ]);
  });

  it('stays in dry run when its own configuration says so, whatever the intent says', async () => {
    await start({}, true);
    await runForged(forged({ dryRun: false }));
    expect(awsCalls()).toBe(0);
    const outcome = (await records()).at(-1)!;
    expect(outcome).toMatchObject({ type: 'outcome', result: 'succeeded', dryRun: true });
    expect(outcome.calls?.map((c) => c.command)).toEqual(['UpdateAccessKey']);
  });

  it('takes undo details only from its own records: a forged undo with nothing in force is refused', async () => {
    await start();
    await runForged(forged({ kind: 'enable-key', target: 'AKIA123456789EXAMPLE' }));
    expect(awsCalls()).toBe(0);
    expect((await records()).at(-1)).toMatchObject({
      type: 'refusal',
      result: 'there is nothing to undo: the finding was not re-enabled here',
    });
  });

  it('refuses a tampered target or subject, a request from another workspace, and garbage', async () => {
    await start();
    await runForged(forged({ target: 'AKIAOTHERUSERSKEY123', id: 'intent#tampered-target' }));
    await runForged(
      forged({ subject: 'x:access-key:AKIAOTHERUSERSKEY123', id: 'intent#tampered-subject' }),
    );
    await runForged(forged({ actor: { userId: ALICE, teamId: 'T0ELSEWHERE' }, id: 'intent#team' }));
    await runForged({ id: 'intent#garbage', kind: 'disable-key', actor: 'me' });
    expect(awsCalls()).toBe(0);
    expect((await records()).filter((r) => r.type === 'refusal').map((r) => r.result)).toEqual([
      'the intent names another target than the finding has',
      'the intent names another subject than the finding has',
      'this bot acts for its own Slack workspace only; the request came from another one',
      expect.stringMatching(/^the intent item is malformed/),
    ]);
  });

  it('runs a well-formed request of a responder once, live', async () => {
    await start();
    await runForged(forged());
    await harness.runtime.remediation.worker.run(intentId('disable-key', keySubject, 0));
    expect(
      harness.aws.iam.commandCalls(UpdateAccessKeyCommand).map((c) => c.args[0].input),
    ).toEqual([
      {
        UserName: 'dev-alice',
        AccessKeyId: 'AKIA123456789EXAMPLE',
        Status: 'Inactive',
      },
    ]);
  });
});

describe('a failure after the AWS call', () => {
  const archive: ActionRequest = {
    findingId: archiveFinding.id,
    kind: 'archive',
    actor: { userId: ALICE, teamId: 'T0LOCAL001' },
    source: 'button',
    version: 0,
  };

  /** Makes the named repository method fail once, then behave. */
  function failOnce<T extends object>(target: T, method: keyof T & string) {
    const original = (target[method] as (...args: unknown[]) => Promise<unknown>).bind(target);
    let failed = false;
    (target as Record<string, unknown>)[method] = (...args: unknown[]) => {
      if (!failed) {
        failed = true;
        return Promise.reject(new Error(`${method} failed once`));
      }
      return original(...args);
    };
  }

  it.each([
    ['the audit write', 'audit'],
    ['the subject state', 'subjects'],
    ['the run record', 'intents'],
  ] as const)(
    'resumes after %s fails once: one AWS call, one outcome record, finished and reported',
    async (_what, part) => {
      await start();
      const { remediation } = harness.runtime;
      expect(await remediation.service.request(archive)).toMatchObject({ kind: 'accepted' });
      const id = intentId('archive', `finding:${archiveFinding.id}`, 0);
      if (part === 'audit') failOnce(remediation.trail, 'append');
      if (part === 'subjects') failOnce(remediation.subjects, 'settle');
      if (part === 'intents') failOnce(remediation.intents, 'finishRun');
      // The first run throws (Lambda would retry), the retry resumes.
      await expect(remediation.worker.run(id)).rejects.toThrow('failed once');
      await remediation.worker.run(id);

      expect(harness.aws.guardduty.commandCalls(ArchiveFindingsCommand)).toHaveLength(1);
      const outcomes = (await records()).filter((r) => r.type === 'outcome');
      expect(outcomes.map((r) => r.result)).toEqual(['succeeded']);
      expect(await remediation.intents.get(id)).toMatchObject({
        status: 'succeeded',
        reported: true,
      });
      const state = await remediation.subjects.get({
        family: 'archive',
        subject: `finding:${archiveFinding.id}`,
      });
      expect(state).toMatchObject({ version: 1, applied: { intentId: id } });
    },
  );

  it('says the outcome is unknown when it stopped in the middle of a call, and never repeats it', async () => {
    await start();
    const { remediation } = harness.runtime;
    await remediation.service.request(archive);
    const id = intentId('archive', `finding:${archiveFinding.id}`, 0);
    // The process dies inside ArchiveFindings: after the write-ahead record, before the answer.
    harness.aws.guardduty.on(ArchiveFindingsCommand).callsFake(() => {
      throw Object.assign(new Error('process killed'), { fatal: true });
    });
    const originalSave = remediation.intents.saveProgress.bind(remediation.intents);
    let crash = false;
    remediation.intents.saveProgress = async (...args) => {
      const saved = await originalSave(...args);
      if (args[2].calling !== undefined) crash = true;
      if (crash) throw new Error('killed after the write-ahead record');
      return saved;
    };
    await expect(remediation.worker.run(id)).rejects.toThrow('killed after the write-ahead record');
    remediation.intents.saveProgress = originalSave;
    await remediation.worker.run(id);

    expect(await remediation.intents.get(id)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining(
        'the worker stopped while calling guardduty:ArchiveFindings; whether AWS made that change is unknown',
      ) as string,
    });
    expect(harness.aws.guardduty.commandCalls(ArchiveFindingsCommand)).toHaveLength(0);
  });
});
