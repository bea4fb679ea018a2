import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { HttpError } from './http-error.js';

export interface FieldProblem {
  field: string;
  message: string;
}

export function zodDetails(error: z.ZodError, prefix: string): FieldProblem[] {
  return error.issues.map((i) => ({
    field: [prefix, ...i.path.map(String)].filter(Boolean).join('.'),
    message: i.message,
  }));
}

interface Schemas {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
}

/** Validates params, query and body before the handler runs; parsed values land in res.locals. */
export function validate(schemas: Schemas): RequestHandler {
  return (req, res, next) => {
    const problems: FieldProblem[] = [];
    for (const part of ['params', 'query', 'body'] as const) {
      const schema = schemas[part];
      if (!schema) continue;
      const r = schema.safeParse(req[part] ?? {});
      if (r.success) res.locals[part] = r.data;
      else problems.push(...zodDetails(r.error, part));
    }
    if (problems.length > 0) return next(new HttpError(400, 'invalid_request', 'the request is invalid', problems));
    next();
  };
}

/** Only JSON bodies are accepted on routes that take one. */
export const requireJson: RequestHandler = (req, _res, next) => {
  if (!req.is('application/json'))
    return next(
      new HttpError(415, 'unsupported_media_type', 'send the body as application/json', {
        content_type: req.get('content-type') ?? null,
      }),
    );
  next();
};
