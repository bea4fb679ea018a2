import type { KubeClients } from '../kube/client.js';
import { readBoundedPodLog, type BoundedLog } from '../kube/logs.js';
import { followPodLog, type FollowHandlers, type LogFollow } from '../kube/log-follow.js';
import { liveOutput } from '../domain/judge-frame.js';

/** Reads a running pod's output straight from Kubernetes (bounded), for live logs. */
export class LiveLogs {
  constructor(
    private readonly kube: KubeClients,
    private readonly namespace: string,
    private readonly limitBytes: number,
  ) {}

  /** The launcher's live copy of the output; its framed result (once printed) is not output. */
  async read(podName: string): Promise<BoundedLog | null> {
    const log = await readBoundedPodLog(this.kube, this.namespace, podName, this.limitBytes).catch(() => null);
    if (!log) return null;
    const logs = liveOutput(log.logs);
    return { ...log, logs, bytes: Buffer.byteLength(logs) };
  }

  /** Follows the pod's log as it is written (raw: the caller cuts stage lines and the result frame). */
  follow(podName: string, on: FollowHandlers): Promise<LogFollow> {
    return followPodLog(this.kube, this.namespace, podName, this.limitBytes, on);
  }
}
