import { LIMIT_FIELDS, type FormState, type LimitKey } from '../../shared/submit-form.js';
import type { RunLimitMaxima } from '../../shared/types.js';
import { h } from '../dom.js';
import { labelled, type FieldLookup, type FieldSlot } from '../fields.js';

export interface LimitsEditor {
  el: HTMLElement;
  get(): FormState['limits'];
  set(limits: FormState['limits']): void;
  lookup: FieldLookup;
}

/** The Limits tab: each of the run's limits, empty for the language's default; placeholders show the maxima. */
export function limitsEditor(maxima: RunLimitMaxima, onChange: () => void): LimitsEditor {
  const inputs = new Map<LimitKey, { input: HTMLInputElement; slot: FieldSlot }>();
  const fields = LIMIT_FIELDS.map(({ key, label, unit }) => {
    const max = maxima[key];
    const input = h('input', {
      type: 'number',
      inputmode: 'numeric',
      name: `limits.${key}`,
      min: 1,
      max,
      step: 1,
      placeholder: `default; at most ${max.toLocaleString('en')}`,
    });
    input.addEventListener('input', onChange);
    const f = labelled(unit ? `${label} (${unit})` : label, input);
    inputs.set(key, { input, slot: { ...f.slot, tab: 'limits' } });
    return f.el;
  });
  return {
    el: h(
      'div',
      { class: 'tab-body' },
      h(
        'p',
        { class: 'hint' },
        'Optional, for each test (or the one run). Empty fields keep the language’s defaults; the operator sets the maxima.',
      ),
      h('div', { class: 'row limits-grid' }, fields),
    ),
    get() {
      const out: FormState['limits'] = {};
      for (const [key, { input }] of inputs) if (input.value.trim() !== '') out[key] = input.value.trim();
      return out;
    },
    set(limits) {
      for (const [key, { input }] of inputs) input.value = limits[key] ?? '';
      onChange();
    },
    lookup(field) {
      const m = /^body\.limits\.(\w+)$/.exec(field);
      return (m && inputs.get(m[1] as LimitKey)?.slot) || null;
    },
  };
}
