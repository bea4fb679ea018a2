import type { LanguageSpec } from '../../domain/run.js';
import type { LanguageView } from '../../domain/run-view.js';

/**
 * Judge0 CE 1.13.1's language ids that clients hard-code, mapped onto our registry. Names keep Judge0's
 * shape ("C (GCC 9.2.0)") with the toolchain version our image really has (`%s`); several Judge0 ids
 * (GCC 7/8/9, Clang) run the one compiler we have, so their names say GCC where Judge0's said Clang.
 */
export interface Judge0Language {
  id: number;
  /** Our registry id. */
  language: string;
  /** Judge0's name with `%s` where our version goes. */
  name: string;
  /** A multi-file program: no source_code, every file (the main one too) in additional_files. */
  project?: boolean;
}

export const JUDGE0_LANGUAGES: readonly Judge0Language[] = [
  { id: 46, language: 'bash', name: 'Bash (%s)' },
  { id: 48, language: 'c', name: 'C (GCC %s)' },
  { id: 49, language: 'c', name: 'C (GCC %s)' },
  { id: 50, language: 'c', name: 'C (GCC %s)' },
  { id: 51, language: 'csharp', name: 'C# (Mono %s)' },
  { id: 52, language: 'cpp', name: 'C++ (GCC %s)' },
  { id: 53, language: 'cpp', name: 'C++ (GCC %s)' },
  { id: 54, language: 'cpp', name: 'C++ (GCC %s)' },
  { id: 55, language: 'commonlisp', name: 'Common Lisp (SBCL %s)' },
  { id: 57, language: 'elixir', name: 'Elixir (%s)' },
  { id: 58, language: 'erlang', name: 'Erlang (OTP %s)' },
  { id: 59, language: 'fortran', name: 'Fortran (GFortran %s)' },
  { id: 60, language: 'go', name: 'Go (%s)' },
  { id: 61, language: 'haskell', name: 'Haskell (GHC %s)' },
  { id: 62, language: 'java', name: 'Java (OpenJDK %s)' },
  { id: 63, language: 'javascript', name: 'JavaScript (Node.js %s)' },
  { id: 64, language: 'lua', name: 'Lua (%s)' },
  { id: 65, language: 'ocaml', name: 'OCaml (%s)' },
  { id: 67, language: 'pascal', name: 'Pascal (FPC %s)' },
  { id: 68, language: 'php', name: 'PHP (%s)' },
  { id: 69, language: 'prolog', name: 'Prolog (SWI-Prolog %s)' },
  { id: 71, language: 'python', name: 'Python (%s)' },
  { id: 72, language: 'ruby', name: 'Ruby (%s)' },
  { id: 73, language: 'rust', name: 'Rust (%s)' },
  { id: 74, language: 'typescript', name: 'TypeScript (%s)' },
  { id: 75, language: 'c', name: 'C (GCC %s)' },
  { id: 76, language: 'cpp', name: 'C++ (GCC %s)' },
  { id: 78, language: 'kotlin', name: 'Kotlin (%s)' },
  { id: 80, language: 'r', name: 'R (%s)' },
  { id: 81, language: 'scala', name: 'Scala (%s)' },
  { id: 82, language: 'sql', name: 'SQL (SQLite %s)' },
  { id: 85, language: 'perl', name: 'Perl (%s)' },
  { id: 89, language: 'multifile', name: 'Multi-file program', project: true },
];

/** Whether a Judge0 id is a multi-file program (89). */
export const isProject = (id: number | null): boolean => JUDGE0_LANGUAGES.some((l) => l.id === id && l.project);

/** The id a run of ours shows when it was not submitted through Judge0 (the newest compiler's id). */
const CANONICAL: Readonly<Record<string, number>> = { c: 50, cpp: 54 };

export function canonicalId(language: string): number | null {
  return CANONICAL[language] ?? JUDGE0_LANGUAGES.find((l) => l.language === language)?.id ?? null;
}

/** The languages we serve: only Judge0 ids whose registry language exists here. */
export function servedLanguages(registry: readonly { id: string }[]): Judge0Language[] {
  const ours = new Set(registry.map((l) => l.id));
  return JUDGE0_LANGUAGES.filter((l) => ours.has(l.language));
}

/** "C (GCC %s)" with version 14.2.0 → "C (GCC 14.2.0)"; without a known version → "C (GCC)". */
export function languageName(l: Judge0Language, version: string | null): string {
  if (version) return l.name.replace('%s', version);
  return l.name.replace(/ \(%s\)$/, '').replace(' %s', '');
}

/** Judge0's GET /languages/:id shape, from our registry entry (commands shell-quoted; null for 89, as Judge0). */
export function languageDetail(l: Judge0Language, view: LanguageView | undefined, spec: LanguageSpec) {
  return {
    id: l.id,
    name: languageName(l, view?.version ?? null),
    is_archived: false,
    source_file: l.project ? null : spec.fileName,
    compile_cmd: spec.compile && !l.project ? shellJoin(spec.compile) : null,
    run_cmd: l.project ? null : shellJoin(spec.command),
  };
}

const shellJoin = (argv: string[]) =>
  argv.map((a) => (/^[A-Za-z0-9_./=:+,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
