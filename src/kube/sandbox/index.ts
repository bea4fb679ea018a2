import type { KubeClients } from '../client.js';
import { jobSandbox } from './job.js';
import type { SandboxSettings } from './manifests.js';
import { podSandbox } from './pod.js';
import type { Sandbox } from './sandbox.js';

export type { Sandbox } from './sandbox.js';
export type { SandboxSettings } from './manifests.js';

/** The sandbox implementation the settings name: the only place that looks at the kind. */
export function createSandbox(kube: Pick<KubeClients, 'core' | 'batch'>, s: SandboxSettings): Sandbox {
  return s.kind === 'Pod' ? podSandbox(kube, s) : jobSandbox(kube, s);
}
