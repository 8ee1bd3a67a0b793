import * as z from 'zod';
import type { PageRequest } from './ports';

/** A page request as it comes off the queue (written by us, checked all the same). */
export const PageRequestSchema = z.strictObject({
  findingId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  action: z.enum(['trigger', 'acknowledge', 'resolve']),
  requestedAt: z.string().max(40),
  by: z
    .strictObject({
      userId: z.string().regex(/^[UW][A-Z0-9]{2,}$/),
      userName: z.string().max(128).optional(),
    })
    .optional(),
  reason: z.string().max(200).optional(),
  finding: z.string().max(200_000).optional(),
  reading: z.string().max(2000).optional(),
}) satisfies z.ZodType<PageRequest>;
