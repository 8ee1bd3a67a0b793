export type SeverityBand = 'Low' | 'Medium' | 'High' | 'Critical';

/** GuardDuty's bands: Low 1.0–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0. */
export function severityBand(severity: number): SeverityBand {
  if (severity >= 9) return 'Critical';
  if (severity >= 7) return 'High';
  if (severity >= 4) return 'Medium';
  return 'Low';
}

/** The lowest severity of each band, for `--severity` filters and MIN_SEVERITY. */
export const SEVERITY_BAND_FLOOR: Readonly<Record<SeverityBand, number>> = {
  Low: 1,
  Medium: 4,
  High: 7,
  Critical: 9,
};
