import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { silentLog } from '../../../src/shared/log';
import { demoBotParts, type DemoBotContext } from '../../../src/app/demo/listeners';
import { startDemo, type RunningDemo } from '../../../src/app/demo/start';
import { fixtureFinding } from '../../../harness/fixtures';

/**
 * The demo (no AWS) as a responder sees it: "Add IP to threat list" on a finding with a public
 * remote IP, the click adding the entry for real — to the demo's own list file, its GuardDuty
 * creating and activating the set — and the mark on a later finding from the same IP; through
 * the demo's own wiring, its local Slack and its embedded store.
 */

const ALICE = 'U0ALICE';
// Remote IP 203.0.113.77.
const first = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
const later = {
  ...first,
  id: 'c1b2c3d4e5f60718293a4b5c6d7e8f92',
  title: 'Same caller, an hour later',
};

let demo: RunningDemo;
let context: DemoBotContext | undefined;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'demo-lists-'));
  demo = await startDemo({
    dataDir,
    port: 0,
    live: false,
    log: silentLog,
    findings: () => Promise.resolve([first]),
    bot: (wiring) => {
      context = wiring;
      return demoBotParts(wiring);
    },
  });
}, 120_000);
afterAll(async () => {
  await demo.close();
  await rm(dataDir, { recursive: true, force: true });
});

function messageOf(findingId: string) {
  const messages = demo.slack.history().flatMap((channel) => channel.messages);
  return messages.find((m) => JSON.stringify(m.metadata ?? {}).includes(findingId));
}

function threadOf(ts: string | undefined): string[] {
  return demo.slack
    .history()
    .flatMap((channel) => channel.messages)
    .filter((m) => m.thread_ts === ts && m.ts !== ts)
    .map((m) => JSON.stringify(m));
}

/** The click is acknowledged first and carried out after: wait for its thread reply. */
function replyContaining(ts: string | undefined, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const found = () => threadOf(ts).some((reply) => reply.includes(text));
    if (found()) return resolve();
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no thread reply with ${text} after 60 s`));
    }, 60_000);
    const unsubscribe = demo.slack.onChange(() => {
      if (!found()) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}

function texts(message: unknown): string {
  return JSON.stringify(message);
}

it('shows Add IP to threat list, adds the entry for real, and marks a later finding from the same IP', async () => {
  const posted = messageOf(first.id);
  expect(texts(posted)).toContain('"action_id":"remediate:add-to-threat-list"');
  const response = await demo.slack.clickButton({
    user: ALICE,
    messageTs: String(posted?.ts),
    actionId: 'remediate:add-to-threat-list',
  });
  expect(response.status).toBe(200);
  await replyContaining(posted?.ts, 'Added to the threat list');
  await context?.runtime.remediation.idle();

  // The list file in the demo's data directory, and the set its GuardDuty created over it.
  const file = join(dataDir, 'lists', 'threat-list', 'us-east-2.txt');
  await expect(readFile(file, 'utf8')).resolves.toBe('203.0.113.77\n');
  const sets = JSON.parse(await readFile(join(dataDir, 'lists', 'sets.json'), 'utf8')) as {
    sets: unknown[];
  };
  expect(sets.sets).toEqual([
    {
      kind: 'ThreatIntelSet',
      region: 'us-east-2',
      id: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
      name: 'guardduty-chatops-threat-list',
      format: 'TXT',
      location: pathToFileURL(file).href,
      status: 'ACTIVE',
    },
  ]);
  const replies = threadOf(posted?.ts);
  expect(replies.join('\n')).toContain('*Added to the threat list* by <@U0ALICE>');
  expect(replies.join('\n')).toContain('CreateThreatIntelSet');

  const outcome = await context?.runtime.publisher.publish(later);
  expect(outcome?.kind).toBe('posted');
  const mark = texts(messageOf(later.id));
  expect(mark).toContain(':dart: `203.0.113.77` is on your threat list since');
  expect(mark).toContain('added by <@U0ALICE>');
  expect(mark).not.toContain('dry run');
  expect(mark).toContain('"action_id":"remediate:remove-from-threat-list"');

  // The entry is on the list `/guardduty threatlist list` reads.
  expect((await context?.lists?.read('threat', 'us-east-2'))?.entries).toEqual(['203.0.113.77']);
}, 120_000);
