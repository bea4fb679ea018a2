import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { UNBOUNDED_MS } from '../../src/worker/activation-limit.js';

const MODULE = fileURLToPath(new URL('../../src/worker/activation-limit.js', import.meta.url));

/**
 * Node enforces a `vm` timeout with a watchdog thread that lives for the length of the call: counted from
 * inside the call (the process's threads in /proc), before and after the timeout the SDK uses to mean "no
 * limit" is dropped. In a fresh process: the patch is process-wide, and other suites in this jest process
 * may have installed it already (or have native threads coming and going).
 */
const PROBE = `
import { readdirSync } from 'node:fs';
import vm from 'node:vm';
import { dropUnboundedTimeouts } from ${JSON.stringify(MODULE)};
const threads = () => readdirSync('/proc/self/task').length;
const context = vm.createContext({ threads });
const script = new vm.Script('threads()');
const during = (timeout) => script.runInContext(context, timeout ? { timeout } : {});
const r = { plain: during(), before: during(${UNBOUNDED_MS}) };
dropUnboundedTimeouts();
dropUnboundedTimeouts();
Object.assign(r, { after: during(${UNBOUNDED_MS}), bounded: during(60000) });
try { new vm.Script('for (;;) {}').runInContext(context, { timeout: 50 }); } catch (e) { r.loop = e.message; }
console.log(JSON.stringify(r));
`;

describe('dropUnboundedTimeouts', () => {
  it('makes the unbounded timeout start no watchdog thread; other timeouts keep theirs', () => {
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    const r = JSON.parse(out.stdout) as { plain: number; before: number; after: number; bounded: number; loop: string };
    expect(r.before).toBe(r.plain + 1); // Node's own behaviour: a thread for the call
    expect(r.after).toBe(r.plain); // dropped (and installing twice wraps once)
    expect(r.bounded).toBe(r.plain + 1); // a real limit keeps its watchdog
    expect(r.loop).toMatch(/timed out after 50ms/); // and still stops a loop
  });
});
