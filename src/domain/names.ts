/** Deterministic object names and labels tying every Kubernetes object to its run. Pure. */
export const LABEL_APP = 'app.kubernetes.io/name';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_RUN_ID = 'code-runner.dev/run-id';
export const LABEL_LANGUAGE = 'code-runner.dev/language';
export const APP_NAME = 'code-runner';
export const RUNNER_COMPONENT = 'runner';

/** Label selector matching every runner object the product created. */
export const RUNNER_SELECTOR = `${LABEL_APP}=${APP_NAME},${LABEL_COMPONENT}=${RUNNER_COMPONENT}`;

/** Kubernetes names must be DNS-1123 labels (<= 63 chars); run ids are uuids (36 chars). */
export function objectName(runId: string): string {
  const safe = runId
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 52);
  return `run-${safe}`.replace(/-+$/, '');
}

export const runSelector = (runId: string): string => `${LABEL_RUN_ID}=${runId}`;

/**
 * The uid a run's sandbox runs as: one per run (from its id), so the kernel's per-user counts
 * (RLIMIT_NPROC, the launcher's max_processes) hold per sandbox, not for every sandbox on the node.
 * Not root, not nobody (65534), above the ids of system and human users.
 */
export function sandboxUid(runId: string): number {
  let h = 0x811c9dc5; // FNV-1a, 32 bits
  for (let i = 0; i < runId.length; i++) h = Math.imul(h ^ runId.charCodeAt(i), 0x01000193) >>> 0;
  return SANDBOX_UID_BASE + (h % SANDBOX_UID_RANGE);
}
export const SANDBOX_UID_BASE = 200_000;
export const SANDBOX_UID_RANGE = 800_000;
