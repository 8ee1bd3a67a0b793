import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FindingValidationError, parseFindingsJson, type Finding } from '../../findings';
import { DemoDataError } from './errors';
import { projectFile } from './paths';

/**
 * The sample findings the demo posts: the project's own fixtures (AWS sample findings and
 * synthetic ones; their sources and licences are in SOURCES.md and SYNTHETIC.md beside them).
 */
const SAMPLE_FINDINGS_DIR = projectFile('test', 'fixtures', 'guardduty');

/** Every finding in the folder's `*.json` files, oldest update first (a channel's order). */
export async function loadSampleFindings(dir = SAMPLE_FINDINGS_DIR): Promise<Finding[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  const findings: Finding[] = [];
  for (const name of names) {
    try {
      const parsed = parseFindingsJson(await readFile(join(dir, name), 'utf8'));
      findings.push(...parsed.map(({ finding }) => finding));
    } catch (error) {
      if (error instanceof FindingValidationError) {
        throw new DemoDataError(`${join(dir, name)}: ${error.message}`);
      }
      throw error;
    }
  }
  return findings.sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt));
}
