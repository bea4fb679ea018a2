import fc from 'fast-check';
import { END_LINE, LaunchStdout, type LaunchEvent } from '../../src/domain/launch-stdout.js';

const NONCE = 'nonce-0123456789';
const FRAME = `${END_LINE}\n--- code-runner-result ${NONCE} ---\nAAAA\n--- end ${NONCE} ---\n`;

/** Adjacent data events joined (chunking may split data anywhere). */
function merged(events: LaunchEvent[]): LaunchEvent[] {
  const out: LaunchEvent[] = [];
  for (const e of events) {
    const last = out[out.length - 1];
    if (e.kind === 'data' && last?.kind === 'data') out[out.length - 1] = { kind: 'data', data: last.data + e.data };
    else out.push(e);
  }
  return out;
}

describe('LaunchStdout', () => {
  it('splits data, stage and exit lines, and ends at the end line', () => {
    const s = new LaunchStdout();
    const events = s.push(
      `\x1ecode-runner:stage compile\n\x1ecode-runner:exit compile 0 -\nhi\x1ecode-runner:stage run\nout${FRAME}`,
    );
    expect(events).toEqual([
      { kind: 'stage', stage: 'compile' },
      { kind: 'exit', stage: 'compile', code: 0, signal: null },
      { kind: 'data', data: 'hi' },
      { kind: 'stage', stage: 'run' },
      { kind: 'data', data: 'out' },
      { kind: 'end' },
    ]);
    expect(s.push('more')).toEqual([]);
  });

  it('gives a held tail as data when the stream ends without an end line (a killed launch)', () => {
    const s = new LaunchStdout();
    expect(s.push('out\x1ecode-runner:sta')).toEqual([{ kind: 'data', data: 'out' }]);
    expect(s.flush()).toEqual([{ kind: 'data', data: '\x1ecode-runner:sta' }]);
    expect(s.complete).toBe(true);
  });

  it('reads a signal exit and a stage with spaces', () => {
    expect(new LaunchStdout().push('\x1ecode-runner:exit test 1/2 - SIGKILL\n')).toEqual([
      { kind: 'exit', stage: 'test 1/2', code: null, signal: 'SIGKILL' },
    ]);
  });

  it('passes data on at once (a prompt ending in a newline), and a 0x1e line that is not the launcher’s', () => {
    const s = new LaunchStdout();
    expect(s.push('name?\n')).toEqual([{ kind: 'data', data: 'name?\n' }]);
    expect(merged(s.push(`\x1eunknown\nx`))).toEqual([{ kind: 'data', data: `\x1eunknown\nx` }]);
  });

  it('gives the same events however the stdout is chunked', () => {
    const whole = `a\x1ecode-runner:stage run\nb\n--- code\x1ecode-runner:exit run 3 -\n${FRAME}`;
    const expected = merged(new LaunchStdout().push(whole));
    fc.assert(
      fc.property(fc.array(fc.nat(whole.length), { maxLength: 12 }), (cuts) => {
        const points = [...new Set([0, ...cuts, whole.length])].sort((a, b) => a - b);
        const s = new LaunchStdout();
        const events = points.slice(1).flatMap((p, i) => s.push(whole.slice(points[i], p)));
        expect(merged(events)).toEqual(expected);
      }),
    );
  });
});
