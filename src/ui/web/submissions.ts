import type { SubmitBody } from '../shared/types.js';

/**
 * What this browser submitted, by run id: the run page's curl command falls back on it when the API cannot
 * give a run's input back (GET /runs/:id/input; runs from before inputs were kept). Kept in localStorage,
 * the newest 50.
 */
const KEY = 'code-runner.submissions';
const MAX = 50;

type Store = Record<string, SubmitBody & { at: number }>;

function load(): Store {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '{}') as Store;
  } catch {
    return {};
  }
}

export function remember(runId: string, body: SubmitBody): void {
  const store = load();
  store[runId] = { ...body, at: Date.now() };
  const keep = Object.entries(store)
    .sort((a, b) => b[1].at - a[1].at)
    .slice(0, MAX);
  try {
    localStorage.setItem(KEY, JSON.stringify(Object.fromEntries(keep)));
  } catch {
    /* storage full or disabled: the curl command falls back to a placeholder */
  }
}

export function recall(runId: string): SubmitBody | null {
  const s = load()[runId];
  if (!s) return null;
  const { at: _at, ...body } = s;
  return body;
}

const DRAFT = 'code-runner.draft.';
export const saveDraft = (language: string, code: string): void => {
  try {
    localStorage.setItem(DRAFT + language, code);
  } catch {
    /* ignore */
  }
};
export const loadDraft = (language: string): string | null => {
  try {
    return localStorage.getItem(DRAFT + language);
  } catch {
    return null;
  }
};
