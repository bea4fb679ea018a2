import { z } from 'zod';
import { RUN_STATUSES } from '../domain/run.js';

export const runIdParams = z.object({
  run_id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'run ids are letters, digits and dashes'),
});

export function createRunBody(limits: { maxTimeoutSeconds: number; defaultTimeoutSeconds: number }) {
  return z.object({
    language: z.string().trim().toLowerCase().min(1, 'language is required'),
    code: z.string({ error: 'code must be a string' }).refine((s) => s.trim().length > 0, 'code must not be empty'),
    timeout_seconds: z.coerce
      .number({ error: 'timeout_seconds must be a number' })
      .int('timeout_seconds must be a whole number')
      .min(1, 'timeout_seconds must be at least 1')
      .max(limits.maxTimeoutSeconds, `timeout_seconds must be at most ${limits.maxTimeoutSeconds}`)
      .default(limits.defaultTimeoutSeconds),
    stdin: z.string().default(''),
  });
}
export type CreateRunBody = z.infer<ReturnType<typeof createRunBody>>;

export const waitQuery = z.object({
  wait: z
    .union([z.literal('true'), z.literal('false'), z.literal('1'), z.literal('0'), z.string().regex(/^\d+$/)])
    .optional(),
});

export const listRunsQuery = z.object({
  status: z.enum(RUN_STATUSES).optional(),
  language: z
    .string()
    .regex(/^[a-z0-9+#-]{1,32}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(4096, 'cursor is opaque; pass back next_cursor').optional(),
});
export type ListRunsQuery = z.infer<typeof listRunsQuery>;
