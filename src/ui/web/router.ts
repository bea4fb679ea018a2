/** Hash routing (#/, #/runs, #/runs/ID, #/monitor, #/api): the API serves one static page, no server routes. */

/** A page: renders into `root`, returns what stops its timers when the page is left. */
export type View = (root: HTMLElement, params: Record<string, string>, query: URLSearchParams) => (() => void) | void;

export interface Route {
  pattern: RegExp;
  keys: string[];
  view: View;
  title: (params: Record<string, string>) => string;
  nav: string;
}

export interface Match {
  route: Route;
  params: Record<string, string>;
  query: URLSearchParams;
}

export function parseHash(hash: string): { path: string; query: URLSearchParams } {
  const raw = hash.replace(/^#/, '') || '/';
  const [path = '/', qs = ''] = raw.split('?', 2);
  return { path: path.startsWith('/') ? path : `/${path}`, query: new URLSearchParams(qs) };
}

export function match(routes: Route[], hash: string): Match | null {
  const { path, query } = parseHash(hash);
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    route.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1] ?? '')));
    return { route, params, query };
  }
  return null;
}

/** Replaces the query of the current hash without adding a history entry or re-rendering. */
export function setQuery(query: URLSearchParams): void {
  const { path } = parseHash(location.hash);
  const qs = query.toString();
  history.replaceState(null, '', `#${path}${qs ? `?${qs}` : ''}`);
}
