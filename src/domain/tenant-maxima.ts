import { LAUNCHER_DEFAULTS } from './launcher-spec.js';
import type { RunInput, StageLimits } from './run.js';
import type { TenantLimits } from './tenant.js';

/**
 * Pure: a run bounded by its tenant's maxima of time and memory (run stage). What the client asked for
 * over a maximum is refused (each field named); what it left to the defaults is lowered to the maximum.
 * The compile stage keeps the operator's limits (a compiler's needs are the operator's business).
 */

/** Fields the API filled in itself rather than the client asking (lowered, never refused). */
export type DefaultedField = 'timeout_seconds' | 'wall_time_ms' | 'cpu_time_ms' | 'memory_mb';

export interface LimitViolation {
  field: string;
  message: string;
}

export function boundByTenant(
  input: RunInput,
  max: Pick<TenantLimits, 'maxTimeoutSeconds' | 'maxMemoryMb'>,
  defaulted: readonly DefaultedField[] = [],
): { input: RunInput } | { violations: LimitViolation[] } {
  const violations: LimitViolation[] = [];
  const asked = (f: DefaultedField) => !defaulted.includes(f);
  const limits: StageLimits = { ...input.limits };
  const runLimits: StageLimits = { ...input.sandbox.runLimits };
  let timeoutSeconds = input.timeoutSeconds;

  const maxS = max.maxTimeoutSeconds;
  if (maxS !== undefined) {
    if (timeoutSeconds > maxS) {
      if (asked('timeout_seconds'))
        violations.push({ field: 'body.timeout_seconds', message: over('timeout_seconds', timeoutSeconds, maxS, 's') });
      timeoutSeconds = maxS;
    }
    for (const f of ['wall_time_ms', 'cpu_time_ms'] as const) {
      const v = limits[f];
      if (v !== undefined && v > maxS * 1000) {
        if (asked(f)) violations.push({ field: `body.limits.${f}`, message: over(f, v, maxS * 1000, 'ms') });
        limits[f] = maxS * 1000;
      }
      const d = runLimits[f];
      if (d !== undefined && d > maxS * 1000) runLimits[f] = maxS * 1000;
    }
  }
  const maxMb = max.maxMemoryMb;
  if (maxMb !== undefined) {
    const v = limits.memory_mb;
    if (v !== undefined && v > maxMb) {
      if (asked('memory_mb'))
        violations.push({ field: 'body.limits.memory_mb', message: over('memory_mb', v, maxMb, 'MB') });
      limits.memory_mb = maxMb;
    }
    if ((runLimits.memory_mb ?? LAUNCHER_DEFAULTS.run.memory_mb) > maxMb) runLimits.memory_mb = maxMb;
  }
  if (violations.length) return { violations };
  const sandbox = Object.keys(runLimits).length ? { ...input.sandbox, runLimits } : input.sandbox;
  return {
    input: { ...input, timeoutSeconds, sandbox, ...(Object.keys(limits).length ? { limits } : {}) },
  };
}

const over = (field: string, v: number, max: number, unit: string) =>
  `${field} is ${v} ${unit}; your tenant's maximum is ${max} ${unit}`;
