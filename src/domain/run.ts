/** Run statuses. The first seven keep Mini Code Runner's names so its clients keep working. */
export const RUN_STATUSES = [
  'Queued',
  'Pending',
  'Running',
  'Succeeded',
  'Failed',
  'Timeout',
  'OOMKilled',
  'Cancelled',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const TERMINAL_STATUSES: readonly RunStatus[] = ['Succeeded', 'Failed', 'Timeout', 'OOMKilled', 'Cancelled'];
export const isTerminal = (s: RunStatus): boolean => TERMINAL_STATUSES.includes(s);

/** How a language is run: pure data, overridable by configuration. */
export interface LanguageSpec {
  id: string;
  displayName: string;
  image: string;
  /** File name the code is stored under inside /workspace. */
  fileName: string;
  /** argv run with /workspace as working directory. */
  command: string[];
  /** Extra environment for the sandbox (no secrets ever). */
  env?: Record<string, string>;
  /** CodeMirror mode hint for the UI. */
  editorMode?: string;
}

/** A taint the runner pods tolerate (dedicated sandbox nodes). */
export interface Toleration {
  key: string;
  operator: 'Equal' | 'Exists';
  value?: string;
  effect: string;
}

/**
 * The object that holds a run's sandbox pod: a Job (the default; its controller enforces the deadline and
 * records the outcome), or a bare Pod (the kubelet enforces the same deadline; about half the API writes
 * per run, no Job controller work).
 */
export type SandboxKind = 'Job' | 'Pod';

export interface SandboxResources {
  cpuRequest: string;
  cpuLimit: string;
  memoryRequest: string;
  memoryLimit: string;
  ephemeralStorageLimit: string;
  tmpSizeLimit: string;
}

/** Everything the workflow needs to run one submission; recorded in history as the workflow input. */
export interface RunInput {
  runId: string;
  language: string;
  code: string;
  stdin: string;
  timeoutSeconds: number;
  sandbox: Pick<LanguageSpec, 'image' | 'fileName' | 'command' | 'env'>;
  /** ISO time the API accepted the run. */
  createdAt: string;
}

/** Observed state of a run's Kubernetes objects (result of one poll). */
export interface Observation {
  status: RunStatus;
  reason?: string;
  exitCode?: number;
  podName?: string;
  nodeName?: string;
  startedAt?: string;
  finishedAt?: string;
  /** The sandbox (Job or Pod) is gone (deleted by hand, TTL, node lost...). */
  vanished?: boolean;
  /** The sandbox waits in an admission queue outside Code Runner (Kueue suspended the Job, gated the pod). */
  held?: boolean;
  /** A failure that will not recover by waiting (image missing, bad spec). */
  permanent?: boolean;
}

export interface RunLogs {
  logs: string;
  truncated: boolean;
  bytes: number;
  /** Why there is no output although the pod ran (its node serves no logs, or stopped answering). */
  unavailable?: string;
}

/** The workflow's result. Output itself is kept once in history (in the result of its `fetchLogs` step). */
export interface RunResult {
  runId: string;
  status: RunStatus;
  reason: string;
  exitCode: number | null;
  language: string;
  jobName: string;
  podName: string | null;
  nodeName: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  outputBytes: number;
  outputTruncated: boolean;
  /** When each status was reached. */
  history: { status: RunStatus; at: string }[];
}

/** Live state exposed by the workflow's query. */
export interface RunState {
  runId: string;
  status: RunStatus;
  reason: string | null;
  exitCode: number | null;
  language: string;
  jobName: string;
  podName: string | null;
  nodeName: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  cancelRequested: boolean;
  history: { status: RunStatus; at: string }[];
}
