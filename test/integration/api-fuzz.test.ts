// Over 300 lines on purpose: one property per route family, with the oracle each needs, reads best in one place.
import { randomUUID } from 'node:crypto';
import { parse } from 'node:querystring';
import fc from 'fast-check';
import { COMPARE_MODES } from '../../src/domain/judge.js';
import { SPEC_FILE, inputBytes } from '../../src/domain/launcher-spec.js';
import request from 'supertest';
import { createRunBody, listRunsQuery, runIdParams, waitQuery } from '../../src/api/schemas.js';
import { LANGUAGE_ALIASES } from '../../src/config/languages.js';
import { RUN_WORKFLOW_TYPE } from '../../src/workflows/definitions.js';
import { anyJson, arbitraryFor, hostileString } from '../support/schema-arbitrary.js';
import { createStack, eventually, terminateRuns, type Stack } from '../support/stack.js';

/**
 * Property-based fuzzing of the real Express app in-process, backed by the real Temporal server (no worker
 * polls the suite's queue, so accepted runs wait Queued). Inputs come from the routes' own zod schemas and
 * their hostile neighbours. For every request: never a 5xx, errors are JSON with a stable code and no
 * stack trace, and a submission is accepted exactly when an independent check says it is valid; every
 * accepted run can be read back.
 */
describe('API fuzzing', () => {
  let stack: Stack;
  const accepted = new Set<string>();
  beforeAll(async () => {
    // Small size limits keep the oversize cases cheap; a 1 s bound keeps wait=true submissions short.
    stack = await createStack({ MAX_CODE_BYTES: '2048', MAX_STDIN_BYTES: '1024', SYNC_WAIT_MAX_SECONDS: '1' });
  });
  afterAll(async () => {
    await terminateRuns(stack, accepted, 'fuzz test done');
    await stack.close();
  });

  /** What every answer must look like, whatever was sent. */
  const checkShape = (res: request.Response, what: string) => {
    const where = `${what} -> ${res.status} ${res.text.slice(0, 300)}`;
    expect({ where, server_error: res.status >= 500 }).toEqual({ where, server_error: false });
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.text).not.toMatch(/at [^\n]*\.[cm]?js:\d+|node_modules|\/work\//);
    if (res.status >= 400) {
      expect(res.body.error.code).toMatch(/^[a-z_]+$/);
      expect(typeof res.body.error.message).toBe('string');
    }
  };

  /**
   * The independent verdict on a submission, judged on what the server receives (the body after a JSON
   * round trip, the query string as Express's simple parser reads it): should the API accept it?
   */
  const shouldAccept = (bodyJson: string, queryString: string, key: string | undefined): boolean => {
    const b = createRunBody(stack.cfg.limits).safeParse(JSON.parse(bodyJson));
    if (!b.success || !waitQuery.safeParse(parseQuery(queryString)).success) return false;
    const { language, code, stdin } = b.data;
    const lang = stack.cfg.languages.find((l) => l.id === (LANGUAGE_ALIASES[language] ?? language));
    return (
      lang !== undefined &&
      // This stack has no WEBHOOK_SECRET: any callback_url is refused (422 webhooks_disabled).
      b.data.callback_url === undefined &&
      !b.data.files.some((f) => f.name === lang.fileName || f.name === SPEC_FILE) &&
      inputBytes(b.data) <= stack.cfg.limits.maxInputBytes &&
      Buffer.byteLength(code) <= stack.cfg.limits.maxCodeBytes &&
      Buffer.byteLength(stdin) <= stack.cfg.limits.maxStdinBytes &&
      (key === undefined || /^[\x21-\x7e]{1,255}$/.test(key))
    );
  };

  /** Code and stdin near their byte limits, in the characters that grow most when escaped or encoded. */
  const sizedText = (limit: number) =>
    fc
      .tuple(fc.constantFrom('\0', 'é', '😀', '"', 'x', '\u2028'), fc.integer({ min: -2, max: 2 }))
      .map(([ch, delta]) => ch.repeat(Math.max(1, Math.floor((limit + delta * 4) / Buffer.byteLength(ch)))));

  const keyPrefix = `fuzz-${randomUUID().slice(0, 8)}-`;

  /** Registry ids and aliases as clients spell them (any case, padded). */
  const knownLanguage = fc
    .tuple(fc.constantFrom('python', 'javascript', 'py', 'python3', 'js', 'node', 'nodejs', 'c++'), fc.boolean())
    .map(([l, loud]) => (loud ? ` ${l.toUpperCase()} ` : l));

  /** Valid values of the judge fields (arrays and nested objects, which the schema walker leaves to anyJson). */
  const judgeFields = {
    files: fc.uniqueArray(
      fc.record({
        name: fc.constantFrom('a.txt', 'data/in.txt', 'x-1.bin', 'README'),
        content: fc.string({ maxLength: 50 }),
        encoding: fc.constant('utf8'),
      }),
      { maxLength: 3, selector: (f) => f.name },
    ),
    args: fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
    tests: fc.array(
      fc.record({
        stdin: fc.string({ maxLength: 20 }),
        expected_output: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
      }),
      { maxLength: 5 },
    ),
    compare: fc.record({ mode: fc.constantFrom(...COMPARE_MODES) }),
    limits: fc.record(
      { cpu_time_ms: fc.integer({ min: 1, max: 30000 }), memory_mb: fc.integer({ min: 1, max: 1024 }) },
      { requiredKeys: [] },
    ),
  };

  const submission = fc.record({
    body: fc.oneof(
      { arbitrary: arbitraryFor(createRunBody(stackLimits()), { language: knownLanguage, ...judgeFields }), weight: 6 },
      {
        arbitrary: fc.record({
          language: fc.constantFrom('python', 'js', ' Python3 '),
          code: sizedText(2048),
          stdin: fc.oneof(fc.constant(''), sizedText(1024)),
        }),
        weight: 2,
      },
      { arbitrary: anyJson, weight: 1 },
    ),
    // A valid wait holds the request for the 1 s bound: keep one in ten of those.
    query: fc
      .tuple(arbitraryFor(waitQuery), fc.integer({ min: 0, max: 9 }))
      .map(([q, n]) => (n > 0 && waitQuery.safeParse(q).success && q.wait !== undefined ? {} : q))
      .map(queryString),
    // Any value an HTTP client can put in a header (tab, visible ASCII, Latin-1 bytes), valid or not. Keys
    // name runs across the whole Temporal namespace: a per-suite prefix keeps earlier suites' runs out.
    key: fc.option(
      fc
        .oneof(
          fc.stringMatching(/^[\x21-\x7e]{1,40}$/),
          hostileString.filter((k) => /^[\t\x20-\x7e\x80-\xff]*$/.test(k)),
        )
        .map((k) => `${keyPrefix}${k}`),
      { nil: undefined },
    ),
  });

  it('POST /runs: accepts exactly the valid submissions and answers everything else with a JSON 4xx', async () => {
    const keys = new Map<string, string>();
    await fc.assert(
      fc.asyncProperty(submission, async ({ body, query, key }) => {
        const json = JSON.stringify(body);
        const res = await request(stack.app)
          .post(`/runs${query}`)
          .set('Content-Type', 'application/json')
          .set(key === undefined ? {} : { 'Idempotency-Key': key })
          .send(json);
        const what = `POST /runs${query} ${JSON.stringify({ body, key }).slice(0, 300)} -> ${res.status} ${res.text.slice(0, 200)}`;
        checkShape(res, what);
        // HTTP drops the spaces and tabs around a header value: the server sees the key without them.
        const seen = key?.replace(/^[ \t]+|[ \t]+$/g, '');
        const ok = shouldAccept(json, query, seen);
        // A valid key seen before with another body may be refused as reused: that is its contract.
        const reused = seen !== undefined && keys.has(seen) && keys.get(seen) !== json;
        if (ok && reused) expect([200, 201, 422]).toContain(res.status);
        else expect({ what, accepted: res.status < 300 }).toEqual({ what, accepted: ok });
        if (res.status < 300) {
          accepted.add(res.body.run_id);
          if (seen !== undefined) keys.set(seen, json);
        }
      }),
      { numRuns: 400 },
    );
    // The generator really reaches valid submissions: about one in ten is valid with the judge fields
    // (29 of 300 once), so at least 20 of 400 (the mean less over three standard deviations).
    expect(accepted.size).toBeGreaterThanOrEqual(20);
  });

  it('nothing accepted is lost: every accepted run is listed, page by page, as Queued', async () => {
    // (GET /runs/{id} of a run no worker holds waits for its state query's bound: the list is the fast read.)
    const listed = new Map<string, string>();
    await eventually(
      async () => {
        listed.clear();
        let cursor: string | null = null;
        do {
          const res: request.Response = await request(stack.app)
            .get('/runs')
            .query({ limit: 50, ...(cursor ? { cursor } : {}) });
          checkShape(res, 'GET /runs');
          expect(res.status).toBe(200);
          for (const r of res.body.runs as { run_id: string; status: string }[]) listed.set(r.run_id, r.status);
          cursor = res.body.next_cursor as string | null;
        } while (cursor);
        const missing = [...accepted].filter((id) => listed.get(id) !== 'Queued');
        return missing.length === 0 ? true : (console.log(`not (yet) listed as Queued: ${missing.join(', ')}`), false);
      },
      20000,
      `all ${accepted.size} accepted runs listed as Queued`,
      2000,
    );
    const one = [...accepted][0]!;
    const res = await request(stack.app).get(`/runs/${one}`);
    expect(res.body).toMatchObject({ run_id: one, status: 'Queued' });
  });

  it('bodies in other content types and encodings are JSON 4xx errors', async () => {
    const contentType = fc.oneof(
      fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/json; charset=utf-16',
        'application/json; charset=latin1',
        'application/json-patch+json',
        'application/xml',
        '',
      ),
      hostileString.filter((s) => /^[\x20-\x7e]*$/.test(s)),
    );
    const encoding = fc.constantFrom(undefined, 'gzip', 'deflate', 'br', 'identity', 'compress', 'x-garbage');
    const raw = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      hostileString.map((s) => Buffer.from(s)),
      fc.constant(Buffer.from('{"language":"python","code":"print(1)"}')),
    );
    await fc.assert(
      fc.asyncProperty(contentType, encoding, raw, async (type, enc, data) => {
        let req = request(stack.app).post('/runs').set('Content-Type', type);
        if (enc) req = req.set('Content-Encoding', enc);
        const res = await req.send(data);
        checkShape(res, `POST /runs type=${JSON.stringify(type)} enc=${enc} body=${data.toString('hex').slice(0, 80)}`);
        if (res.status < 300) accepted.add(res.body.run_id);
        // Only a readable JSON body in plain (or no) encoding may get through.
        if (res.status < 300) expect([undefined, 'identity']).toContain(enc);
      }),
      { numRuns: 200 },
    );
  });

  it('GET /runs: any query string is a page of runs or a JSON 400; foreign cursors never reach Temporal', async () => {
    // A real cursor: a first page of one run on this suite's queue (two runs at least are there).
    for (const code of ['print(1)', 'print(2)']) {
      const res = await request(stack.app).post('/runs').send({ language: 'python', code });
      expect(res.status).toBe(201);
      accepted.add(res.body.run_id);
    }
    const first = await eventually(
      async () => {
        const r = await request(stack.app).get('/runs?limit=1');
        return r.body.next_cursor ? r : null;
      },
      20000,
      'a first page with a cursor',
    );
    expect(first.status).toBe(200);
    const real = first.body.next_cursor as string;
    expect(typeof real).toBe('string');
    const cursor = fc.oneof(
      hostileString,
      fc.constant(real),
      fc.integer({ min: 1, max: real.length - 1 }).map((n) => real.slice(0, n)),
      fc.base64String({ maxLength: 80 }).map((s) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')),
    );
    const query = fc
      .tuple(arbitraryFor(listRunsQuery), fc.option(cursor, { nil: undefined }))
      .map(([q, c]) => queryString({ ...q, ...(c === undefined ? {} : { cursor: c }) }));
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const res = await request(stack.app).get(`/runs${q}`);
        const what = `GET /runs${q.slice(0, 300)}`;
        checkShape(res, what);
        const parsed = listRunsQuery.safeParse(parseQuery(q));
        // A cursor is valid only as issued: for the first page's query (no filters, limit 1).
        const cursorOk =
          !parsed.success ||
          !parsed.data.cursor ||
          (parsed.data.cursor === real && !parsed.data.status && !parsed.data.language);
        expect({ what, ok: res.status === 200 }).toEqual({ what, ok: parsed.success && cursorOk });
        if (parsed.success && !cursorOk) expect(res.body.error.code).toBe('invalid_cursor');
        if (res.status === 200) expect(Array.isArray(res.body.runs)).toBe(true);
      }),
      { numRuns: 250 },
    );
  });

  it('run ids, methods and paths: JSON 400/404/405, never a server error', async () => {
    const id = fc.oneof(
      // JSON, not String(): a generated object may carry a non-function toString and make String() throw.
      arbitraryFor(runIdParams).map((p) =>
        typeof p.run_id === 'string' ? p.run_id : String(JSON.stringify(p.run_id)),
      ),
      hostileString,
      fc.uuid().map(String),
    );
    const path = fc.oneof(
      id.map((i) => ({ p: `/runs/${encodePart(i)}`, id: i })),
      id.map((i) => ({ p: `/runs/${encodePart(i)}/logs`, id: i })),
      fc.webPath().map((p) => ({ p: p || '/', id: '' })),
      hostileString.map((s) => ({ p: `/${encodePart(s)}`, id: '' })),
    );
    const method = fc.constantFrom('get', 'delete', 'put', 'patch', 'post') as fc.Arbitrary<
      'get' | 'delete' | 'put' | 'patch' | 'post'
    >;
    await fc.assert(
      fc.asyncProperty(method, path, async (m, { p, id: runId }) => {
        const res = await request(stack.app)[m](p);
        checkShape(res, `${m.toUpperCase()} ${p}`);
        // Random ids name no run: never a success.
        if (runId !== '' && !accepted.has(runId)) expect(res.status).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: 250 },
    );
  });

  it('accepted fuzz runs are ordinary runs of the suite queue in Temporal', async () => {
    const sample = [...accepted].slice(0, 5);
    for (const id of sample) {
      const d = await stack.client.workflow.getHandle(id).describe();
      expect(d.type).toBe(RUN_WORKFLOW_TYPE);
      expect(d.taskQueue).toBe(stack.cfg.temporal.taskQueue);
    }
  });
});

/** A query string from any object, values as a client would write them ('' for none). */
function queryString(q: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) params.append(k, typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** The query string as Express's 'simple' query parser (node:querystring) reads it. */
function parseQuery(qs: string): Record<string, unknown> {
  return { ...parse(qs.replace(/^\?/, '')) };
}

/** encodeURIComponent, with lone surrogates (which it refuses) sent as the invalid UTF-8 a client could send. */
function encodePart(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80';
  }
}

/** The limits the suite's stack runs with (set in beforeAll); the schema arbitrary needs them up front. */
function stackLimits() {
  return {
    maxTimeoutSeconds: 300,
    defaultTimeoutSeconds: 10,
    maxTests: 50,
    run: { cpuTimeMs: 30000, memoryMb: 1024, processes: 256, outputKb: 1024, fileSizeKb: 16384 },
  };
}
