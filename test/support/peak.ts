import { Watch, type V1Pod } from '@kubernetes/client-node';
import type { KubeClients } from '../../src/kube/client.js';
import { LABEL_RUN_ID, RUNNER_SELECTOR } from '../../src/domain/names.js';

/**
 * Counts runner pods as Kubernetes reports them, event by event (a watch, not samples), so a short
 * spike over the cap cannot slip between two polls. `live` pods are those not yet Succeeded/Failed.
 */
export class PodPeak {
  readonly live = new Set<string>();
  readonly existing = new Set<string>();
  peakLive = 0;
  peakExisting = 0;
  /** Every pod seen, with its run id. */
  readonly seen = new Map<string, string>();
  private abort?: AbortController;

  constructor(
    private readonly kube: KubeClients,
    private readonly namespace: string,
    /** Only pods of these runs count (null: every runner pod in the namespace). */
    private readonly filter: ((runId: string) => boolean) | null = null,
  ) {}

  async start(): Promise<void> {
    const list = await this.kube.core.listNamespacedPod({ namespace: this.namespace, labelSelector: RUNNER_SELECTOR });
    for (const p of list.items) this.apply('ADDED', p);
    const watch = new Watch(this.kube.kc);
    this.abort = await watch.watch(
      `/api/v1/namespaces/${this.namespace}/pods`,
      { labelSelector: RUNNER_SELECTOR, resourceVersion: list.metadata?.resourceVersion },
      (type: string, pod: V1Pod) => this.apply(type, pod),
      () => undefined,
    );
  }

  stop(): void {
    this.abort?.abort();
  }

  private apply(type: string, pod: V1Pod): void {
    const name = pod.metadata?.name ?? '';
    const runId = pod.metadata?.labels?.[LABEL_RUN_ID] ?? '';
    if (this.filter && !this.filter(runId)) return;
    this.seen.set(name, runId);
    const phase = pod.status?.phase;
    if (type === 'DELETED') {
      this.existing.delete(name);
      this.live.delete(name);
    } else {
      this.existing.add(name);
      if (phase === 'Succeeded' || phase === 'Failed') this.live.delete(name);
      else this.live.add(name);
    }
    this.peakLive = Math.max(this.peakLive, this.live.size);
    this.peakExisting = Math.max(this.peakExisting, this.existing.size);
  }
}
