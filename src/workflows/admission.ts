import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from '../activities/index.js';
import { admit, emptyAdmission, enqueue, holds, knownRuns, release, type AdmissionState } from '../domain/admission.js';
import { acquireSignal, admissionQuery, releaseSignal, type AdmissionPolicy } from './definitions.js';

// Grants go out as client signals from one activity per batch (the server's direct signal path, not one
// cross-workflow transfer task per run). Not a local activity: a batch can outlast a workflow task under
// load, and the SDK's workflow-task heartbeats around a long local activity broke replay of this
// workflow ("Missing associated machine for LocalActivity") at 1,000 queued runs.
// Retried until they get through: a grant must never be lost, and the queue must not fail with it.
const { notifyAdmitted } = proxyActivities<activities.Activities>({
  startToCloseTimeout: '60s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});
// Only for a queue started by a worker of the earlier version (grants by local activity) and replayed by
// this one: it keeps its recorded markers (see GRANTS_BY_ACTIVITY). Remove once no such queue is open
// (it continues-as-new within 2,000 events and completes when idle).
const legacy = proxyLocalActivities<activities.Activities>({
  startToCloseTimeout: '60s',
  retry: { initialInterval: '1s', maximumInterval: '10s' },
});
const GRANTS_BY_ACTIVITY = 'admission-grants-by-activity';
// The audit is best effort: one that keeps failing is skipped until the next one.
const { closedRuns } = proxyActivities<activities.Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 5 },
});

export interface AdmissionArgs {
  policy: AdmissionPolicy;
  state?: AdmissionState;
}

/**
 * The true queue: a counting semaphore over runner Jobs. Runs signal `acquire` and wait (status Queued)
 * for `admit`; they signal `release` once their Job is deleted. Grants are first come, first served within
 * a tenant and fair between tenants (src/domain/admission.ts).
 * Slots of runs that ended without releasing (terminated by hand) are reclaimed by a periodic audit.
 * Holders are named in state.active, waiting tickets in state.queue (see src/domain/admission.ts).
 */
export async function admissionWorkflow({ policy, state: carried }: AdmissionArgs): Promise<void> {
  const state = carried ?? emptyAdmission();
  let dirty = true;
  /** Holders that asked again (they never heard): told again with the next batch. */
  let again: string[] = [];
  setHandler(admissionQuery, () => state);
  setHandler(acquireSignal, ({ ticket, limit, tenantLimit }) => {
    if (holds(state, ticket.runId)) again.push(ticket.runId);
    enqueue(state, ticket, limit, tenantLimit);
    dirty = true;
  });
  setHandler(releaseSignal, ({ runId }) => {
    if (release(state, runId)) dirty = true;
  });

  let lastAudit = Date.now();
  let idleSince = Date.now();
  for (;;) {
    const timeoutMs = policy.auditSeconds * 1000;
    await condition(() => dirty, timeoutMs);
    while (dirty) {
      dirty = false;
      const runIds = [...again, ...admit(state).map((t) => t.runId)];
      again = [];
      // A run that is gone gives its slot back at once (and the loop admits the next one).
      const notify = patched(GRANTS_BY_ACTIVITY) ? notifyAdmitted : legacy.notifyAdmitted;
      if (runIds.length > 0) for (const id of await notify({ runIds })) if (release(state, id)) dirty = true;
    }
    const known = knownRuns(state);
    if (known.length > 0) idleSince = Date.now();
    // Only holders are audited: a waiting run that is gone is found when its turn comes (notifyAdmitted).
    const holders = Object.values(state.active).flat();
    if (Date.now() - lastAudit >= policy.auditSeconds * 1000 && holders.length > 0) {
      lastAudit = Date.now();
      for (const id of await closedRuns({ runIds: holders }).catch(() => [])) release(state, id);
      dirty = true;
    }
    if (known.length === 0 && Date.now() - idleSince >= policy.idleSeconds * 1000) return;
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength >= policy.maxHistoryEvents) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof admissionWorkflow>({ policy, state });
    }
  }
}
