import { createRunBody } from '../../src/api/schemas.js';
import { VERDICTS } from '../../src/domain/judge.js';
import {
  buildSubmitBody,
  checkForm,
  emptyTest,
  formFromInput,
  inputBytes,
  parseArgs,
  type FormState,
} from '../../src/ui/shared/submit-form.js';
import type { Language, Limits, Run, RunInputView } from '../../src/ui/shared/types.js';
import {
  VERDICT_INFO,
  compileStatusLabel,
  exitSummary,
  formatMemoryKb,
  formatMs,
  initialLanguage,
  languageLabel,
  testsSummary,
  verdictSentence,
} from '../../src/ui/shared/verdict.js';

const LIMITS: Limits = {
  default_timeout_seconds: 10,
  max_timeout_seconds: 300,
  max_code_bytes: 65536,
  max_stdin_bytes: 65536,
  cpu_limit: '1',
  memory_limit: '512Mi',
  log_limit_bytes: 1048576,
  max_tests: 3,
  max_input_bytes: 4096,
  run: {
    cpu_time_ms: 10000,
    wall_time_ms: 300000,
    memory_mb: 1024,
    max_processes: 128,
    output_kb: 1024,
    file_size_kb: 1024,
  },
};

const form = (over: Partial<FormState> = {}): FormState => ({
  language: 'python',
  code: 'print(int(input())*2)\n',
  timeout: '10',
  stdin: '',
  files: [],
  args: '',
  tests: [],
  compare: { mode: 'exact', abs_tol: '', rel_tol: '' },
  limits: {},
  ...over,
});

/** The server's own schema: what it makes of a body the form built. */
const server = createRunBody({
  maxTimeoutSeconds: 300,
  defaultTimeoutSeconds: 10,
  maxTests: 3,
  run: { cpuTimeMs: 10000, memoryMb: 1024, processes: 128, outputKb: 1024, fileSizeKb: 1024 },
});

describe('ui: the submit form’s body', () => {
  it('sends only what was used: a plain run is language, code, timeout (and stdin when typed)', () => {
    expect(buildSubmitBody(form())).toEqual({
      language: 'python',
      code: 'print(int(input())*2)\n',
      timeout_seconds: 10,
    });
    expect(buildSubmitBody(form({ stdin: '5\n' })).stdin).toBe('5\n');
  });

  it('sends files, arguments, tests, compare and limits when given, in the API’s shape', () => {
    const s = form({
      stdin: 'ignored with tests',
      files: [{ name: 'data.txt', content: 'x', encoding: 'utf8' }],
      args: 'one\ntwo words\n',
      tests: [
        { stdin: '2', expected: '4', check: true },
        { stdin: '3', expected: 'unused', check: false },
      ],
      compare: { mode: 'float', abs_tol: '0.01', rel_tol: '' },
      limits: { memory_mb: '64', cpu_time_ms: ' ' },
    });
    const body = buildSubmitBody(s);
    expect(body).toEqual({
      language: 'python',
      code: s.code,
      timeout_seconds: 10,
      files: [{ name: 'data.txt', content: 'x', encoding: 'utf8' }],
      args: ['one', 'two words'],
      tests: [
        { stdin: '2', expected_output: '4' },
        { stdin: '3', expected_output: null },
      ],
      compare: { mode: 'float', abs_tol: 0.01 },
      limits: { memory_mb: 64 },
    });
    // The server accepts it as it is.
    expect(server.safeParse(body).success).toBe(true);
    // Without tests, the compare mode means nothing and is not sent; tolerances only go with 'float'.
    expect(buildSubmitBody(form({ compare: { mode: 'tokens', abs_tol: '1', rel_tol: '' } })).compare).toBeUndefined();
    const tokens = form({ tests: [emptyTest()], compare: { mode: 'tokens', abs_tol: '1', rel_tol: '1' } });
    expect(buildSubmitBody(tokens).compare).toEqual({ mode: 'tokens' });
  });

  it('reads arguments one per line', () => {
    expect(parseArgs('')).toEqual([]);
    expect(parseArgs('a\n')).toEqual(['a']);
    expect(parseArgs('a\n\nb')).toEqual(['a', '', 'b']);
  });

  it('fills the form back from what a run was given (Reproduce) and builds the same body again', () => {
    const input: RunInputView = {
      run_id: 'r1',
      language: 'python',
      code: 'print(1)',
      stdin: '',
      timeout_seconds: 20,
      files: [{ name: 'bin/x', content: 'AAEC', encoding: 'base64' }],
      args: ['-v'],
      tests: [
        { stdin: '2', expected_output: '4' },
        { stdin: '', expected_output: null },
      ],
      compare: { mode: 'float', rel_tol: 0.5 },
      limits: { memory_mb: 256, max_processes: 8 },
      client: 'native',
      tenant: 'default',
    };
    const s = formFromInput(input);
    expect(s.timeout).toBe('20');
    expect(s.tests[1]).toEqual({ stdin: '', expected: '', check: false });
    expect(s.limits).toEqual({ memory_mb: '256', max_processes: '8' });
    expect(buildSubmitBody(s)).toEqual({
      language: input.language,
      code: input.code,
      timeout_seconds: input.timeout_seconds,
      files: input.files,
      args: input.args,
      tests: input.tests,
      compare: input.compare,
      limits: input.limits,
    });
  });

  it('counts the input as the API does (UTF-8 bytes of code, stdin, file names and contents, tests)', () => {
    expect(
      inputBytes({
        language: 'x',
        code: 'é',
        stdin: 'ab',
        files: [{ name: 'f', content: 'xyz', encoding: 'utf8' }],
        tests: [{ stdin: '1', expected_output: null }],
      }),
    ).toBe(2 + 2 + 1 + 3 + 1);
  });
});

describe('ui: the submit form’s checks', () => {
  const fields = (s: FormState, fileName = 'main.py') => checkForm(s, LIMITS, fileName).map((p) => p.field);

  it('passes a good form', () => {
    expect(fields(form({ tests: [emptyTest()], limits: { memory_mb: '1024' } }))).toEqual([]);
  });

  it('names every problem by its API field, so it lands next to its control', () => {
    const s = form({
      timeout: '0',
      code: '  ',
      files: [
        { name: '../etc/passwd', content: '', encoding: 'utf8' },
        { name: 'main.py', content: '', encoding: 'utf8' },
        { name: 'a.txt', content: '', encoding: 'utf8' },
        { name: 'a.txt', content: '', encoding: 'utf8' },
      ],
      tests: [emptyTest(), emptyTest(), emptyTest(), emptyTest()],
      compare: { mode: 'float', abs_tol: '-1', rel_tol: 'x' },
      limits: { memory_mb: '2048', cpu_time_ms: '1.5', output_kb: '0' },
    });
    expect(fields(s)).toEqual([
      'body.timeout_seconds',
      'body.code',
      'body.files.0.name',
      'body.files.1.name',
      'body.files.3.name',
      'body.tests',
      'body.compare.abs_tol',
      'body.compare.rel_tol',
      'body.limits.cpu_time_ms',
      'body.limits.memory_mb',
      'body.limits.output_kb',
    ]);
    expect(checkForm(s, LIMITS)[9]!.message).toBe('Enter a whole number from 1 to 1024.');
  });

  it('refuses more input in all than the API takes', () => {
    const big = form({ files: [{ name: 'big.txt', content: 'x'.repeat(5000), encoding: 'utf8' }] });
    expect(checkForm(big, LIMITS).map((p) => p.message)).toEqual([
      expect.stringMatching(/are 5029 bytes together; the limit is 4096/),
    ]);
  });
});

describe('ui: verdicts and measurements', () => {
  it('has words and a tone for every verdict the server knows', () => {
    for (const v of VERDICTS) {
      expect(VERDICT_INFO[v].label).toBeTruthy();
      expect(VERDICT_INFO[v].meaning).toMatch(/\.$/);
    }
    expect(VERDICT_INFO.WrongAnswer.label).toBe('Wrong answer');
    expect(compileStatusLabel('Success')).toBe('Compiled');
    expect(compileStatusLabel('CompilationError')).toBe('Compilation error');
  });

  it('says the verdict with the judge’s message', () => {
    const two = [{ verdict: 'Accepted' }, { verdict: 'WrongAnswer' }] as Run['tests'];
    expect(
      verdictSentence({ verdict: 'WrongAnswer', message: 'test 2: line 1: expected "7", got "6"', tests: two }),
    ).toBe('The program ran, but its output differs from the expected output. Test 2: line 1: expected "7", got "6".');
    expect(verdictSentence({ verdict: 'Accepted', message: null, tests: two })).toBe(
      'Every test passed within its limits.',
    );
    expect(verdictSentence({ verdict: null, message: null })).toBeNull();
    // A run without tests: no test number, and an accepted one is told by its status.
    expect(verdictSentence({ verdict: 'Accepted', message: null, tests: [] })).toBeNull();
    expect(verdictSentence({ verdict: 'RuntimeError', message: 'test 1: exit code 3', tests: [] })).toBe(
      'The program crashed or ended with a non-zero exit code. Exit code 3.',
    );
  });

  it('formats times, memory, exits and test counts', () => {
    expect(formatMs(12)).toBe('12 ms');
    expect(formatMs(1250)).toBe('1.25 s');
    expect(formatMs(12_340)).toBe('12.3 s');
    expect(formatMs(null)).toBe('—');
    expect(formatMemoryKb(812)).toBe('812 KiB');
    expect(formatMemoryKb(9830)).toBe('9.6 MiB');
    expect(formatMemoryKb(0)).toBe('—');
    expect(exitSummary(0, null)).toBe('0');
    expect(exitSummary(null, 'SIGSEGV')).toBe('SIGSEGV');
    expect(exitSummary(null, null)).toBe('—');
    expect(testsSummary([])).toBe('');
    expect(testsSummary([{ verdict: 'Accepted' }])).toBe('1 test passed');
    expect(testsSummary([{ verdict: 'Accepted' }, { verdict: 'Accepted' }])).toBe('All 2 tests passed');
    expect(testsSummary([{ verdict: 'Accepted' }, { verdict: 'WrongAnswer' }])).toBe('1 of 2 tests passed');
  });

  it('shows languages with their versions; one whose image is still building cannot be picked first', () => {
    const lang = (id: string, available: boolean | null, version: string | null = '1.0'): Language => ({
      id,
      name: id.toUpperCase(),
      version,
      version_detail: null,
      available,
      compiled: false,
      aliases: [],
      image: `img/${id}`,
      file_name: 'main',
      editor_mode: null,
    });
    expect(languageLabel({ name: 'C++', version: '14.2.0', available: true })).toBe('C++ 14.2.0');
    expect(languageLabel({ name: 'Kotlin', version: '2.1', available: false })).toBe('Kotlin 2.1 (image building…)');
    expect(languageLabel({ name: 'Bash', version: null, available: null })).toBe('Bash');
    expect(languageLabel({ name: 'Python 3', version: '3.13.5', available: true })).toBe('Python 3.13.5');
    expect(languageLabel({ name: 'Lua 5', version: '15.1', available: true })).toBe('Lua 5 15.1');
    const all = [lang('a', false), lang('b', null), lang('c', true)];
    expect(initialLanguage(all, 'c')?.id).toBe('c');
    expect(initialLanguage(all, 'a')?.id).toBe('b');
    expect(initialLanguage(all, null)?.id).toBe('b');
  });
});
