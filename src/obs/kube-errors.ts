import type { Counter } from 'prom-client';
import type { KubeClients } from '../kube/client.js';

/** The HTTP status of a client-node failure (ApiException's `code`), or "network" when none came back. */
export function kubeErrorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? String(code) : 'network';
}

/** An API object whose every method counts its rejected calls under the method's name. */
function counted<T extends object>(api: T, counter: Counter<'operation' | 'code'>): T {
  return new Proxy(api, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => {
        const out: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(out instanceof Promise)) return out;
        return out.catch((err: unknown) => {
          counter.inc({ operation: prop, code: kubeErrorCode(err) });
          throw err;
        });
      };
    },
  });
}

/**
 * The same clients, with failed calls counted by operation (createNamespacedJob, readNamespacedPodLog,
 * ...) and status. A 404 or 409 is often expected (clean-up of what is gone, adoption of what exists):
 * the status label keeps those apart from 5xx and network failures.
 */
export function countKubeErrors(kube: KubeClients, counter: Counter<'operation' | 'code'>): KubeClients {
  return {
    ...kube,
    core: counted(kube.core, counter),
    batch: counted(kube.batch, counter),
    apps: counted(kube.apps, counter),
  };
}
