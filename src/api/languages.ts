import { LANGUAGE_ALIASES } from '../config/languages.js';
import { HttpError } from '../domain/errors.js';
import type { LanguageSpec } from '../domain/run.js';

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
