import { readFile } from 'node:fs/promises';

/** The text of a file the demo keeps in its data folder, or undefined before it is written. */
export async function readDataFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** JSON text as a value, or undefined when it is not JSON (the caller's schema then refuses it). */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
