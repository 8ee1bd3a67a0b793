import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Metafile } from 'esbuild';
import { ROOT } from './functions';

/** `npm run build` into a temporary folder: the bundles SAM would deploy, with their metafiles. */
export interface BuildOutput {
  readonly dir: string;
  bundlePath(name: string): string;
  /** NODE_PATH as Lambda sets it for the function: the folders of its layers. */
  nodePath(name: string): string;
  /** The total size of the function's layers (0 without any). */
  layerBytes(name: string): number;
  metafile(name: string): Metafile;
  /** The project's own source files (`src/…`) in a bundle. */
  sourceFiles(name: string): string[];
  remove(): void;
}

export function buildBundles(): BuildOutput {
  const dir = mkdtempSync(join(tmpdir(), 'gd-chatops-build-'));
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--out', dir], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  const layers = (name: string) =>
    JSON.parse(readFileSync(join(dir, 'meta', `${name}.layers.json`), 'utf8')) as {
      nodePath: string[];
      bytes: number;
    };
  const metafile = (name: string) =>
    JSON.parse(readFileSync(join(dir, 'meta', `${name}.json`), 'utf8')) as Metafile;
  return {
    dir,
    bundlePath: (name) => join(dir, 'handlers', name, 'index.js'),
    nodePath: (name) =>
      layers(name)
        .nodePath.map((folder) => join(dir, folder))
        .join(delimiter),
    layerBytes: (name) => layers(name).bytes,
    metafile,
    sourceFiles: (name) =>
      Object.keys(metafile(name).inputs)
        .filter((path) => path.startsWith('src/'))
        .sort(),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
