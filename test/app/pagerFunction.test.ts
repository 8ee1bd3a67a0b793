import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { createPagerHandler } from '../../src/app/pagerFunction';
import type { DeliveryAttempt, PageDelivery } from '../../src/bot/paging/pageDelivery';
import type { PageRequest } from '../../src/paging/ports';
import { PageRetryableError } from '../../src/paging/ports';
import { recordingLog } from '../helpers/events';

function sqsRecord(messageId: string, body: string, receiveCount: number): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '1760000000000',
      SenderId: 'AROAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1760000000001',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:page-queue',
    awsRegion: 'eu-west-1',
  };
}

const request = (findingId: string): PageRequest => ({
  findingId,
  action: 'trigger',
  requestedAt: '2026-11-21T14:02:00.000Z',
});

describe('the pager function', () => {
  it('delivers each request on its own, reports only the failed ones, and marks the last try final', async () => {
    const seen: [string, DeliveryAttempt][] = [];
    const delivery = {
      deliver: (r: PageRequest, attempt: DeliveryAttempt) => {
        seen.push([r.findingId, attempt]);
        return r.findingId === 'fails'
          ? Promise.reject(new PageRetryableError('PagerDuty answered 500'))
          : Promise.resolve({ kind: 'skipped', reason: 'x' });
      },
    } as unknown as PageDelivery;
    const log = recordingLog();
    const handle = createPagerHandler(() => Promise.resolve(delivery), log, 5);
    const event: SQSEvent = {
      Records: [
        sqsRecord('m1', JSON.stringify(request('ok')), 1),
        sqsRecord('m2', JSON.stringify(request('fails')), 5),
        sqsRecord('m3', '{"findingId": "x", "action": "page everyone"}', 1),
        sqsRecord('m4', 'not json', 2),
      ],
    };
    expect(await handle(event)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(seen).toEqual([
      ['ok', { number: 1, final: false }],
      ['fails', { number: 5, final: true }],
    ]);
    expect(
      log.lines.filter((l) => l.level === 'error').map((l) => l.attributes?.messageId),
    ).toEqual(['m3', 'm4']);
  });
});
