import type { Config } from '../../config/config.js';
import { LAUNCHER_DEFAULTS } from '../../domain/launcher-spec.js';
import type { RunFile } from '../../domain/judge.js';
import type { LanguageSpec, StageLimits } from '../../domain/run.js';
import { HttpError } from '../http-error.js';
import { BASE64, SAFE_PATH } from '../schemas.js';
import type { ExecuteBody, LimitField } from './schemas.js';

/**
 * Pure: a Piston execute request as our own submission. Its limits keep Piston's rules and messages
 * (api/src/api/v2.js), with our operator's maxima as Piston's "configured limit".
 */

/** Piston's defaults for what a request leaves out (its run_timeout and run_cpu_time, in ms). */
export const PISTON_DEFAULTS = { run_timeout: 3000, run_cpu_time: 3000 } as const;

const MIB = 1024 * 1024;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** What the router needs to start and wait for the run. */
export interface PistonPlan {
  /** Our native body (checked again by createRunBody). */
  body: {
    language: string;
    code: string;
    stdin: string;
    args: string[];
    files: RunFile[];
    timeout_seconds: number;
    limits: StageLimits;
  };
  compileLimits: StageLimits;
  /** How long the request waits for the result: the run's own time plus its start, within SYNC_WAIT_MAX_SECONDS. */
  waitMs: number;
}

const bad = (message: string) => new HttpError(400, 'invalid_request', message);

/** The operator's maxima in Piston's units (ms, bytes). */
export function configuredLimits(limits: Config['limits']): Record<'timeout' | 'cpu_time' | 'memory_limit', number> {
  return {
    timeout: limits.maxTimeoutSeconds * 1000,
    cpu_time: limits.run.cpuTimeMs,
    memory_limit: limits.run.memoryMb * MIB,
  };
}

/**
 * One limit field in our units (ms, MB): absent or 0 is "not asked" (as Piston), a non-number or a
 * negative value is refused, and so is a value over our maximum. A memory limit of -1 means no limit: our
 * maximum.
 */
export function limitValue(body: Partial<Record<LimitField, unknown>>, field: LimitField, max: number): number | null {
  const value = body[field];
  if (!value) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(`If specified, ${field} must be a number`);
  const memory = field.endsWith('memory_limit');
  if (value === -1 && memory) return Math.floor(max / MIB);
  if (value > max) throw bad(`${field} cannot exceed the configured limit of ${max}`);
  if (value < 0) throw bad(`${field} must be non-negative`);
  if (memory && value < MIB) throw bad(`${field} must be at least ${MIB} bytes (1 MiB)`);
  return memory ? Math.floor(value / MIB) : Math.ceil(value);
}

/** A stage's limits in our terms (wall and CPU ms, memory MB), only those the request set. */
function stageLimits(body: ExecuteBody, stage: 'compile' | 'run', limits: Config['limits']): StageLimits {
  const max = configuredLimits(limits);
  const wall = limitValue(body, `${stage}_timeout`, max.timeout);
  const cpu = limitValue(body, `${stage}_cpu_time`, max.cpu_time);
  const memory = limitValue(body, `${stage}_memory_limit`, max.memory_limit);
  return {
    ...(wall !== null ? { wall_time_ms: wall } : {}),
    ...(cpu !== null ? { cpu_time_ms: cpu } : {}),
    ...(memory !== null ? { memory_mb: memory } : {}),
  };
}

/** A file's content as our files carry it (utf8 or base64); hex becomes base64. */
function content(f: ExecuteBody['files'][number], i: number): Pick<RunFile, 'content' | 'encoding'> {
  if (f.encoding === 'hex') {
    if (!HEX.test(f.content)) throw bad(`files[${i}].content is not valid hex`);
    return { content: Buffer.from(f.content, 'hex').toString('base64'), encoding: 'base64' };
  }
  if (f.encoding === 'base64') {
    if (!BASE64.test(f.content)) throw bad(`files[${i}].content is not valid base64`);
    return { content: f.content, encoding: 'base64' };
  }
  return { content: f.content, encoding: 'utf8' };
}

/**
 * The main file is the first utf8 one (Piston runs `code_files[0]`, the utf8 files); it becomes our code,
 * under the language's own file name. The others go beside it under their names (Piston's default name
 * `file<i>.code` when they have none), which must be safe relative paths.
 */
function splitFiles(files: ExecuteBody['files']): { code: string; files: RunFile[] } {
  const main = files.findIndex((f) => !f.encoding || f.encoding === 'utf8');
  if (main < 0) throw bad('files must include at least one utf8 encoded file');
  const rest = files.flatMap((f, i) => {
    if (i === main) return [];
    const name = f.name ?? `file${i}.code`;
    if (!SAFE_PATH.test(name))
      throw bad(`files[${i}].name must be a relative path of letters, digits, ".", "_" and "-" segments`);
    return [{ name, ...content(f, i) }];
  });
  return { code: files[main]?.content ?? '', files: rest };
}

export function pistonPlan(body: ExecuteBody, lang: LanguageSpec, cfg: Pick<Config, 'limits' | 'runner'>): PistonPlan {
  const asked = stageLimits(body, 'run', cfg.limits);
  const compileLimits = stageLimits(body, 'compile', cfg.limits);
  const run: StageLimits = {
    wall_time_ms: PISTON_DEFAULTS.run_timeout,
    cpu_time_ms: Math.min(PISTON_DEFAULTS.run_cpu_time, cfg.limits.run.cpuTimeMs),
    ...asked,
  };
  const runWall = run.wall_time_ms ?? PISTON_DEFAULTS.run_timeout;
  const compileWall = lang.compile
    ? (compileLimits.wall_time_ms ?? lang.limits?.compile?.wall_time_ms ?? LAUNCHER_DEFAULTS.compile.wall_time_ms)
    : 0;
  const { code, files } = splitFiles(body.files);
  const runMs = compileWall + runWall + cfg.runner.startTimeoutSeconds * 1000;
  return {
    body: {
      language: lang.id,
      code,
      stdin: body.stdin ?? '',
      args: body.args ?? [],
      files,
      timeout_seconds: Math.max(1, Math.ceil(runWall / 1000)),
      limits: run,
    },
    compileLimits,
    waitMs: Math.min(runMs + WAIT_SLACK_MS, cfg.limits.syncWaitMaxSeconds * 1000),
  };
}

/** The launcher's start and result, and the workflow's last poll. */
const WAIT_SLACK_MS = 5000;
