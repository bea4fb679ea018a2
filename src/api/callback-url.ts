import type { Config } from '../config/config.js';
import { addressChecker } from '../domain/address-policy.js';
import { checkTarget, type Resolve } from '../net/callback-target.js';
import { HttpError } from './http-error.js';

/**
 * A callback URL checked at submission (Judge0's and the native API's): http(s), no credentials, and every
 * address its name resolves to allowed by the policy. A courtesy: the check that matters runs again at
 * delivery, on the addresses the delivery then connects to (src/net/callback-target.ts).
 */

/** The field's message when the URL is refused; null when it may be tried (a name not resolving yet may). */
export async function resolvedCallbackError(cfg: Config, url: string, resolve?: Resolve): Promise<string | null> {
  const target = await checkTarget(url, addressChecker(cfg.callbacks.addresses), resolve);
  return target.ok || target.unresolved ? null : target.reason;
}

/** The native API's callback_url: 422 with the field's problem when refused, or when nothing could sign it. */
export async function checkWebhookUrl(cfg: Config, url: string): Promise<void> {
  const field = 'body.callback_url';
  if (!cfg.webhooks.secret)
    throw new HttpError(422, 'webhooks_disabled', 'this server sends no webhooks (WEBHOOK_SECRET is not set)', [
      { field, message: 'webhooks are not enabled on this server' },
    ]);
  const refused = await resolvedCallbackError(cfg, url);
  if (refused)
    throw new HttpError(422, 'callback_url_refused', 'callback_url may not be reached', [{ field, message: refused }]);
}
