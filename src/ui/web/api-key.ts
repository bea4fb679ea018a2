/**
 * The API key the browser sends (`Authorization: Bearer`), kept in this browser's localStorage. With keys
 * off on the server none is needed; with keys on, the person pastes theirs in the top bar's field.
 */
const STORAGE = 'code-runner.api-key';

export function apiKey(): string {
  try {
    return localStorage.getItem(STORAGE) ?? '';
  } catch {
    return ''; // storage blocked: no key
  }
}

export function setApiKey(key: string): void {
  try {
    if (key) localStorage.setItem(STORAGE, key);
    else localStorage.removeItem(STORAGE);
  } catch {
    /* storage blocked: the key lasts until reload */
  }
}

export function keyHeaders(): Record<string, string> {
  const key = apiKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

/** Wires the top bar's key form: shows whether a key is saved, saves or clears it, then reloads the page. */
export function wireKeyForm(form: HTMLFormElement, onChange: () => void): void {
  const input = form.querySelector<HTMLInputElement>('input')!;
  const state = form.querySelector<HTMLElement>('.key-state')!;
  const show = () => {
    state.textContent = apiKey() ? 'key saved' : 'no key';
    input.value = '';
    input.placeholder = apiKey() ? '•••• (saved; paste another to replace)' : 'crk_…';
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setApiKey(input.value.trim());
    show();
    onChange();
  });
  form.querySelector('button[data-clear]')?.addEventListener('click', () => {
    setApiKey('');
    show();
    onChange();
  });
  show();
}
