import type { KubeClients } from '../kube/client.js';
import { readBoundedPodLog, type BoundedLog } from '../kube/logs.js';

/** Reads a running pod's output straight from Kubernetes (bounded), for live logs. */
export class LiveLogs {
  constructor(
    private readonly kube: KubeClients,
    private readonly namespace: string,
    private readonly limitBytes: number,
  ) {}

  read(podName: string): Promise<BoundedLog | null> {
    return readBoundedPodLog(this.kube, this.namespace, podName, this.limitBytes).catch(() => null);
  }
}
