/**
 * Server-Sent Events read with fetch, which (unlike EventSource) can send the API key. It reconnects as
 * EventSource does, with Last-Event-ID, after a dropped connection; an answer other than 200 ends it.
 */
export interface SseHandlers {
  event(type: string, data: string): void;
  /** The stream broke (`status`: the server refused it); `fatal`: do not reconnect. */
  error(fatal: boolean): void;
}

/** Splits a stream's text into events; returns the unfinished rest. */
export function parseSse(text: string, emit: (type: string, data: string, id: string | null) => void): string {
  const blocks = text.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let type = 'message';
    let id: string | null = null;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue; // a comment (heartbeat)
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    }
    if (data.length > 0) emit(type, data.join('\n'), id);
  }
  return rest;
}

const RETRY_MS = 1000;

export function fetchSse(url: string, headers: Record<string, string>, on: SseHandlers): { close(): void } {
  const abort = new AbortController();
  let lastId: string | null = null;
  let closed = false;
  const connect = async (): Promise<void> => {
    try {
      const res = await fetch(url, {
        headers: { Accept: 'text/event-stream', ...headers, ...(lastId ? { 'Last-Event-ID': lastId } : {}) },
        signal: abort.signal,
      });
      if (res.status === 204) return; // nothing more (the end was seen)
      if (res.status !== 200 || !res.body) return on.error(true);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf = parseSse(buf + value, (type, data, id) => {
          if (id !== null) lastId = id;
          on.event(type, data);
        });
      }
    } catch {
      if (closed) return;
    }
    if (closed) return;
    on.error(false);
    setTimeout(() => void (closed || connect()), RETRY_MS);
  };
  void connect();
  return {
    close() {
      closed = true;
      abort.abort();
    },
  };
}
