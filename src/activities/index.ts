import { createKubernetesActivities, type KubernetesDeps } from './kubernetes.js';

export type ActivityDeps = KubernetesDeps;

/** All activities, built from injected clients so tests can pass other real ones. */
export function createActivities(deps: ActivityDeps) {
  return { ...createKubernetesActivities(deps) };
}

export type Activities = ReturnType<typeof createActivities>;
