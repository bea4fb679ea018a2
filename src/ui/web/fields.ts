import { h, uid } from './dom.js';

/** A form control and the element that says what is wrong with it; `tab` names the tab it sits in. */
export interface FieldSlot {
  input: HTMLElement;
  error: HTMLElement;
  tab?: string;
}

/** Finds the slot of an API field path (body.files.0.name...), or null when the form has none for it. */
export type FieldLookup = (field: string) => FieldSlot | null;

export const errorEl = (): HTMLParagraphElement => h('p', { class: 'field-error', id: uid('error') });

export function setFieldError(slot: FieldSlot, message: string): void {
  slot.error.textContent = message;
  slot.input.setAttribute('aria-invalid', message ? 'true' : 'false');
}

/** Points a control at its hint and error texts (aria-describedby). */
export function describe(input: HTMLElement, ...els: (HTMLElement | null)[]): void {
  const ids = els.filter((e): e is HTMLElement => e !== null).map((e) => e.id);
  if (ids.length) input.setAttribute('aria-describedby', ids.join(' '));
}

/** A labelled control with its error text below: <div class=field><label/>control<p class=field-error/></div>. */
export function labelled(label: string, control: HTMLElement, hint?: string): { el: HTMLDivElement; slot: FieldSlot } {
  if (!control.id) control.id = uid('f');
  const hintEl = hint ? h('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  const error = errorEl();
  describe(control, hintEl, error);
  return {
    el: h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl, error),
    slot: { input: control, error },
  };
}
