import { LocalSlackUsageError, startLocalSlack } from '../src';
import { compareTs } from '../src/timestamps';
import { ALICE, CHANNEL, section, startHarness } from './helpers';

describe('saving and restoring the channels (the sandbox keeps them on disk)', () => {
  it('restores messages, threads and edits exactly, and stamps new messages after them', async () => {
    const first = await startHarness();
    const { client } = first;
    const parent = (
      await client.chat.postMessage({ channel: CHANNEL, text: 'finding', blocks: [section('f')] })
    ).ts!;
    await client.chat.postMessage({ channel: CHANNEL, text: 'reply', thread_ts: parent });
    await client.chat.update({ channel: CHANNEL, ts: parent, text: 'finding (archived)' });
    await client.chat.postEphemeral({ channel: CHANNEL, user: ALICE, text: 'only now' });
    const saved = first.slack.history();
    const before = first.slack.snapshot();
    await first.close();

    // The restarted server's clock stands before the saved messages: new ones still come after.
    const restarted = await startLocalSlack({
      channels: [{ id: CHANNEL, name: 'security' }],
      history: JSON.parse(JSON.stringify(saved)) as typeof saved,
      clock: { now: () => 1_000_000_000_000 },
    });
    try {
      const after = restarted.snapshot();
      expect(after.channels).toEqual(before.channels);
      expect(after.ephemerals).toEqual([]);
      expect(after.revision).toBe(0);
      const posted = await fetch(`${restarted.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${restarted.botToken}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ channel: CHANNEL, text: 'after restart' }),
      });
      const { ts } = (await posted.json()) as { ts: string };
      const newest = before.channels[0]!.messages[0]!.edited!.ts;
      expect(compareTs(ts, newest)).toBeGreaterThan(0);
    } finally {
      await restarted.close();
    }
  });

  it('refuses a history naming a channel that is not configured, and frees the port', async () => {
    const history = [{ id: 'C0OTHER', name: 'other', messages: [] }];
    await expect(startLocalSlack({ port: 0, channels: [CHANNEL], history })).rejects.toThrow(
      new LocalSlackUsageError('history names channel C0OTHER, which is not configured'),
    );
  });

  it('gives copies: changing a saved history changes nothing in the workspace', async () => {
    const harness = await startHarness();
    try {
      await harness.client.chat.postMessage({ channel: CHANNEL, text: 'original' });
      const saved = harness.slack.history();
      (saved[0]!.messages[0] as { text: string }).text = 'tampered';
      expect(harness.slack.history()[0]!.messages[0]!.text).toBe('original');
    } finally {
      await harness.close();
    }
  });
});
