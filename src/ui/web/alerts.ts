import { fieldName } from '../shared/errors.js';
import { ApiError } from './api.js';
import { h, replace } from './dom.js';

/** An alert region (role=alert): screen readers announce what is put in it. */
export function alertRegion(): HTMLDivElement {
  return h('div', { class: 'alerts', role: 'alert', 'aria-live': 'assertive' });
}

/** Shows an error in `region`: the API's words when it gave some, a plain sentence otherwise. */
export function showError(region: HTMLElement, err: unknown, context?: string): void {
  if (err instanceof DOMException && err.name === 'AbortError') return;
  const human =
    err instanceof ApiError
      ? err.human
      : { title: 'Something went wrong', message: err instanceof Error ? err.message : String(err), problems: [] };
  const dismiss = h('button', { type: 'button', class: 'alert-close', 'aria-label': 'Dismiss this message' }, '×');
  const box = h(
    'div',
    { class: 'alert alert-error' },
    h(
      'div',
      { class: 'alert-body' },
      h('strong', { class: 'alert-title' }, context ? `${context}: ${human.title}` : human.title),
      h('p', {}, human.message),
      human.problems.length > 0
        ? h(
            'ul',
            { class: 'alert-problems' },
            human.problems.map((p) => h('li', {}, h('b', {}, fieldName(p.field)), ': ', p.message)),
          )
        : null,
      err instanceof ApiError && err.status > 0
        ? h('p', { class: 'alert-code' }, `HTTP ${err.status} · ${err.code}`)
        : null,
    ),
    dismiss,
  );
  dismiss.addEventListener('click', () => box.remove());
  replace(region, box);
}

export function clearError(region: HTMLElement): void {
  region.replaceChildren();
}

/** A polite status line (role=status) for confirmations such as "Copied". */
let statusEl: HTMLElement | null = null;
let statusTimer: number | undefined;
export function announce(text: string): void {
  statusEl ??= document.getElementById('toast');
  if (!statusEl) return;
  statusEl.textContent = text;
  statusEl.classList.add('visible');
  window.clearTimeout(statusTimer);
  statusTimer = window.setTimeout(() => statusEl?.classList.remove('visible'), 2500);
}

/** Hides the status line at once (a page change makes an old confirmation meaningless). */
export function clearAnnouncement(): void {
  window.clearTimeout(statusTimer);
  statusEl?.classList.remove('visible');
}
