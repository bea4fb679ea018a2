import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { DEFAULT_TENANT, type Caller } from '../../domain/tenant.js';
import { HttpError } from '../http-error.js';
import type { KeyRegistry } from './registry.js';

/**
 * API keys on every request except the open paths (probes, the UI's files, the OpenAPI document, metrics,
 * the queue KEDA reads). The key comes in `Authorization: Bearer <key>`, `X-API-Key`, or `X-Auth-Token`
 * (Judge0's header, so Judge0 clients send their key where they send a token). Missing, malformed, unknown
 * revoked or expired: 401 with `WWW-Authenticate: Bearer`.
 */
export function authenticate(registry: KeyRegistry, isOpen: (req: Request) => boolean): RequestHandler {
  return (req, res, next) => {
    const text = keyOf(req);
    const caller = text ? registry.authenticate(text) : null;
    // Open paths answer anyone, with no scope unless a valid key says otherwise (/system/queue's run ids).
    if (isOpen(req)) {
      res.locals.caller = caller ?? NOBODY;
      return next();
    }
    if (caller) {
      res.locals.caller = caller;
      return next();
    }
    res.setHeader('WWW-Authenticate', 'Bearer realm="code-runner"');
    next(
      new HttpError(
        401,
        'unauthorized',
        text
          ? 'the API key is not valid (unknown, revoked, expired or mistyped)'
          : 'an API key is required: send Authorization: Bearer <key> or X-API-Key: <key>',
      ),
    );
  };
}

/** A caller without a key, on an open path: no scope at all. */
const NOBODY: Caller = { tenant: DEFAULT_TENANT, scopes: [] };

/** The key's text from the first header that carries one. */
export const keyOf = (req: Pick<IncomingMessage, 'headers'>): string | undefined => keyFromHeaders(req.headers);

export function keyFromHeaders(h: IncomingHttpHeaders): string | undefined {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
  const auth = one(h.authorization);
  if (auth) return /^bearer\s+/i.test(auth) ? auth.replace(/^bearer\s+/i, '').trim() : auth;
  return one(h['x-api-key']) ?? one(h['x-auth-token']);
}

/** Paths open without a key, for GET and HEAD only. */
export const OPEN_PATHS = ['/health', '/ready', '/openapi.json', '/metrics', '/system/queue'] as const;

/** The open-path test: the fixed paths, plus the UI's own files (given as URL paths, `/` for its index). */
export function openPaths(uiFiles: Iterable<string>): (req: Request) => boolean {
  const open = new Set<string>([...OPEN_PATHS, ...uiFiles]);
  return (req) => (req.method === 'GET' || req.method === 'HEAD') && open.has(req.path);
}

/** The URL paths of the UI's files (`/` for its index), listed once when the app is built. */
export function uiPaths(dir: string | undefined): string[] {
  if (!dir || !existsSync(dir)) return [];
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
  const paths = files.map((f) => `/${relative(dir, join(f.parentPath, f.name)).split(sep).join('/')}`);
  return paths.includes('/index.html') ? ['/', ...paths] : paths;
}
