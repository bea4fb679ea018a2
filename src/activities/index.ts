import type { Config } from '../config/config.js';
import type { KubeClients } from '../kube/client.js';
import { RunWatch } from '../kube/run-watch.js';
import { createAdmissionActivities, type AdmissionDeps } from './admission.js';
import { createKubernetesActivities, type KubernetesDeps } from './kubernetes.js';
import { createSandbox } from '../kube/sandbox/index.js';
import type { SandboxSettings } from '../kube/sandbox/manifests.js';
import { createSweeperActivities } from './sweeper.js';
import { createCallbackActivities, type CallbackDeps } from './callbacks.js';
import { addressChecker } from '../domain/address-policy.js';

export type ActivityDeps = KubernetesDeps & { admission: AdmissionDeps; callbacks: CallbackDeps };

/** The sandbox settings the worker applies to every run, from the one parsed configuration. */
export function sandboxSettings(cfg: Config): SandboxSettings {
  const r = cfg.runner;
  return {
    namespace: r.namespace,
    nodeSelector: r.nodeSelector,
    tolerations: r.tolerations,
    resources: r.resources,
    jobTtlSeconds: r.jobTtlSeconds,
    startTimeoutSeconds: r.startTimeoutSeconds,
    inlineCodeBytes: r.inlineCodeBytes,
    kind: r.kind,
    launcherImage: r.launcherImage,
    maxResultKb: r.maxResultKb,
    liveKb: Math.floor(r.logLimitBytes / 1024),
    ...(r.kueueQueue ? { kueueQueue: r.kueueQueue } : {}),
  };
}

/** `notify` wakes a run's workflow (a signal through the worker's Temporal client); see wakes.ts. */
export function activityDeps(cfg: Config, kube: KubeClients, notify?: (runId: string) => Promise<void>): ActivityDeps {
  const settings = sandboxSettings(cfg);
  const sandbox = createSandbox(kube, settings);
  return {
    kube,
    settings,
    sandbox,
    watch: new RunWatch(kube, cfg.runner.namespace, sandbox.watchesJobs),
    ...(notify ? { notify } : {}),
    settleMs: cfg.poll.runningSettleMs,
    logLimitBytes: cfg.runner.logLimitBytes,
    admission: { taskQueue: cfg.temporal.taskQueue, ...cfg.admission },
    callbacks: {
      check: addressChecker(cfg.callbacks.addresses),
      timeoutMs: cfg.callbacks.timeoutMs,
      ...(cfg.callbacks.extraCa ? { extraCa: cfg.callbacks.extraCa } : {}),
      ...(cfg.webhooks.secret ? { webhookSecret: cfg.webhooks.secret } : {}),
    },
  };
}

/** All activities, built from injected clients so tests can pass other real ones. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createKubernetesActivities(deps),
    ...createAdmissionActivities(deps.admission),
    ...createSweeperActivities({ kube: deps.kube, namespace: deps.settings.namespace }),
    ...createCallbackActivities(deps.callbacks),
  };
}

export type Activities = ReturnType<typeof createActivities>;
