import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from '../activities/index.js';
import { admit, emptyAdmission, enqueue, holds, knownRuns, release, type AdmissionState } from '../domain/admission.js';
import { acquireUpdate, admissionQuery, admitSignal, releaseSignal, type AdmissionPolicy } from './definitions.js';

const { closedRuns } = proxyActivities<activities.Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 5 },
});

export interface AdmissionArgs {
  policy: AdmissionPolicy;
  state?: AdmissionState;
}

/**
 * The true queue: a counting semaphore over runner Jobs. A run asks with the `acquire` update, which
 * answers at once when a slot is free; otherwise the run waits (status Queued) for the `admit` signal.
 * It signals `release` once its Job is deleted. Grants are first come, first served.
 * Slots of runs that ended without releasing (terminated by hand) are reclaimed by a periodic audit.
 */
export async function admissionWorkflow({ policy, state: carried }: AdmissionArgs): Promise<void> {
  const state = carried ?? emptyAdmission();
  let dirty = true;
  setHandler(admissionQuery, () => state);
  setHandler(acquireUpdate, ({ ticket, limit }) => {
    enqueue(state, ticket, limit);
    let admitted = false;
    for (const t of admit(state)) {
      if (t.runId === ticket.runId) admitted = true;
      else void grant(t.runId);
    }
    // A repeated request (the run's periodic retry) from a holder is answered "admitted" again.
    return { admitted: admitted || holds(state, ticket.runId) };
  });
  setHandler(releaseSignal, ({ runId }) => {
    if (release(state, runId)) dirty = true;
  });

  let lastAudit = Date.now();
  let idleSince = Date.now();
  for (;;) {
    const timeoutMs = policy.auditSeconds * 1000;
    await condition(() => dirty, timeoutMs);
    if (dirty) {
      dirty = false;
      for (const t of admit(state)) void grant(t.runId);
    }
    const known = knownRuns(state);
    if (known.length > 0) idleSince = Date.now();
    if (Date.now() - lastAudit >= policy.auditSeconds * 1000 && known.length > 0) {
      lastAudit = Date.now();
      for (const id of await closedRuns({ runIds: known })) release(state, id);
      dirty = true;
    }
    if (known.length === 0 && Date.now() - idleSince >= policy.idleSeconds * 1000) return;
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength >= policy.maxHistoryEvents) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof admissionWorkflow>({ policy, state });
    }
  }

  /** Tells the run it may start; a run that is gone gives its slot back at once. */
  async function grant(runId: string): Promise<void> {
    try {
      await getExternalWorkflowHandle(runId).signal(admitSignal);
    } catch {
      if (release(state, runId)) dirty = true;
    }
  }
}
