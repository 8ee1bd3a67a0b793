/** "2026-11-21 08:14 UTC": unambiguous for an incident timeline, whoever reads it. */
export function formatUtc(iso: string | number | Date): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return 'unknown time';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "14:02 UTC" for status lines on the same day's message. */
export function formatUtcTime(date: Date): string {
  return `${date.toISOString().slice(11, 16)} UTC`;
}
