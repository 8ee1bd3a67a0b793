import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseFindingInput, type Finding } from '../src/findings/index';

export const FIXTURE_DIR = join(__dirname, '..', 'test', 'fixtures', 'guardduty');

export function fixtureNames(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort();
}

/** The raw JSON of a fixture (an EventBridge event or a bare finding). */
export function rawFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, name), 'utf8')) as Record<string, unknown>;
}

export function fixtureFinding(name: string): Finding {
  return parseFindingInput(rawFixture(name)).finding;
}

/** A deep copy of a fixture's finding JSON (the `detail` of an event), for editing in a test. */
export function rawFinding(name: string): Record<string, unknown> {
  const raw = rawFixture(name);
  return structuredClone((raw.detail ?? raw) as Record<string, unknown>);
}
