import type { KubeClients } from './client.js';
import { RUN_CONTAINER } from './sandbox/manifests.js';

export interface BoundedLog {
  logs: string;
  truncated: boolean;
  bytes: number;
}

/** Reads at most `limitBytes` of the run container's output; one byte more tells whether it was cut. */
export async function readBoundedPodLog(
  kube: Pick<KubeClients, 'core'>,
  namespace: string,
  podName: string,
  limitBytes: number,
): Promise<BoundedLog> {
  const text = await kube.core.readNamespacedPodLog({
    name: podName,
    namespace,
    container: RUN_CONTAINER,
    limitBytes: limitBytes + 1,
  });
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= limitBytes) return { logs: text, truncated: false, bytes: buf.length };
  return { logs: buf.subarray(0, limitBytes).toString('utf8'), truncated: true, bytes: limitBytes };
}

/**
 * The run container's log lines written since `since` (the API takes whole seconds: two early, at
 * most `limitBytes`). For the launcher's stage lines while a run is going.
 */
export async function readPodLogSince(
  kube: Pick<KubeClients, 'core'>,
  namespace: string,
  podName: string,
  since: Date,
  limitBytes: number,
): Promise<string> {
  const sinceSeconds = Math.max(1, Math.ceil((Date.now() - since.getTime()) / 1000) + 2);
  return kube.core.readNamespacedPodLog({
    name: podName,
    namespace,
    container: RUN_CONTAINER,
    sinceSeconds,
    limitBytes,
  });
}
