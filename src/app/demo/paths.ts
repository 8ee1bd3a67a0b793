import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The project's root (the folder of package.json), found from this file so the demo finds its
 * sample findings whether it runs from `src/` (tsx) or from a bundle in `dist/`.
 */
function findProjectRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
  return dir;
}

const ROOT = findProjectRoot(__dirname);

export function projectFile(...parts: string[]): string {
  return join(ROOT, ...parts);
}
