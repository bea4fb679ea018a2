import fc from 'fast-check';
import { liveOutput } from '../../src/domain/judge-frame.js';
import { END_LINE, LaunchStdout, dataOf } from '../../src/domain/launch-stdout.js';
import {
  beyond,
  formatEventId,
  parseEventId,
  sseFrame,
  stageOrdinal,
  statusAhead,
} from '../../src/domain/run-events.js';

const stage = (s: string) => `\x1ecode-runner:stage ${s}\n`;
const FRAME = `${END_LINE}\n--- code-runner-result abc123 ---\nZXhhbXBsZQ==\n--- end abc123 ---\n`;

/** Feeds `log` to the splitter in the pieces `cuts` makes of it, as a follow delivers it; the output. */
function cutInPieces(log: string, cuts: number[]): string {
  const s = new LaunchStdout();
  let out = '';
  let at = 0;
  for (const n of [...cuts].sort((a, b) => a - b)) {
    out += dataOf(s.push(log.slice(at, n)));
    at = Math.max(at, n);
  }
  return out + dataOf(s.push(log.slice(at))) + dataOf(s.flush());
}

describe('live output cut as the log arrives', () => {
  it('gives what liveOutput gives the whole log, however the log is split', () => {
    const part = fc.oneof(
      fc.string({ maxLength: 20 }).map((s) => s.replaceAll('\x1e', '')),
      fc.constantFrom(
        '\n',
        'héllo wörld 🙂\n',
        stage('compile'),
        stage('run'),
        stage('test 2/3'),
        '\n--- code-',
        '\x1ecode-runner:exit run 0 -\n',
      ),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 12 }), fc.boolean(), fc.array(fc.nat(400)), (parts, framed, cuts) => {
        const log = parts.join('') + (framed ? FRAME : '');
        expect(cutInPieces(log, cuts)).toBe(liveOutput(log));
      }),
      { numRuns: 500 },
    );
  });

  it('passes output on at once and holds back only a launcher line still unfinished', () => {
    const s = new LaunchStdout();
    expect(dataOf(s.push('one\ntwo'))).toBe('one\ntwo');
    expect(dataOf(s.push('\n'))).toBe('\n'); // no newline waits: the end line, not a newline, starts the end
    expect(dataOf(s.push('\x1ecode-runner:st'))).toBe('');
    expect(dataOf(s.push(`age run\nthree\n--- code-runner-result n ---\n${FRAME}`))).toBe(
      'three\n--- code-runner-result n ---\n',
    );
    expect(s.complete).toBe(true);
    expect(dataOf(s.push('more'))).toBe('');
  });
});

describe('event ids', () => {
  it('encode statuses, stage and bytes, and read back', () => {
    const p = { statuses: 3, stage: 4, bytes: 1234 };
    expect(formatEventId(p)).toBe('3.4.1234');
    expect(parseEventId('3.4.1234')).toEqual(p);
    expect(parseEventId('end')).toBe('end');
    expect(parseEventId(undefined)).toBeNull();
    expect(parseEventId('garbage')).toBeNull();
    expect(parseEventId('1.2')).toBeNull();
  });

  it('order the launcher steps, and a new status beyond any step of the one before', () => {
    expect(['', 'compile', 'run', 'test 1/3', 'test 3/3'].map(stageOrdinal)).toEqual([0, 1, 2, 3, 5]);
    expect(statusAhead({ statuses: 3, stage: 0, bytes: 0 }, { statuses: 2, stage: 5, bytes: 9 })).toBe(true);
    expect(statusAhead({ statuses: 3, stage: 2, bytes: 0 }, { statuses: 3, stage: 1, bytes: 0 })).toBe(true);
    expect(statusAhead({ statuses: 3, stage: 1, bytes: 0 }, { statuses: 3, stage: 1, bytes: 0 })).toBe(false);
  });

  it('resume output at a byte offset, inside a piece or after it', () => {
    expect(beyond('héllo', 0, 3)).toBe('llo'); // é is two bytes
    expect(beyond('abc', 10, 5)).toBe('abc');
    expect(beyond('abc', 0, 3)).toBe('');
    expect(beyond('cdef', 2, 4)).toBe('ef');
  });

  it('frame an event as one SSE message of JSON', () => {
    expect(sseFrame('output', '1.2.3', { text: 'a\nb' })).toBe('event: output\nid: 1.2.3\ndata: {"text":"a\\nb"}\n\n');
  });
});
