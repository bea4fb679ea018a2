import type { KubeClients } from '../kube/client.js';
import { readBoundedPodLog, type BoundedLog } from '../kube/logs.js';
import { RESULT_FRAME_START } from '../domain/judge-frame.js';

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
    const frame = log?.logs.indexOf(RESULT_FRAME_START) ?? -1;
    return log && frame >= 0 ? { ...log, logs: log.logs.slice(0, frame), bytes: frame } : log;
  }
}
