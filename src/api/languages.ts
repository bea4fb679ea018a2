import { LANGUAGE_ALIASES } from '../config/languages.js';
import { HttpError } from './http-error.js';
import type { LanguageSpec, RunInput } from '../domain/run.js';

export function resolveLanguage(languages: LanguageSpec[], requested: string): LanguageSpec {
  const id = LANGUAGE_ALIASES[requested] ?? requested;
  const lang = languages.find((l) => l.id === id);
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

/** The workflow input of one submission: the language's sandbox spec is recorded with the run. */
export function runInput(
  lang: LanguageSpec,
  req: { runId: string; code: string; stdin: string; timeoutSeconds: number },
  createdAt = new Date().toISOString(),
): RunInput {
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
      ...(lang.env ? { env: lang.env } : {}),
    },
    createdAt,
  };
}
