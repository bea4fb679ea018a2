import { shortId } from '../../shared/format.js';
import { STATUS_INFO } from '../../shared/status.js';
import { buildSubmitBody, checkForm, formFromInput } from '../../shared/submit-form.js';
import type { LanguagesResponse } from '../../shared/types.js';
import { ApiError, api, languages } from '../api.js';
import { alertRegion, announce, clearError, showError } from '../alerts.js';
import { h, replace } from '../dom.js';
import type { createEditor as CreateEditor } from '../editor.js';
import type { View } from '../router.js';
import { remember } from '../submissions.js';
import { codeForm, type CodeForm } from './code-form.js';
import { runPanel, type RunPanel } from './run-panel.js';

/**
 * The Submit page: language, timeout, code, files, tests, limits, stdin; the result appears below, in place.
 * `#/?from=RUN_ID` (the run page's Reproduce) fills the form with what that run was given.
 */
export const submitView: View = (root, _params, query) => {
  const alerts = alertRegion();
  const notice = h('p', { class: 'notice', role: 'status', hidden: true });
  const body = h('div', { class: 'loading' }, 'Loading languages…');
  root.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', { tabindex: '-1' }, 'Run code'),
      h('p', { class: 'lead' }, 'Your program runs in its own locked-down Kubernetes sandbox, once or once per test.'),
    ),
    alerts,
    notice,
    body,
  );
  let built: CodeForm | null = null;
  let panel: RunPanel | null = null;
  let left = false;
  const abort = new AbortController();
  const from = query.get('from');
  // CodeMirror is only needed here: its chunk loads with the page, alongside the language list.
  const editorModule = import('../editor.js');
  const input = from ? api.input(from, abort.signal) : null;
  input?.catch(() => undefined); // handled below, once the form exists
  languages()
    .then(async (info) => {
      let createEditor: typeof CreateEditor;
      try {
        ({ createEditor } = await editorModule);
      } catch {
        throw new Error('The code editor could not be loaded. Reload the page to try again.');
      }
      if (left) return;
      built = codeForm(info, createEditor);
      const result = h('section', { class: 'result', 'aria-label': 'Result' });
      wire(built, info, result);
      body.replaceWith(built.form, result);
      if (from && input) await reproduce(built, from, input);
    })
    .catch((err: unknown) => {
      body.textContent = '';
      showError(alerts, err, 'Could not load the page');
    });

  async function reproduce(f: CodeForm, runId: string, pending: Promise<Awaited<typeof input>>): Promise<void> {
    try {
      const given = await pending;
      if (!given || left) return;
      const state = formFromInput(given);
      if (!f.apply(state)) {
        showError(
          alerts,
          new Error(`Run ${shortId(runId)} used ${state.language}, which this API cannot run right now.`),
          'Could not reproduce the run',
        );
        return;
      }
      notice.hidden = false;
      replace(
        notice,
        'The form holds what run ',
        h('a', { href: `#/runs/${encodeURIComponent(runId)}` }, shortId(runId)),
        ' was given. Change what you like, then run it.',
      );
      announce(`Loaded the submission of run ${shortId(runId)}`);
    } catch (err) {
      showError(alerts, err, `Could not load run ${shortId(runId)}’s submission`);
    }
  }

  function wire(f: CodeForm, info: LanguagesResponse, result: HTMLElement): void {
    let submitting = false;
    f.form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (submitting) return;
      const state = f.state();
      const lang = info.languages.find((l) => l.id === state.language);
      const problems = checkForm(state, info.limits, lang?.file_name);
      const unplaced = f.showProblems(problems);
      if (problems.length > 0) {
        if (unplaced.length > 0)
          showError(alerts, new ApiError(0, 'invalid_request', 'the form has problems', unplaced));
        announce('Please fix the marked fields');
        return;
      }
      const b = buildSubmitBody(state);
      submitting = true;
      f.runBtn.disabled = true;
      f.runBtn.firstChild!.textContent = 'Submitting…';
      clearError(alerts);
      api
        .submit(b)
        .then((run) => {
          remember(run.run_id, b);
          panel?.stop();
          panel = runPanel(run.run_id, {
            full: false,
            initial: run,
            onFinal: (r) => announce(`Run finished: ${STATUS_INFO[r.status].label}`),
          });
          replace(result, panel.el);
          announce('Run submitted');
          // On small screens the result lands below the fold: bring its top into view.
          if (result.getBoundingClientRect().top > window.innerHeight - 120)
            result.scrollIntoView({ block: 'start', behavior: 'smooth' });
        })
        .catch((err: unknown) => {
          showError(alerts, err, 'The run was not accepted');
          if (err instanceof ApiError) f.showProblems(err.human.problems);
          alerts.scrollIntoView({ block: 'nearest' });
        })
        .finally(() => {
          submitting = false;
          f.runBtn.disabled = false;
          f.runBtn.firstChild!.textContent = 'Run';
        });
    });
  }

  return () => {
    left = true;
    abort.abort();
    panel?.stop();
    built?.editor.view.destroy();
  };
};
