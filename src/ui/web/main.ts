import { clearAnnouncement } from './alerts.js';
import { wireKeyForm } from './api-key.js';
import { forgetLanguages } from './api.js';
import { h, replace } from './dom.js';
import { match, type Route } from './router.js';
import { apiReferenceView } from './views/api-reference.js';
import { monitorView } from './views/monitor.js';
import { runView } from './views/run.js';
import { runsView } from './views/runs.js';
import { submitView } from './views/submit.js';

const routes: Route[] = [
  { pattern: /^\/(?:new)?$/, keys: [], view: submitView, title: () => 'Run code', nav: '#/' },
  { pattern: /^\/runs\/?$/, keys: [], view: runsView, title: () => 'Runs', nav: '#/runs' },
  {
    pattern: /^\/runs\/([^/]+)$/,
    keys: ['id'],
    view: runView,
    title: (p) => `Run ${p.id?.slice(0, 8) ?? ''}`,
    nav: '#/runs',
  },
  { pattern: /^\/monitor\/?$/, keys: [], view: monitorView, title: () => 'Live monitor', nav: '#/monitor' },
  { pattern: /^\/api\/?$/, keys: [], view: apiReferenceView, title: () => 'API reference', nav: '#/api' },
];

const main = document.getElementById('main')!;
let cleanup: (() => void) | void;
let first = true;

function render(): void {
  cleanup?.();
  cleanup = undefined;
  clearAnnouncement();
  const m = match(routes, location.hash);
  for (const a of document.querySelectorAll<HTMLAnchorElement>('.nav a')) {
    if (m && a.getAttribute('href') === m.route.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const page = h('div', { class: 'page' });
  replace(main, page);
  if (!m) {
    document.title = 'Not found · Code Runner';
    page.append(
      h('h1', { tabindex: '-1' }, 'Page not found'),
      h('p', {}, 'There is no page at this address. ', h('a', { href: '#/' }, 'Go to Run code'), '.'),
    );
  } else {
    document.title = `${m.route.title(m.params)} · Code Runner`;
    cleanup = m.route.view(page, m.params, m.query);
  }
  // After a navigation, move the focus to the new page's heading so screen readers start there.
  if (!first) main.querySelector<HTMLElement>('h1')?.focus({ preventScroll: false });
  first = false;
  window.scrollTo(0, 0);
}

window.addEventListener('hashchange', render);
render();
// A new or cleared API key: render the page again with it.
wireKeyForm(document.getElementById('key-form') as HTMLFormElement, () => {
  forgetLanguages();
  render();
});

// The skip link must not change the hash (that is the router's): it only moves the focus.
document.querySelector('.skip-link')?.addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});
