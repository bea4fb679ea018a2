import { curlCommand } from '../../shared/curl.js';
import { apiKey } from '../api-key.js';
import { formatBytes } from '../../shared/format.js';
import { LIMIT_FIELDS, buildSubmitBody, inputBytes, type FormState } from '../../shared/submit-form.js';
import type { FieldProblem, Language, LanguagesResponse } from '../../shared/types.js';
import { initialLanguage, languageLabel } from '../../shared/verdict.js';
import { copyButton } from '../clipboard.js';
import { h, uid } from '../dom.js';
import type { CodeEditor, createEditor as CreateEditor } from '../editor.js';
import { describe, errorEl, labelled, setFieldError, type FieldLookup, type FieldSlot } from '../fields.js';
import { loadDraft, saveDraft } from '../submissions.js';
import { tabs } from '../tabs.js';
import { filesEditor } from './submit-files.js';
import { limitsEditor } from './submit-limits.js';
import { testsEditor } from './submit-tests.js';

const SAMPLES: Record<string, string> = {
  python: 'import platform\n\nfor i in range(3):\n    print(f"hello {i} from Python {platform.python_version()}")\n',
  javascript: 'for (let i = 0; i < 3; i++) {\n  console.log(`hello ${i} from Node.js ${process.versions.node}`);\n}\n',
};
const sample = (l: Language): string => SAMPLES[l.id] ?? `// Write your ${l.name} program here\n`;
const isMac = /Mac|iPhone|iPad/.test(navigator.platform);
export const SHORTCUT = isMac ? '⌘ + Enter' : 'Ctrl + Enter';

export interface CodeForm {
  form: HTMLFormElement;
  editor: CodeEditor;
  runBtn: HTMLButtonElement;
  state(): FormState;
  /** Fills the form (Reproduce); false when the language is not one this API offers now. */
  apply(s: FormState): boolean;
  /** Shows problems next to their fields (switching to the first one's tab); returns those with no field. */
  showProblems(problems: FieldProblem[]): FieldProblem[];
}

/** The submit form: language, timeout, then tabs (Code | Files | Tests | Limits), stdin, Run and curl. */
export function codeForm(info: LanguagesResponse, createEditor: typeof CreateEditor): CodeForm {
  const { limits } = info;
  const langSelect = h(
    'select',
    { id: uid('language'), name: 'language' },
    info.languages.map((l) => h('option', { value: l.id, disabled: l.available === false }, languageLabel(l))),
  );
  langSelect.value = initialLanguage(info.languages, localStorage.getItem('code-runner.language'))?.id ?? '';
  const current = (): Language => info.languages.find((l) => l.id === langSelect.value) ?? info.languages[0]!;
  const langHint = h('p', { class: 'hint', id: uid('language-hint') });
  const langError = errorEl();
  describe(langSelect, langHint, langError);
  const showLanguage = () => {
    const l = current();
    langHint.textContent = [l.version_detail, l.compiled ? 'compiled' : null, `code in ${l.file_name}`]
      .filter(Boolean)
      .join(' · ');
  };

  const timeout = h('input', {
    name: 'timeout_seconds',
    type: 'number',
    inputmode: 'numeric',
    min: 1,
    max: limits.max_timeout_seconds,
    step: 1,
    required: true,
    value: limits.default_timeout_seconds,
  });
  const timeoutField = labelled(
    'Timeout (seconds)',
    timeout,
    `1 to ${limits.max_timeout_seconds}; memory ${limits.memory_limit}, CPU ${limits.cpu_limit}`,
  );

  const codeHint = h(
    'p',
    { class: 'hint', id: uid('code-hint') },
    `${SHORTCUT} runs the code. Tab leaves the editor; Ctrl + ] indents.`,
  );
  const codeError = errorEl();
  const editorHost = h('div', { class: 'editor-host' });
  const size = h('span', { class: 'size' });
  const stdin = h('textarea', { name: 'stdin', rows: 4, spellcheck: 'false', class: 'mono' });
  const stdinField = labelled('Text passed to the program on stdin', stdin);
  const stdinBox = h('details', { class: 'stdin' }, h('summary', {}, 'Standard input (optional)'), stdinField.el);
  const stdinNote = h('p', { class: 'hint stdin-note' }, 'With tests, each test brings its own standard input.');

  let ready = false; // the editors report changes while they are built, before the rest of the form exists
  const changed = () => {
    if (ready) update();
  };
  const files = filesEditor(() => current().file_name, changed);
  const tests = testsEditor(limits.max_tests, changed);
  const lims = limitsEditor(limits.run, changed);
  const codePanel = h('div', { class: 'tab-body' }, editorHost, codeHint, codeError);
  const t = tabs(
    [
      { id: 'code', label: 'Code', panel: codePanel },
      { id: 'files', label: 'Files', panel: files.el },
      { id: 'tests', label: 'Tests', panel: tests.el },
      { id: 'limits', label: 'Limits', panel: lims.el },
    ],
    'Submission',
  );
  const codeTabId = t.list.querySelector('[data-tab=code]')!.id;

  const lang0 = current();
  const ed = createEditor({
    parent: editorHost,
    doc: loadDraft(lang0.id) ?? sample(lang0),
    mode: lang0.editor_mode,
    id: lang0.id,
    labelledBy: codeTabId,
    describedBy: `${codeHint.id} ${codeError.id}`,
    onRun: () => form.requestSubmit(),
    onChange: (code) => {
      saveDraft(current().id, code);
      codeError.textContent = '';
      update();
    },
  });

  const state = (): FormState => ({
    language: current().id,
    code: ed.getCode(),
    timeout: timeout.value,
    stdin: stdin.value,
    ...files.get(),
    ...tests.get(),
    limits: lims.get(),
  });

  /** Tab counts, the size line, stdin's place: whatever depends on the whole form. */
  function update(): void {
    const s = state();
    const count = (label: string, n: number) => (n > 0 ? `${label} (${n})` : label);
    t.setLabel('files', count('Files', s.files.length));
    t.setLabel('tests', count('Tests', s.tests.length));
    t.setLabel('limits', count('Limits', Object.keys(s.limits).length));
    stdinBox.hidden = s.tests.length > 0;
    stdinNote.hidden = s.tests.length === 0;
    const code = new TextEncoder().encode(s.code).length;
    const total = inputBytes(buildSubmitBody(s));
    const over = code > limits.max_code_bytes || total > limits.max_input_bytes;
    size.textContent =
      code > limits.max_code_bytes
        ? `${code.toLocaleString()} bytes: over the ${formatBytes(limits.max_code_bytes)} limit`
        : total > limits.max_input_bytes
          ? `${total.toLocaleString()} bytes in all: over the ${formatBytes(limits.max_input_bytes)} limit`
          : total > code
            ? `${formatBytes(code)} of code; ${formatBytes(total)} of ${formatBytes(limits.max_input_bytes)} in all`
            : `${formatBytes(code)} of ${formatBytes(limits.max_code_bytes)}`;
    size.classList.toggle('over', over);
  }

  langSelect.addEventListener('change', () => {
    const l = current();
    localStorage.setItem('code-runner.language', l.id);
    ed.setMode(l.editor_mode, l.id);
    ed.setCode(loadDraft(l.id) ?? sample(l));
    showLanguage();
  });

  const runBtn = h(
    'button',
    { type: 'submit', class: 'btn btn-primary', 'aria-keyshortcuts': 'Control+Enter Meta+Enter' },
    'Run',
    h('kbd', { 'aria-hidden': 'true' }, SHORTCUT),
  );
  const form = h(
    'form',
    { class: 'card submit-form', novalidate: true, 'aria-label': 'Submit code' },
    h(
      'div',
      { class: 'row' },
      h('div', { class: 'field' }, h('label', { for: langSelect.id }, 'Language'), langSelect, langHint, langError),
      timeoutField.el,
    ),
    h('div', { class: 'tabbed' }, t.list, t.panels),
    stdinBox,
    stdinNote,
    h(
      'div',
      { class: 'actions' },
      runBtn,
      copyButton(
        'Copy as curl',
        () => curlCommand(location.origin, buildSubmitBody(state()), apiKey() !== ''),
        'curl command',
        false,
      ),
      size,
    ),
  );
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && e.target !== ed.view.contentDOM) {
      e.preventDefault();
      form.requestSubmit();
    }
  });

  const slots: FieldLookup = (field) => {
    if (field === 'body.timeout_seconds') return timeoutField.slot;
    if (field === 'body.code') return { input: ed.view.contentDOM, error: codeError, tab: 'code' };
    if (field === 'body.language') return { input: langSelect, error: langError };
    if (field === 'body.stdin') return stdinField.slot;
    return files.lookup(field) ?? tests.lookup(field) ?? lims.lookup(field);
  };
  const allSlots = (): FieldSlot[] => {
    const s = state();
    const fields = ['body.timeout_seconds', 'body.code', 'body.language', 'body.stdin', 'body.args', 'body.tests'];
    s.files.forEach((_, i) => fields.push(`body.files.${i}.name`, `body.files.${i}.content`));
    s.tests.forEach((_, i) => fields.push(`body.tests.${i}.stdin`, `body.tests.${i}.expected_output`));
    fields.push('body.compare.mode', 'body.compare.abs_tol', 'body.compare.rel_tol');
    for (const { key } of LIMIT_FIELDS) fields.push(`body.limits.${key}`);
    return fields.map(slots).filter((x): x is FieldSlot => x !== null);
  };

  ready = true;
  showLanguage();
  update();
  return {
    form,
    editor: ed,
    runBtn,
    state,
    apply(s) {
      const l = info.languages.find((x) => x.id === s.language);
      if (!l || l.available === false) return false;
      langSelect.value = l.id;
      ed.setMode(l.editor_mode, l.id);
      ed.setCode(s.code);
      showLanguage();
      timeout.value = s.timeout;
      stdin.value = s.stdin;
      stdinBox.open = s.stdin !== '';
      files.set(s.files, s.args);
      tests.set(s.tests, s.compare);
      lims.set(s.limits);
      t.select('code');
      update();
      return true;
    },
    showProblems(problems) {
      for (const slot of allSlots()) setFieldError(slot, '');
      const unplaced: FieldProblem[] = [];
      let first: FieldSlot | null = null;
      for (const p of problems) {
        const slot = slots(p.field);
        if (!slot) unplaced.push(p);
        else {
          setFieldError(slot, p.message);
          first ??= slot;
        }
      }
      if (first?.tab && t.selected() !== first.tab) t.select(first.tab);
      if (first?.input === stdin) stdinBox.open = true;
      return unplaced;
    },
  };
}
