/** Zod schemas of the register upload routes: one source for validation (problem+json naming the field) and OpenAPI. */
import { z } from 'zod';

const flag = z
  .enum(['true', 'false', '1', '0', 'on', 'off'])
  .default('false')
  .transform((v) => v === 'true' || v === '1' || v === 'on');

/** The form fields beside the file (multipart fields are text). */
export const uploadFieldsSchema = z
  .object({
    encoding: z.string().max(20).default('utf8'),
    delimiter: z.string().max(3).optional(),
    /** JSON: our column → the file's header. */
    columns: z.string().max(10_000).optional(),
    dryRun: flag,
    allowMassRemoval: flag,
  })
  .strict();

const countsSchema = z.object({
  rows: z.number(),
  added: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  removed: z.number(),
  skipped: z.number(),
  protected: z.number(),
  rejected: z.number(),
  unmatched: z.number(),
  duplicates: z.number(),
  warnings: z.number(),
  suppressed: z.number(),
  selfCovered: z.number(),
  byBuilding: z.number(),
  massRemoval: z.boolean(),
});

export const runViewSchema = z.object({
  id: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  dryRun: z.boolean(),
  fileName: z.string().nullable(),
  fileBytes: z.number().nullable(),
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
  progress: z.object({ rows: z.number(), bytesRead: z.number() }).nullable(),
  counts: countsSchema.nullable(),
  error: z.string().nullable(),
  report: z.array(
    z.object({
      line: z.number(),
      outcome: z.enum(['rejected', 'imported', 'protected']),
      reason: z.string(),
      candidate: z.string().nullable(),
    }),
  ),
});
