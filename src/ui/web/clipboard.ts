import { announce } from './alerts.js';
import { h } from './dom.js';

/** Copies text; falls back to a selected hidden textarea where the Clipboard API is not allowed (http). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = h('textarea', { class: 'visually-hidden', 'aria-hidden': 'true', tabindex: '-1' });
    ta.value = text;
    document.body.appendChild(ta);
    ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    return ok;
  }
}

/** A "Copy" button for whatever `get` returns at click time. */
export function copyButton(label: string, get: () => string, what = 'Text', small = true): HTMLButtonElement {
  const btn = h('button', { type: 'button', class: small ? 'btn btn-small' : 'btn' }, label);
  btn.addEventListener('click', () => {
    void copyText(get()).then((ok) => {
      announce(ok ? `${what} copied to the clipboard` : `Could not copy; select the text and copy it by hand`);
      if (ok) {
        btn.textContent = 'Copied';
        window.setTimeout(() => (btn.textContent = label), 1500);
      }
    });
  });
  return btn;
}
