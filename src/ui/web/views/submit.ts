import { curlCommand } from '../../shared/curl.js';
import { formatBytes } from '../../shared/format.js';
import { STATUS_INFO } from '../../shared/status.js';
import type { Language, LanguagesResponse, SubmitBody } from '../../shared/types.js';
import { ApiError, api, languages } from '../api.js';
import { alertRegion, announce, clearError, showError } from '../alerts.js';
import { copyButton } from '../clipboard.js';
import { h, replace, uid } from '../dom.js';
import type { CodeEditor, createEditor as CreateEditor } from '../editor.js';
import { loadDraft, remember, saveDraft } from '../submissions.js';
import { runPanel, type RunPanel } from './run-panel.js';
import type { View } from '../router.js';

const SAMPLES: Record<string, string> = {
  python: 'import platform\n\nfor i in range(3):\n    print(f"hello {i} from Python {platform.python_version()}")\n',
  javascript: 'for (let i = 0; i < 3; i++) {\n  console.log(`hello ${i} from Node.js ${process.versions.node}`);\n}\n',
};
const sample = (l: Language): string => SAMPLES[l.id] ?? `// Write your ${l.name} program here\n`;
const isMac = /Mac|iPhone|iPad/.test(navigator.platform);
const SHORTCUT = isMac ? '⌘ + Enter' : 'Ctrl + Enter';

/** The Submit page: editor, language, timeout, stdin; the result appears below, in place. */
export const submitView: View = (root) => {
  const alerts = alertRegion();
  const body = h('div', { class: 'loading' }, 'Loading languages…');
  root.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', { tabindex: '-1' }, 'Run code'),
      h('p', { class: 'lead' }, 'Your program runs once, in its own locked-down Kubernetes sandbox.'),
    ),
    alerts,
    body,
  );
  let editor: CodeEditor | null = null;
  let panel: RunPanel | null = null;
  let left = false;
  // CodeMirror is only needed here: its chunk loads with the page, alongside the language list.
  const editorModule = import('../editor.js');
  languages()
    .then(async (info) => {
      let createEditor: typeof CreateEditor;
      try {
        ({ createEditor } = await editorModule);
      } catch {
        throw new Error('The code editor could not be loaded. Reload the page to try again.');
      }
      if (left) return;
      const built = build(info, createEditor);
      editor = built.editor;
      body.replaceWith(built.form, built.result);
    })
    .catch((err: unknown) => {
      body.textContent = '';
      showError(alerts, err, 'Could not load the page');
    });

  function build(info: LanguagesResponse, createEditor: typeof CreateEditor) {
    const { limits } = info;
    const langSelect = h(
      'select',
      { id: uid('language'), name: 'language' },
      info.languages.map((l) => h('option', { value: l.id }, l.name)),
    );
    const last = localStorage.getItem('code-runner.language');
    if (last && info.languages.some((l) => l.id === last)) langSelect.value = last;
    const current = (): Language => info.languages.find((l) => l.id === langSelect.value) ?? info.languages[0]!;

    const timeout = h('input', {
      id: uid('timeout'),
      name: 'timeout_seconds',
      type: 'number',
      inputmode: 'numeric',
      min: 1,
      max: limits.max_timeout_seconds,
      step: 1,
      required: true,
      value: limits.default_timeout_seconds,
    });
    const timeoutError = h('p', { class: 'field-error', id: uid('timeout-error') });
    const codeLabelId = uid('code-label');
    const codeHintId = uid('code-hint');
    const codeError = h('p', { class: 'field-error', id: uid('code-error') });
    const editorHost = h('div', { class: 'editor-host' });
    const size = h('span', { class: 'size' });
    const stdin = h('textarea', { id: uid('stdin'), name: 'stdin', rows: 4, spellcheck: 'false', class: 'mono' });
    const runBtn = h(
      'button',
      { type: 'submit', class: 'btn btn-primary', 'aria-keyshortcuts': 'Control+Enter Meta+Enter' },
      'Run',
      h('kbd', { 'aria-hidden': 'true' }, SHORTCUT),
    );
    const result = h('section', { class: 'result', 'aria-label': 'Result' });

    const lang0 = current();
    const ed = createEditor({
      parent: editorHost,
      doc: loadDraft(lang0.id) ?? sample(lang0),
      mode: lang0.editor_mode,
      id: lang0.id,
      labelledBy: codeLabelId,
      describedBy: codeHintId,
      onRun: () => form.requestSubmit(),
      onChange: (code) => {
        saveDraft(current().id, code);
        updateSize(code);
        codeError.textContent = '';
      },
    });
    const updateSize = (code: string) => {
      const bytes = new TextEncoder().encode(code).length;
      size.textContent =
        bytes > limits.max_code_bytes
          ? `${bytes.toLocaleString()} bytes: over the ${formatBytes(limits.max_code_bytes)} limit`
          : `${formatBytes(bytes)} of ${formatBytes(limits.max_code_bytes)}`;
      size.classList.toggle('over', bytes > limits.max_code_bytes);
    };
    updateSize(ed.getCode());

    langSelect.addEventListener('change', () => {
      const l = current();
      localStorage.setItem('code-runner.language', l.id);
      ed.setMode(l.editor_mode, l.id);
      ed.setCode(loadDraft(l.id) ?? sample(l));
    });

    const bodyOf = (): SubmitBody => ({
      language: current().id,
      code: ed.getCode(),
      timeout_seconds: Number(timeout.value),
      ...(stdin.value ? { stdin: stdin.value } : {}),
    });

    const setFieldError = (input: HTMLElement | null, errEl: HTMLElement, message: string) => {
      errEl.textContent = message;
      if (input) input.setAttribute('aria-invalid', message ? 'true' : 'false');
    };

    /** Client-side checks: the same rules as the API, said before the round trip. */
    const check = (b: SubmitBody): boolean => {
      let ok = true;
      const t = b.timeout_seconds ?? 0;
      if (!Number.isInteger(t) || t < 1 || t > limits.max_timeout_seconds) {
        setFieldError(
          timeout,
          timeoutError,
          `Enter a whole number of seconds from 1 to ${limits.max_timeout_seconds}.`,
        );
        ok = false;
      } else setFieldError(timeout, timeoutError, '');
      if (b.code.trim() === '') {
        setFieldError(ed.view.contentDOM, codeError, 'Write some code first.');
        ok = false;
      } else setFieldError(ed.view.contentDOM, codeError, '');
      return ok;
    };

    const form = h(
      'form',
      { class: 'card submit-form', novalidate: true, 'aria-label': 'Submit code' },
      h(
        'div',
        { class: 'row' },
        h('div', { class: 'field' }, h('label', { for: langSelect.id }, 'Language'), langSelect),
        h(
          'div',
          { class: 'field' },
          h('label', { for: timeout.id }, 'Timeout (seconds)'),
          timeout,
          h(
            'p',
            { class: 'hint', id: `${timeout.id}-hint` },
            `1 to ${limits.max_timeout_seconds}; memory ${limits.memory_limit}, CPU ${limits.cpu_limit}`,
          ),
          timeoutError,
        ),
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { id: codeLabelId, onclick: () => ed.focus() }, 'Code'),
        editorHost,
        h(
          'p',
          { class: 'hint', id: codeHintId },
          `${SHORTCUT} runs the code. Tab leaves the editor; Ctrl + ] indents.`,
        ),
        codeError,
      ),
      h(
        'details',
        { class: 'stdin' },
        h('summary', {}, 'Standard input (optional)'),
        h('div', { class: 'field' }, h('label', { for: stdin.id }, 'Text passed to the program on stdin'), stdin),
      ),
      h(
        'div',
        { class: 'actions' },
        runBtn,
        copyButton('Copy as curl', () => curlCommand(location.origin, bodyOf()), 'curl command', false),
        size,
      ),
    );
    timeout.setAttribute('aria-describedby', `${timeout.id}-hint ${timeoutError.id}`);
    ed.view.contentDOM.setAttribute('aria-describedby', `${codeHintId} ${codeError.id}`);

    form.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && e.target !== ed.view.contentDOM) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    let submitting = false;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (submitting) return;
      const b = bodyOf();
      if (!check(b)) {
        announce('Please fix the marked fields');
        return;
      }
      submitting = true;
      runBtn.disabled = true;
      runBtn.firstChild!.textContent = 'Submitting…';
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
          if (err instanceof ApiError)
            for (const p of err.human.problems) {
              if (p.field === 'body.timeout_seconds') setFieldError(timeout, timeoutError, p.message);
              if (p.field === 'body.code') setFieldError(ed.view.contentDOM, codeError, p.message);
            }
          alerts.scrollIntoView({ block: 'nearest' });
        })
        .finally(() => {
          submitting = false;
          runBtn.disabled = false;
          runBtn.firstChild!.textContent = 'Run';
        });
    });
    return { form, result, editor: ed };
  }

  return () => {
    left = true;
    panel?.stop();
    editor?.view.destroy();
  };
};
