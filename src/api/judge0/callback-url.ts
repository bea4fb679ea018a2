import { z } from 'zod';
import type { Config } from '../../config/config.js';
import { addressChecker, callbackTarget } from '../../domain/address-policy.js';

/**
 * Judge0's callback_url, checked at submission: http(s), no credentials, and a literal address the policy
 * allows (a 422 on the field). A name is resolved too (`resolvedCallbackError`), as a courtesy: the check
 * that matters runs again at delivery, on the addresses the delivery then connects to.
 */
export function callbackUrlField(cfg: Config) {
  const check = addressChecker(cfg.callbacks.addresses);
  return z
    .unknown()
    .optional()
    .transform((v, ctx): string | null => {
      if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) return null;
      const fail = (message: string) => {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      };
      if (typeof v !== 'string') return fail('must be a string');
      const t = callbackTarget(v.trim());
      if ('error' in t) return fail(t.error);
      const verdict = t.ip ? check(t.host) : { ok: true as const };
      return verdict.ok ? t.url.href : fail(verdict.reason);
    });
}

// Shared with the native API's callback_url.
export { resolvedCallbackError } from '../callback-url.js';
