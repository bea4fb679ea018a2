import type { Request, RequestHandler, Response } from 'express';
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

/** The parts of a request a route validates, each with its zod schema. */
interface Schemas<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  body?: B;
  query?: Q;
  params?: P;
}

/** What a validated handler receives: each part as its schema's output type (unknown when not validated). */
export interface Valid<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  body: z.output<B>;
  query: z.output<Q>;
  params: z.output<P>;
}

/**
 * A route handler whose params, query and body are validated first and passed in typed (never cast). Every
 * problem of every part is reported at once as 400 invalid_request with field details.
 */
export function validated<
  B extends z.ZodType = z.ZodUnknown,
  Q extends z.ZodType = z.ZodUnknown,
  P extends z.ZodType = z.ZodUnknown,
>(
  schemas: Schemas<B, Q, P>,
  handler: (input: Valid<B, Q, P>, req: Request, res: Response) => Promise<unknown>,
): RequestHandler {
  return async (req, res, next) => {
    const problems: FieldProblem[] = [];
    const parse = <S extends z.ZodType>(part: 'params' | 'query' | 'body', schema: S | undefined) => {
      if (!schema) return undefined;
      const r = schema.safeParse(req[part] ?? {});
      if (!r.success) problems.push(...zodDetails(r.error, part));
      return r.data;
    };
    const input = {
      params: parse('params', schemas.params),
      query: parse('query', schemas.query),
      body: parse('body', schemas.body),
    } as Valid<B, Q, P>; // every part parsed by its own schema above (or absent: unknown)
    if (problems.length > 0) return next(new HttpError(400, 'invalid_request', 'the request is invalid', problems));
    try {
      await handler(input, req, res);
    } catch (err) {
      next(err);
    }
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
