import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import type { LookupAddress } from 'node:dns';
import { ApplicationFailure } from '@temporalio/common';
import type { Verdict } from '../domain/address-policy.js';
import { CallbackFailures, type CallbackRequest } from '../domain/callback.js';
import { checkTarget, type Resolve } from '../net/callback-target.js';
import { webhookHeaders } from '../domain/webhook-signature.js';

/**
 * HTTP callbacks: one delivery to a client's URL, checked against the address policy at delivery time
 * and sent to the very addresses checked (DNS rebinding between check and connect cannot redirect it).
 * A regular activity: Temporal retries it with backoff; the failure types below say which errors end it.
 */

export interface CallbackDeps {
  check: (ip: string) => Verdict;
  /** Each attempt's bound (connect, send, answer). */
  timeoutMs: number;
  resolve?: Resolve;
  /** The native webhooks' signing key (WEBHOOK_SECRET); a signed request without it fails for good. */
  webhookSecret?: string;
  /** CA certificates (PEM) trusted for https receivers besides the system's roots (CALLBACK_CA_FILE). */
  extraCa?: string;
}

/** Answers `lookup` with the checked addresses only, in both of node's calling forms. */
function pinned(addresses: LookupAddress[]) {
  return (_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    const first = addresses[0] as LookupAddress;
    if (opts.all) cb(null, addresses);
    else cb(null, first.address, first.family);
  };
}

/**
 * One request to the pinned addresses. https verifies the receiver's certificate against the URL's name
 * (sent as SNI), as any client would: a pinned address never loosens TLS.
 */
function send(
  url: URL,
  addresses: LookupAddress[],
  req: CallbackRequest,
  timeoutMs: number,
  extra: Record<string, string>,
  extraCa: string | undefined,
): Promise<number> {
  const client = url.protocol === 'https:' ? https : http;
  const tls = url.protocol === 'https:' && extraCa ? { ca: [...rootCertificates, extraCa] } : {};
  return new Promise((resolve, reject) => {
    const r = client.request(url, {
      ...tls,
      method: req.method,
      headers: {
        ...req.headers,
        ...extra,
        'X-Code-Runner-Delivery': req.deliveryId,
        'Content-Length': Buffer.byteLength(req.body),
      },
      lookup: pinned(addresses) as unknown as http.RequestOptions['lookup'],
      agent: false,
      signal: AbortSignal.timeout(timeoutMs),
    });
    r.on('response', (res) => {
      res.resume(); // the answer's body is not needed
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

export function createCallbackActivities(deps: CallbackDeps) {
  return {
    /** One HTTP delivery; its result (status, address) is in the run's history. */
    async deliverCallback(req: CallbackRequest): Promise<{ status: number; address: string }> {
      const target = await checkTarget(req.url, deps.check, deps.resolve);
      if (!target.ok) {
        const type = target.unresolved ? CallbackFailures.Failed : CallbackFailures.Forbidden;
        throw ApplicationFailure.create({ message: target.reason, type, nonRetryable: !target.unresolved });
      }
      const address = (target.addresses[0] as LookupAddress).address;
      if (req.signed && !deps.webhookSecret)
        throw ApplicationFailure.nonRetryable('WEBHOOK_SECRET is not set: cannot sign', CallbackFailures.Unsigned);
      // Signed at send time: a fresh timestamp per attempt, the same id every time.
      const signature =
        req.signed && deps.webhookSecret
          ? webhookHeaders(deps.webhookSecret, req.deliveryId, req.body, new Date())
          : {};
      let status: number;
      try {
        status = await send(target.url, target.addresses, req, deps.timeoutMs, signature, deps.extraCa);
      } catch (err) {
        throw ApplicationFailure.retryable(
          `${req.method} ${target.url.host}: ${(err as Error).message}`,
          CallbackFailures.Failed,
        );
      }
      if (status >= 200 && status < 300) return { status, address };
      const retry = status >= 500 || status === 408 || status === 429;
      throw ApplicationFailure.create({
        message: `${req.method} ${target.url.host} answered ${status}`,
        type: retry ? CallbackFailures.Failed : CallbackFailures.Rejected,
        nonRetryable: !retry,
        details: [{ status }],
      });
    },
  };
}
