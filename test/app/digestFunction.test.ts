import { createDigestHandler, digestChannels } from '../../src/app/digestFunction';
import type { DigestPoster } from '../../src/bot/digest';
import { parseRoutes } from '../../src/routing/parseRoutes';
import { recordingLog } from '../helpers/events';

const ROUTES = parseRoutes(
  'routes:\n  - name: recon\n    match: { type: "Recon:*" }\n    to: { digest: C0RECON }\n',
  'test',
  'C0SECURITY',
);

describe('the digest function', () => {
  it('runs the day’s digest of every channel the routes gather one for, with the day’s run id', async () => {
    const runs: [string, string][] = [];
    const poster = {
      run: (channel: string, runId: string) => {
        runs.push([channel, runId]);
        return Promise.resolve({ kind: 'empty' as const });
      },
    } as unknown as DigestPoster;
    expect(digestChannels(ROUTES)).toEqual(['C0RECON', 'C0SECURITY']);
    const handle = createDigestHandler(
      () => Promise.resolve({ poster, routes: ROUTES }),
      recordingLog(),
    );
    const result = await handle({
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: '2026-11-21T09:00:00Z',
    });
    expect(result).toEqual({
      kind: 'digests',
      outcomes: { C0RECON: { kind: 'empty' }, C0SECURITY: { kind: 'empty' } },
    });
    expect(runs).toEqual([
      ['C0RECON', 'digest#C0RECON#2026-11-21'],
      ['C0SECURITY', 'digest#C0SECURITY#2026-11-21'],
    ]);
  });

  it('answers /guardduty digest through the response URL, and refuses anything else', async () => {
    const poster = {
      run: () => Promise.resolve({ kind: 'posted' as const, ts: '1.2', count: 3 }),
    } as unknown as DigestPoster;
    const posts: { url: string; body: unknown }[] = [];
    const fetchFn = ((url: string, init: { body: string }) => {
      posts.push({ url, body: JSON.parse(init.body) });
      return Promise.resolve(new Response('ok'));
    }) as unknown as typeof fetch;
    const log = recordingLog();
    const handle = createDigestHandler(
      () => Promise.resolve({ poster, routes: ROUTES, fetch: fetchFn }),
      log,
    );
    const url = 'https://hooks.slack.com/commands/T1/2/abc';
    expect(
      await handle({ digest: { channel: 'C0SECURITY', userId: 'U0ALICE', responseUrl: url } }),
    ).toMatchObject({ kind: 'digests' });
    expect(posts).toEqual([
      {
        url,
        body: {
          response_type: 'ephemeral',
          text: ':newspaper: Posted the digest: 3 findings, each in its thread.',
        },
      },
    ]);
    expect(
      await handle({
        digest: { channel: 'C0SECURITY', userId: 'U0ALICE', responseUrl: 'https://evil.example/x' },
      }),
    ).toMatchObject({ kind: 'rejected' });
    expect(posts).toHaveLength(1);
  });
});
