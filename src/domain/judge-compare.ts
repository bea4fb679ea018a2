import type { Compare, JudgeResult, TestCase, TestResult, Verdict } from './judge.js';

/**
 * Pure: judges the program's output against the expected output, outside the sandbox (the expected
 * outputs never enter the pod). The same four modes as the launcher (launcher/README.md, "compare.mode");
 * both implementations pass the cases in test/fixtures/compare-cases.json.
 */

export interface Outcome {
  equal: boolean;
  detail: string;
}

const RUBY_SPACE = ' \t\n\v\f\r\0';
const trimRight = (s: string) => {
  let end = s.length;
  while (end > 0 && RUBY_SPACE.includes(s[end - 1]!)) end--;
  return s.slice(0, end);
};
/** Judge0's rule: `text.split("\n").map(&:rstrip).join("\n").rstrip`. */
const judge0Strip = (s: string) => trimRight(s.split('\n').map(trimRight).join('\n'));
const quote = (s: string) => (s.length > 64 ? `${JSON.stringify(s.slice(0, 64))}...` : JSON.stringify(s));
/** Go's bytes.Fields: split on ASCII and Unicode whitespace. */
const fields = (s: string) => s.split(/[\s\u0085]+/u).filter(Boolean);

function lines(expected: string, actual: string): Outcome {
  if (expected === actual) return { equal: true, detail: '' };
  const el = expected.split('\n');
  const al = actual.split('\n');
  for (let i = 0; i < el.length && i < al.length; i++)
    if (el[i] !== al[i])
      return { equal: false, detail: `line ${i + 1}: expected ${quote(el[i]!)}, got ${quote(al[i]!)}` };
  if (el.length !== al.length) return { equal: false, detail: `expected ${el.length} lines, got ${al.length}` };
  return { equal: false, detail: 'output differs' };
}

function tokens(expected: string, actual: string, eq: (e: string, a: string) => boolean): Outcome {
  const et = fields(expected);
  const at = fields(actual);
  for (let i = 0; i < et.length && i < at.length; i++)
    if (!eq(et[i]!, at[i]!))
      return { equal: false, detail: `token ${i + 1}: expected ${quote(et[i]!)}, got ${quote(at[i]!)}` };
  if (et.length !== at.length) return { equal: false, detail: `expected ${et.length} tokens, got ${at.length}` };
  return { equal: true, detail: '' };
}

/** A number as Go's strconv.ParseFloat reads a decimal one (and inf, infinity, nan in any case); else null. */
function parseNumber(s: string): number | null {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(s)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
  return Number(s);
}

function floatToken(e: string, a: string, absTol: number, relTol: number): boolean {
  const x = parseNumber(e);
  const y = parseNumber(a);
  if (x === null || y === null) return e === a;
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return x === y;
  const diff = Math.abs(x - y);
  return diff <= absTol || diff <= relTol * Math.abs(x);
}

export function compareOutput(expected: string, actual: string, c: Compare): Outcome {
  const abs = c.abs_tol ?? 1e-6;
  const rel = c.rel_tol ?? 1e-6;
  switch (c.mode) {
    case 'trim_trailing':
      return lines(judge0Strip(expected), judge0Strip(actual));
    case 'tokens':
      return tokens(expected, actual, (x, y) => x === y);
    case 'float':
      return tokens(expected, actual, (x, y) => floatToken(x, y, abs, rel));
    default:
      return lines(expected, actual);
  }
}

/**
 * The launcher's result judged against the expected outputs: a test the launcher accepted (it ran within
 * its limits and exited 0) whose stdout differs becomes WrongAnswer; the overall verdict follows the
 * launcher's rule (the compile step's, else the first test not accepted, else Accepted).
 */
export function judgeOutputs(r: JudgeResult, tests: TestCase[] | undefined, c: Compare | undefined): JudgeResult {
  const cases = tests ?? [];
  if (!cases.some((t) => t.expected_output !== null) || r.verdict === 'CompilationError') return r;
  const judged: TestResult[] = r.tests.map((t, i) => {
    const expected = cases[i]?.expected_output;
    if (t.verdict !== 'Accepted' || expected === null || expected === undefined) return t;
    if (t.stdout_truncated) return { ...t, verdict: 'WrongAnswer', message: 'output was cut: cannot match' };
    const o = compareOutput(expected, t.stdout, c ?? { mode: 'exact' });
    return o.equal ? t : { ...t, verdict: 'WrongAnswer' as Verdict, message: o.detail };
  });
  const first = judged.findIndex((t) => t.verdict !== 'Accepted');
  if (first < 0) return { ...r, tests: judged };
  const t = judged[first]!;
  return { ...r, tests: judged, verdict: t.verdict, message: `test ${first + 1}: ${t.message ?? ''}` };
}
