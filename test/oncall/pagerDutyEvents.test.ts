import { startLocalPagerDuty, type LocalPagerDuty } from '../../src/app/demo/localPagerDuty';
import { PagerDutyEvents } from '../../src/oncall/pagerDutyEvents';
import { followUpEvent, triggerEvent } from '../../src/paging/pageEvents';
import { PageRejectedError, PageRetryableError } from '../../src/paging/ports';
import { fixtureFinding } from '../../harness/fixtures';

const KEY = 'R0UTINGKEY0123456789ABCDEFGHIJKL';
const finding = fixtureFinding('UnauthorizedAccess_EC2_TorClient.json');

let pd: LocalPagerDuty;
beforeEach(async () => {
  pd = await startLocalPagerDuty({ routingKey: KEY });
});
afterEach(() => pd.close());

const pager = (timeoutMs?: number) =>
  new PagerDutyEvents({
    routingKey: KEY,
    eventsUrl: pd.url,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });

const trigger = () =>
  triggerEvent(finding, {
    reading: 'More unusual than 99.4% of this account’s normal activity',
    remoteIp: '198.51.100.7',
    slackUrl: 'https://slack.com/archives/C0SECURITY/p1760000000000100',
  });

describe('PagerDuty Events API v2', () => {
  it('sends a trigger with the exact body PagerDuty takes, and reads the dedup key of the 202', async () => {
    expect(await pager().send(trigger())).toEqual({ incidentKey: finding.id });
    expect(pd.received).toHaveLength(1);
    expect(pd.received[0]).toMatchObject({ status: 202 });
    expect(pd.received[0]?.body).toEqual({
      routing_key: KEY,
      event_action: 'trigger',
      dedup_key: finding.id,
      payload: {
        summary: `GuardDuty High ${finding.severity.toFixed(1)}: ${finding.title} (account ${finding.accountId}, ${finding.region})`,
        source: `guardduty/${finding.accountId}/${finding.region}`,
        severity: 'error',
        timestamp: finding.updatedAt,
        component: `Instance ${finding.resource?.instanceDetails?.instanceId ?? ''}`,
        group: finding.accountId,
        class: finding.type,
        custom_details: {
          finding_id: finding.id,
          type: finding.type,
          severity: `High ${finding.severity.toFixed(1)}`,
          account: finding.accountId,
          region: finding.region,
          resource: `Instance ${finding.resource?.instanceDetails?.instanceId ?? ''}`,
          remote_ip: '198.51.100.7',
          ip_insights: 'More unusual than 99.4% of this account’s normal activity',
          count: String(finding.service.count),
        },
      },
      links: [
        { href: 'https://slack.com/archives/C0SECURITY/p1760000000000100', text: 'Slack message' },
        {
          href: `https://console.aws.amazon.com/guardduty/home?region=${finding.region}#/findings?macros=current&fId=${finding.id}`,
          text: 'GuardDuty console',
        },
      ],
      client: 'guardduty-chatops',
    });
    expect(pd.incidents.get(finding.id)).toMatchObject({ status: 'triggered', severity: 'error' });
  });

  it('sends acknowledge and resolve with the same dedup key and nothing else', async () => {
    await pager().send(trigger());
    await pager().send(followUpEvent(finding.id, 'acknowledge'));
    await pager().send(followUpEvent(finding.id, 'resolve'));
    expect(pd.received.slice(1).map((r) => r.body)).toEqual([
      { routing_key: KEY, event_action: 'acknowledge', dedup_key: finding.id },
      { routing_key: KEY, event_action: 'resolve', dedup_key: finding.id },
    ]);
    expect(pd.incidents.get(finding.id)).toMatchObject({ status: 'resolved', events: 3 });
  });

  it('maps severity bands: Critical → critical, High → error, Medium → warning, Low → info', () => {
    expect(
      [9.5, 8, 5, 2].map((severity) => triggerEvent({ ...finding, severity }, {}).severity),
    ).toEqual(['critical', 'error', 'warning', 'info']);
  });

  it('makes attacker text inert and keeps the summary within 1,024 characters', async () => {
    const hostile = {
      ...finding,
      title: `<!channel> Pay at https://evil.example/x or mail boss@corp.example\u202e\u0007 ${'A'.repeat(2000)}`,
    };
    await pager().send(triggerEvent(hostile, {}));
    const body = pd.received[0]?.body as { payload: { summary: string } };
    expect(pd.received[0]?.status).toBe(202);
    expect(body.payload.summary.length).toBeLessThanOrEqual(1024);
    expect(body.payload.summary).toMatch(
      /^GuardDuty High \d\.\d: ‹!channel› Pay at https\[:\]\/\/evil\[\.\]example\/x or mail boss\[@\]corp\[\.\]example A+…$/,
    );
    // eslint-disable-next-line no-control-regex -- the control character must be gone
    expect(body.payload.summary).not.toMatch(/[<>\u202e\u0007]/);
  });

  it('tells a 429 (with its Retry-After) and a 500 apart from a refusal', async () => {
    pd.failNext({ status: 429, retryAfterSeconds: 7 });
    pd.failNext({ status: 500 });
    pd.failNext({ status: 400 });
    const first = await pager()
      .send(trigger())
      .catch((error: unknown) => error);
    expect(first).toBeInstanceOf(PageRetryableError);
    expect(first).toMatchObject({
      message: 'PagerDuty is throttling events (429)',
      retryAfterMs: 7000,
    });
    await expect(pager().send(trigger())).rejects.toThrow(
      new PageRetryableError('PagerDuty answered 500'),
    );
    const refused = await pager()
      .send(trigger())
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PageRejectedError);
    expect(pd.incidents.size).toBe(0);
  });

  it('gives up on a PagerDuty that does not answer, as retryable', async () => {
    pd.failNext({ hangMs: 2000 });
    const started = Date.now();
    await expect(pager(200).send(trigger())).rejects.toThrow(
      new PageRetryableError('PagerDuty did not answer within 200 ms'),
    );
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('names what PagerDuty refused: a wrong routing key', async () => {
    const wrong = new PagerDutyEvents({ routingKey: 'X'.repeat(32), eventsUrl: pd.url });
    await expect(wrong.send(trigger())).rejects.toThrow(
      "PagerDuty refused the trigger (400): Event object is invalid; 'routing_key' is not an integration key of this account",
    );
  });
});
