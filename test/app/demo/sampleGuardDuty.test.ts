import {
  BadNextTokenError,
  SAMPLE_DETECTOR_ID,
  SampleGuardDuty,
  UnknownDetectorError,
} from '../../../src/app/demo/sampleGuardDuty';
import { fixtureFinding, fixtureNames } from '../../../harness/fixtures';

const findings = fixtureNames().map(fixtureFinding);
const guardduty = new SampleGuardDuty(findings);
const DETECTOR = SAMPLE_DETECTOR_ID;

describe('GuardDuty answered from the sample findings', () => {
  it('has one enabled detector', async () => {
    await expect(guardduty.listDetectorIds()).resolves.toEqual([DETECTOR]);
    await expect(guardduty.getDetector(DETECTOR)).resolves.toEqual({
      id: DETECTOR,
      status: 'ENABLED',
      findingPublishingFrequency: 'FIFTEEN_MINUTES',
    });
    await expect(guardduty.getDetector('other')).rejects.toThrow(
      new UnknownDetectorError('no detector other in the demo'),
    );
  });

  it('lists finding ids most severe first, page by page, every finding once', async () => {
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await guardduty.listFindingIds(
        DETECTOR,
        {},
        nextToken === undefined ? { maxResults: 10 } : { maxResults: 10, nextToken },
      );
      seen.push(...page.ids);
      nextToken = page.nextToken;
      pages += 1;
    } while (nextToken !== undefined);
    expect(pages).toBe(Math.ceil(findings.length / 10));
    expect(new Set(seen).size).toBe(findings.length);
    const severities = seen.map((id) => findings.find((f) => f.id === id)!.severity);
    expect(severities).toEqual([...severities].sort((a, b) => b - a));
    await expect(
      guardduty.listFindingIds(DETECTOR, {}, { maxResults: 10, nextToken: 'forged' }),
    ).rejects.toThrow(new BadNextTokenError('nextToken "forged" was not issued here'));
  });

  it('filters by severity, type, update time and archived, as FindingCriteria would', async () => {
    const ids = async (query: Parameters<SampleGuardDuty['listFindingIds']>[1]) =>
      new Set((await guardduty.listFindingIds(DETECTOR, query, { maxResults: 50 })).ids);
    const where = (keep: (f: (typeof findings)[number]) => boolean) =>
      new Set(findings.filter(keep).map((f) => f.id));

    expect(await ids({ minSeverity: 7 })).toEqual(where((f) => f.severity >= 7));
    expect(await ids({ archived: true })).toEqual(where((f) => f.service.archived));
    expect((await ids({ archived: true })).size).toBeGreaterThan(0);
    const devAlice = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
    const since = Date.parse(devAlice.updatedAt);
    expect(await ids({ types: [devAlice.type], archived: false, updatedSinceMs: since })).toEqual(
      where(
        (f) => f.type === devAlice.type && !f.service.archived && Date.parse(f.updatedAt) >= since,
      ),
    );
    expect(await ids({ types: [devAlice.type] })).toContain(devAlice.id);
  });

  it('gets findings by id, most severe first, and counts them by severity or type', async () => {
    const devAlice = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
    const got = await guardduty.getFindings(DETECTOR, [devAlice.id, 'unknown-id']);
    expect(got).toEqual({ findings: [devAlice], unreadable: [] });

    const bySeverity = await guardduty.countFindings(DETECTOR, {}, 'SEVERITY');
    expect(bySeverity.reduce((sum, g) => sum + g.count, 0)).toBe(findings.length);
    expect(bySeverity.map((g) => g.count)).toEqual(
      [...bySeverity.map((g) => g.count)].sort((a, b) => b - a),
    );
    const byType = await guardduty.countFindings(DETECTOR, { minSeverity: 5 }, 'FINDING_TYPE');
    expect(byType).toContainEqual({
      key: devAlice.type,
      count: findings.filter((f) => f.type === devAlice.type && f.severity >= 5).length,
    });
  });
});
