import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { buildBundles } from '../harness/deploy/build';
import { loadTemplate, stackOf } from '../harness/deploy/cfn';
import { lambdaFunctions } from '../harness/deploy/functions';
import { formatNumber, type BenchRow, type BenchSection } from './table';

/**
 * Cold start of the Lambda handlers: the size of each bundle `npm run build` makes (the same as
 * `sam build`, from template.yaml), and the median time a fresh Node process takes to load it —
 * with its layers on NODE_PATH and the template's NODE_OPTIONS, as Lambda starts it — next to
 * loading the same code unbundled, its dependencies read from node_modules.
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

interface LoadEnv {
  readonly nodePath?: string;
  readonly nodeOptions?: string;
}

/** Milliseconds `require(path)` takes in a new Node process (Node's own start-up excluded). */
function loadMs(path: string, cwd: string, env: LoadEnv): number {
  const script = `const t = process.hrtime.bigint(); require(${JSON.stringify(path)});
    process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;
  const out = execFileSync(process.execPath, ['-e', script], {
    cwd,
    env: {
      PATH: process.env.PATH,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...(env.nodePath === undefined ? {} : { NODE_PATH: env.nodePath }),
      ...(env.nodeOptions === undefined ? {} : { NODE_OPTIONS: env.nodeOptions }),
    },
  });
  return Number(out.toString());
}

function medianLoadMs(path: string, cwd: string, runs: number, env: LoadEnv = {}): number {
  loadMs(path, cwd, env); // warm the file-system cache, as a second cold start would find it
  return median(Array.from({ length: runs }, () => loadMs(path, cwd, env)));
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

export const coldstartBench: BenchSection = async ({ quick }) => {
  const runs = quick ? 5 : 21;
  const functions = lambdaFunctions(stackOf(loadTemplate(join(ROOT, 'template.yaml'))));
  const bundles = buildBundles();
  // Unbundled code must sit inside the repository to find node_modules.
  const unbundledDir = join(ROOT, 'node_modules', '.cache', 'gd-chatops-coldstart');
  mkdirSync(unbundledDir, { recursive: true });
  try {
    const rows: BenchRow[] = [];
    for (const fn of functions) {
      const { name } = fn;
      const bundle = bundles.bundlePath(name);
      const unbundledFile = join(unbundledDir, `${name}.js`);
      await unbundled(join(ROOT, fn.entry), unbundledFile);
      const nodeOptions = fn.environment.NODE_OPTIONS ?? '';
      const isSlack = name === 'slack';
      const bytes = statSync(bundle).size;
      const layerBytes = bundles.layerBytes(name);
      const bundledMs = medianLoadMs(bundle, bundles.dir, runs, {
        nodePath: bundles.nodePath(name),
        nodeOptions,
      });
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
        ...(layerBytes > 0
          ? [{ metric: `${name}: its layers`, value: `${formatNumber(layerBytes / 1000, 1)} kB` }]
          : []),
        {
          metric: `${name}: load bundle (NODE_OPTIONS=${nodeOptions}), median of ${runs} fresh processes`,
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
    bundles.remove();
    rmSync(unbundledDir, { recursive: true, force: true });
  }
};
