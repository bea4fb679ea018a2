import { PassThrough } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import type { KubeClients } from './client.js';
import { runSelector } from '../domain/names.js';
import { RUN_CONTAINER } from './sandbox/manifests.js';

/** A live attach to a run's container: its stdout and stderr as they come, its stdin to write to. */
export interface Attached {
  stdout: PassThrough;
  stderr: PassThrough;
  write(chunk: Buffer): void;
  /** Ends the attach (the container's stdin then ends: it was opened once). */
  close(): void;
  /** Settles when the attach ends, whoever ended it. */
  ended: Promise<void>;
}

/**
 * The name of the run's pod once its container runs; null when the pod ended before that, the deadline
 * passed, or `abandoned()` says nobody waits any more.
 */
export async function runningPod(
  kube: KubeClients,
  namespace: string,
  runId: string,
  deadlineMs: number,
  abandoned: () => boolean,
  pollMs = 200,
): Promise<string | null> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until && !abandoned()) {
    const pods = await kube.core.listNamespacedPod({ namespace, labelSelector: runSelector(runId) });
    for (const pod of pods.items) {
      const state = pod.status?.containerStatuses?.find((c) => c.name === RUN_CONTAINER)?.state;
      if (state?.running && pod.metadata?.name) return pod.metadata.name;
      if (state?.terminated || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return null;
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return null;
}

/** Attaches to the run container of `podName` (stdin, stdout, stderr; no TTY). */
export async function attachRun(kube: KubeClients, namespace: string, podName: string): Promise<Attached> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  const ws = await new k8s.Attach(kube.kc).attach(namespace, podName, RUN_CONTAINER, stdout, stderr, stdin, false);
  const ended = new Promise<void>((resolve) => {
    ws.on('close', () => {
      stdout.end();
      stderr.end();
      resolve();
    });
    ws.on('error', () => ws.close());
  });
  return {
    stdout,
    stderr,
    write: (chunk) => stdin.write(chunk),
    close: () => ws.close(),
    ended,
  };
}
