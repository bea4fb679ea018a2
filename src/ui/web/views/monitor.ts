// Over 300 lines on purpose: the live monitor's panels share one refresh loop and its state.
import { batchTimeout, canGenerateLoad, runLimited, sleepProgram } from '../../shared/load.js';
import { shortId } from '../../shared/format.js';
import type { LanguagesResponse, SystemStatus, WorkerPod } from '../../shared/types.js';
import { api, languages, submitWithRetry } from '../api.js';
import { alertRegion, announce, clearError, showError } from '../alerts.js';
import type { TimelineChart } from '../chart.js';
import { SERIES, type Sample } from '../chart-series.js';
import { h, replace, uid } from '../dom.js';
import type { View } from '../router.js';

const SAMPLE_MS = 2000;
const KEEP = 450; // 15 minutes of samples
/** Samples survive leaving the page, so coming back shows the recent past. */
const samples: Sample[] = [];

/** The Live Monitor (#/monitor): load generator, queue, workers, runner Jobs and pods, timeline chart. */
export const monitorView: View = (root) => {
  const alerts = alertRegion();
  const batchAlerts = alertRegion();
  const stats = h('div', { class: 'stats' });
  const chartBox = h('div', {
    class: 'chart',
    role: 'img',
    'aria-label': 'Timeline of queue depth, running runs and worker replicas',
  });
  const chartSummary = h('p', { class: 'hint chart-summary' });
  const chartTable = h('div', { class: 'chart-table' });
  const pauseBtn = h('button', { type: 'button', class: 'btn btn-small', 'aria-pressed': 'false' }, 'Pause updates');
  const updated = h('span', { class: 'updated' });
  const workersBox = h('div');
  const jobsBox = h('div');
  const podsBox = h('div');
  const nodesBox = h('div');
  const queuedBox = h('div');
  const batchSlot = h('div', { class: 'loading' }, 'Loading languages…');

  root.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', { tabindex: '-1' }, 'Live monitor'),
      h('p', { class: 'lead' }, 'The queue, the workers and the sandboxes, sampled every 2 seconds.'),
    ),
    alerts,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'batch-h' },
      h('h2', { id: 'batch-h' }, 'Load generator'),
      batchAlerts,
      batchSlot,
    ),
    h('div', { class: 'section-head' }, h('h2', {}, 'Now'), h('div', { class: 'section-tools' }, updated, pauseBtn)),
    stats,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'chart-h' },
      h('h2', { id: 'chart-h' }, 'Timeline'),
      chartBox,
      chartSummary,
      h('details', {}, h('summary', {}, 'Latest samples as a table'), chartTable),
    ),
    h(
      'div',
      { class: 'grid-2' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'workers-h' },
        h('h2', { id: 'workers-h' }, 'Worker pods'),
        workersBox,
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'nodes-h' },
        h('h2', { id: 'nodes-h' }, 'Sandboxes per node'),
        nodesBox,
      ),
    ),
    h('section', { class: 'card', 'aria-labelledby': 'jobs-h' }, h('h2', { id: 'jobs-h' }, 'Runner Jobs'), jobsBox),
    h('section', { class: 'card', 'aria-labelledby': 'pods-h' }, h('h2', { id: 'pods-h' }, 'Runner pods'), podsBox),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'queued-h' },
      h('h2', { id: 'queued-h' }, 'Queued runs'),
      queuedBox,
    ),
  );

  let chart: TimelineChart | null = null;
  // uPlot is only needed here: its chunk loads with the page; the numbers above do not wait for it.
  import('../chart.js')
    .then(({ timelineChart }) => {
      if (stopped) return;
      chart = timelineChart(chartBox);
      chart.update(samples);
    })
    .catch(() => (chartSummary.textContent = 'The chart could not be loaded; reload the page to try again.'));

  let stopped = false;
  let paused = false;
  let timer: number | undefined;
  let ctrl: AbortController | null = null;

  async function sample(): Promise<void> {
    ctrl = new AbortController();
    try {
      const s = await api.system(ctrl.signal);
      clearError(alerts);
      samples.push({
        t: Date.now() / 1000,
        queueDepth: s.queue_depth,
        running: s.active_runs,
        replicas: s.worker_ready_replicas ?? s.worker_replicas ?? null,
      });
      if (samples.length > KEEP) samples.splice(0, samples.length - KEEP);
      render(s);
      updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    } catch (err) {
      if (stopped) return;
      showError(alerts, err, 'Could not read the system status');
    }
    if (!stopped && !paused) timer = window.setTimeout(() => void sample(), SAMPLE_MS);
  }

  function render(s: SystemStatus): void {
    const stat = (key: string, label: string, value: string | number, sub: string) =>
      h(
        'div',
        { class: 'stat', 'data-metric': key },
        h('span', { class: 'stat-label' }, label),
        h('span', { class: 'stat-value' }, String(value)),
        h('span', { class: 'stat-sub' }, sub),
      );
    const deployed = s.worker_replicas !== null && s.worker_replicas !== undefined;
    replace(
      stats,
      stat(
        'queue_depth',
        'Queue depth',
        s.queue_depth,
        `tasks waiting on ${s.queue_name}: ${s.queue.workflow_backlog} workflow, ${s.queue.activity_backlog} activity`,
      ),
      stat('queued_runs', 'Queued runs', s.queued_runs, 'accepted, not started yet'),
      stat('active_runs', 'Running runs', s.active_runs, 'Pending or Running'),
      stat(
        'worker_replicas',
        'Worker replicas',
        deployed ? `${s.worker_ready_replicas ?? 0} / ${s.worker_replicas}` : '—',
        deployed
          ? 'ready / desired (scaled by KEDA)'
          : `no worker Deployment; ${s.queue.workflow_pollers} worker(s) polling`,
      ),
      stat(
        'kubernetes',
        'Kubernetes',
        s.kubernetes.ok ? 'OK' : 'Unreachable',
        s.kubernetes.ok ? `runner namespace ${s.runner_namespace ?? ''}` : (s.kubernetes.error ?? 'no answer'),
      ),
    );
    stats.querySelector('[data-metric="kubernetes"]')?.classList.toggle('bad', !s.kubernetes.ok);

    chart?.update(samples);
    const last = samples.at(-1);
    chartSummary.textContent = last
      ? `${samples.length} samples over ${Math.round(last.t - (samples[0]?.t ?? last.t))} s. Peak queue depth ${Math.max(...samples.map((x) => x.queueDepth))}, peak running ${Math.max(...samples.map((x) => x.running))}.`
      : '';
    replace(
      chartTable,
      table(
        ['Time', ...SERIES.map((x) => x.label)],
        samples
          .slice(-15)
          .reverse()
          .map((x) => [
            new Date(x.t * 1000).toLocaleTimeString(),
            String(x.queueDepth),
            String(x.running),
            x.replicas === null ? '—' : String(x.replicas),
          ]),
        'Latest samples',
        true,
      ),
    );

    const pods = (s.worker_pods ?? []).map((p): WorkerPod =>
      typeof p === 'string' ? { name: p, phase: '—', node_name: null } : p,
    );
    replace(
      workersBox,
      pods.length
        ? table(
            ['Pod', 'Phase', 'Node'],
            pods.map((p) => [p.name, p.phase, p.node_name ?? '—']),
            'Worker pods',
          )
        : empty(
            deployed ? 'No worker pods (scaled to zero).' : 'Workers are not running as a Kubernetes Deployment here.',
          ),
    );
    const nodes = Object.entries(s.node_runs);
    replace(
      nodesBox,
      nodes.length
        ? h(
            'ul',
            { class: 'bars' },
            nodes.map(([n, c]) =>
              h(
                'li',
                {},
                h('span', { class: 'bar-label' }, n),
                h('span', { class: 'bar', style: `--w:${Math.min(100, c * 10)}%`, 'aria-hidden': 'true' }),
                h('span', { class: 'bar-value' }, `${c} pod${c === 1 ? '' : 's'}`),
              ),
            ),
          )
        : empty('No sandbox pods right now.'),
    );
    replace(
      jobsBox,
      s.runner_jobs.length
        ? table(
            ['Job', 'Run', 'Active', 'Succeeded', 'Failed'],
            s.runner_jobs.map((j) => [
              j.name,
              runLink(j.run_id),
              String(j.active),
              String(j.succeeded),
              String(j.failed),
            ]),
            'Runner Jobs',
          )
        : empty('No runner Jobs right now.'),
    );
    replace(
      podsBox,
      s.runner_pods.length
        ? table(
            ['Pod', 'Run', 'Phase', 'Node'],
            s.runner_pods.map((p) => [p.name, runLink(p.run_id), p.phase, p.node_name ?? '(not scheduled)']),
            'Runner pods',
          )
        : empty('No runner pods right now.'),
    );
    replace(
      queuedBox,
      s.queued_run_ids.length
        ? h(
            'div',
            {},
            h(
              'p',
              { class: 'hint' },
              `${s.queued_runs} queued${s.queued_runs > s.queued_run_ids.length ? `, the first ${s.queued_run_ids.length} shown` : ''}.`,
            ),
            h(
              'ul',
              { class: 'id-list' },
              s.queued_run_ids.map((id) => h('li', {}, runLink(id))),
            ),
          )
        : empty('Nothing is waiting.'),
    );
  }

  pauseBtn.addEventListener('click', () => {
    paused = !paused;
    pauseBtn.textContent = paused ? 'Resume updates' : 'Pause updates';
    pauseBtn.setAttribute('aria-pressed', String(paused));
    window.clearTimeout(timer);
    if (!paused) void sample();
  });

  languages()
    .then((info) => batchSlot.replaceWith(batchForm(info, batchAlerts)))
    .catch((err: unknown) => {
      batchSlot.textContent = '';
      showError(batchAlerts, err, 'Could not load the language list');
    });

  void sample();
  return () => {
    stopped = true;
    ctrl?.abort();
    window.clearTimeout(timer);
    chart?.destroy();
  };
};

function batchForm(info: LanguagesResponse, alerts: HTMLElement): HTMLFormElement {
  const langs = info.languages.filter((l) => canGenerateLoad(l.id));
  const count = h('input', {
    id: uid('count'),
    name: 'count',
    type: 'number',
    inputmode: 'numeric',
    min: 1,
    max: 200,
    value: 10,
    required: true,
  });
  const sleep = h('input', {
    id: uid('sleep'),
    name: 'sleep',
    type: 'number',
    inputmode: 'numeric',
    min: 0,
    max: info.limits.max_timeout_seconds - 10,
    value: 5,
    required: true,
  });
  const lang = h(
    'select',
    { id: uid('lang'), name: 'language' },
    langs.map((l) => h('option', { value: l.id }, l.name)),
  );
  const start = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Start batch');
  const progress = h('progress', { id: uid('progress'), max: 1, value: 0, hidden: true });
  const progressText = h('p', { class: 'batch-status', role: 'status' });
  const form = h(
    'form',
    { class: 'batch-form', novalidate: true, 'aria-label': 'Load generator' },
    h(
      'p',
      { class: 'hint' },
      'Submits many runs at once; each one sleeps, then prints a line. Watch the queue fill and drain below.',
    ),
    h(
      'div',
      { class: 'row' },
      h('div', { class: 'field' }, h('label', { for: count.id }, 'Number of runs'), count),
      h('div', { class: 'field' }, h('label', { for: sleep.id }, 'Sleep (seconds)'), sleep),
      h('div', { class: 'field' }, h('label', { for: lang.id }, 'Language'), lang),
      h('div', { class: 'field field-action' }, start),
    ),
    h('label', { for: progress.id, class: 'visually-hidden' }, 'Batch progress'),
    progress,
    progressText,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const n = Number(count.value);
    const secs = Number(sleep.value);
    const problems: { field: string; message: string }[] = [];
    if (!Number.isInteger(n) || n < 1 || n > 200)
      problems.push({ field: 'Number of runs', message: 'a whole number from 1 to 200' });
    if (!Number.isInteger(secs) || secs < 0 || secs > Number(sleep.max))
      problems.push({ field: 'Sleep', message: `a whole number from 0 to ${sleep.max}` });
    count.setAttribute('aria-invalid', String(problems.some((p) => p.field === 'Number of runs')));
    sleep.setAttribute('aria-invalid', String(problems.some((p) => p.field === 'Sleep')));
    if (problems.length) {
      replace(
        alerts,
        h(
          'div',
          { class: 'alert alert-error' },
          h(
            'div',
            { class: 'alert-body' },
            h('strong', { class: 'alert-title' }, 'Please check the form'),
            h(
              'ul',
              { class: 'alert-problems' },
              problems.map((p) => h('li', {}, h('b', {}, p.field), ': ', p.message)),
            ),
          ),
        ),
      );
      return;
    }
    clearError(alerts);
    start.disabled = true;
    progress.hidden = false;
    progress.max = n;
    progress.value = 0;
    let failed = 0;
    let firstError: unknown = null;
    const code = sleepProgram(lang.value, secs);
    // One key per run of this batch: a retried submission never becomes a second run.
    const batchId = `batch-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const timeout = batchTimeout(secs, info.limits.max_timeout_seconds);
    void runLimited(
      n,
      8,
      (i) => submitWithRetry({ language: lang.value, code, timeout_seconds: timeout }, `${batchId}-${i}`),
      (done, r) => {
        if (r.status === 'rejected') {
          failed++;
          firstError ??= r.reason;
        }
        progress.value = done;
        progressText.textContent = `Submitted ${done - failed} of ${n}${failed ? ` (${failed} refused)` : ''}…`;
      },
    ).then(() => {
      start.disabled = false;
      progressText.textContent = `Batch started at ${new Date().toLocaleTimeString()}: ${n - failed} of ${n} runs submitted${failed ? `, ${failed} refused` : ''}, each sleeping ${secs} s.`;
      if (firstError) showError(alerts, firstError, `${failed} of ${n} runs were refused`);
      announce(`Batch submitted: ${n - failed} runs`);
    });
  });
  return form;
}

function runLink(id: string | null): HTMLElement | string {
  return id
    ? h(
        'a',
        { href: `#/runs/${encodeURIComponent(id)}`, class: 'mono', title: id, 'aria-label': `Run ${id}` },
        shortId(id),
      )
    : '—';
}

function empty(text: string): HTMLParagraphElement {
  return h('p', { class: 'empty' }, text);
}

function table(head: string[], rows: (string | HTMLElement)[][], caption: string, compact = false): HTMLDivElement {
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h(
      'table',
      { class: compact ? 'data-table compact' : 'data-table' },
      h('caption', { class: 'visually-hidden' }, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          head.map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            {},
            r.map((c, i) => h('td', { 'data-label': head[i] ?? '' }, c)),
          ),
        ),
      ),
    ),
  );
}
