// Over 300 lines on purpose: one run's panel (status, stage, output, tests, the curl to reproduce it) kept
// together, as it renders from one run object.
import { curlCommand } from '../../shared/curl.js';
import { apiKey } from '../api-key.js';
import { durationBetween, formatTime, shortId } from '../../shared/format.js';
import { STATUS_INFO, explainReason, isFinal } from '../../shared/status.js';
import type { Run, RunInputView, RunLogs, SubmitBody } from '../../shared/types.js';
import { exitSummary, formatMemoryKb, formatMs, testsSummary, verdictSentence } from '../../shared/verdict.js';
import { ApiError, api } from '../api.js';
import { alertRegion, announce, clearError, showError } from '../alerts.js';
import { copyButton } from '../clipboard.js';
import { append, h, replace } from '../dom.js';
import { recall } from '../submissions.js';
import { followRun, liveLogs } from '../run-events.js';
import { compileSection, singleStreams, testsSection, verdictBadge } from './run-judge.js';
import { statusBadge, timelineList } from './status-ui.js';

export interface RunPanel {
  el: HTMLElement;
  stop(): void;
}

/**
 * One run, kept up to date: status (and the judge's verdict) and its meaning, timeline, output, exit code,
 * reason, Cancel while it is active, the Temporal Web UI link. Once judged: the compile step, every test, or
 * the one run's stdout and stderr apart with its CPU time and memory. `full` adds the details table, the
 * curl command and Reproduce, both from what the run was given (the run page).
 */
export function runPanel(
  runId: string,
  opts: { full: boolean; initial?: Run; headingLevel?: 'h1' | 'h2'; onFinal?: (run: Run) => void },
): RunPanel {
  const alerts = alertRegion();
  const heading = h(opts.headingLevel ?? 'h2', { class: 'run-title' }, `Run ${shortId(runId)}`);
  const badgeSlot = h('span', { class: 'badge-slot' });
  const meaning = h('p', { class: 'run-meaning' });
  const timelineSlot = h('div', { class: 'timeline-slot' });
  const facts = h('dl', { class: 'facts' });
  const cancelBtn = h('button', { type: 'button', class: 'btn btn-danger', hidden: true }, 'Cancel run');
  const temporalLink = h(
    'a',
    { class: 'btn btn-link', href: '#', target: '_blank', rel: 'noopener noreferrer' },
    'History in Temporal Web UI',
    h('span', { class: 'visually-hidden' }, ' (opens in a new tab)'),
  );
  const reproduceLink = opts.full
    ? h('a', { class: 'btn', href: `#/?from=${encodeURIComponent(runId)}`, hidden: true }, 'Reproduce')
    : null;
  const pageLink = opts.full
    ? null
    : h('a', { class: 'btn btn-link', href: `#/runs/${encodeURIComponent(runId)}` }, 'Open run page');
  const outputState = h('span', { class: 'output-state' });
  const output = h('pre', { class: 'output', tabindex: '0', 'aria-label': 'Program output', 'aria-live': 'off' });
  const judgeSlot = h('div', { class: 'judge-slot' });
  const outputSlot = h('div', { class: 'output-slot' });
  const curlPre = h('pre', { class: 'curl', tabindex: '0', 'aria-label': 'curl command' });
  const curlNote = h('p', { class: 'hint' });

  const content = h('div', { class: 'run-content', hidden: true });
  const el = h(
    'section',
    { class: 'card run-panel', 'data-run-id': runId },
    alerts,
    h('div', { class: 'run-head' }, heading, badgeSlot),
    content,
  );
  append(content, [
    meaning,
    timelineSlot,
    h('div', { class: 'actions' }, cancelBtn, pageLink, reproduceLink, temporalLink),
    judgeSlot,
    outputSlot,
    facts,
    opts.full
      ? h(
          'div',
          { class: 'curl-block' },
          h(
            'div',
            { class: 'output-head' },
            h('h3', {}, 'Reproduce with curl'),
            copyButton('Copy curl command', () => curlPre.textContent ?? '', 'curl command'),
          ),
          curlNote,
          curlPre,
        )
      : null,
  ]);
  const outputBlock = h(
    'div',
    { class: 'output-block' },
    h(
      'div',
      { class: 'output-head' },
      h('h3', {}, 'Output'),
      outputState,
      copyButton('Copy output', () => output.textContent ?? '', 'Output'),
    ),
    output,
  );
  outputSlot.append(outputBlock);
  heading.id = `run-title-${runId}`;
  el.setAttribute('aria-labelledby', heading.id);

  let run: Run | null = opts.initial ?? null;
  let logs: RunLogs | null = null;
  /** What the run was given (run page only): code for curl and Reproduce, each test's input and expected output. */
  let given: RunInputView | null = null;
  let judgeKey = '';
  let stopped = false;
  let timer: number | undefined;
  let polls = 0;
  const abort = new AbortController();
  let stream: { close(): void } | null = null;

  // A run from a compatible API: which one, and the id its clients know it by.
  const clientLabel = (client: string, runId: string) =>
    client === 'judge0'
      ? h('span', {}, 'Judge0 API, token ', h('code', {}, runId))
      : `${client[0]!.toUpperCase()}${client.slice(1)} API`;
  // The launcher's step as the API names it (compile, run, test i/n), in the page's words.
  const stageLabel = (stage: string) =>
    stage === 'compile' ? 'compiling…' : stage === 'run' ? 'running…' : `running ${stage}…`;
  const fact = (label: string, value: Node | string) =>
    h('div', { class: 'fact' }, h('dt', {}, label), h('dd', {}, value));

  function render(): void {
    if (!run) return;
    const r = run;
    content.hidden = false;
    const final = isFinal(r.status);
    replace(badgeSlot, statusBadge(r.status), r.verdict ? verdictBadge(r.verdict) : null);
    // While Running, the last reason is stale (e.g. ContainerCreating): only a final or Pending run's reason says something.
    const reasonCurrent = final || r.status === 'Pending';
    const explanation = reasonCurrent && r.reason ? explainReason(r) : STATUS_INFO[r.status].meaning;
    meaning.textContent =
      r.cancel_requested && !final ? 'Cancelling: the sandbox is being removed…' : (verdictSentence(r) ?? explanation);
    replace(timelineSlot, timelineList(r));
    cancelBtn.hidden = final;
    cancelBtn.disabled = r.cancel_requested;
    cancelBtn.textContent = r.cancel_requested ? 'Cancelling…' : 'Cancel run';
    temporalLink.href = r.temporal_ui_url;
    const now = new Date().toISOString();
    const end = r.finished_at ?? (final ? null : now);
    // Kubernetes reports container times in whole seconds: below one second is all that can be said.
    const ms = r.started_at && end ? Date.parse(end) - Date.parse(r.started_at) : NaN;
    const duration = Number.isNaN(ms) ? '—' : ms < 1000 ? 'under 1 s' : durationBetween(r.started_at, end);
    renderJudge(r);
    const tests = r.tests ?? [];
    const single = r.verdict && tests.length === 0 && r.stdout !== undefined;
    replace(
      facts,
      tests.length > 0 ? fact('Tests', testsSummary(tests)) : [],
      r.status === 'Running' && r.stage ? fact('Step', stageLabel(r.stage)) : [],
      fact('Exit code', r.exit_code === null ? '—' : String(r.exit_code)),
      single && r.signal ? fact('Signal', exitSummary(null, r.signal)) : [],
      single ? fact('CPU time', formatMs(r.cpu_time_ms)) : [],
      single ? fact('Wall time', formatMs(r.wall_time_ms)) : [],
      single ? fact('Memory (peak)', formatMemoryKb(r.memory_kb)) : [],
      fact('Reason', r.reason && reasonCurrent ? h('code', {}, r.reason) : '—'),
      fact('Language', r.language ?? '—'),
      r.client && r.client !== 'native' ? fact('Submitted through', clientLabel(r.client, r.run_id)) : [],
      opts.full ? fact('Timeout', r.timeout_seconds === null ? '—' : `${r.timeout_seconds} s`) : [],
      fact('Ran for', duration),
      opts.full ? fact('Created', formatTime(r.created_at)) : [],
      opts.full ? fact('Started', formatTime(r.started_at)) : [],
      opts.full ? fact('Finished', formatTime(r.finished_at)) : [],
      fact('Node', r.node_name ?? '—'),
      opts.full ? fact('Pod', r.pod_name ?? '—') : [],
      // a bare-Pod sandbox (SANDBOX_KIND=Pod) has no Job: its object is the pod itself
      opts.full && r.job_name !== r.pod_name ? fact('Job', r.job_name) : [],
      opts.full ? fact('Run id', h('code', {}, r.run_id)) : [],
    );
    if (logs) {
      output.textContent = logs.logs;
      output.classList.toggle('empty', logs.logs === '');
      if (logs.logs === '') output.textContent = final ? '(the program printed nothing)' : 'No output yet…';
      outputState.textContent = logs.live ? 'live' : logs.truncated ? 'truncated: only the first part was kept' : '';
      outputState.className = `output-state${logs.live ? ' live' : ''}`;
    } else if (r.status === 'Queued') {
      output.textContent = 'Waiting for the run to start…';
      output.classList.add('empty');
    }
    if (opts.full) {
      const body: SubmitBody | null = given ?? recall(r.run_id);
      curlPre.textContent = curlCommand(
        location.origin,
        body ?? {
          language: r.language ?? 'python',
          code: '<your code here>',
          ...(r.timeout_seconds ? { timeout_seconds: r.timeout_seconds } : {}),
        },
        apiKey() !== '',
      );
      curlNote.textContent = given
        ? 'The same submission: code, stdin, files, tests and limits as the run was given them.'
        : body
          ? 'The same submission (code, stdin and timeout) sent from this browser.'
          : 'This run’s submission could not be read back, so the code is a placeholder.';
      if (reproduceLink) reproduceLink.hidden = given === null;
    }
  }

  /** The compile step, the tests or the one run's streams: built once per verdict (a poll keeps what is open). */
  function renderJudge(r: Run): void {
    const tests = r.tests ?? [];
    const key = r.verdict ? `${r.verdict}:${tests.length}:${given ? 'given' : ''}` : '';
    if (key === judgeKey) return;
    judgeKey = key;
    replace(
      judgeSlot,
      r.compile ? compileSection(r.compile) : null,
      tests.length > 0 ? testsSection(tests, given?.tests ?? null) : null,
    );
    // Judged: the streams apart replace the combined output (a run with tests shows them per test).
    if (!r.verdict) replace(outputSlot, outputBlock);
    else if (tests.length === 0 && r.stdout !== undefined) replace(outputSlot, singleStreams(r));
    else replace(outputSlot);
  }

  async function poll(): Promise<void> {
    try {
      const wasFinal = run !== null && isFinal(run.status);
      run = await api.run(runId, abort.signal);
      if (!wasFinal && isFinal(run.status)) opts.onFinal?.(run);
      if (run.status !== 'Queued' || isFinal(run.status)) logs = await api.logs(runId, abort.signal);
      clearError(alerts);
      render();
      el.dataset.status = run.status;
    } catch (err) {
      if (stopped) return;
      showError(alerts, err, run ? 'Could not refresh the run' : 'Could not load the run');
      if (err instanceof ApiError && err.status === 404) {
        if (!run)
          content.replaceChildren(
            h('p', {}, h('a', { href: '#/runs' }, 'See all runs'), ' or ', h('a', { href: '#/' }, 'run new code'), '.'),
          );
        content.hidden = false;
        return; // nothing more to poll
      }
    }
    if (stopped || (run && isFinal(run.status) && logs && !logs.live)) return;
    polls++;
    timer = window.setTimeout(() => void poll(), polls < 30 ? 1000 : 2000);
  }

  /** The run as the stream tells it: each status, the output as it comes, then the result (no polling). */
  function show(next: Run, nextLogs: RunLogs | null): void {
    const wasFinal = run !== null && isFinal(run.status);
    run = next;
    logs = nextLogs;
    if (!wasFinal && isFinal(next.status)) opts.onFinal?.(next);
    clearError(alerts);
    render();
    el.dataset.status = next.status;
  }

  cancelBtn.addEventListener('click', () => {
    cancelBtn.disabled = true;
    cancelBtn.textContent = 'Cancelling…';
    api
      .cancel(runId)
      .then((r) => {
        run = { ...r, cancel_requested: true };
        announce('Cancel requested; the run will end as Cancelled');
        render();
      })
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.code === 'run_finished') announce('The run had already finished');
        else showError(alerts, err, 'Could not cancel the run');
        cancelBtn.disabled = false;
      });
  });

  if (opts.full)
    api
      .input(runId, abort.signal)
      .then((i) => {
        given = i;
        render();
      })
      .catch(() => undefined); // a run from before inputs were kept: curl falls back, no Reproduce
  if (run) render();
  stream = followRun(runId, {
    status: (r) => show(r, r.status === 'Queued' && !logs ? null : liveLogs(r, logs?.logs ?? '')),
    output: (text) => {
      if (run) show(run, liveLogs(run, (logs?.logs ?? '') + text));
    },
    result: ({ logs: text, ...r }) =>
      show(r, { run_id: r.run_id, logs: text, truncated: r.logs_truncated ?? false, status: r.status, live: false }),
    fallback: () => {
      if (!stopped) void poll();
    },
  });
  return {
    el,
    stop() {
      stopped = true;
      stream?.close();
      abort.abort();
      window.clearTimeout(timer);
    },
  };
}
