import { CLOSE, SIGNALS, clientAction } from '../../src/domain/piston-socket.js';

describe('clientAction (Piston /api/v2/connect messages)', () => {
  it('maps each message as Piston does, with its close codes', () => {
    expect(clientAction('{"type":"init","language":"bash"}', false)).toEqual({
      kind: 'init',
      body: { type: 'init', language: 'bash' },
    });
    expect(clientAction('{"type":"init"}', true)).toEqual({ kind: 'close', close: CLOSE.alreadyInitialized });
    expect(clientAction('{"type":"data","stream":"stdin","data":"x"}', false)).toEqual({
      kind: 'close',
      close: CLOSE.notInitialized,
    });
    expect(clientAction('{"type":"data","stream":"stdout","data":"x"}', true)).toEqual({
      kind: 'close',
      close: CLOSE.onlyStdin,
    });
    expect(clientAction('{"type":"data","stream":"stdin","data":"x\\n"}', true)).toEqual({
      kind: 'stdin',
      data: 'x\n',
    });
    expect(clientAction('{"type":"signal","signal":"SIGTERM"}', true)).toEqual({ kind: 'signal', signal: 15 });
    expect(clientAction('{"type":"signal","signal":"SIGRTMAX"}', true)).toEqual({ kind: 'signal', signal: 64 });
    expect(clientAction('{"type":"signal","signal":"TERM"}', true)).toEqual({
      kind: 'close',
      close: CLOSE.invalidSignal,
    });
    expect(clientAction('{"type":"nope"}', true)).toEqual({ kind: 'ignore' });
    expect(clientAction('not json', false).kind).toBe('error');
  });

  it("has Piston's 62 signal names, numbered as Linux", () => {
    expect(SIGNALS.size).toBe(62);
    expect(SIGNALS.get('SIGKILL')).toBe(9);
    expect(SIGNALS.get('SIGRTMIN+15')).toBe(49);
    expect(SIGNALS.get('SIGRTMAX-14')).toBe(50);
  });
});
