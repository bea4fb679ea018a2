import { DEFAULT_TENANT } from './tenant.js';

/**
 * Admission: a counting semaphore per pool, shared fairly between tenants. Pure state and functions, so
 * the admission workflow stays deterministic and the rules are unit-tested without a server.
 *
 * Every run asks for a slot in one pool ("cluster" today; "language:python" can follow without changing
 * the rules), within its tenant's own cap, if it has one. A free slot goes to the tenant holding the
 * fewest slots (first come first served between equals), and within a tenant to its oldest run: one
 * tenant's burst cannot starve another. A limit is the one the latest request carried.
 */
export const CLUSTER_POOL = 'cluster';

export interface Ticket {
  runId: string;
  pool: string;
  /** When the API accepted the run (ISO, UTC): the queue's order. */
  queuedAt: string;
  /** Absent: the default tenant (runs before tenants). */
  tenant?: string;
}

export interface AdmissionState {
  limits: Record<string, number>;
  /** Run ids holding a slot, per pool. */
  active: Record<string, string[]>;
  /** Waiting tickets, oldest first. */
  queue: Ticket[];
  /** Run ids holding a slot, per tenant (absent in a state carried from before tenants). */
  tenants?: Record<string, string[]>;
  /** Each tenant's cap on the slots it holds at once (0 or absent: none but the pools'). */
  tenantLimits?: Record<string, number>;
}

export const emptyAdmission = (): AdmissionState => ({
  limits: {},
  active: {},
  queue: [],
  tenants: {},
  tenantLimits: {},
});

const tenantOfTicket = (t: Ticket): string => t.tenant ?? DEFAULT_TENANT;

export function holds(s: AdmissionState, runId: string): boolean {
  return Object.values(s.active).some((ids) => ids.includes(runId));
}

/** Adds a request; a repeated request (an activity retry) changes nothing. */
export function enqueue(s: AdmissionState, t: Ticket, limit: number, tenantLimit = 0): void {
  s.limits[t.pool] = limit;
  (s.tenantLimits ??= {})[tenantOfTicket(t)] = tenantLimit;
  if (holds(s, t.runId) || s.queue.some((q) => q.runId === t.runId)) return;
  // Ordered by acceptance time, not by arrival here: requests of runs accepted together race each other.
  const at = s.queue.findIndex((q) => q.queuedAt > t.queuedAt);
  if (at < 0) s.queue.push(t);
  else s.queue.splice(at, 0, t);
}

/** Frees the run's slot or drops its ticket; true when something changed. */
export function release(s: AdmissionState, runId: string): boolean {
  let changed = false;
  for (const [pool, ids] of Object.entries(s.active)) {
    const i = ids.indexOf(runId);
    if (i >= 0) {
      ids.splice(i, 1);
      changed = true;
      if (ids.length === 0) delete s.active[pool];
    }
  }
  for (const [tenant, ids] of Object.entries(s.tenants ?? {})) {
    const i = ids.indexOf(runId);
    if (i >= 0) ids.splice(i, 1);
    if (ids.length === 0) delete s.tenants?.[tenant];
  }
  const before = s.queue.length;
  s.queue = s.queue.filter((q) => q.runId !== runId);
  return changed || s.queue.length !== before;
}

/**
 * Moves waiting tickets into free slots, one at a time: each goes to the tenant holding the fewest slots
 * among those with a ticket that fits (its pool and its tenant's cap have room), that tenant's oldest
 * fitting ticket; returns the runs admitted now, in order.
 */
export function admit(s: AdmissionState): Ticket[] {
  const tenants = (s.tenants ??= {});
  const held = (tenant: string) => tenants[tenant]?.length ?? 0;
  const fits = (t: Ticket) => {
    const cap = s.tenantLimits?.[tenantOfTicket(t)] ?? 0;
    return (s.active[t.pool]?.length ?? 0) < (s.limits[t.pool] ?? 0) && (cap <= 0 || held(tenantOfTicket(t)) < cap);
  };
  const admitted: Ticket[] = [];
  for (;;) {
    let best = -1;
    const seen = new Set<string>();
    s.queue.forEach((t, i) => {
      const tenant = tenantOfTicket(t);
      if (seen.has(tenant) || !fits(t)) return;
      seen.add(tenant); // later tickets of this tenant wait behind this one
      if (best < 0 || held(tenant) < held(tenantOfTicket(s.queue[best]!))) best = i;
    });
    if (best < 0) return admitted;
    const [t] = s.queue.splice(best, 1) as [Ticket];
    s.active[t.pool] = [...(s.active[t.pool] ?? []), t.runId];
    tenants[tenantOfTicket(t)] = [...(tenants[tenantOfTicket(t)] ?? []), t.runId];
    admitted.push(t);
  }
}

export function activeCount(s: AdmissionState): number {
  return Object.values(s.active).reduce((n, ids) => n + ids.length, 0);
}

/** Every run the admission knows (holding or waiting): what an audit checks for closed workflows. */
export function knownRuns(s: AdmissionState): string[] {
  return [...Object.values(s.active).flat(), ...s.queue.map((t) => t.runId)];
}
