import http from 'node:http';

/** One Server-Sent Event as a raw client reads it, with when it arrived. */
export interface SseEvent {
  event: string;
  id: string | undefined;
  data: unknown;
  at: number;
}

export interface SseStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  events: SseEvent[];
  /** Comment lines (heartbeats) received. */
  comments: number;
  /** Comments other than the heartbeat (why a stream ended early). */
  notes: string[];
  /** The whole body, when the answer is not a stream (a 404's JSON). */
  body: string;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** Resolves at the first event matching `pred` (or rejects after `ms`). */
  until(pred: (e: SseEvent) => boolean, ms: number): Promise<SseEvent>;
  close(): void;
}

/** A raw HTTP client for `text/event-stream`: parses events as the bytes come, no EventSource involved. */
export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
      res.setEncoding('utf8');
      const waiters: { pred: (e: SseEvent) => boolean; ok: (e: SseEvent) => void }[] = [];
      let buf = '';
      const s: SseStream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        events: [],
        comments: 0,
        notes: [],
        body: '',
        ended: new Promise((ok) => res.on('close', () => ok())),
        until(pred, ms) {
          const seen = s.events.find(pred);
          if (seen) return Promise.resolve(seen);
          return new Promise((ok, fail) => {
            const t = setTimeout(() => fail(new Error(`no matching event within ${ms} ms`)), ms);
            waiters.push({ pred, ok: (e) => (clearTimeout(t), ok(e)) });
          });
        },
        close: () => req.destroy(),
      };
      res.on('data', (chunk: string) => {
        s.body += chunk;
        buf += chunk;
        let end: number;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) s.comments++;
            if (line.startsWith(':') && line !== ': keep-alive') s.notes.push(line);
            const m = /^(event|id|data): ?(.*)$/.exec(line);
            if (m) fields[m[1]!] = m[2]!;
          }
          if (fields.data === undefined) continue;
          const e: SseEvent = {
            event: fields.event ?? 'message',
            id: fields.id,
            data: JSON.parse(fields.data),
            at: Date.now(),
          };
          s.events.push(e);
          for (const w of waiters.splice(0)) {
            if (w.pred(e)) w.ok(e);
            else waiters.push(w);
          }
        }
      });
      res.on('error', () => undefined);
      resolve(s);
    });
    req.on('error', reject);
  });
}
