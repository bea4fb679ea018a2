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
export async function startPistonRun(deps: PistonDeps, raw: unknown, interactive = false): Promise<PistonStart> {
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
  const { view, input } = await deps.runs.start(checked.data, undefined, {
    client: 'piston',
    compileLimits: plan.compileLimits,
    interactive,
  });
  return { view, input, runtime, plan };
}
