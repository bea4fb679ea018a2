import { connect, createServer, type Server, type Socket } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { createKubeClients, type KubeClients } from '../../src/kube/client.js';
import { RunWatch } from '../../src/kube/run-watch.js';
import { freePort } from '../support/processes.js';
import { eventually, sleep, TEST_RUNNER_NAMESPACE } from '../support/stack.js';

/**
 * The worker's watch cache against a real API server reached through a TCP relay that the test cuts and
 * restores (a real connection failure, not a stand-in): while the watch is down the worker must read the
 * API server itself, so the cache must not call itself synced.
 */
describe('RunWatch readiness', () => {
  const real = createKubeClients();
  const target = new URL(real.kc.getCurrentCluster()!.server);

  /** Clients for the same cluster and credentials, at another address. */
  const clientsAt = (server: string): KubeClients => {
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: real.kc.clusters.map((c) => ({ ...c, server })),
      users: real.kc.users,
      contexts: real.kc.contexts,
      currentContext: real.kc.currentContext,
    });
    return {
      kc,
      source: 'kubeconfig',
      origin: server,
      core: kc.makeApiClient(k8s.CoreV1Api),
      batch: kc.makeApiClient(k8s.BatchV1Api),
      apps: kc.makeApiClient(k8s.AppsV1Api),
    };
  };

  /** A TCP relay to the real API server that can drop every connection and refuse new ones. */
  class Relay {
    private server?: Server;
    private readonly sockets = new Set<Socket>();
    constructor(readonly port: number) {}
    open(): Promise<void> {
      const server = createServer((down) => {
        const up = connect(Number(target.port || 443), target.hostname);
        for (const s of [down, up]) {
          this.sockets.add(s);
          s.on('close', () => this.sockets.delete(s));
          s.on('error', () => (s === up ? down : up).destroy());
        }
        down.pipe(up).pipe(down);
      });
      this.server = server;
      return new Promise((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    }
    async cut(): Promise<void> {
      const server = this.server;
      this.server = undefined;
      for (const s of this.sockets) s.destroy();
      if (server) await new Promise((r) => server.close(r));
    }
  }

  const watches: RunWatch[] = [];
  afterAll(async () => {
    for (const w of watches) await w.stop();
  });

  it('a watch whose API server cannot be reached is not synced, and callers read the server', async () => {
    const port = await freePort(); // nothing listens there
    const watch = new RunWatch(clientsAt(`https://127.0.0.1:${port}`), TEST_RUNNER_NAMESPACE);
    watches.push(watch);
    await watch.start();
    expect(watch.synced).toBe(false);
    expect(watch.snapshot('any-run', 'any-job')).toBeUndefined();
    await sleep(2500); // past a restart attempt, which fails the same way
    expect(watch.synced).toBe(false);
  });

  it('loses readiness when its connection is cut and regains it when the server is back', async () => {
    const relay = new Relay(await freePort());
    await relay.open();
    const watch = new RunWatch(clientsAt(`https://127.0.0.1:${relay.port}`), TEST_RUNNER_NAMESPACE);
    watches.push(watch);
    await watch.start();
    expect(watch.synced).toBe(true);
    expect(watch.snapshot('any-run', 'any-job')).toEqual({ job: undefined, pods: [] });

    await relay.cut();
    await eventually(async () => !watch.synced, 10000, 'the watch to notice the lost API server');
    await sleep(2500); // restarts keep failing while the server is away: still not synced
    expect(watch.synced).toBe(false);
    expect(watch.snapshot('any-run', 'any-job')).toBeUndefined();

    await relay.open();
    await eventually(async () => watch.synced, 40000, 'the watch to resync once the API server is back');
    expect(watch.snapshot('any-run', 'any-job')).toEqual({ job: undefined, pods: [] });
    await relay.cut();
  });
});
