import { STATUS_INFO, timeline } from '../../shared/status.js';
import type { Run, RunStatus } from '../../shared/types.js';
import { h } from '../dom.js';

/** A coloured status badge; its text is the status in words (colour is never the only signal). */
export function statusBadge(status: RunStatus): HTMLSpanElement {
  const info = STATUS_INFO[status];
  return h('span', { class: `badge tone-${info.tone}`, 'data-status': status, title: info.meaning }, info.label);
}

/** Queued → Pending → Running → final, as an ordered list with the current step marked. */
export function timelineList(run: Run): HTMLOListElement {
  return h(
    'ol',
    { class: 'timeline', 'aria-label': 'Status timeline' },
    timeline(run).map((step) =>
      h(
        'li',
        {
          class: `step step-${step.state} tone-${STATUS_INFO[step.status].tone}`,
          'aria-current': step.state === 'current' ? 'step' : null,
          'data-step': step.label,
        },
        h('span', { class: 'step-dot', 'aria-hidden': 'true' }),
        h('span', { class: 'step-label' }, step.label),
        h(
          'span',
          { class: 'visually-hidden' },
          step.state === 'done'
            ? ' (done)'
            : step.state === 'current'
              ? ' (current)'
              : step.state === 'skipped'
                ? ' (skipped)'
                : ' (not yet)',
        ),
      ),
    ),
  );
}
