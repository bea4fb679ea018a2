import { readdirSync } from 'node:fs';
import vm from 'node:vm';
import { UNBOUNDED_MS, dropUnboundedTimeouts } from '../../src/worker/activation-limit.js';

/**
 * Node enforces a `vm` timeout with a watchdog thread that lives for the length of the call: counted
 * from inside the call (this process's threads in /proc), before and after the timeout the SDK uses to
 * mean "no limit" is dropped. A real limit keeps its watchdog, and still stops a loop.
 */
describe('dropUnboundedTimeouts', () => {
  const threads = () => readdirSync('/proc/self/task').length;
  const context = vm.createContext({ threads });
  const script = new vm.Script('threads()');
  const during = (timeout?: number) => script.runInContext(context, timeout ? { timeout } : {}) as number;

  it('makes the unbounded timeout start no watchdog thread; other timeouts keep theirs', () => {
    const plain = during();
    expect(during(UNBOUNDED_MS)).toBe(plain + 1); // Node's own behaviour, before
    dropUnboundedTimeouts();
    dropUnboundedTimeouts(); // idempotent: not wrapped twice
    expect(during(UNBOUNDED_MS)).toBe(plain);
    expect(during(60_000)).toBe(plain + 1);
    expect(() => new vm.Script('for (;;) {}').runInContext(context, { timeout: 50 })).toThrow(/timed out after 50ms/);
  });
});
