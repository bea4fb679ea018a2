import type { RequestHandler } from 'express';
import type { Config } from '../../config/config.js';
import { auditEvent, requesterOf, type AuditEvent, type AuditSink } from '../audit.js';

/**
 * Audit lines for submissions and cancels refused before they reach the run service: no key or a bad one
 * (401), a missing scope (403), over the request rate (429). Accepted ones and every later refusal are
 * written by the run service itself.
 */
const REFUSED: Readonly<Record<number, string>> = { 401: 'unauthorized', 403: 'forbidden_scope', 429: 'rate_limited' };

export interface Audited {
  kind: AuditEvent['audit'];
  client: string;
  runId: string | null;
}

/** Which submission or cancel a request is (native, Judge0, Piston), or null. */
export function auditedRequest(method: string, path: string, cfg: Pick<Config, 'judge0' | 'piston'>): Audited | null {
  const p = path.replace(/\/+$/, '');
  if (method === 'POST' && ['/runs', '/runs/sync', '/api/run/sync'].includes(p))
    return { kind: 'run.submit', client: 'native', runId: null };
  const cancel = /^\/runs\/([A-Za-z0-9-]{1,64})$/.exec(p);
  if (method === 'DELETE' && cancel) return { kind: 'run.cancel', client: 'native', runId: cancel[1] ?? null };
  if (method !== 'POST') return null;
  const judge0 = p.startsWith(`${cfg.judge0.prefix}/`) ? p.slice(cfg.judge0.prefix.length) : p;
  if (judge0 === '/submissions' || judge0 === '/submissions/batch')
    return { kind: 'run.submit', client: 'judge0', runId: null };
  if (cfg.piston.enabled && (p === '/api/v2/execute' || p === `${cfg.piston.prefix}/api/v2/execute`))
    return { kind: 'run.submit', client: 'piston', runId: null };
  return null;
}

export function auditRefusals(sink: AuditSink, cfg: Pick<Config, 'judge0' | 'piston'>): RequestHandler {
  return (req, res, next) => {
    const what = auditedRequest(req.method, req.path, cfg);
    if (what)
      res.once('finish', () => {
        const outcome = REFUSED[res.statusCode];
        if (!outcome) return;
        const by = requesterOf(req, res);
        const event = auditEvent(what.kind, by, { run_id: what.runId, language: null, client: what.client, outcome });
        // Refused before any key let it in: nobody is known.
        sink(res.locals.caller?.keyId || outcome !== 'unauthorized' ? event : { ...event, tenant: null, key_id: null });
      });
    next();
  };
}
