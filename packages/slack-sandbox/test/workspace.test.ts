import fc from 'fast-check';
import { Feed } from '../src/changes';
import { SlackApiError } from '../src/errors';
import { FaultPlan } from '../src/faults';
import { pageOf } from '../src/methods/pagination';
import { DEFAULT_BOT, DEFAULT_TEAM } from '../src/server';
import { compareTs, SlackTsGenerator, tsToMicros } from '../src/timestamps';
import type { SlackMessage, WorkspaceChange } from '../src/types';
import { parseMetadata } from '../src/webApiArgs';
import { Workspace } from '../src/workspace';
import { manualClock } from './helpers';

const CHANNEL = 'C0SECURITY';

function workspace(): { workspace: Workspace; changes: WorkspaceChange[] } {
  const feed = new Feed<WorkspaceChange>();
  const changes: WorkspaceChange[] = [];
  feed.subscribe((change) => changes.push(change));
  return {
    workspace: new Workspace({
      team: DEFAULT_TEAM,
      bot: DEFAULT_BOT,
      clock: manualClock(1_732_543_200_000),
      feed,
      channels: [{ id: CHANNEL, name: 'security' }],
    }),
    changes,
  };
}

describe('Slack timestamps', () => {
  it('stay unique and strictly increasing whatever the clock does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4_000_000_000_000 }), { minLength: 1, maxLength: 50 }),
        (times) => {
          let index = 0;
          const generator = new SlackTsGenerator({ now: () => times[index] ?? 0 });
          const stamps = times.map((_, i) => {
            index = i;
            return generator.next();
          });
          expect(stamps.every((ts) => /^\d+\.\d{6}$/.test(ts))).toBe(true);
          for (let i = 1; i < stamps.length; i += 1) {
            expect(compareTs(stamps[i]!, stamps[i - 1]!)).toBeGreaterThan(0);
          }
        },
      ),
    );
  });

  it('follow the clock in whole milliseconds', () => {
    const generator = new SlackTsGenerator({ now: () => 1_732_543_200_123.9 });
    expect(generator.next()).toBe('1732543200.123000');
    expect(tsToMicros('1732543200.123000')).toBe(1_732_543_200_123_000);
    expect(tsToMicros('not-a-ts')).toBeUndefined();
  });
});

describe('cursor pagination', () => {
  const messages = (count: number): SlackMessage[] =>
    Array.from({ length: count }, (_, i) => ({
      type: 'message',
      ts: `1732543200.${String(i * 100).padStart(6, '0')}`,
      team: 'T',
      text: `m${i}`,
    }));

  it('returns every message exactly once, in order, for any page size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        (count, limit, newestFirst) => {
          const ordered = newestFirst ? messages(count).reverse() : messages(count);
          const seen: string[] = [];
          let cursor: string | undefined;
          for (let guard = 0; guard <= count; guard += 1) {
            const page = pageOf(ordered, { limit, cursor, newestFirst });
            seen.push(...page.messages.map((m) => m.ts));
            cursor = page.response_metadata?.next_cursor;
            expect(page.has_more).toBe(cursor !== undefined);
            if (cursor === undefined) break;
          }
          expect(seen).toEqual(ordered.map((m) => m.ts));
        },
      ),
    );
  });

  it('does not shift when a message of the last page is deleted', () => {
    const all = messages(5);
    const first = pageOf(all, { limit: 2, newestFirst: false });
    const withoutSecond = all.filter((m) => m.ts !== first.messages[1]!.ts);
    const next = pageOf(withoutSecond, {
      limit: 2,
      newestFirst: false,
      cursor: first.response_metadata!.next_cursor,
    });
    expect(next.messages.map((m) => m.text)).toEqual(['m2', 'm3']);
  });
});

describe('Workspace', () => {
  it('announces each change to subscribers', () => {
    const { workspace: ws, changes } = workspace();
    const { ts } = ws.postMessage(CHANNEL, { text: 'a' });
    ws.updateMessage(CHANNEL, ts, { text: 'b' });
    ws.deleteMessage(CHANNEL, ts);
    expect(changes.map((c) => c.kind)).toEqual([
      'message.posted',
      'message.updated',
      'message.deleted',
    ]);
  });

  it('removes blocks for an empty array, and metadata for {} (null)', () => {
    const { workspace: ws } = workspace();
    const metadata = { event_type: 'finding', event_payload: { id: 'f-1' } };
    const { ts } = ws.postMessage(CHANNEL, { text: 'a', blocks: [{ type: 'divider' }], metadata });
    ws.updateMessage(CHANNEL, ts, { blocks: [], metadata: parseMetadata('{}') });
    const message = ws.getMessage(CHANNEL, ts)!;
    expect(message).not.toHaveProperty('blocks');
    expect(message).not.toHaveProperty('metadata');
  });

  it('refuses malformed metadata with invalid_metadata_format', () => {
    expect(parseMetadata(JSON.stringify({ event_type: 'x', event_payload: { a: 1 } }))).toEqual({
      event_type: 'x',
      event_payload: { a: 1 },
    });
    for (const bad of [
      '{"event_type":"x"}',
      '{"event_payload":{}}',
      'not json',
      { event_type: '', event_payload: {} },
    ]) {
      expect(() => parseMetadata(bad)).toThrow(/^invalid_metadata_format: /);
    }
  });

  it('keeps a deleted parent with replies as a tombstone, and forgets deleted replies', () => {
    const { workspace: ws } = workspace();
    const parent = ws.postMessage(CHANNEL, { text: 'parent', blocks: [{ type: 'divider' }] });
    const reply = ws.postMessage(CHANNEL, { text: 'reply', thread_ts: parent.ts });
    const second = ws.postMessage(CHANNEL, { text: 'second', thread_ts: reply.ts });
    expect(second.thread_ts).toBe(parent.ts); // a reply to a reply joins the parent's thread
    ws.deleteMessage(CHANNEL, second.ts);
    expect(ws.getMessage(CHANNEL, parent.ts)).toMatchObject({
      reply_count: 1,
      latest_reply: reply.ts,
    });
    ws.deleteMessage(CHANNEL, parent.ts);
    expect(ws.getMessage(CHANNEL, parent.ts)).toMatchObject({
      subtype: 'tombstone',
      text: 'This message was deleted.',
    });
    expect(ws.getMessage(CHANNEL, parent.ts)).not.toHaveProperty('blocks');
  });

  it('shows broadcast replies in the channel history', () => {
    const { workspace: ws } = workspace();
    const parent = ws.postMessage(CHANNEL, { text: 'parent' });
    ws.postMessage(CHANNEL, { text: 'quiet', thread_ts: parent.ts });
    ws.postMessage(CHANNEL, { text: 'loud', thread_ts: parent.ts, reply_broadcast: true });
    expect(ws.history(CHANNEL).map((m) => m.text)).toEqual(['loud', 'parent']);
  });

  it('refuses to update a message the bot did not post', () => {
    const { workspace: ws } = workspace();
    const { ts } = ws.postMessage(CHANNEL, { text: 'a' });
    ws.getMessage(CHANNEL, ts)!.bot_id = 'B0SOMEONEELSE';
    expect(() => ws.updateMessage(CHANNEL, ts, { text: 'b' })).toThrow(
      new SlackApiError('cant_update_message'),
    );
  });
});

describe('FaultPlan', () => {
  it('fails the next calls in the order planned', () => {
    const plan = new FaultPlan();
    plan.failNext('chat.update', { status: 429, retryAfter: 2 });
    plan.failNext('chat.update', { error: 'ratelimited' }, { times: 2 });
    expect([1, 2, 3, 4].map(() => plan.take('chat.update'))).toEqual([
      { status: 429, headers: { 'Retry-After': '2' }, body: { ok: false, error: 'ratelimited' } },
      { status: 200, headers: {}, body: { ok: false, error: 'ratelimited' } },
      { status: 200, headers: {}, body: { ok: false, error: 'ratelimited' } },
      undefined,
    ]);
    expect(plan.take('chat.postMessage')).toBeUndefined();
  });

  it('refuses plans that cannot happen', () => {
    const plan = new FaultPlan();
    expect(() => plan.failNext('chat.update', { status: 500 }, { times: 0 })).toThrow(
      'failNext(chat.update): times must be a whole number ≥ 1, got 0',
    );
    expect(() => plan.failNext('chat.update', { status: 429, retryAfter: 1.5 })).toThrow(
      'failNext(chat.update): retryAfter must be whole seconds ≥ 0',
    );
  });
});
