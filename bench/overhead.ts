import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { RUN_CONTAINER } from '../src/kube/sandbox/manifests.js';
import { rawSandbox, timeRawJob } from './raw-sandbox.js';
import { objectName } from '../src/domain/names.js';
import type { RunInput } from '../src/domain/run.js';
import { loadConfig } from '../src/config/config.js';
import { sandboxSettings } from '../src/activities/index.js';
import { runInput } from '../src/api/languages.js';
import { createStack, sleep, type Stack } from '../test/support/stack.js';
import { printTable, summary } from './stats.js';
import { ContractClient } from './contract-client.js';

/**
 * Overhead: submit-to-result latency of a hello-world run through the product (API → Temporal → worker →
 * Job → logs), against a raw Job (create → complete → logs → delete) and a bare Pod, with the same sandbox
 * spec, interleaved in the same run so machine noise hits all of them alike. Also through the REST contract
 * shared with the predecessors (submit, poll every 100 ms, read logs: bench/contract-client.ts) over real
 * HTTP, and, side by side with it, a peer system's implementation of that contract at PEER_API_URL (for
 * example Mini Code Runner on the same cluster), timed by the same client.
 * Usage: [PEER_API_URL=http://host:port] node dist/bench/overhead.js [iterations]
 *        (KUBECONFIG and a Temporal server must be up)
 */
const N = Number(process.argv[2] ?? process.env.BENCH_ITERATIONS ?? 10);
const RAW_POLL_MS = 100;
const PEER_API_URL = process.env.PEER_API_URL;
const PEER_LANGUAGE = process.env.PEER_LANGUAGE ?? 'python';
const CODE = 'print("hello")';

function inputFor(stack: Stack): RunInput {
  const lang = stack.cfg.languages.find((l) => l.id === 'python')!;
  return runInput(lang, { runId: randomUUID(), code: CODE, stdin: '', timeoutSeconds: 10 });
}

const productRunIds: string[] = [];

async function product(stack: Stack): Promise<number> {
  const t0 = performance.now();
  const res = await request(stack.app)
    .post('/runs?wait=true')
    .set('Content-Type', 'application/json')
    .send({ language: 'python', code: CODE });
  const ms = performance.now() - t0;
  if (res.body.status !== 'Succeeded' || res.body.logs !== 'hello\n')
    throw new Error(`product run failed: ${JSON.stringify(res.body)}`);
  productRunIds.push(res.body.run_id as string);
  return ms;
}

async function rawJob(stack: Stack): Promise<number> {
  // A ConfigMap and a Job made by hand: the program run directly, no launcher (bench/raw-sandbox.ts).
  const { ms, logs } = await timeRawJob(stack.kube, inputFor(stack), sandboxSettings(stack.cfg));
  if (logs !== 'hello\n') throw new Error(`raw job output: ${logs}`);
  return ms;
}

async function barePod(stack: Stack): Promise<number> {
  const input = inputFor(stack);
  const s = sandboxSettings(stack.cfg);
  const { core } = stack.kube;
  const namespace = s.namespace;
  const name = objectName(input.runId);
  const { configMap, job } = rawSandbox(input, s);
  const podSpec = job.spec!.template;
  const t0 = performance.now();
  await core.createNamespacedConfigMap({ namespace, body: configMap });
  await core.createNamespacedPod({ namespace, body: { metadata: { ...podSpec.metadata, name }, spec: podSpec.spec! } });
  for (;;) {
    const p = await core.readNamespacedPod({ name, namespace });
    const t = p.status?.containerStatuses?.[0]?.state?.terminated;
    if (t) break;
    await sleep(RAW_POLL_MS);
  }
  const logs = await core.readNamespacedPodLog({ name, namespace, container: RUN_CONTAINER });
  const ms = performance.now() - t0;
  await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
  await core.deleteNamespacedConfigMap({ name, namespace });
  if (logs !== 'hello\n') throw new Error(`bare pod output: ${logs}`);
  return ms;
}

/** One hello-world run through the contract client; the output must be hello (peers may drop the newline). */
async function viaContract(client: ContractClient, language: string, ids?: string[]): Promise<number> {
  const r = await client.run(language, CODE);
  if (r.status !== 'Succeeded' || r.logs.trimEnd() !== 'hello')
    throw new Error(`${client.baseUrl}: run ${r.runId} ended ${r.status} with ${JSON.stringify(r.logs)}`);
  ids?.push(r.runId);
  return r.ms;
}

async function main(): Promise<void> {
  // The product's own poll schedule (not the tests' fast one), unless the environment sets one.
  const poll = loadConfig(process.env).poll;
  const stack = await createStack({
    JOB_TTL_SECONDS: '60',
    POLL_INITIAL_MS: String(poll.initialMs),
    POLL_MAX_MS: String(poll.maxMs),
    POLL_FACTOR: String(poll.factor),
    POLL_FALLBACK_MS: String(poll.fallbackMs),
  });
  await stack.startWorker();
  // The product's API over a real socket for the contract client (the wait=true case runs in-process).
  const server = stack.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const ours = new ContractClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const peer = PEER_API_URL ? new ContractClient(PEER_API_URL) : undefined;
  try {
    // Warm-up: first pod on a node pays for image unpacking.
    await product(stack);
    await rawJob(stack);
    if (peer) await viaContract(peer, PEER_LANGUAGE);
    const results: Record<string, number[]> = {
      'raw Job (baseline)': [],
      'bare Pod': [],
      'Code Runner (API→result)': [],
      'Code Runner (contract)': [],
      ...(peer ? { 'peer (contract)': [] } : {}),
    };
    for (let i = 0; i < N; i++) {
      results['raw Job (baseline)']!.push(await rawJob(stack));
      results['bare Pod']!.push(await barePod(stack));
      results['Code Runner (API→result)']!.push(await product(stack));
      results['Code Runner (contract)']!.push(await viaContract(ours, 'python', productRunIds));
      if (peer) results['peer (contract)']!.push(await viaContract(peer, PEER_LANGUAGE));
      process.stderr.write('.');
    }
    process.stderr.write('\n');
    console.log(
      `overhead benchmark: ${N} sequential hello-world runs per case (python, same sandbox spec), status polls on workflow timers (fallback ${stack.cfg.poll.fallbackMs} ms) woken early by the watch, cap MAX_ACTIVE_RUNS=${stack.cfg.admission.maxActiveRuns}, SANDBOX_KIND=${stack.cfg.runner.kind}`,
    );
    const events = await Promise.all(
      productRunIds.map(async (id) => (await stack.client.workflow.getHandle(id).fetchHistory()).events?.length ?? 0),
    );
    console.log(
      `contract: POST /runs, GET /runs/{id} every 100 ms until finished, GET /runs/{id}/logs, over HTTP${peer ? `; peer: ${peer.baseUrl} (${PEER_LANGUAGE})` : ' (no PEER_API_URL: no peer measured)'}`,
    );
    console.log(`history events per successful run: min ${Math.min(...events)}, max ${Math.max(...events)}`);
    printTable(
      Object.entries(results).map(([k, v]) => summary(k, v)),
      'raw Job (baseline)',
    );
  } finally {
    server.close();
    await stack.close();
  }
}

await main();
