import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod';
import type {
  AuditAnchor,
  AuditAnchorHistory,
  AuditAnchorWriter,
} from '../actions/ports/auditAnchors';

const AnchorLine = z.object({
  chain: z.string().min(1),
  seq: z.number().int().min(1),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.string(),
});

/**
 * Audit anchors in an append-only file beside the embedded store (one JSON line per anchor):
 * what a laptop has instead of a versioned, object-locked bucket. Appends of one line are atomic
 * on a local file system, so concurrent writers never interleave.
 */
export class FileAuditAnchors implements AuditAnchorWriter, AuditAnchorHistory {
  readonly description: string;

  constructor(private readonly path: string) {
    this.description = `the file ${path}`;
  }

  async anchor(head: AuditAnchor): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `${JSON.stringify(head)}\n`, 'utf8');
  }

  async history(): Promise<ReadonlyMap<string, readonly AuditAnchor[]>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw error;
    }
    const history = new Map<string, AuditAnchor[]>();
    for (const [index, line] of text.split('\n').entries()) {
      if (line.trim() === '') continue;
      const parsed = AnchorLine.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${this.path}:${index + 1}: not an audit anchor`);
      const anchors = history.get(parsed.data.chain) ?? [];
      anchors.push(parsed.data);
      history.set(parsed.data.chain, anchors);
    }
    return history;
  }
}
