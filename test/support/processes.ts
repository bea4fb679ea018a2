import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { REPO_ROOT } from './paths.js';
import { eventually } from './stack.js';

/** Real entry points as child processes (node dist/src/.../main.js), for crash and restart tests. */
export interface Proc {
  child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function startProcess(entry: 'worker' | 'api', env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Proc {
  // The worker starts as deployed, through scripts/worker.sh (it execs node: the pid is node's).
  const [cmd, argv] =
    entry === 'worker'
      ? ['bash', [`${REPO_ROOT}scripts/worker.sh`, ...nodeArgs]]
      : [process.execPath, [...nodeArgs, `${REPO_ROOT}dist/src/${entry}/main.js`]];
  const child = spawn(cmd, argv, {
    env: { ...env, NODE: process.execPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    output: () => out,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export async function waitForOutput(p: Proc, pattern: RegExp, timeoutMs: number): Promise<void> {
  await eventually(
    async () =>
      pattern.test(p.output()) ||
      (p.child.exitCode !== null ? Promise.reject(new Error(`process exited: ${p.output()}`)) : false),
    timeoutMs,
    `output ${pattern}`,
  );
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}
