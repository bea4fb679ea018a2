import { SPEC_FILE } from '../../domain/launcher-spec.js';
import type { RunInput, SandboxKind, SandboxResources, Toleration } from '../../domain/run.js';
import {
  APP_NAME,
  LABEL_APP,
  LABEL_COMPONENT,
  LABEL_LANGUAGE,
  LABEL_MANAGED_BY,
  LABEL_RUN_ID,
  RUNNER_COMPONENT,
} from '../../domain/names.js';

/** What every sandbox object shares: the operator's settings, the owner, the labels and the names of keys. */

export interface SandboxSettings {
  namespace: string;
  nodeSelector: Record<string, string>;
  tolerations?: Toleration[];
  resources: SandboxResources;
  jobTtlSeconds: number;
  startTimeoutSeconds: number;
  /** Kueue LocalQueue: Kueue admits (unsuspends) the Job after our own admission let it be created. */
  kueueQueue?: string;
  /** Code and stdin up to this many bytes (together) travel inside the Job itself; larger ones in a ConfigMap. */
  inlineCodeBytes: number;
  /** What holds the sandbox pod (absent: a Job). */
  kind?: SandboxKind;
  /** Image with the launcher binary at /launcher (its init container installs it into the pod). */
  launcherImage: string;
  /** Bound on the launcher's result JSON. */
  maxResultKb: number;
  /** The launcher copies this much of the output to the pod's log as it arrives (live logs). */
  liveKb: number;
}

/** The object that owns a run's ConfigMap: its Job, or its bare Pod. */
export interface SandboxOwner {
  kind: SandboxKind;
  uid: string;
}

/** The launcher's spec in the run's ConfigMap; the init container moves it out of the program's sight. */
export const SPEC_KEY = SPEC_FILE;
/** Pod annotation prefix for inline entries (INLINE_CODE_BYTES): read into the input by the downward API. */
export const ANNOTATION_PREFIX = 'code-runner.dev/';

export function runLabels(input: Pick<RunInput, 'runId' | 'language'>): Record<string, string> {
  return {
    [LABEL_APP]: APP_NAME,
    [LABEL_COMPONENT]: RUNNER_COMPONENT,
    [LABEL_MANAGED_BY]: 'code-runner-worker',
    [LABEL_RUN_ID]: input.runId,
    [LABEL_LANGUAGE]: input.language,
  };
}
