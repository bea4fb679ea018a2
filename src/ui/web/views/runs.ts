import { formatTime, shortId, timeAgo, durationBetween } from '../../shared/format.js';
import { RUN_STATUSES, type RunPage, type RunStatus } from '../../shared/types.js';
import { STATUS_INFO } from '../../shared/status.js';
import { api, languages } from '../api.js';
import { alertRegion, clearError, showError } from '../alerts.js';
import { h, replace, uid } from '../dom.js';
import { setQuery, type View } from '../router.js';
import { statusBadge } from './status-ui.js';

const DEFAULT_PAGE_SIZE = 20;
const REFRESH_MS = 5000;

/** The Runs list (#/runs?status=&language=): filters, cursor pages, refreshes itself. */
export const runsView: View = (root, _params, query) => {
  const alerts = alertRegion();
  const asked = Number(query.get('limit'));
  const pageSize = Number.isInteger(asked) && asked >= 1 && asked <= 200 ? asked : DEFAULT_PAGE_SIZE;
  const status = h(
    'select',
    { id: uid('status'), name: 'status' },
    h('option', { value: '' }, 'All statuses'),
    RUN_STATUSES.map((s) => h('option', { value: s }, STATUS_INFO[s].label)),
  );
  const language = h('select', { id: uid('language'), name: 'language' }, h('option', { value: '' }, 'All languages'));
  const auto = h('input', { id: uid('auto'), type: 'checkbox', checked: true });
  const refreshBtn = h('button', { type: 'button', class: 'btn' }, 'Refresh now');
  const updated = h('span', { class: 'updated', role: 'status' });
  const tableSlot = h(
    'div',
    { class: 'table-slot', 'aria-busy': 'true' },
    h('p', { class: 'loading' }, 'Loading runs…'),
  );
  const prev = h('button', { type: 'button', class: 'btn', disabled: true }, '← Newer');
  const next = h('button', { type: 'button', class: 'btn', disabled: true }, 'Older →');
  const pageLabel = h('span', { class: 'page-label', 'aria-live': 'polite' }, 'Page 1');

  status.value = RUN_STATUSES.includes(query.get('status') as RunStatus) ? (query.get('status') ?? '') : '';
  const wantedLanguage = query.get('language') ?? '';
  if (wantedLanguage) language.append(h('option', { value: wantedLanguage }, wantedLanguage));
  language.value = wantedLanguage;

  root.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', { tabindex: '-1' }, 'Runs'),
      h('p', { class: 'lead' }, 'Every run, newest first. The list refreshes itself.'),
    ),
    alerts,
    h(
      'form',
      { class: 'card filters', 'aria-label': 'Filter runs', onsubmit: (e: Event) => e.preventDefault() },
      h('div', { class: 'field' }, h('label', { for: status.id }, 'Status'), status),
      h('div', { class: 'field' }, h('label', { for: language.id }, 'Language'), language),
      h('div', { class: 'field check' }, auto, h('label', { for: auto.id }, 'Refresh every 5 s')),
      h('div', { class: 'field grow' }, refreshBtn, updated),
    ),
    tableSlot,
    h('nav', { class: 'pager', 'aria-label': 'Pages of runs' }, prev, pageLabel, next),
  );

  const names = new Map<string, string>();
  languages()
    .then((info) => {
      for (const l of info.languages) names.set(l.id, l.name);
      for (const l of info.languages)
        if (l.id !== wantedLanguage) language.append(h('option', { value: l.id }, l.name));
        else language.querySelector(`option[value="${CSS.escape(l.id)}"]`)!.textContent = l.name;
    })
    .catch(() => undefined); // the list still works without names; the run list shows its own errors

  /** cursors[i] is the cursor of page i (page 0 has none). */
  let cursors: (string | null)[] = [null];
  let page = 0;
  let nextCursor: string | null = null;
  let timer: number | undefined;
  let ctrl: AbortController | null = null;
  let stopped = false;

  async function load(): Promise<void> {
    ctrl?.abort();
    ctrl = new AbortController();
    window.clearTimeout(timer);
    try {
      const res = await api.list(
        {
          status: status.value as RunStatus | '',
          language: language.value,
          limit: pageSize,
          cursor: cursors[page] ?? null,
        },
        ctrl.signal,
      );
      nextCursor = res.next_cursor;
      render(res);
      clearError(alerts);
      updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') return;
      showError(alerts, err, 'Could not load the runs');
      tableSlot.setAttribute('aria-busy', 'false');
    }
    schedule();
  }

  function schedule(): void {
    window.clearTimeout(timer);
    if (!stopped && auto.checked)
      timer = window.setTimeout(() => void (document.hidden ? schedule() : load()), REFRESH_MS);
  }

  function render(res: RunPage): void {
    tableSlot.setAttribute('aria-busy', 'false');
    prev.disabled = page === 0;
    next.disabled = !nextCursor;
    pageLabel.textContent = `Page ${page + 1}`;
    if (res.runs.length === 0) {
      replace(
        tableSlot,
        h(
          'div',
          { class: 'card empty-state' },
          h('p', {}, page === 0 ? 'No runs match these filters yet.' : 'No more runs.'),
          h('a', { href: '#/', class: 'btn btn-primary' }, 'Run some code'),
        ),
      );
      return;
    }
    const now = Date.now();
    replace(
      tableSlot,
      h(
        'table',
        { class: 'runs-table' },
        h('caption', { class: 'visually-hidden' }, `Runs, page ${page + 1}`),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Run', 'Status', 'Language', 'Node', 'Submitted', 'Total time'].map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        h(
          'tbody',
          {},
          res.runs.map((r) =>
            h(
              'tr',
              { 'data-run-id': r.run_id, 'data-status': r.status },
              h(
                'td',
                { 'data-label': 'Run' },
                h(
                  'a',
                  { href: `#/runs/${encodeURIComponent(r.run_id)}`, class: 'mono', 'aria-label': `Run ${r.run_id}` },
                  shortId(r.run_id),
                ),
              ),
              h('td', { 'data-label': 'Status' }, statusBadge(r.status)),
              h('td', { 'data-label': 'Language' }, r.language ? (names.get(r.language) ?? r.language) : '—'),
              h('td', { 'data-label': 'Node' }, r.node_name ?? '—'),
              h(
                'td',
                { 'data-label': 'Submitted' },
                h(
                  'time',
                  { datetime: r.created_at ?? '', title: formatTime(r.created_at) },
                  timeAgo(r.created_at, now),
                ),
              ),
              h(
                'td',
                { 'data-label': 'Total time', title: 'From submission to the end, time in the queue included' },
                r.finished_at ? durationBetween(r.created_at, r.finished_at) : '—',
              ),
            ),
          ),
        ),
      ),
    );
  }

  const restart = () => {
    cursors = [null];
    page = 0;
    const q = new URLSearchParams();
    if (status.value) q.set('status', status.value);
    if (language.value) q.set('language', language.value);
    if (pageSize !== DEFAULT_PAGE_SIZE) q.set('limit', String(pageSize));
    setQuery(q);
    void load();
  };
  status.addEventListener('change', restart);
  language.addEventListener('change', restart);
  auto.addEventListener('change', () => (auto.checked ? void load() : window.clearTimeout(timer)));
  refreshBtn.addEventListener('click', () => void load());
  next.addEventListener('click', () => {
    if (!nextCursor) return;
    page++;
    cursors[page] = nextCursor;
    void load();
  });
  prev.addEventListener('click', () => {
    if (page === 0) return;
    page--;
    void load();
  });

  void load();
  return () => {
    stopped = true;
    ctrl?.abort();
    window.clearTimeout(timer);
  };
};
