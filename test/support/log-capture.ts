import { Writable } from 'node:stream';
import { pino } from 'pino';

/** A pino logger at `level` whose JSON lines are collected, parsed, in `lines` (tests read what was logged). */
export function captureLog(level: pino.Level) {
  const lines: Record<string, unknown>[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: pino({ level }, out) };
}
