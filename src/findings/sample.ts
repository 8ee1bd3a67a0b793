import type { Finding } from './schema';

/**
 * Whether GuardDuty made this finding with `CreateSampleFindings`: its `service.additionalInfo`
 * says `"sample": true`, either directly (EventBridge events) or inside the JSON string of
 * `{"type": "default", "value": "…"}` (the newer finding schema and GetFindings).
 */
export function isSampleFinding(finding: Finding): boolean {
  const info = finding.service.additionalInfo;
  if (typeof info !== 'object' || info === null) return false;
  const record = info as Record<string, unknown>;
  if (record.sample === true) return true;
  if (typeof record.value !== 'string' || !record.value.includes('"sample"')) return false;
  try {
    const value: unknown = JSON.parse(record.value);
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<string, unknown>).sample === true
    );
  } catch {
    return false;
  }
}
