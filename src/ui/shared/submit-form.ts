import type { CompareMode, FieldProblem, Limits, RunFile, RunInputView, StageLimits, SubmitBody } from './types.js';

/** The submit form's state as typed (numbers still as text): what the body and the checks are made from. */
export interface FormState {
  language: string;
  code: string;
  timeout: string;
  stdin: string;
  files: RunFile[];
  /** One argument per line. */
  args: string;
  tests: TestDraft[];
  compare: { mode: CompareMode; abs_tol: string; rel_tol: string };
  limits: Partial<Record<LimitKey, string>>;
}

export interface TestDraft {
  stdin: string;
  expected: string;
  /** false: no expected output (the test is judged by exit status and limits only). */
  check: boolean;
}

export type LimitKey = keyof Required<StageLimits>;

/** The limits a submission may ask for, in the order the form shows them. */
export const LIMIT_FIELDS: readonly { key: LimitKey; label: string; unit: string }[] = [
  { key: 'cpu_time_ms', label: 'CPU time', unit: 'ms' },
  { key: 'wall_time_ms', label: 'Wall time', unit: 'ms' },
  { key: 'memory_mb', label: 'Memory', unit: 'MB' },
  { key: 'max_processes', label: 'Processes', unit: '' },
  { key: 'output_kb', label: 'Output', unit: 'KB' },
  { key: 'file_size_kb', label: 'File size', unit: 'KB' },
];

export const COMPARE_LABELS: Record<CompareMode, string> = {
  exact: 'Exact (byte for byte)',
  trim_trailing: 'Ignore trailing spaces and blank lines',
  tokens: 'Tokens (any whitespace)',
  float: 'Numbers within a tolerance',
};

/**
 * The comparison a new form starts with: trailing spaces and blank lines do not count, so an expected
 * output typed without its final newline still matches (Judge0's rule). Exact is one choice away.
 */
export const DEFAULT_COMPARE: CompareMode = 'trim_trailing';

export const emptyTest = (): TestDraft => ({ stdin: '', expected: '', check: true });

/** Arguments from their one-per-line text (a final newline adds none). */
export function parseArgs(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** What counts as "used": only those parts of the form are sent. */
const numberOrUndefined = (s: string | undefined): number | undefined =>
  s === undefined || s.trim() === '' ? undefined : Number(s);

/** The request body of `POST /runs` from the form: the judge's fields only when they are used. */
export function buildSubmitBody(s: FormState): SubmitBody {
  const body: SubmitBody = { language: s.language, code: s.code, timeout_seconds: Number(s.timeout) };
  // With tests, each test brings its own stdin; the box is for a run without tests.
  if (s.tests.length === 0 && s.stdin) body.stdin = s.stdin;
  if (s.files.length > 0) body.files = s.files.map((f) => ({ name: f.name, content: f.content, encoding: f.encoding }));
  const args = parseArgs(s.args);
  if (args.length > 0) body.args = args;
  if (s.tests.length > 0) {
    body.tests = s.tests.map((t) => ({ stdin: t.stdin, expected_output: t.check ? t.expected : null }));
    if (s.compare.mode !== 'exact') {
      body.compare = { mode: s.compare.mode };
      if (s.compare.mode === 'float') {
        const abs = numberOrUndefined(s.compare.abs_tol);
        const rel = numberOrUndefined(s.compare.rel_tol);
        if (abs !== undefined) body.compare.abs_tol = abs;
        if (rel !== undefined) body.compare.rel_tol = rel;
      }
    }
  }
  const limits: StageLimits = {};
  for (const { key } of LIMIT_FIELDS) {
    const v = numberOrUndefined(s.limits[key]);
    if (v !== undefined) limits[key] = v;
  }
  if (Object.keys(limits).length > 0) body.limits = limits;
  return body;
}

/** The form filled from what a run was given (`GET /runs/:id/input`): the UI's "Reproduce". */
export function formFromInput(input: RunInputView): FormState {
  const limits: FormState['limits'] = {};
  for (const { key } of LIMIT_FIELDS) {
    const v = input.limits?.[key];
    if (v !== undefined) limits[key] = String(v);
  }
  const compare = input.compare ?? { mode: 'exact' };
  return {
    language: input.language,
    code: input.code,
    timeout: String(input.timeout_seconds),
    stdin: input.stdin ?? '',
    files: (input.files ?? []).map((f) => ({ name: f.name, content: f.content, encoding: f.encoding ?? 'utf8' })),
    args: (input.args ?? []).join('\n'),
    tests: (input.tests ?? []).map((t) => ({
      stdin: t.stdin,
      expected: t.expected_output ?? '',
      check: t.expected_output !== null,
    })),
    compare: {
      mode: compare.mode,
      abs_tol: compare.abs_tol === undefined ? '' : String(compare.abs_tol),
      rel_tol: compare.rel_tol === undefined ? '' : String(compare.rel_tol),
    },
    limits,
  };
}

/** Bytes of code, stdin, files and tests together, counted as the API counts them (UTF-8). */
export function inputBytes(body: SubmitBody): number {
  const enc = new TextEncoder();
  const b = (s: string) => enc.encode(s).length;
  const files = (body.files ?? []).reduce((n, f) => n + b(f.name) + b(f.content), 0);
  const tests = (body.tests ?? []).reduce((n, t) => n + b(t.stdin) + b(t.expected_output ?? ''), 0);
  return b(body.code) + b(body.stdin ?? '') + files + tests;
}

/** A file name the API accepts: a relative path of letters, digits, '.', '_' and '-', no '.' or '..' parts. */
const SAFE_PATH = /^(?!\.\.?(?:\/|$))[A-Za-z0-9._-]{1,100}(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9._-]{1,100}){0,7}$/;
const MAX_FILES = 20;

/**
 * The API's rules, checked before the round trip. Problems name the fields as the API does
 * (body.timeout_seconds, body.files.0.name, body.limits.memory_mb...), so both land in the same places.
 */
export function checkForm(s: FormState, limits: Limits, codeFileName?: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });
  const t = Number(s.timeout);
  if (s.timeout.trim() === '' || !Number.isInteger(t) || t < 1 || t > limits.max_timeout_seconds)
    add('body.timeout_seconds', `Enter a whole number of seconds from 1 to ${limits.max_timeout_seconds}.`);
  if (s.code.trim() === '') add('body.code', 'Write some code first.');
  if (s.files.length > MAX_FILES) add('body.files', `At most ${MAX_FILES} files.`);
  const seen = new Set<string>();
  s.files.forEach((f, i) => {
    const field = `body.files.${i}.name`;
    if (!SAFE_PATH.test(f.name))
      add(field, 'Use a relative path of letters, digits, “.”, “_” and “-” (folders separated by “/”).');
    else if (f.name === codeFileName) add(field, `${codeFileName} holds the code; choose another name.`);
    else if (seen.has(f.name)) add(field, 'Another file has this name.');
    seen.add(f.name);
  });
  if (s.tests.length > limits.max_tests) add('body.tests', `At most ${limits.max_tests} tests.`);
  if (s.tests.length > 0 && s.compare.mode === 'float')
    for (const key of ['abs_tol', 'rel_tol'] as const) {
      const v = s.compare[key];
      if (v.trim() !== '' && !(Number(v) >= 0)) add(`body.compare.${key}`, 'Enter a number of at least 0.');
    }
  for (const { key } of LIMIT_FIELDS) {
    const raw = s.limits[key];
    if (raw === undefined || raw.trim() === '') continue;
    const v = Number(raw);
    const max = limits.run[key];
    if (!Number.isInteger(v) || v < 1 || v > max) add(`body.limits.${key}`, `Enter a whole number from 1 to ${max}.`);
  }
  const body = buildSubmitBody(s);
  const total = inputBytes(body);
  if (total > limits.max_input_bytes)
    add('body', `Code, stdin, files and tests are ${total} bytes together; the limit is ${limits.max_input_bytes}.`);
  return problems;
}
