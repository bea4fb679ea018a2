import type { V1Job, V1Pod } from '@kubernetes/client-node';
import type { Observation, RunInput, SandboxKind } from '../../domain/run.js';
import type { RunSnapshot } from '../run-watch.js';

/**
 * The one seam for what holds a run's pod: a Job (the default) or a bare Pod (SANDBOX_KIND=Pod). Builders
 * and status interpretation live behind it; nothing outside src/kube/sandbox/ branches on the kind.
 * Kubernetes errors are thrown as the client throws them; a sandbox that is gone reads as `vanished`.
 */
export interface Sandbox {
  readonly kind: SandboxKind;
  /** Whether the worker's watch follows Jobs as well as pods. */
  readonly watchesJobs: boolean;
  /** Creates the run's sandbox object (a 409 when it exists already). */
  create(input: RunInput): Promise<V1Job | V1Pod>;
  /** Reads the run's sandbox object by name. */
  read(name: string): Promise<V1Job | V1Pod>;
  /** The observation of an object just created or read by `create`/`read`. */
  interpretObject(object: V1Job | V1Pod, timeoutSeconds: number): Observation;
  /** The run's observation from the watch's cache, if the cache holds its sandbox. */
  fromCache(snapshot: RunSnapshot | undefined, name: string, timeoutSeconds: number): Observation | undefined;
  /** The run's observation from the API server. */
  fromServer(runId: string, timeoutSeconds: number): Promise<Observation>;
  /** Deletes the sandbox object (its pods: the caller, by label); a 404 as the client throws it when gone. */
  remove(name: string): Promise<unknown>;
}
