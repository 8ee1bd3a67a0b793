import { coldstartBench } from './coldstart';
import { commandsBench } from './commands';
import { clicksBench } from './clicks';
import { burstBench } from './burst';
import { costBench } from './cost';
import { clickLoadBench } from './clickLoad';
import { soakBench } from './soak';
import { ipinsightsBench } from './ipinsights';
import { retrainingBench } from './retraining';
import { formatTable, type BenchSection } from './table';

/** `npm run bench [-- SECTION...] [--quick]`: runs the named sections (all when none) and prints tables. */
const SECTIONS: Readonly<Record<string, BenchSection>> = {
  ipinsights: ipinsightsBench,
  retraining: retrainingBench,
  coldstart: coldstartBench,
  commands: commandsBench,
  clicks: clicksBench,
  burst: burstBench,
  cost: costBench,
  load: clickLoadBench,
  soak: soakBench,
};

async function run(argv: readonly string[]): Promise<number> {
  const quick = argv.includes('--quick');
  const named = argv.filter((arg) => !arg.startsWith('--'));
  const unknown = named.filter((name) => !(name in SECTIONS));
  if (unknown.length > 0) {
    process.stderr.write(
      `bench: unknown section ${unknown.join(', ')} (sections: ${Object.keys(SECTIONS).join(', ')})\n`,
    );
    return 2;
  }
  for (const name of named.length > 0 ? named : Object.keys(SECTIONS)) {
    const section = SECTIONS[name];
    if (section === undefined) continue;
    const rows = await section({ quick });
    process.stdout.write(`${formatTable(name, rows)}\n`);
  }
  return 0;
}

void run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
