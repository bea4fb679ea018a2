import type { View } from '../router.js';
import { h } from '../dom.js';
import { runPanel } from './run-panel.js';

/** The Run page (#/runs/ID): everything about one run, kept live until it ends. */
export const runView: View = (root, params) => {
  const id = params.id ?? '';
  const panel = runPanel(id, { full: true, headingLevel: 'h1' });
  root.append(
    h(
      'nav',
      { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: '#/runs' }, 'Runs'),
      ' / ',
      h('span', { 'aria-current': 'page' }, id),
    ),
    panel.el,
  );
  panel.el.querySelector('h1')?.setAttribute('tabindex', '-1');
  return () => panel.stop();
};
