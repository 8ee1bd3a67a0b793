import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLog } from '../../../src/shared/log';
import { demoBotParts, type DemoBotContext } from '../../../src/app/demo/listeners';
import { startDemo, type RunningDemo } from '../../../src/app/demo/start';
import { fixtureFinding } from '../../../harness/fixtures';

/**
 * The demo (no AWS, dry run) as a responder sees it: "Add IP to threat list" on a finding with a
 * public remote IP, and the mark on a later finding from the same IP — through the demo's own
 * wiring, its local Slack and its embedded store.
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

function texts(message: unknown): string {
  return JSON.stringify(message);
}

it('shows Add IP to threat list, and the mark on a later finding from the same IP', async () => {
  const posted = messageOf(first.id);
  expect(texts(posted)).toContain('"action_id":"remediate:add-to-threat-list"');
  const response = await demo.slack.clickButton({
    user: ALICE,
    messageTs: String(posted?.ts),
    actionId: 'remediate:add-to-threat-list',
  });
  expect(response.status).toBe(200);
  await context?.runtime.remediation.idle();
  const outcome = await context?.runtime.publisher.publish(later);
  expect(outcome?.kind).toBe('posted');
  expect(texts(messageOf(later.id))).toContain(
    ':dart: `203.0.113.77` is on your threat list since',
  );
  expect(texts(messageOf(later.id))).toContain(
    'added by <@U0ALICE> (dry run: nothing was changed in AWS)',
  );
}, 120_000);
