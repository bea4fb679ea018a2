import type { JudgeView, Run, TestCase, Verdict } from '../../shared/types.js';
import {
  VERDICT_INFO,
  compileStatusLabel,
  exitSummary,
  formatMemoryKb,
  formatMs,
  testsSummary,
} from '../../shared/verdict.js';
import { copyButton } from '../clipboard.js';
import { h, uid } from '../dom.js';

type Compile = NonNullable<JudgeView['compile']>;
type TestView = JudgeView['tests'][number];

/** The judge's verdict as a badge; its text says it in words. */
export function verdictBadge(v: Verdict): HTMLSpanElement {
  const info = VERDICT_INFO[v];
  return h(
    'span',
    { class: `badge verdict tone-${info.tone}`, 'data-verdict': v, title: info.meaning },
    h('span', { class: 'visually-hidden' }, 'Verdict: '),
    info.label,
  );
}

/** A stream in a dark box: its name, a Copy button, "(empty)" when nothing was written, the truncation said. */
export function streamBlock(
  title: string,
  text: string | null | undefined,
  opts: { truncated?: boolean; cls?: string; emptyText?: string } = {},
): HTMLElement {
  const value = text ?? '';
  const pre = h('pre', { class: `output ${opts.cls ?? ''}`.trim(), tabindex: '0', 'aria-label': title });
  pre.textContent = value === '' ? (opts.emptyText ?? '(empty)') : value;
  pre.classList.toggle('empty', value === '');
  return h(
    'div',
    { class: 'stream' },
    h(
      'div',
      { class: 'output-head' },
      h('h4', {}, title),
      opts.truncated ? h('span', { class: 'output-state' }, 'truncated: only the first part was kept') : null,
      value === '' ? null : copyButton('Copy', () => value, title),
    ),
    pre,
  );
}

/** Standard output and standard error of a run without tests, apart. */
export function singleStreams(run: Run): HTMLElement {
  return h(
    'div',
    { class: 'streams' },
    streamBlock('Standard output', run.stdout, {
      truncated: run.stdout_truncated,
      cls: 'stdout',
      emptyText: '(the program printed nothing)',
    }),
    streamBlock('Standard error', run.stderr, {
      truncated: run.stderr_truncated,
      cls: 'stderr',
      emptyText: '(nothing on standard error)',
    }),
  );
}

/** The compile step: its status, time and memory, and the compiler's messages (open when it failed). */
export function compileSection(c: Compile): HTMLElement {
  const ok = c.status === 'Success';
  const badge = h(
    'span',
    { class: `badge tone-${ok ? 'success' : (VERDICT_INFO[c.status as Verdict]?.tone ?? 'danger')}` },
    compileStatusLabel(c.status),
  );
  const quiet = c.stdout === '' && c.stderr === '';
  return h(
    'section',
    { class: 'judge-block compile', 'aria-label': 'Compilation' },
    h(
      'div',
      { class: 'output-head' },
      h('h3', {}, 'Compilation'),
      badge,
      h(
        'span',
        { class: 'measure' },
        `${formatMs(c.time_ms)} · CPU ${formatMs(c.cpu_time_ms)} · ${formatMemoryKb(c.memory_kb)}`,
      ),
    ),
    quiet
      ? h('p', { class: 'hint' }, 'The compiler printed nothing.')
      : h(
          'details',
          { open: !ok },
          h('summary', {}, 'Compiler output'),
          c.stderr !== '' ? streamBlock('Compiler errors (stderr)', c.stderr, { truncated: c.stderr_truncated }) : null,
          c.stdout !== '' ? streamBlock('Compiler output (stdout)', c.stdout, { truncated: c.stdout_truncated }) : null,
        ),
  );
}

/**
 * One row per test (number, verdict and message, CPU, wall, memory, exit or signal), each with a button that
 * shows its input, expected output, stdout and stderr. The first test that failed starts open.
 */
export function testsSection(tests: TestView[], given: TestCase[] | null): HTMLElement {
  const firstFailed = tests.findIndex((t) => t.verdict !== 'Accepted');
  const rows = tests.flatMap((t, i) => {
    const detailId = uid('test-detail');
    const open = i === firstFailed;
    const toggle = h(
      'button',
      { type: 'button', class: 'btn btn-small', 'aria-expanded': String(open), 'aria-controls': detailId },
      open ? 'Hide output' : 'Show output',
    );
    toggle.setAttribute('aria-label', `${open ? 'Hide' : 'Show'} the output of test ${i + 1}`);
    const input = given?.[i];
    const detail = h(
      'tr',
      { class: 'test-detail', id: detailId, hidden: !open },
      h(
        'td',
        { colspan: 7 },
        h(
          'div',
          { class: 'streams two' },
          input ? streamBlock('Input', input.stdin, { cls: 'given' }) : null,
          input
            ? streamBlock(
                'Expected output',
                input.expected_output ?? '',
                input.expected_output === null ? { cls: 'given', emptyText: '(not compared)' } : { cls: 'given' },
              )
            : null,
          streamBlock('Standard output', t.stdout, { truncated: t.stdout_truncated, cls: 'stdout' }),
          streamBlock('Standard error', t.stderr, { truncated: t.stderr_truncated, cls: 'stderr' }),
        ),
      ),
    );
    toggle.addEventListener('click', () => {
      const show = detail.hidden;
      detail.hidden = !show;
      toggle.textContent = show ? 'Hide output' : 'Show output';
      toggle.setAttribute('aria-expanded', String(show));
      toggle.setAttribute('aria-label', `${show ? 'Hide' : 'Show'} the output of test ${i + 1}`);
    });
    const info = VERDICT_INFO[t.verdict];
    const row = h(
      'tr',
      { class: 'test-row', 'data-verdict': t.verdict },
      h('td', { 'data-label': 'Test' }, String(i + 1)),
      h(
        'td',
        { 'data-label': 'Verdict', class: 'verdict-cell' },
        h('span', { class: `badge tone-${info.tone}`, 'data-verdict': t.verdict }, info.label),
        t.message ? h('span', { class: 'test-message' }, t.message) : null,
      ),
      h('td', { 'data-label': 'CPU', class: 'num' }, formatMs(t.cpu_time_ms)),
      h('td', { 'data-label': 'Wall', class: 'num' }, formatMs(t.wall_time_ms)),
      h('td', { 'data-label': 'Memory', class: 'num' }, formatMemoryKb(t.memory_kb)),
      h('td', { 'data-label': 'Exit', class: 'num' }, exitSummary(t.exit_code, t.signal)),
      h('td', {}, toggle),
    );
    return [row, detail];
  });
  return h(
    'section',
    { class: 'judge-block tests', 'aria-label': 'Tests' },
    h('div', { class: 'output-head' }, h('h3', {}, 'Tests'), h('span', { class: 'measure' }, testsSummary(tests))),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data-table tests-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['#', 'Verdict', 'CPU time', 'Wall time', 'Memory', 'Exit'].map((c) => h('th', { scope: 'col' }, c)),
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Output')),
          ),
        ),
        h('tbody', {}, rows),
      ),
    ),
  );
}
