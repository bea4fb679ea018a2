import { ConfigError, loadConfig } from '../../src/config/config.js';
import { canonicalId, languageName, servedLanguages, JUDGE0_LANGUAGES } from '../../src/api/judge0/languages.js';
import { fieldErrors, judge0Limits, submissionSchema } from '../../src/api/judge0/request.js';
import { decimal, decode64, encode64, shellWords } from '../../src/api/judge0/text.js';
import { judge0Language, toRun } from '../../src/api/judge0/to-run.js';

const cfg = loadConfig({});
const schema = submissionSchema(cfg);
const limits = judge0Limits(cfg);

/** A Judge0 request through validation and mapping, as the service does it. */
function map(body: Record<string, unknown>, c = cfg) {
  const parsed = submissionSchema(c).safeParse(body);
  if (!parsed.success) throw new Error(JSON.stringify(fieldErrors(parsed.error)));
  const lang = judge0Language(body.language_id, c.languages);
  if (!lang || 'error' in lang) throw new Error(`language: ${JSON.stringify(lang)}`);
  return toRun(parsed.data, lang, judge0Limits(c));
}
const errorsOf = (body: Record<string, unknown>) => {
  const r = schema.safeParse(body);
  return r.success ? {} : fieldErrors(r.error);
};

describe('Judge0 request → our run', () => {
  it("takes Judge0's defaults: one plain run, 5 s CPU, 10 s wall, 128000 KB, 60 processes, 1024 KB files", () => {
    const { body, settings } = map({ source_code: 'print(1)', language_id: 71 });
    expect(body).toMatchObject({ language: 'python', code: 'print(1)', stdin: '', tests: [], timeout_seconds: 10 });
    expect(body.limits).toEqual({
      cpu_time_ms: 5000,
      wall_time_ms: 10000,
      memory_mb: 125,
      max_processes: 60,
      file_size_kb: 1024,
    });
    expect(settings).toMatchObject({
      language_id: 71,
      number_of_runs: 1,
      cpu_extra_time: 1,
      stack_limit: 64000,
      memory_limit: 128000,
    });
  });

  it('expected_output and number_of_runs become identical tests compared as Judge0 compares', () => {
    const { body } = map({
      source_code: 'x',
      language_id: '50',
      stdin: 'in',
      expected_output: 'out',
      number_of_runs: '3',
      cpu_time_limit: '1.5',
      memory_limit: 65536,
    });
    expect(body.language).toBe('c');
    expect(body.tests).toEqual(Array.from({ length: 3 }, () => ({ stdin: 'in', expected_output: 'out' })));
    expect(body.compare).toEqual({ mode: 'trim_trailing' });
    expect(body.limits).toMatchObject({ cpu_time_ms: 1500, memory_mb: 64 });
    // several runs without an expected output are still N runs, judged by exit status and limits
    expect(map({ source_code: 'x', language_id: 71, number_of_runs: 2 }).body.tests).toEqual([
      { stdin: '', expected_output: null },
      { stdin: '', expected_output: null },
    ]);
  });

  it("an omitted memory or thread limit is raised to the language's own (a JVM), a given one is kept", () => {
    const java = map({ source_code: 'x', language_id: 62 });
    expect(java.body.limits).toMatchObject({ memory_mb: 500, max_processes: 120 });
    expect(java.settings).toMatchObject({ memory_limit: 512000, max_processes_and_or_threads: 120 });
    expect(map({ source_code: 'x', language_id: 62, memory_limit: 128000 }).body.limits.memory_mb).toBe(125);
  });

  it('command_line_arguments are split like bash words, without the characters Judge0 removes', () => {
    expect(
      map({ source_code: 'x', language_id: 71, command_line_arguments: `a "b c" 'd e' f\\ g $h;|` }).body.args,
    ).toEqual(['a', 'b c', 'd e', 'f g', 'h']);
    expect(shellWords('')).toEqual([]);
    expect(shellWords(`"" x`)).toEqual(['', 'x']);
  });

  it('each invalid field gets its own Rails-style messages', () => {
    expect(errorsOf({ language_id: 71, source_code: '  ' })).toEqual({ source_code: ["can't be blank"] });
    expect(
      errorsOf({
        source_code: 'x',
        language_id: 71,
        cpu_time_limit: 16,
        wall_time_limit: 'soon',
        memory_limit: 100,
        number_of_runs: 0,
        enable_network: true,
        compiler_options: '-O3',
        callback_url: 'http://2130706433/cb',
        additional_files: 'UEsDBA==',
        command_line_arguments: 'a'.repeat(513),
        redirect_stderr_to_stdout: 'maybe',
      }),
    ).toEqual({
      cpu_time_limit: ['must be less than or equal to 15.0'],
      wall_time_limit: ['is not a number'],
      memory_limit: ['must be greater than or equal to 2048'],
      number_of_runs: ['must be greater than 0'],
      enable_network: ['enabling network is not allowed'],
      compiler_options: ['setting compiler options is not allowed'],
      callback_url: ['127.0.0.1 is a loopback address, which callbacks may not reach'],
      additional_files: ['is not a zip archive'],
      command_line_arguments: ['is too long (maximum is 512 characters)'],
      redirect_stderr_to_stdout: ['is not a boolean'],
    });
    expect(errorsOf({ source_code: 'x' })).toEqual({ language_id: ["can't be blank"] });
  });

  it('language ids: unknown, not yet served, and the ones we serve', () => {
    expect(judge0Language(150000, cfg.languages)).toEqual({ error: "language with id 150000 doesn't exist" });
    expect(judge0Language(89, cfg.languages)).toMatchObject({ language: { project: true }, spec: { id: 'multifile' } });
    expect(judge0Language(70, cfg.languages)).toEqual({ error: "language with id 70 doesn't exist" });
    expect(servedLanguages(cfg.languages)).toHaveLength(JUDGE0_LANGUAGES.length);
    expect(new Set(JUDGE0_LANGUAGES.map((l) => l.language)).size).toBe(27);
    expect(canonicalId('c')).toBe(50);
    expect(canonicalId('cpp')).toBe(54);
    expect(canonicalId('python')).toBe(71);
    const c = JUDGE0_LANGUAGES.find((l) => l.id === 50)!;
    expect(languageName(c, '14.2.0')).toBe('C (GCC 14.2.0)');
    expect(languageName(c, null)).toBe('C (GCC)');
    expect(
      languageName(
        JUDGE0_LANGUAGES.find((l) => l.id === 71)!,
        null,
      ),
    ).toBe('Python');
  });

  it("our operator's maxima bound Judge0's, and network can be allowed by the operator", () => {
    const small = loadConfig({ MAX_MEMORY_MB: '64', MAX_CPU_TIME_MS: '2000', JUDGE0_ALLOW_NETWORK: 'true' });
    expect(judge0Limits(small)).toMatchObject({
      memory_limit: { def: 65536, max: 65536 },
      cpu_time_limit: { def: 2, max: 2 },
    });
    const r = submissionSchema(small).safeParse({ source_code: 'x', language_id: 71, memory_limit: 128000 });
    expect(r.success ? {} : fieldErrors(r.error)).toEqual({ memory_limit: ['must be less than or equal to 65536'] });
    expect(map({ source_code: 'x', language_id: 71, enable_network: true }, small).settings.enable_network).toBe(true);
    expect(limits.number_of_runs.max).toBe(20);
  });
});

describe('Judge0 settings', () => {
  it('default to /judge0, no tokens, a queue of 100, wait allowed, no network; bad values are reported', () => {
    expect(cfg.judge0).toEqual({ prefix: '/judge0', maxQueueSize: 100, enableWait: true, allowNetwork: false });
    expect(loadConfig({ JUDGE0_AUTH_TOKEN: 'a b', JUDGE0_PREFIX: '/api/judge0' }).judge0).toMatchObject({
      authToken: 'a b',
      prefix: '/api/judge0',
    });
    expect(() => loadConfig({ JUDGE0_PREFIX: 'judge0/', JUDGE0_MAX_QUEUE_SIZE: '-1' })).toThrow(ConfigError);
  });
});

describe('Judge0 text helpers', () => {
  it("Base64 as Ruby's encode64 writes it (60-column lines ending in a newline), decoded leniently", () => {
    expect(encode64('hello, Judge0\n')).toBe('aGVsbG8sIEp1ZGdlMAo=\n');
    const long = encode64('x'.repeat(100))!;
    expect(long.split('\n').map((l) => l.length)).toEqual([60, 60, 16, 0]);
    expect(decode64(long)).toBe('x'.repeat(100));
    expect(encode64(null)).toBeNull();
    expect(encode64('')).toBe('');
    expect(decode64('aGk=\n')).toBe('hi');
  });

  it('decimals as Ruby BigDecimal strings', () => {
    expect(decimal(0.012)).toBe('0.012');
    expect(decimal(5)).toBe('5.0');
    expect(decimal(0)).toBe('0.0');
    expect(decimal(1 / 3)).toBe('0.333333');
    expect(decimal(null)).toBeNull();
  });
});
