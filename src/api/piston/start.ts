import type { Config } from '../../config/config.js';
import type { RunInput } from '../../domain/run.js';
import type { RunView } from '../../domain/run-view.js';
import { HttpError } from '../http-error.js';
import type { LanguagesService } from '../languages-service.js';
import type { RunsService } from '../runs-service.js';
import { createRunBody } from '../schemas.js';
import { zodDetails } from '../validate.js';
import { pistonPlan, type PistonPlan } from './request.js';
import { findRuntime, runtimesOf, type Runtime } from './runtimes.js';
import { executeBody, firstProblem } from './schemas.js';
import type { Requester } from '../audit.js';
import type { DefaultedField } from '../../domain/tenant-maxima.js';

export interface PistonDeps {
  cfg: Config;
  runs: RunsService;
  languages: LanguagesService;
}

export interface PistonStart {
  view: RunView;
  input?: RunInput;
  runtime: Runtime;
  plan: PistonPlan;
}

/**
 * A Piston request (execute's body, or a connect session's init) started as an ordinary run with client
 * "piston". Every refusal is a 400 with Piston's message.
 */
export async function startPistonRun(
  deps: PistonDeps,
  raw: unknown,
  interactive = false,
  by?: Requester,
): Promise<PistonStart> {
  const parsed = executeBody.safeParse(raw ?? {});
  if (!parsed.success) throw new HttpError(400, 'invalid_request', firstProblem(parsed.error));
  const body = parsed.data;
  const runtime = findRuntime(runtimesOf(await deps.languages.list(), deps.cfg.languages), body.language, body.version);
  if (!runtime) throw new HttpError(400, 'unknown_runtime', `${body.language}-${body.version} runtime is unknown`);
  // An interactive session's stdin comes from its messages: the init's stdin is discarded (as Piston).
  const plan = pistonPlan(interactive ? { ...body, stdin: '' } : body, runtime.spec, deps.cfg);
  const checked = createRunBody(deps.cfg.limits).safeParse(plan.body);
  if (!checked.success) {
    const p = zodDetails(checked.error, '')[0];
    throw new HttpError(400, 'invalid_request', p ? `${p.field}: ${p.message}` : 'the request is invalid');
  }
  // Piston's defaults (a limit unset, 0, or -1 for "none") are lowered to the tenant's maxima, not refused.
  const unset = (v: unknown) => v === undefined || v === null || v === 0 || v === -1;
  const defaulted: DefaultedField[] = [
    ...(unset(body.run_timeout) ? (['timeout_seconds', 'wall_time_ms'] as const) : []),
    ...(unset(body.run_cpu_time) ? (['cpu_time_ms'] as const) : []),
    ...(unset(body.run_memory_limit) ? (['memory_mb'] as const) : []),
  ];
  const { view, input } = await deps.runs.start(checked.data, undefined, {
    client: 'piston',
    compileLimits: plan.compileLimits,
    interactive,
    defaulted,
    ...(by ? { by } : {}),
  });
  return { view, input, runtime, plan };
}
