import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { formatNumber, type BenchRow, type BenchSection } from './table';

/**
 * Cold start of the Lambda handlers: the size of each bundle `npm run build` makes (the same as
 * `sam build`, from template.yaml), and the median time a fresh Node process takes to load it,
 * next to loading the same code unbundled, its dependencies read from node_modules.
 */

const ROOT = join(__dirname, '..');
/** Targets from the deploy issue, for the Slack handler (it must ack within Slack's 3 s). */
const SLACK_MAX_BYTES = 1_500_000;
const SLACK_MAX_LOAD_MS = 250;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Milliseconds `require(path)` takes in a new Node process (Node's own start-up excluded). */
function loadMs(path: string, cwd: string): number {
  const script = `const t = process.hrtime.bigint(); require(${JSON.stringify(path)});
    process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;
  const out = execFileSync(process.execPath, ['-e', script], {
    cwd,
    env: { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return Number(out.toString());
}

function medianLoadMs(path: string, cwd: string, runs: number): number {
  loadMs(path, cwd); // warm the file-system cache, as a second cold start would find it
  return median(Array.from({ length: runs }, () => loadMs(path, cwd)));
}

/** The same entry compiled without its dependencies: they load from node_modules at run time. */
async function unbundled(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    absWorkingDir: ROOT,
  });
}

/**
 * Stand-ins for the Slack handler while it is not in this tree: the runtime plus Bolt's App and
 * AwsLambdaReceiver, imported from Bolt's index (which also loads Express) or from their own files.
 */
const SLACK_ESTIMATES: Readonly<Record<string, string>> = {
  'slack-estimate (bolt index)': `export { App, AwsLambdaReceiver } from '@slack/bolt';`,
  'slack-estimate (bolt files)': `export { default as App } from '@slack/bolt/dist/App';
    export { default as AwsLambdaReceiver } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';`,
};

async function slackEstimate(dir: string, name: string, imports: string): Promise<string> {
  const slug = name.replace(/[^a-z]+/g, '-');
  const entry = join(dir, `${slug}.ts`);
  writeFileSync(entry, `export * from ${JSON.stringify(join(ROOT, 'src/runtime'))};\n${imports}\n`);
  await build({
    entryPoints: [entry],
    outfile: join(dir, 'handlers', name, 'index.js'),
    bundle: true,
    minify: true,
    sourcemap: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['*/local/localStore'],
    logLevel: 'warning',
    absWorkingDir: ROOT,
    nodePaths: [join(ROOT, 'node_modules')],
  });
  return entry;
}

export const coldstartBench: BenchSection = async ({ quick }) => {
  const runs = quick ? 5 : 21;
  const dir = mkdtempSync(join(tmpdir(), 'gd-chatops-coldstart-'));
  // Unbundled code must sit inside the repository to find node_modules.
  const unbundledDir = join(ROOT, 'node_modules', '.cache', 'gd-chatops-coldstart');
  mkdirSync(unbundledDir, { recursive: true });
  try {
    execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--out', dir], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const handlers = ['findings', 'slack', 'worker'].filter((name) => {
      try {
        return statSync(join(dir, 'handlers', name, 'index.js')).isFile();
      } catch {
        return false;
      }
    });
    const entries = new Map(
      handlers.map((name) => [name, join(ROOT, 'src/handlers', `${name}.ts`)]),
    );
    if (!handlers.includes('slack')) {
      for (const [name, imports] of Object.entries(SLACK_ESTIMATES)) {
        entries.set(name, await slackEstimate(dir, name, imports));
      }
    }

    const rows: BenchRow[] = [];
    for (const [name, entry] of entries) {
      const bundle = join(dir, 'handlers', name, 'index.js');
      const unbundledFile = join(unbundledDir, `${name.replace(/[^a-z]+/g, '-')}.js`);
      await unbundled(entry, unbundledFile);
      const isSlack = name.startsWith('slack');
      const bytes = statSync(bundle).size;
      const bundledMs = medianLoadMs(bundle, dir, runs);
      const unbundledMs = medianLoadMs(unbundledFile, ROOT, runs);
      rows.push(
        {
          metric: `${name}: bundle size (minified)`,
          value: `${formatNumber(bytes / 1000)} kB`,
          ...(isSlack
            ? {
                target: `< ${formatNumber(SLACK_MAX_BYTES / 1000)} kB`,
                ok: bytes < SLACK_MAX_BYTES,
              }
            : {}),
        },
        {
          metric: `${name}: load bundle, median of ${runs} fresh processes`,
          value: `${formatNumber(bundledMs, 1)} ms`,
          ...(isSlack
            ? { target: `< ${SLACK_MAX_LOAD_MS} ms`, ok: bundledMs < SLACK_MAX_LOAD_MS }
            : {}),
        },
        {
          metric: `${name}: load unbundled from node_modules, median of ${runs}`,
          value: `${formatNumber(unbundledMs, 1)} ms`,
        },
      );
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(unbundledDir, { recursive: true, force: true });
  }
};
