import {
  COMPARE_LABELS,
  DEFAULT_COMPARE,
  emptyTest,
  type FormState,
  type TestDraft,
} from '../../shared/submit-form.js';
import { COMPARE_MODES, type CompareMode } from '../../shared/types.js';
import { h, uid } from '../dom.js';
import { errorEl, labelled, type FieldLookup, type FieldSlot } from '../fields.js';

interface Row {
  el: HTMLFieldSetElement;
  legend: HTMLLegendElement;
  stdin: HTMLTextAreaElement;
  expected: HTMLTextAreaElement;
  check: HTMLInputElement;
  stdinSlot: FieldSlot;
  expectedSlot: FieldSlot;
}

export interface TestsEditor {
  el: HTMLElement;
  get(): { tests: TestDraft[]; compare: FormState['compare'] };
  set(tests: TestDraft[], compare: FormState['compare']): void;
  lookup: FieldLookup;
}

/** The Tests tab: test cases (input and expected output) and how the output is compared. */
export function testsEditor(maxTests: number, onChange: () => void): TestsEditor {
  const rows: Row[] = [];
  const list = h('div', { class: 'item-list' });
  const empty = h(
    'p',
    { class: 'hint' },
    'No tests: the program runs once with the standard input below. Add tests to judge it: each test runs the program once with its own input and compares the output.',
  );
  const addBtn = h('button', { type: 'button', class: 'btn btn-small' }, '+ Add test');
  const countError = errorEl();
  const mode = h(
    'select',
    { name: 'compare' },
    COMPARE_MODES.map((m) => h('option', { value: m }, COMPARE_LABELS[m])),
  );
  mode.value = DEFAULT_COMPARE;
  const absTol = h('input', { type: 'text', inputmode: 'decimal', placeholder: '1e-6', class: 'mono' });
  const relTol = h('input', { type: 'text', inputmode: 'decimal', placeholder: '1e-6', class: 'mono' });
  const modeField = labelled('Compare output', mode);
  const absField = labelled('Absolute tolerance', absTol);
  const relField = labelled('Relative tolerance', relTol);
  const tolerances = h('div', { class: 'row' }, absField.el, relField.el);
  const compareBox = h('div', { class: 'field-sep' }, h('div', { class: 'row' }, modeField.el), tolerances);

  const update = () => {
    rows.forEach((r, i) => (r.legend.textContent = `Test ${i + 1}`));
    empty.hidden = rows.length > 0;
    compareBox.hidden = rows.length === 0;
    tolerances.hidden = mode.value !== 'float';
    addBtn.disabled = rows.length >= maxTests;
    addBtn.title = addBtn.disabled ? `At most ${maxTests} tests` : '';
    onChange();
  };

  const add = (t: TestDraft = emptyTest(), focus = false): void => {
    const stdin = h('textarea', { rows: 3, spellcheck: 'false', class: 'mono' });
    const expected = h('textarea', { rows: 3, spellcheck: 'false', class: 'mono' });
    const check = h('input', { type: 'checkbox', id: uid('check') });
    stdin.value = t.stdin;
    expected.value = t.expected;
    check.checked = t.check;
    expected.disabled = !t.check;
    const stdinField = labelled('Input (stdin)', stdin);
    const expectedField = labelled('Expected output', expected);
    const legend = h('legend', {});
    const remove = h('button', { type: 'button', class: 'btn btn-small btn-danger' }, 'Remove');
    const el = h(
      'fieldset',
      { class: 'item' },
      legend,
      h('div', { class: 'item-body two' }, stdinField.el, expectedField.el),
      h(
        'div',
        { class: 'item-tools' },
        h(
          'div',
          { class: 'field check' },
          check,
          h('label', { for: check.id }, 'Compare the output (else judged by exit status and limits only)'),
        ),
        remove,
      ),
    );
    const row: Row = {
      el,
      legend,
      stdin,
      expected,
      check,
      stdinSlot: { ...stdinField.slot, tab: 'tests' },
      expectedSlot: { ...expectedField.slot, tab: 'tests' },
    };
    remove.setAttribute('aria-label', 'Remove this test');
    remove.addEventListener('click', () => {
      const i = rows.indexOf(row);
      rows.splice(i, 1);
      el.remove();
      update();
      (rows[i]?.stdin ?? rows[i - 1]?.stdin ?? addBtn).focus();
    });
    check.addEventListener('change', () => {
      expected.disabled = !check.checked;
      onChange();
    });
    stdin.addEventListener('input', onChange);
    expected.addEventListener('input', onChange);
    rows.push(row);
    list.append(el);
    update();
    if (focus) stdin.focus();
  };
  addBtn.addEventListener('click', () => add(undefined, true));
  mode.addEventListener('change', update);
  absTol.addEventListener('input', onChange);
  relTol.addEventListener('input', onChange);
  update();

  return {
    el: h('div', { class: 'tab-body' }, list, empty, h('div', { class: 'actions' }, addBtn), countError, compareBox),
    get: () => ({
      tests: rows.map((r) => ({ stdin: r.stdin.value, expected: r.expected.value, check: r.check.checked })),
      compare: { mode: mode.value as CompareMode, abs_tol: absTol.value, rel_tol: relTol.value },
    }),
    set(tests, compare) {
      for (const r of rows.splice(0)) r.el.remove();
      for (const t of tests) add(t);
      mode.value = compare.mode;
      absTol.value = compare.abs_tol;
      relTol.value = compare.rel_tol;
      update();
    },
    lookup(field) {
      if (field === 'body.tests') return { input: countError, error: countError, tab: 'tests' };
      if (field === 'body.compare.abs_tol') return { ...absField.slot, tab: 'tests' };
      if (field === 'body.compare.rel_tol') return { ...relField.slot, tab: 'tests' };
      if (field.startsWith('body.compare')) return { ...modeField.slot, tab: 'tests' };
      const m = /^body\.tests\.(\d+)(?:\.(\w+))?$/.exec(field);
      const row = m ? rows[Number(m[1])] : undefined;
      if (!row) return null;
      return m?.[2] === 'expected_output' ? row.expectedSlot : row.stdinSlot;
    },
  };
}
