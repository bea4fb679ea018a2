import { ServiceError } from '@temporalio/client';
import { CursorCodec } from '../../src/api/cursor.js';
import { translateTemporalError } from '../../src/api/errors.js';
import { HttpError } from '../../src/api/http-error.js';

/** Our own logic in isolation: list cursors, and which Temporal failures read as unavailability. */
describe('list cursors', () => {
  const codec = new CursorCodec(undefined);
  const token = Buffer.from('temporal page token \x00\x01\xff');
  const scope = "WorkflowType = 'run' AND TaskQueue = 'q'";
  const refused = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return e instanceof HttpError && e.status === 400 && e.code === 'invalid_cursor';
    }
    return false;
  };

  it('gives back the page token it sealed, for the same query', () => {
    expect(codec.decode(codec.encode(token, scope), scope)).toEqual(token);
  });

  it('refuses garbage, truncated, tampered and other queries’ cursors', () => {
    const c = codec.encode(token, scope);
    expect(refused(() => codec.decode('abc', scope))).toBe(true);
    expect(refused(() => codec.decode('', scope))).toBe(true);
    expect(refused(() => codec.decode('not base64!', scope))).toBe(true);
    for (let n = 1; n < c.length; n++) expect(refused(() => codec.decode(c.slice(0, n), scope))).toBe(true);
    const flipped = c.slice(0, -2) + (c.at(-2) === 'A' ? 'B' : 'A') + c.at(-1);
    expect(refused(() => codec.decode(flipped, scope))).toBe(true);
    expect(refused(() => codec.decode(c, `${scope} AND RunStatus = 'Failed'`))).toBe(true);
    expect(refused(() => new CursorCodec('another secret of 16+ chars').decode(c, scope))).toBe(true);
  });
});

describe('Temporal failures as HTTP errors', () => {
  const as = (code: number) => {
    try {
      const grpc = Object.assign(new Error('x'), { code, details: 'x', metadata: {} });
      translateTemporalError(new ServiceError('call failed', { cause: grpc }));
    } catch (e) {
      return e instanceof HttpError ? [e.status, e.code] : ['rethrown'];
    }
    return ['returned'];
  };

  const status = { UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, RESOURCE_EXHAUSTED: 8, UNAVAILABLE: 14 };

  it('only unreachable, timed-out and overloaded servers read as unavailable', () => {
    expect(as(status.UNAVAILABLE)).toEqual([503, 'temporal_unavailable']);
    expect(as(status.DEADLINE_EXCEEDED)).toEqual([503, 'temporal_unavailable']);
    expect(as(status.RESOURCE_EXHAUSTED)).toEqual([503, 'temporal_busy']);
    expect(as(status.UNKNOWN)).toEqual([502, 'temporal_error']);
    expect(as(status.INVALID_ARGUMENT)).toEqual([502, 'temporal_error']);
    expect(() => translateTemporalError(new TypeError('a bug'))).toThrow(TypeError);
  });
});
