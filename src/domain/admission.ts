/**
 * Admission: a counting semaphore per pool, first come first served. Pure state and functions, so the
 * admission workflow stays deterministic and the rules are unit-tested without a server.
 *
 * Every run asks for a slot in one pool ("cluster" today; "language:python" or "tenant:x" can follow
 * without changing the rules). A pool's limit is the one its latest request carried.
 */
export const CLUSTER_POOL = 'cluster';

export interface Ticket {
  runId: string;
  pool: string;
  /** When the API accepted the run (ISO, UTC): the queue's order. */
  queuedAt: string;
}

export interface AdmissionState {
  limits: Record<string, number>;
  /** Run ids holding a slot, per pool. */
  active: Record<string, string[]>;
  /** Waiting tickets, oldest first. */
  queue: Ticket[];
}

export const emptyAdmission = (): AdmissionState => ({ limits: {}, active: {}, queue: [] });

export function holds(s: AdmissionState, runId: string): boolean {
  return Object.values(s.active).some((ids) => ids.includes(runId));
}

/** Adds a request; a repeated request (an activity retry) changes nothing. */
export function enqueue(s: AdmissionState, t: Ticket, limit: number): void {
  s.limits[t.pool] = limit;
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
  const before = s.queue.length;
  s.queue = s.queue.filter((q) => q.runId !== runId);
  return changed || s.queue.length !== before;
}

/** Moves waiting tickets into free slots, oldest first per pool; returns the runs admitted now. */
export function admit(s: AdmissionState): Ticket[] {
  const admitted: Ticket[] = [];
  const waiting: Ticket[] = [];
  for (const t of s.queue) {
    const ids = s.active[t.pool] ?? [];
    if (ids.length < (s.limits[t.pool] ?? 0)) {
      s.active[t.pool] = [...ids, t.runId];
      admitted.push(t);
    } else waiting.push(t);
  }
  s.queue = waiting;
  return admitted;
}

export function activeCount(s: AdmissionState): number {
  return Object.values(s.active).reduce((n, ids) => n + ids.length, 0);
}

/** Every run the admission knows (holding or waiting): what an audit checks for closed workflows. */
export function knownRuns(s: AdmissionState): string[] {
  return [...Object.values(s.active).flat(), ...s.queue.map((t) => t.runId)];
}
