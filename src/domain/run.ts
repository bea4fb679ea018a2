import type { CallbackOutcome } from './callback.js';
import type { Compare, JudgeResult, RunFile, TestCase, Verdict } from './judge.js';

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

/** Which API a run was submitted through: our own, or a compatible one (recorded with the run). */
export const RUN_CLIENTS = ['native', 'piston', 'judge0'] as const;
export type RunClient = (typeof RUN_CLIENTS)[number];

export const TERMINAL_STATUSES: readonly RunStatus[] = ['Succeeded', 'Failed', 'Timeout', 'OOMKilled', 'Cancelled'];
export const isTerminal = (s: RunStatus): boolean => TERMINAL_STATUSES.includes(s);

/** Limits of one launcher stage (compile or run); the launcher's spec names them the same way. */
export interface StageLimits {
  cpu_time_ms?: number;
  wall_time_ms?: number;
  memory_mb?: number;
  max_processes?: number;
  output_kb?: number;
  file_size_kb?: number;
}

/**
 * How a language is compiled and run: pure data, overridable by configuration (LANGUAGES_FILE).
 * Commands run in the sandbox's writable workdir (/workspace), which holds the code under `fileName`
 * and the run's files; compilers write their output there too. HOME and TMPDIR are /tmp.
 */
export interface LanguageSpec {
  /** Stable id clients send: c, cpp, java, go, rust, csharp, python, ... */
  id: string;
  displayName: string;
  /** Image reference the sandbox runs. */
  image: string;
  /** Name of the image in scripts/images.sh (its catalog entry gives availability and version). */
  imageName?: string;
  /** File name the code is stored under in the workdir. */
  fileName: string;
  /** argv of the compile step (absent: interpreted). */
  compile?: string[];
  /** argv of the program, once per test. */
  command: string[];
  /** Extra environment for the sandbox (no secrets ever). */
  env?: Record<string, string>;
  /** Other names clients use for this language. */
  aliases?: string[];
  /** CodeMirror mode hint for the UI. */
  editorMode?: string;
  /**
   * Where the sandbox gets the launcher: `image` (at /opt/code-runner/launcher in the language's image, as
   * in every image scripts/images.sh builds) or `init` (an init container copies it from LAUNCHER_IMAGE:
   * any image works, at the price of a second container start per run).
   */
  launcher?: 'image' | 'init';
  /** This language's defaults, over the launcher's (e.g. more processes for a JVM, more memory to compile). */
  limits?: { compile?: StageLimits; run?: StageLimits };
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
  sandbox: Pick<LanguageSpec, 'image' | 'fileName' | 'command' | 'env' | 'compile' | 'launcher'> & {
    /** The language's compile limits (the launcher's defaults for the rest). */
    compileLimits?: StageLimits;
    /** Defaults of the run stage's limits (the operator's, then the language's), under the request's. */
    runLimits?: StageLimits;
  };
  /** Files beside the code in the workdir. */
  files?: RunFile[];
  /** Arguments after the language's command. */
  args?: string[];
  /** Test cases (none: one run with `stdin`). */
  tests?: TestCase[];
  compare?: Compare;
  /** The run stage's limits the request asked for (within the operator's maxima). */
  limits?: StageLimits;
  /** Frames the launcher's result in the pod's log; random per run, never shown to the program or clients. */
  resultNonce?: string;
  /** The API it came through (absent: native, as every run before compatible APIs). */
  client?: RunClient;
  /** What a compatible API asked beyond our input (Judge0's limits and flags), echoed back to its clients. */
  clientSettings?: Record<string, string | number | boolean | null>;
  /** Where the finished run is announced (Judge0's callback_url), checked against the address policy. */
  callbackUrl?: string;
  /**
   * A client attaches to the program while it runs (Piston's /api/v2/connect): the container keeps its
   * stdin open, and the launcher waits for the client's hello before the first step (ATTACH_SECONDS).
   */
  interactive?: boolean;
  /** The tenant whose key submitted it (absent: the default tenant, as before keys). */
  tenant?: string;
  /** The tenant's cap on runs holding a slot at once (its key's limit; absent: none but the cluster's). */
  tenantMaxActiveRuns?: number;
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
  /** The launcher's current step while the pod runs: compile, run, or test i/n. */
  stage?: string;
}

export interface RunLogs {
  /** The output as the pod logged it (empty when the launcher's result carries it). */
  logs: string;
  /** The launcher's result, checked against the pod's termination message. */
  result?: JudgeResult;
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
  /** The launcher's overall verdict (null when the run never ran or its result was lost). */
  verdict?: Verdict | null;
  /** When each status was reached. */
  history: { status: RunStatus; at: string }[];
  /** Runs with a callback: how its delivery ended (after the status above was final). */
  callback?: CallbackOutcome;
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
  /** The launcher's current step while Running (compile, run, test i/n), as of the last poll. */
  stage?: string | null;
  history: { status: RunStatus; at: string }[];
  /** Set once the run finished while the workflow stays open to deliver its callback: readers take it as final. */
  result?: RunResult;
}
