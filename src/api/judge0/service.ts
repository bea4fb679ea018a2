import type { Config } from '../../config/config.js';
import type { LanguagesService } from '../languages-service.js';
import type { RunsService } from '../runs-service.js';
import { Judge0Error, asJudge0 } from './errors.js';
import { languageName, servedLanguages } from './languages.js';
import { fieldErrors, judge0Limits, submissionSchema } from './request.js';
import { parseFields, present, toSubmission, type Field, type Submission } from './submission.js';
import { decode64 } from './text.js';
import { judge0Language, toRun } from './to-run.js';
import { resolvedCallbackError } from './callback-url.js';
import type { Requester } from '../audit.js';
import type { DefaultedField } from '../../domain/tenant-maxima.js';

/** Judge0's operations on our runs: each submission is a run (token = run id), marked client "judge0". */

const TOKEN = /^[A-Za-z0-9-]{1,64}$/;
/** Base64-encoded request fields with base64_encoded=true. */
const ENCODED = ['source_code', 'stdin', 'expected_output'] as const;

export class Judge0Service {
  private readonly schema;

  constructor(
    private readonly cfg: Config,
    private readonly runs: RunsService,
    private readonly languages: LanguagesService,
  ) {
    this.schema = submissionSchema(cfg);
  }

  /** Fields a client asked for, or Judge0's 400. */
  fields(param: string | undefined): readonly Field[] {
    const f = parseFields(param);
    if ('invalid' in f) throw new Judge0Error(400, { error: `invalid fields: [${f.invalid.join(', ')}]` });
    return f.fields;
  }

  /** Judge0 counts the queue before accepting: more than JUDGE0_MAX_QUEUE_SIZE queued runs is 503. */
  async checkQueue(adding: number): Promise<void> {
    const queued = await this.runs.count('Queued');
    if (queued + adding > this.cfg.judge0.maxQueueSize) throw new Judge0Error(503, { error: 'queue is full' });
  }

  /** Validates and starts one submission: its token, or Judge0's 422 field errors. */
  async create(raw: unknown, base64: boolean, by?: Requester): Promise<{ token: string }> {
    const body: Record<string, unknown> = raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...raw } : {};
    if (base64) for (const f of ENCODED) if (typeof body[f] === 'string') body[f] = decode64(body[f]);
    const lang = judge0Language(body.language_id, this.cfg.languages);
    // A multi-file program (89) takes its main file from additional_files, and no source_code.
    const main = lang && 'spec' in lang && lang.language.project ? lang.spec.fileName : null;
    const parsed = (main ? submissionSchema(this.cfg, main) : this.schema).safeParse(body);
    const errors = parsed.success ? {} : fieldErrors(parsed.error);
    if (lang && 'error' in lang) (errors.language_id ??= []).push(lang.error);
    if (!parsed.success || !lang || 'error' in lang) throw new Judge0Error(422, errors);
    const callbackUrl = parsed.data.callback_url;
    const refused = callbackUrl ? await resolvedCallbackError(this.cfg, callbackUrl) : null;
    if (refused) throw new Judge0Error(422, { callback_url: [refused] });
    const run = toRun(parsed.data, lang, judge0Limits(this.cfg));
    // Limits the client left to Judge0's defaults are lowered to its tenant's maxima, not refused.
    const req = parsed.data;
    const defaulted: DefaultedField[] = [
      ...(req.wall_time_limit === undefined ? (['timeout_seconds', 'wall_time_ms'] as const) : []),
      ...(req.cpu_time_limit === undefined || req.cpu_time_limit === 0 ? (['cpu_time_ms'] as const) : []),
      ...(req.memory_limit === undefined ? (['memory_mb'] as const) : []),
    ];
    const { view } = await this.runs.start(run.body, undefined, {
      client: 'judge0',
      clientSettings: run.settings,
      defaulted,
      ...(by ? { by } : {}),
      ...(callbackUrl ? { callbackUrl } : {}),
    });
    return { token: view.run_id };
  }

  /** A batch: one {token} or error object per submission, in order (Judge0: 201 if any was accepted). */
  async createBatch(
    items: unknown[],
    base64: boolean,
    by?: Requester,
  ): Promise<{ created: boolean; results: unknown[] }> {
    const results = await Promise.all(
      items.map((item) => this.create(item, base64, by).catch((err: unknown) => asJudge0(err).body)),
    );
    return { created: results.some((r) => typeof (r as { token?: unknown }).token === 'string'), results };
  }

  /** Every field of one submission; 404 as Judge0 for an unknown token. */
  async submission(token: string, names?: (id: number) => string | null): Promise<Submission> {
    if (!TOKEN.test(token)) throw new Judge0Error(404, { status: 404, error: 'Not Found' });
    return toSubmission(await this.runs.detail(token), names ?? (await this.names()));
  }

  /** Several submissions, null for the unknown ones (GET /submissions/batch). */
  async batch(
    tokens: string[],
    fields: readonly Field[],
    base64: boolean,
  ): Promise<(Record<string, unknown> | null)[]> {
    const names = await this.names();
    return Promise.all(
      tokens.map((t) =>
        this.submission(t, names).then(
          (s) => present(s, fields, base64),
          (err: unknown) => {
            if (asJudge0(err).status === 404) return null;
            throw err;
          },
        ),
      ),
    );
  }

  /** A numbered page of every run, newest first, with will_paginate's meta (GET /submissions). */
  async page(page: number, perPage: number, fields: readonly Field[], base64: boolean) {
    const [total, ids, names] = await Promise.all([
      this.runs.count(),
      this.runs.ids((page - 1) * perPage, perPage),
      this.names(),
    ]);
    const subs = await Promise.all(ids.map((id) => this.submission(id, names)));
    const pages = Math.ceil(total / perPage);
    return {
      submissions: subs.map((s) => present(s, fields, base64)),
      meta: {
        current_page: page,
        next_page: page < pages ? page + 1 : null,
        prev_page: page > 1 ? page - 1 : null,
        total_pages: pages,
        total_count: total,
      },
    };
  }

  /** Judge0 ids we serve, each with its name and our toolchain version. */
  async languageList() {
    const views = await this.languages.list();
    return servedLanguages(this.cfg.languages).map((l) => {
      const view = views.find((v) => v.id === l.language);
      return { language: l, view, name: languageName(l, view?.version ?? null) };
    });
  }

  /** Judge0 id → name, for the `language` field of submissions. */
  async names(): Promise<(id: number) => string | null> {
    const list = await this.languageList();
    return (id) => list.find((l) => l.language.id === id)?.name ?? null;
  }
}
