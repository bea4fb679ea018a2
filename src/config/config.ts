// Over 300 lines on purpose: every setting's schema, default and cross-check, parsed once, in one place.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { LanguageSpec, SandboxKind, SandboxResources, Toleration } from '../domain/run.js';
import { DEFAULT_LANGUAGES } from './languages.js';
import { parseCidrList, type AddressPolicy } from '../domain/address-policy.js';

const quantity = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|k|M|G)?$/, 'must be a Kubernetes quantity like 500m or 256Mi');
const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);
/** "true"/"false" (also 1/0, yes/no), as environment variables spell them. */
const flag = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
const dns = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label');

const stageLimits = z.strictObject({
  cpu_time_ms: z.number().int().positive().optional(),
  wall_time_ms: z.number().int().positive().optional(),
  memory_mb: z.number().int().positive().optional(),
  max_processes: z.number().int().positive().optional(),
  output_kb: z.number().int().positive().optional(),
  file_size_kb: z.number().int().positive().optional(),
});

const languageSchema = z.object({
  id: z.string().regex(/^[a-z0-9+#-]{1,32}$/),
  displayName: z.string().min(1),
  image: z.string().min(1),
  imageName: z.string().optional(),
  fileName: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  compile: z.array(z.string()).min(1).optional(),
  command: z.array(z.string()).min(1),
  aliases: z.array(z.string()).optional(),
  // An operator's image has no launcher in it unless it says so.
  launcher: z.enum(['image', 'init']).default('init'),
  limits: z.object({ compile: stageLimits.optional(), run: stageLimits.optional() }).optional(),
  env: z.record(z.string(), z.string()).optional(),
  editorMode: z.string().optional(),
});

/** The environment, as one schema. Predecessors' variable names are accepted as aliases. */
const envSchema = z.object({
  HOST: z.string().default('0.0.0.0'),
  PORT: int(8080, 1, 65535),
  CURSOR_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  TEMPORAL_ADDRESS: z.string().default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('code-runner'),
  TEMPORAL_API_KEY: z.string().optional(),
  TEMPORAL_TLS_CERT_PATH: z.string().optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().optional(),
  TEMPORAL_TLS_CA_PATH: z.string().optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  TEMPORAL_UI_URL: z.string().url().default('http://localhost:8233'),
  RUNNER_NAMESPACE: dns.optional(),
  KUBERNETES_NAMESPACE: dns.optional(),
  RUNNER_NODE_SELECTOR: z
    .string()
    .regex(/^([A-Za-z0-9./_-]+=[A-Za-z0-9._-]*)?(,[A-Za-z0-9./_-]+=[A-Za-z0-9._-]*)*$/, 'must be k=v[,k=v...]')
    .default(''),
  RUNNER_TOLERATIONS: z
    .string()
    .regex(
      /^([A-Za-z0-9./_-]+(=[A-Za-z0-9._-]*)?:(NoSchedule|PreferNoSchedule|NoExecute))?(,[A-Za-z0-9./_-]+(=[A-Za-z0-9._-]*)?:(NoSchedule|PreferNoSchedule|NoExecute))*$/,
      'must be key[=value]:Effect[,...]',
    )
    .default(''),
  CPU_REQUEST: quantity.default('100m'),
  CPU_LIMIT: quantity.default('500m'),
  MEMORY_REQUEST: quantity.optional(),
  MEMORY_LIMIT: quantity.default('256Mi'),
  EPHEMERAL_STORAGE_LIMIT: quantity.default('64Mi'),
  TMP_SIZE_LIMIT: quantity.default('16Mi'),
  JOB_TTL_SECONDS: int(600, 10, 86400),
  DEFAULT_TIMEOUT_SECONDS: int(10, 1, 3600),
  MAX_TIMEOUT_SECONDS: int(300, 1, 3600),
  MAX_CODE_BYTES: int(65536, 1, 1048576),
  MAX_STDIN_BYTES: int(65536, 0, 1048576),
  // Kubernetes refuses more than 256 KiB of annotations on one object (inline code travels in two).
  INLINE_CODE_BYTES: int(0, 0, 131072),
  SANDBOX_KIND: z.enum(['Job', 'Pod']).default('Job'),
  LOG_LIMIT_BYTES: int(262144, 1024, 1048576),
  // The ConfigMap scripts/images.sh keeps: which images landed, with their toolchain versions.
  IMAGE_CATALOG: z
    .string()
    .regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, 'namespace/name')
    .default('code-runner/code-runner-images'),
  LAUNCHER_IMAGE: z.string().min(1).default('localhost/code-runner/launcher:1'),
  // Bound on the launcher's result (all streams of all tests); the log read allows for it.
  MAX_RESULT_KB: int(1024, 64, 1536),
  // The operator's maxima for a run's `limits` (and for the test count and the input's total size).
  MAX_CPU_TIME_MS: int(30000, 100, 3_600_000),
  MAX_MEMORY_MB: int(1024, 16, 65536),
  MAX_PROCESSES: int(256, 1, 4096),
  MAX_OUTPUT_KB: int(1024, 1, 65536),
  MAX_FILE_SIZE_KB: int(16384, 1, 1048576),
  MAX_TESTS: int(50, 0, 50),
  MAX_INPUT_BYTES: int(786432, 1024, 786432),
  START_TIMEOUT_SECONDS: int(120, 5, 3600),
  POLL_INITIAL_MS: int(1000, 10, 60000),
  POLL_MAX_MS: int(5000, 10, 300000),
  POLL_FACTOR: z.coerce.number().min(1).max(10).default(1.5),
  POLL_FALLBACK_MS: int(15000, 100, 600000),
  RUNNING_SETTLE_MS: int(2000, 0, 10000),
  SYNC_WAIT_MAX_SECONDS: int(60, 1, 600),
  MAX_ACTIVE_RUNS: int(10, 0, 100000),
  ADMISSION_AUDIT_SECONDS: int(60, 1, 3600),
  ADMISSION_IDLE_SECONDS: int(300, 1, 86400),
  KUEUE_QUEUE_NAME: dns.optional(),
  LANGUAGES_FILE: z.string().optional(),
  WORKER_DEPLOYMENT: z.string().optional(),
  WORKER_NAMESPACE: dns.optional(),
  WORKER_CONCURRENCY: int(200, 1, 10000),
  WORKER_MAX_CACHED_WORKFLOWS: int(1000, 0, 100000),
  WORKER_WORKFLOW_STACK_TRACES: flag(false),
  WORKER_ACTIVATION_LIMIT_MS: int(0, 0, 3_600_000),
  WORKFLOW_BUNDLE_PATH: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  // Observability (src/obs/): the worker's /metrics listener, the SDK's metrics in it, traces over OTLP/HTTP.
  METRICS_PORT: int(9464, 0, 65535),
  TEMPORAL_SDK_METRICS: flag(true),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  // The Judge0 CE 1.13.1 compatible API (src/api/judge0/).
  JUDGE0_PREFIX: z
    .string()
    .regex(/^\/[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'must be a path like /judge0')
    .default('/judge0'),
  JUDGE0_AUTH_TOKEN: z.string().min(1).optional(),
  JUDGE0_AUTHZ_TOKEN: z.string().min(1).optional(),
  JUDGE0_MAX_QUEUE_SIZE: int(100, 0, 1_000_000),
  JUDGE0_ENABLE_WAIT_RESULT: flag(true),
  JUDGE0_ALLOW_NETWORK: flag(false),
  // The Piston v2 compatible API (src/api/piston/): at /api/v2 and under this prefix too ('' = root only).
  PISTON_ENABLED: flag(true),
  PISTON_PREFIX: z
    .string()
    .regex(/^(\/[A-Za-z0-9._-]+)*$/, 'must be empty or a path like /piston (no trailing slash)')
    .default('/piston'),
  // Callbacks (Judge0's callback_url): retried with backoff for hours; the address policy is src/domain/address-policy.ts.
  CALLBACK_RETRY_HOURS: int(24, 1, 720),
  CALLBACK_INITIAL_INTERVAL_MS: int(5000, 10, 3_600_000),
  CALLBACK_MAX_INTERVAL_MS: int(600_000, 10, 86_400_000),
  CALLBACK_TIMEOUT_MS: int(10_000, 100, 120_000),
  CALLBACK_ALLOW_PRIVATE: flag(false),
  CALLBACK_ALLOWED_CIDRS: z.string().default(''),
  // PEM certificates trusted for https callbacks besides the system's roots (receivers behind a private CA).
  CALLBACK_CA_FILE: z.string().optional(),
  // Native webhooks (callback_url on POST /runs): signed with this key (Standard Webhooks); unset: refused.
  WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  // GET /runs/{id}/events: how often an open stream polls the run's status, and its heartbeat.
  EVENTS_POLL_MS: int(1000, 100, 60_000),
  EVENTS_HEARTBEAT_SECONDS: int(15, 1, 300),
  // API keys (src/api/keys/): off for the local run, on in the Helm chart.
  API_KEYS: z
    .enum(['on', 'off', 'true', 'false'])
    .default('off')
    .transform((v) => v === 'on' || v === 'true'),
  API_KEYS_SECRET: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Secret name')
    .default('code-runner-api-keys'),
  API_KEYS_NAMESPACE: dns.default('code-runner'),
  API_REPLICAS: int(1, 1, 1000),
});

export interface Config {
  /** cursorSecret: the key that seals list cursors; API replicas behind one Service must share it. */
  http: { host: string; port: number; cursorSecret?: string };
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    apiKey?: string;
    tls?: { certPath?: string; keyPath?: string; caPath?: string; serverName?: string };
    uiUrl: string;
  };
  runner: {
    namespace: string;
    nodeSelector: Record<string, string>;
    tolerations: Toleration[];
    resources: SandboxResources;
    jobTtlSeconds: number;
    startTimeoutSeconds: number;
    logLimitBytes: number;
    /** Opt-in: code + stdin up to this many bytes travel in the Job (downward API); 0 (default): always a ConfigMap. */
    inlineCodeBytes: number;
    /** Label Jobs for Kueue's LocalQueue of this name (clusters that run Kueue). */
    kueueQueue?: string;
    /** The sandbox object: a Job (default), or a bare Pod (about half the API writes per run). */
    kind: SandboxKind;
    launcherImage: string;
    maxResultKb: number;
    imageCatalog: { namespace: string; name: string };
  };
  /** The true queue: at most maxActiveRuns runner Jobs at once (0 = no cap). */
  admission: {
    maxActiveRuns: number;
    policy: { auditSeconds: number; idleSeconds: number; maxHistoryEvents: number };
  };
  limits: {
    defaultTimeoutSeconds: number;
    maxTimeoutSeconds: number;
    maxCodeBytes: number;
    maxStdinBytes: number;
    syncWaitMaxSeconds: number;
    /** Upper bounds of a run's `limits` (wall time: maxTimeoutSeconds). */
    run: { cpuTimeMs: number; memoryMb: number; processes: number; outputKb: number; fileSizeKb: number };
    maxTests: number;
    /** Code, stdin, files and tests together: they travel in one ConfigMap (1 MiB at most). */
    maxInputBytes: number;
  };
  /** Long polls of a run's objects: the window, and how often they re-read while nothing happens. */
  poll: { initialMs: number; maxMs: number; factor: number; fallbackMs: number; runningSettleMs: number };
  languages: LanguageSpec[];
  worker: {
    deployment?: string;
    namespace: string;
    concurrency: number;
    maxCachedWorkflows: number;
    /** The SDK's workflow stack traces (the `__stack_trace` query); off by default, see src/worker/stack-traces.ts. */
    workflowStackTraces: boolean;
    /** A workflow activation longer than this fails its task; 0: no limit (src/worker/activation-limit.ts). */
    activationLimitMs: number;
    bundlePath?: string;
  };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /**
   * Metrics and traces: the worker's /metrics port (0: any free port), whether the Temporal SDK's own
   * metrics join it, and where traces go (OTLP/HTTP; absent: tracing off).
   */
  obs: { metricsPort: number; sdkMetrics: boolean; otlpEndpoint?: string; serviceName?: string };
  /** The Judge0-compatible API: where it is mounted, its tokens (X-Auth-Token, X-Auth-User) and switches. */
  judge0: {
    prefix: string;
    authToken?: string;
    authzToken?: string;
    maxQueueSize: number;
    enableWait: boolean;
    allowNetwork: boolean;
  };
  /** The Piston v2 compatible API: served at /api/v2 and at `${prefix}/api/v2` when enabled. */
  piston: { enabled: boolean; prefix: string };
  /** API keys: on or off, the Secret that holds them, and how many API replicas share each tenant's rate. */
  keys: { enabled: boolean; namespace: string; secretName: string; replicas: number };
  /** Outgoing callbacks: their retry schedule, each attempt's bound, and which addresses they may reach. */
  callbacks: {
    retryHours: number;
    initialIntervalMs: number;
    maxIntervalMs: number;
    timeoutMs: number;
    addresses: AddressPolicy;
    /** Extra CA certificates (PEM) an https receiver's chain may end in, read from CALLBACK_CA_FILE. */
    extraCa?: string;
  };
  /** Native webhooks' signing key (`whsec_<base64>` or plain text); absent: callback_url is refused. */
  webhooks: { secret?: string };
  /** Event streams: the status poll of each open stream, and the heartbeat comment's period. */
  events: { pollMs: number; heartbeatMs: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

function parseSelector(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of s.split(',').filter(Boolean)) {
    const [k, v = ''] = pair.split('=');
    if (k) out[k] = v;
  }
  return out;
}

/** `key=value:Effect` tolerates exactly that taint; `key:Effect` any value of the key. */
function parseTolerations(s: string): Toleration[] {
  return s
    .split(',')
    .filter(Boolean)
    .map((t) => {
      const [kv = '', effect = ''] = t.split(':');
      const [key = '', value] = kv.split('=');
      return value === undefined ? { key, operator: 'Exists', effect } : { key, operator: 'Equal', value, effect };
    });
}

/** The PEM file's text, when set; unreadable or without a certificate: a problem. */
function loadCa(file: string | undefined, problems: string[]): string | undefined {
  if (!file) return undefined;
  try {
    const pem = readFileSync(file, 'utf8');
    if (pem.includes('-----BEGIN CERTIFICATE-----')) return pem;
    problems.push(`CALLBACK_CA_FILE: ${file} holds no PEM certificate`);
  } catch (e) {
    problems.push(`CALLBACK_CA_FILE: cannot read ${file}: ${(e as Error).message}`);
  }
  return undefined;
}

function loadLanguages(env: NodeJS.ProcessEnv, file: string | undefined, problems: string[]): LanguageSpec[] {
  let langs = DEFAULT_LANGUAGES;
  if (file) {
    try {
      const parsed = z
        .array(languageSchema)
        .min(1)
        .safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (parsed.success) langs = parsed.data;
      else
        problems.push(
          `LANGUAGES_FILE: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
    } catch (e) {
      problems.push(`LANGUAGES_FILE: cannot read ${file}: ${(e as Error).message}`);
    }
  }
  return langs.map((l) => {
    const override = env[`SANDBOX_IMAGE_${l.id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`];
    // Our own images carry the launcher; an image put in their place gets it from an init container.
    if (override) return { ...l, image: override, launcher: 'init' as const };
    return { ...l, launcher: l.launcher ?? (file ? 'init' : ('image' as const)) };
  });
}

/** Parses the whole environment once; reports every invalid variable at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems: string[] = parsed.success
    ? []
    : parsed.error.issues.map(
        (i) => `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`,
      );
  const e = parsed.success ? parsed.data : undefined;
  const languages = loadLanguages(env, env.LANGUAGES_FILE, problems);
  const extraCa = loadCa(env.CALLBACK_CA_FILE, problems);
  if (e && e.POLL_MAX_MS < e.POLL_INITIAL_MS) problems.push('POLL_MAX_MS: must be >= POLL_INITIAL_MS');
  if (e && e.DEFAULT_TIMEOUT_SECONDS > e.MAX_TIMEOUT_SECONDS)
    problems.push('DEFAULT_TIMEOUT_SECONDS: must be <= MAX_TIMEOUT_SECONDS');
  const cidrs = parseCidrList(e?.CALLBACK_ALLOWED_CIDRS ?? '');
  if ('invalid' in cidrs) problems.push(`CALLBACK_ALLOWED_CIDRS: not CIDRs: ${cidrs.invalid.join(', ')}`);
  if (e && e.CALLBACK_MAX_INTERVAL_MS < e.CALLBACK_INITIAL_INTERVAL_MS)
    problems.push('CALLBACK_MAX_INTERVAL_MS: must be >= CALLBACK_INITIAL_INTERVAL_MS');
  if (problems.length > 0 || !e || 'invalid' in cidrs) throw new ConfigError(problems);
  const tls =
    e.TEMPORAL_TLS_CERT_PATH || e.TEMPORAL_TLS_CA_PATH
      ? {
          certPath: e.TEMPORAL_TLS_CERT_PATH,
          keyPath: e.TEMPORAL_TLS_KEY_PATH,
          caPath: e.TEMPORAL_TLS_CA_PATH,
          serverName: e.TEMPORAL_TLS_SERVER_NAME,
        }
      : undefined;
  const runnerNamespace = e.RUNNER_NAMESPACE ?? e.KUBERNETES_NAMESPACE ?? 'code-runner-runs';
  return {
    http: { host: e.HOST, port: e.PORT, ...(e.CURSOR_SECRET ? { cursorSecret: e.CURSOR_SECRET } : {}) },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      apiKey: e.TEMPORAL_API_KEY,
      tls,
      uiUrl: e.TEMPORAL_UI_URL.replace(/\/$/, ''),
    },
    runner: {
      namespace: runnerNamespace,
      nodeSelector: parseSelector(e.RUNNER_NODE_SELECTOR),
      tolerations: parseTolerations(e.RUNNER_TOLERATIONS),
      resources: {
        cpuRequest: e.CPU_REQUEST,
        cpuLimit: e.CPU_LIMIT,
        memoryRequest: e.MEMORY_REQUEST ?? e.MEMORY_LIMIT,
        memoryLimit: e.MEMORY_LIMIT,
        ephemeralStorageLimit: e.EPHEMERAL_STORAGE_LIMIT,
        tmpSizeLimit: e.TMP_SIZE_LIMIT,
      },
      jobTtlSeconds: e.JOB_TTL_SECONDS,
      startTimeoutSeconds: e.START_TIMEOUT_SECONDS,
      logLimitBytes: e.LOG_LIMIT_BYTES,
      inlineCodeBytes: e.INLINE_CODE_BYTES,
      kind: e.SANDBOX_KIND,
      launcherImage: e.LAUNCHER_IMAGE,
      maxResultKb: e.MAX_RESULT_KB,
      imageCatalog: {
        namespace: e.IMAGE_CATALOG.split('/')[0] ?? 'code-runner',
        name: e.IMAGE_CATALOG.split('/')[1] ?? 'code-runner-images',
      },
      ...(e.KUEUE_QUEUE_NAME ? { kueueQueue: e.KUEUE_QUEUE_NAME } : {}),
    },
    admission: {
      maxActiveRuns: e.MAX_ACTIVE_RUNS,
      policy: {
        auditSeconds: e.ADMISSION_AUDIT_SECONDS,
        idleSeconds: e.ADMISSION_IDLE_SECONDS,
        maxHistoryEvents: 2000,
      },
    },
    limits: {
      defaultTimeoutSeconds: e.DEFAULT_TIMEOUT_SECONDS,
      maxTimeoutSeconds: e.MAX_TIMEOUT_SECONDS,
      maxCodeBytes: e.MAX_CODE_BYTES,
      maxStdinBytes: e.MAX_STDIN_BYTES,
      syncWaitMaxSeconds: e.SYNC_WAIT_MAX_SECONDS,
      run: {
        cpuTimeMs: e.MAX_CPU_TIME_MS,
        memoryMb: e.MAX_MEMORY_MB,
        processes: e.MAX_PROCESSES,
        outputKb: e.MAX_OUTPUT_KB,
        fileSizeKb: e.MAX_FILE_SIZE_KB,
      },
      maxTests: e.MAX_TESTS,
      maxInputBytes: e.MAX_INPUT_BYTES,
    },
    poll: {
      initialMs: e.POLL_INITIAL_MS,
      maxMs: e.POLL_MAX_MS,
      factor: e.POLL_FACTOR,
      fallbackMs: e.POLL_FALLBACK_MS,
      runningSettleMs: e.RUNNING_SETTLE_MS,
    },
    languages,
    worker: {
      deployment: e.WORKER_DEPLOYMENT,
      namespace: e.WORKER_NAMESPACE ?? runnerNamespace,
      concurrency: e.WORKER_CONCURRENCY,
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      workflowStackTraces: e.WORKER_WORKFLOW_STACK_TRACES,
      activationLimitMs: e.WORKER_ACTIVATION_LIMIT_MS,
      bundlePath: e.WORKFLOW_BUNDLE_PATH,
    },
    logLevel: e.LOG_LEVEL,
    obs: {
      metricsPort: e.METRICS_PORT,
      sdkMetrics: e.TEMPORAL_SDK_METRICS,
      ...(e.OTEL_EXPORTER_OTLP_ENDPOINT ? { otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '') } : {}),
      ...(e.OTEL_SERVICE_NAME ? { serviceName: e.OTEL_SERVICE_NAME } : {}),
    },
    judge0: {
      prefix: e.JUDGE0_PREFIX,
      ...(e.JUDGE0_AUTH_TOKEN ? { authToken: e.JUDGE0_AUTH_TOKEN } : {}),
      ...(e.JUDGE0_AUTHZ_TOKEN ? { authzToken: e.JUDGE0_AUTHZ_TOKEN } : {}),
      maxQueueSize: e.JUDGE0_MAX_QUEUE_SIZE,
      enableWait: e.JUDGE0_ENABLE_WAIT_RESULT,
      allowNetwork: e.JUDGE0_ALLOW_NETWORK,
    },
    piston: { enabled: e.PISTON_ENABLED, prefix: e.PISTON_PREFIX },
    keys: {
      enabled: e.API_KEYS,
      namespace: e.API_KEYS_NAMESPACE,
      secretName: e.API_KEYS_SECRET,
      replicas: e.API_REPLICAS,
    },
    callbacks: {
      retryHours: e.CALLBACK_RETRY_HOURS,
      initialIntervalMs: e.CALLBACK_INITIAL_INTERVAL_MS,
      maxIntervalMs: e.CALLBACK_MAX_INTERVAL_MS,
      timeoutMs: e.CALLBACK_TIMEOUT_MS,
      addresses: { allowPrivate: e.CALLBACK_ALLOW_PRIVATE, allowedCidrs: cidrs.cidrs },
      ...(extraCa ? { extraCa } : {}),
    },
    webhooks: e.WEBHOOK_SECRET ? { secret: e.WEBHOOK_SECRET } : {},
    events: { pollMs: e.EVENTS_POLL_MS, heartbeatMs: e.EVENTS_HEARTBEAT_SECONDS * 1000 },
  };
}
