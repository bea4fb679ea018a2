import type { Response } from 'express';
import { ANONYMOUS, type Caller } from '../domain/tenant.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express types its locals by this merge
  namespace Express {
    interface Locals {
      /** Set by the keys middleware for every request it lets through. */
      caller?: Caller;
    }
  }
}

/** The caller the keys middleware put on the response (anonymous when keys are off). */
export const callerOf = (res: Response): Caller => res.locals.caller ?? ANONYMOUS;
