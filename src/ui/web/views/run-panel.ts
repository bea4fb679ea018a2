import { curlCommand } from '../../shared/curl.js';
import { durationBetween, formatTime, shortId } from '../../shared/format.js';
import { STATUS_INFO, explainReason, isFinal } from '../../shared/status.js';
import type { Run, RunLogs } from '../../shared/types.js';
import { ApiError, api } from '../api.js';
import { alertRegion, announce, clearError, showError } from '../alerts.js';
import { copyButton } from '../clipboard.js';
import { append, h, replace } from '../dom.js';
import { recall } from '../submissions.js';
import { statusBadge, timelineList } from './status-ui.js';

export interface RunPanel {
  el: HTMLElement;
  stop(): void;
}

/**
 * One run, kept up to date: status and its meaning, timeline, output, exit code, reason, Cancel while it
 * is active, the Temporal Web UI link. `full` adds the details table and the curl command (the run page).
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
  const pageLink = opts.full
    ? null
    : h('a', { class: 'btn btn-link', href: `#/runs/${encodeURIComponent(runId)}` }, 'Open run page');
  const outputState = h('span', { class: 'output-state' });
  const output = h('pre', { class: 'output', tabindex: '0', 'aria-label': 'Program output', 'aria-live': 'off' });
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
    h('div', { class: 'actions' }, cancelBtn, pageLink, temporalLink),
    h(
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
    ),
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
  heading.id = `run-title-${runId}`;
  el.setAttribute('aria-labelledby', heading.id);

  let run: Run | null = opts.initial ?? null;
  let logs: RunLogs | null = null;
  let stopped = false;
  let timer: number | undefined;
  let polls = 0;
  const abort = new AbortController();

  const fact = (label: string, value: Node | string) =>
    h('div', { class: 'fact' }, h('dt', {}, label), h('dd', {}, value));

  function render(): void {
    if (!run) return;
    const r = run;
    content.hidden = false;
    const final = isFinal(r.status);
    replace(badgeSlot, statusBadge(r.status));
    // While Running, the last reason is stale (e.g. ContainerCreating): only a final or Pending run's reason says something.
    const reasonCurrent = final || r.status === 'Pending';
    const explanation = reasonCurrent && r.reason ? explainReason(r) : STATUS_INFO[r.status].meaning;
    meaning.textContent = r.cancel_requested && !final ? 'Cancelling: the sandbox is being removed…' : explanation;
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
    replace(
      facts,
      fact('Exit code', r.exit_code === null ? '—' : String(r.exit_code)),
      fact('Reason', r.reason && reasonCurrent ? h('code', {}, r.reason) : '—'),
      fact('Language', r.language ?? '—'),
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
      if (logs.logs === '') output.textContent = final ? '(the program printed nothing)' : '';
      outputState.textContent = logs.live ? 'live' : logs.truncated ? 'truncated: only the first part was kept' : '';
      outputState.className = `output-state${logs.live ? ' live' : ''}`;
    } else if (r.status === 'Queued') {
      output.textContent = 'Waiting for the run to start…';
      output.classList.add('empty');
    }
    if (opts.full) {
      const body = recall(r.run_id);
      curlPre.textContent = curlCommand(
        location.origin,
        body ?? {
          language: r.language ?? 'python',
          code: '<your code here>',
          ...(r.timeout_seconds ? { timeout_seconds: r.timeout_seconds } : {}),
        },
      );
      curlNote.textContent = body
        ? 'The same submission (code, stdin and timeout) sent from this browser.'
        : 'The API does not return a run’s code; this run was not submitted from this browser, so the code is a placeholder.';
    }
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

  if (run) render();
  void poll();
  return {
    el,
    stop() {
      stopped = true;
      abort.abort();
      window.clearTimeout(timer);
    },
  };
}
