import {
  GetDetectorCommand,
  GetFindingsCommand,
  GetFindingsStatisticsCommand,
  GuardDutyClient,
  ListDetectorsCommand,
  ListFindingsCommand,
} from '@aws-sdk/client-guardduty';
import { mockClient } from 'aws-sdk-client-mock';
import { findingCriteria, SdkGuardDutyReader } from '../../src/aws/guardDutyFindings';
import { sdkFixture } from '../../harness/sdkFindings';

const guardduty = mockClient(GuardDutyClient);
beforeEach(() => guardduty.reset());

function reader() {
  return new SdkGuardDutyReader(new GuardDutyClient({ region: 'us-east-1' }));
}

const inputsOf = (command: Parameters<typeof guardduty.commandCalls>[0]): unknown[] =>
  guardduty.commandCalls(command).map((call) => call.args[0].input as unknown);

describe('findingCriteria', () => {
  it('maps each part of a query to its GuardDuty criterion', () => {
    expect(
      findingCriteria({
        minSeverity: 7,
        updatedSinceMs: 1_732_000_000_000,
        types: ['Recon:EC2/Portscan'],
        archived: false,
      }),
    ).toEqual({
      Criterion: {
        severity: { GreaterThanOrEqual: 7 },
        updatedAt: { GreaterThanOrEqual: 1_732_000_000_000 },
        type: { Equals: ['Recon:EC2/Portscan'] },
        'service.archived': { Equals: ['false'] },
      },
    });
  });

  it('selects everything for an empty query', () => {
    expect(findingCriteria({})).toEqual({ Criterion: {} });
  });
});

describe('SdkGuardDutyReader', () => {
  it('lists every detector, page by page', async () => {
    guardduty
      .on(ListDetectorsCommand)
      .resolvesOnce({ DetectorIds: ['d1'], NextToken: 'page2' })
      .resolvesOnce({ DetectorIds: ['d2'] });
    expect(await reader().listDetectorIds()).toEqual(['d1', 'd2']);
    expect(inputsOf(ListDetectorsCommand)).toEqual([{}, { NextToken: 'page2' }]);
  });

  it('reads a detector’s status and publishing frequency', async () => {
    guardduty.on(GetDetectorCommand).resolves({
      Status: 'ENABLED',
      FindingPublishingFrequency: 'SIX_HOURS',
      ServiceRole: 'arn:aws:iam::123456789012:role/aws-service-role/guardduty',
    });
    expect(await reader().getDetector('d1')).toEqual({
      id: 'd1',
      status: 'ENABLED',
      findingPublishingFrequency: 'SIX_HOURS',
    });
    expect(inputsOf(GetDetectorCommand)).toEqual([{ DetectorId: 'd1' }]);
  });

  it('lists one page of finding ids, most severe first', async () => {
    guardduty.on(ListFindingsCommand).resolves({ FindingIds: ['a', 'b'], NextToken: 'more' });
    const page = await reader().listFindingIds(
      'd1',
      { minSeverity: 4, archived: false },
      { maxResults: 50, nextToken: 'prev' },
    );
    expect(page).toEqual({ ids: ['a', 'b'], nextToken: 'more' });
    expect(inputsOf(ListFindingsCommand)).toEqual([
      {
        DetectorId: 'd1',
        FindingCriteria: {
          Criterion: {
            severity: { GreaterThanOrEqual: 4 },
            'service.archived': { Equals: ['false'] },
          },
        },
        SortCriteria: { AttributeName: 'severity', OrderBy: 'DESC' },
        MaxResults: 50,
        NextToken: 'prev',
      },
    ]);
  });

  it('treats an empty NextToken as the last page', async () => {
    guardduty.on(ListFindingsCommand).resolves({ FindingIds: [], NextToken: '' });
    expect(await reader().listFindingIds('d1', {}, { maxResults: 10 })).toEqual({ ids: [] });
  });

  it('fetches findings in batches of 50 and returns them most severe first', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => `f${i}`);
    const low = sdkFixture('UnauthorizedAccess_EC2_SSHBruteForce.json', (w) => {
      w.severity = 2;
    });
    const high = sdkFixture('Recon_EC2_Portscan.json', (w) => {
      w.severity = 8;
    });
    guardduty
      .on(GetFindingsCommand)
      .resolvesOnce({ Findings: [low] })
      .resolvesOnce({ Findings: [high] })
      .resolvesOnce({ Findings: [] });
    const fetched = await reader().getFindings('d1', ids);
    expect(fetched.findings.map((f) => [f.id, f.severity])).toEqual([
      [high.Id, 8],
      [low.Id, 2],
    ]);
    expect(fetched.unreadable).toEqual([]);
    expect(inputsOf(GetFindingsCommand)).toEqual([
      {
        DetectorId: 'd1',
        FindingIds: ids.slice(0, 50),
        SortCriteria: { AttributeName: 'severity', OrderBy: 'DESC' },
      },
      {
        DetectorId: 'd1',
        FindingIds: ids.slice(50, 100),
        SortCriteria: { AttributeName: 'severity', OrderBy: 'DESC' },
      },
      {
        DetectorId: 'd1',
        FindingIds: ids.slice(100),
        SortCriteria: { AttributeName: 'severity', OrderBy: 'DESC' },
      },
    ]);
  });

  it('reports a finding our schema refuses instead of failing the whole batch', async () => {
    const good = sdkFixture('Recon_EC2_Portscan.json');
    const bad = sdkFixture('Trojan_EC2_DropPoint.json', (w) => {
      w.accountId = 'not-an-account';
    });
    guardduty.on(GetFindingsCommand).resolves({ Findings: [good, bad] });
    const fetched = await reader().getFindings('d1', [good.Id!, bad.Id!]);
    expect(fetched.findings.map((f) => f.id)).toEqual([good.Id]);
    expect(fetched.unreadable).toEqual([
      { id: bad.Id, reason: 'accountId: must be a 12-digit AWS account id' },
    ]);
  });

  it('asks for no findings when given no ids', async () => {
    expect(await reader().getFindings('d1', [])).toEqual({ findings: [], unreadable: [] });
    expect(guardduty.calls()).toHaveLength(0);
  });

  it('counts findings grouped by severity and by type, largest first', async () => {
    guardduty
      .on(GetFindingsStatisticsCommand, { GroupBy: 'SEVERITY' })
      .resolves({
        FindingStatistics: {
          GroupedBySeverity: [
            { Severity: 5, TotalFindings: 2 },
            { Severity: 8, TotalFindings: 7 },
          ],
        },
      })
      .on(GetFindingsStatisticsCommand, { GroupBy: 'FINDING_TYPE' })
      .resolves({
        FindingStatistics: {
          GroupedByFindingType: [
            { FindingType: 'Recon:EC2/Portscan', TotalFindings: 4 },
            { FindingType: 'Trojan:EC2/DropPoint', TotalFindings: 5 },
          ],
        },
      });
    const query = { updatedSinceMs: 1_732_000_000_000, archived: false };
    expect(await reader().countFindings('d1', query, 'SEVERITY')).toEqual([
      { key: '8', count: 7 },
      { key: '5', count: 2 },
    ]);
    expect(await reader().countFindings('d1', query, 'FINDING_TYPE')).toEqual([
      { key: 'Trojan:EC2/DropPoint', count: 5 },
      { key: 'Recon:EC2/Portscan', count: 4 },
    ]);
    const criteria = {
      Criterion: {
        updatedAt: { GreaterThanOrEqual: 1_732_000_000_000 },
        'service.archived': { Equals: ['false'] },
      },
    };
    expect(inputsOf(GetFindingsStatisticsCommand)).toEqual([
      {
        DetectorId: 'd1',
        FindingCriteria: criteria,
        GroupBy: 'SEVERITY',
        OrderBy: 'DESC',
        MaxResults: 100,
      },
      {
        DetectorId: 'd1',
        FindingCriteria: criteria,
        GroupBy: 'FINDING_TYPE',
        OrderBy: 'DESC',
        MaxResults: 100,
      },
    ]);
  });
});
