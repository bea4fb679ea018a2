import { formatBytes } from './format.js';
import type { Tone } from './status.js';
import type { JudgeView, Language, Run, Verdict } from './types.js';

interface VerdictInfo {
  label: string;
  tone: Tone;
  /** One sentence a person understands. */
  meaning: string;
}

/** What each of the judge's verdicts means, in words (colour is never the only signal). */
export const VERDICT_INFO: Record<Verdict, VerdictInfo> = {
  Accepted: { label: 'Accepted', tone: 'success', meaning: 'Every test passed within its limits.' },
  WrongAnswer: {
    label: 'Wrong answer',
    tone: 'danger',
    meaning: 'The program ran, but its output differs from the expected output.',
  },
  CompilationError: {
    label: 'Compilation error',
    tone: 'warning',
    meaning: 'The code did not compile, so it never ran. The compiler’s messages say why.',
  },
  TimeLimitExceeded: {
    label: 'Time limit exceeded',
    tone: 'warning',
    meaning: 'The program used more CPU or wall-clock time than its limit and was stopped.',
  },
  MemoryLimitExceeded: {
    label: 'Memory limit exceeded',
    tone: 'memory',
    meaning: 'The program used more memory than its limit and was stopped.',
  },
  OutputLimitExceeded: {
    label: 'Output limit exceeded',
    tone: 'warning',
    meaning: 'The program wrote more output (or a larger file) than its limit allows.',
  },
  RuntimeError: {
    label: 'Runtime error',
    tone: 'danger',
    meaning: 'The program crashed or ended with a non-zero exit code.',
  },
  InternalError: {
    label: 'Internal error',
    tone: 'muted',
    meaning: 'The sandbox could not judge the run; this is not the program’s fault.',
  },
};

/** Words for a compile step's status: "Success" or a verdict. */
export const compileStatusLabel = (status: string): string =>
  status === 'Success' ? 'Compiled' : (VERDICT_INFO[status as Verdict]?.label ?? status);

/**
 * "C++ 14.2.0"; "Python 3" at 3.13.5 is "Python 3.13.5" (the version refines the name's own number);
 * "Kotlin 2.1 (image building…)" while its image has not landed yet.
 */
export function languageLabel(l: Pick<Language, 'name' | 'version' | 'available'>): string {
  let name = l.name;
  if (l.version && !name.includes(l.version)) {
    const own = /\s(\d+(?:\.\d+)*)$/.exec(name)?.[1];
    name =
      own && l.version.startsWith(`${own}.`) ? `${name.slice(0, -own.length)}${l.version}` : `${name} ${l.version}`;
  }
  return l.available === false ? `${name} (image building…)` : name;
}

/** The language to select first: the remembered one if it can run, else the first that can. */
export function initialLanguage(languages: Language[], remembered: string | null): Language | undefined {
  const usable = (l: Language) => l.available !== false;
  return languages.find((l) => l.id === remembered && usable(l)) ?? languages.find(usable) ?? languages[0] ?? undefined;
}

/** "850 ms", "1.25 s"; "—" when not measured. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** Peak memory from kilobytes (KiB): "812 KiB", "9.6 MiB"; "—" when not measured. */
export function formatMemoryKb(kb: number | null | undefined): string {
  if (kb === null || kb === undefined || !Number.isFinite(kb) || kb <= 0) return '—';
  return formatBytes(Math.round(kb) * 1024);
}

/** How a process ended: its signal if one killed it, else its exit code ("0", "1", "SIGSEGV"). */
export function exitSummary(exitCode: number | null | undefined, signal: string | null | undefined): string {
  if (signal) return signal;
  return exitCode === null || exitCode === undefined ? '—' : String(exitCode);
}

/** "2 of 3 tests passed", "1 test passed", "" without tests. */
export function testsSummary(tests: Pick<JudgeView['tests'][number], 'verdict'>[]): string {
  if (tests.length === 0) return '';
  const passed = tests.filter((t) => t.verdict === 'Accepted').length;
  const noun = tests.length === 1 ? 'test' : 'tests';
  if (passed === tests.length) return tests.length === 1 ? '1 test passed' : `All ${tests.length} tests passed`;
  return `${passed} of ${tests.length} ${noun} passed`;
}

/**
 * The sentence under a judged run's badges: the verdict's meaning and the judge's own message. A run without
 * tests is "test 1" to the judge: its message needs no test number, and an accepted one is said by its
 * status instead (null: "finished normally").
 */
export function verdictSentence(run: Pick<Run, 'verdict' | 'message' | 'tests'>): string | null {
  if (!run.verdict) return null;
  const single = (run.tests ?? []).length === 0;
  if (single && run.verdict === 'Accepted') return null;
  const meaning = single
    ? VERDICT_INFO[run.verdict].meaning.replace('Every test passed', 'The program passed')
    : VERDICT_INFO[run.verdict].meaning;
  const message = single ? run.message?.replace(/^test 1: /, '') : run.message;
  if (!message) return meaning;
  const msg = message.charAt(0).toUpperCase() + message.slice(1);
  return `${meaning} ${msg}${/[.!?]$/.test(msg) ? '' : '.'}`;
}
