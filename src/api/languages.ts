import { randomBytes } from 'node:crypto';
import { LANGUAGE_ALIASES } from '../config/languages.js';
import type { Compare, RunFile, TestCase } from '../domain/judge.js';
import { HttpError } from './http-error.js';
import type { LanguageSpec, RunClient, RunInput, StageLimits } from '../domain/run.js';

export function resolveLanguage(languages: LanguageSpec[], requested: string): LanguageSpec {
  const id = LANGUAGE_ALIASES[requested] ?? requested;
  const lang = languages.find((l) => l.id === id || l.aliases?.includes(requested));
  if (!lang) {
    const supported = languages.map((l) => l.id);
    throw new HttpError(
      400,
      'unsupported_language',
      `language '${requested}' is not supported; use one of: ${supported.join(', ')}`,
      [{ field: 'body.language', message: `must be one of ${supported.join(', ')}` }],
    );
  }
  return lang;
}

/** What a submission asks for beyond its code (all optional). */
export interface RunRequest {
  runId: string;
  code: string;
  stdin: string;
  timeoutSeconds: number;
  files?: RunFile[];
  args?: string[];
  tests?: TestCase[];
  compare?: Compare;
  limits?: StageLimits;
  /** The operator's defaults under the language's (e.g. output kept = LOG_LIMIT_BYTES). */
  defaults?: StageLimits;
  /** The compile stage's limits asked for, over the language's (compatible APIs only). */
  compileLimits?: StageLimits;
  /** The API the run came through (default: native). */
  client?: RunClient;
  /** What that API asked beyond our input, echoed back to its clients (Judge0). */
  clientSettings?: RunInput['clientSettings'];
}

/**
 * The workflow input of one submission: the language's sandbox spec is recorded with the run, with the
 * defaults of its limits (the operator's, then the language's); `limits` holds what the request asked for.
 */
export function runInput(lang: LanguageSpec, req: RunRequest, createdAt = new Date().toISOString()): RunInput {
  const defined = <T extends object>(o: T | undefined) =>
    Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as T;
  const limits = defined(req.limits);
  const runDefaults = { ...defined(req.defaults), ...defined(lang.limits?.run) };
  const compileLimits = { ...defined(lang.limits?.compile), ...defined(req.compileLimits) };
  return {
    runId: req.runId,
    language: lang.id,
    code: req.code,
    stdin: req.stdin,
    timeoutSeconds: req.timeoutSeconds,
    sandbox: {
      image: lang.image,
      fileName: lang.fileName,
      command: lang.command,
      ...(lang.compile ? { compile: lang.compile } : {}),
      launcher: lang.launcher ?? 'init',
      ...(Object.keys(compileLimits).length ? { compileLimits } : {}),
      ...(Object.keys(runDefaults).length ? { runLimits: runDefaults } : {}),
      ...(lang.env ? { env: lang.env } : {}),
    },
    ...(req.files?.length ? { files: req.files } : {}),
    ...(req.args?.length ? { args: req.args } : {}),
    ...(req.tests?.length ? { tests: req.tests } : {}),
    ...(req.compare && req.compare.mode !== 'exact' ? { compare: req.compare } : {}),
    ...(Object.keys(limits).length ? { limits } : {}),
    resultNonce: randomBytes(18).toString('base64url'),
    client: req.client ?? 'native',
    ...(req.clientSettings ? { clientSettings: req.clientSettings } : {}),
    createdAt,
  };
}
