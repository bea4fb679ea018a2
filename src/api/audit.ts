import type { Request, Response } from 'express';
import type { Logger } from '../obs/logger.js';
import type { Caller } from '../domain/tenant.js';
import { ANONYMOUS } from '../domain/tenant.js';
import { callerOf } from './caller.js';

/**
 * The audit trail: one structured line per submission and per cancel, accepted or refused: who (tenant,
 * key id, address), what (run id, language, which API), when, and the outcome. The sink is injectable; the
 * default writes one JSON line to stdout.
 */
export interface AuditEvent {
  audit: 'run.submit' | 'run.cancel';
  at: string;
  /** null: refused before a key named the caller (401). */
  tenant: string | null;
  key_id: string | null;
  run_id: string | null;
  language: string | null;
  client: string;
  ip: string | null;
  /** `accepted`, or the error code that refused it (`limit_exceeded`, `run_finished`, ...). */
  outcome: string;
}

export type AuditSink = (event: AuditEvent) => void;

export const stdoutAudit: AuditSink = (event) => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};

/** The process's JSON log (pino), at info whatever LOG_LEVEL says: an audit line is never filtered out. */
export const loggerAudit = (log: Logger): AuditSink => {
  const audit = log.child({}, { level: 'info' });
  return (event) => audit.info(event, event.audit);
};

/** Who asked: the key's caller and the client's address. */
export interface Requester {
  caller: Caller;
  ip: string | null;
}

export const requesterOf = (req: Request, res: Response): Requester => ({ caller: callerOf(res), ip: req.ip ?? null });

export function auditEvent(
  kind: AuditEvent['audit'],
  by: Requester | undefined,
  f: { run_id: string | null; language: string | null; client: string; outcome: string },
  now = new Date(),
): AuditEvent {
  const caller = by?.caller ?? ANONYMOUS;
  return {
    audit: kind,
    at: now.toISOString(),
    tenant: caller.tenant,
    key_id: caller.keyId ?? null,
    run_id: f.run_id,
    language: f.language,
    client: f.client,
    ip: by?.ip ?? null,
    outcome: f.outcome,
  };
}

/** The outcome word of an error: its stable code, else `error`. */
export const outcomeOf = (err: unknown): string =>
  err && typeof err === 'object' && 'code' in err && typeof err.code === 'string' ? err.code : 'error';
