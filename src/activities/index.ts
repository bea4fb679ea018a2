import type { Config } from '../config/config.js';
import type { KubeClients } from '../kube/client.js';
import { createKubernetesActivities, type KubernetesDeps } from './kubernetes.js';
import type { SandboxSettings } from './manifests.js';
import { createSweeperActivities } from './sweeper.js';

export type ActivityDeps = KubernetesDeps;

/** The sandbox settings the worker applies to every run, from the one parsed configuration. */
export function sandboxSettings(cfg: Config): SandboxSettings {
  const r = cfg.runner;
  return {
    namespace: r.namespace,
    nodeSelector: r.nodeSelector,
    resources: r.resources,
    jobTtlSeconds: r.jobTtlSeconds,
    startTimeoutSeconds: r.startTimeoutSeconds,
  };
}

export function activityDeps(cfg: Config, kube: KubeClients): ActivityDeps {
  return { kube, logLimitBytes: cfg.runner.logLimitBytes, sandbox: sandboxSettings(cfg) };
}

/** All activities, built from injected clients so tests can pass other real ones. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createKubernetesActivities(deps),
    ...createSweeperActivities({ kube: deps.kube, namespace: deps.sandbox.namespace }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
