import { readFileSync, readdirSync } from 'node:fs';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** Process CPU and memory from /proc (Linux), and a CPU-profile summary: the benchmarks' profiler. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * Peak resident set (VmHWM), current RSS and its anonymous and file-backed (incl. shared memory) parts,
 * in MiB, of a process or of the calling one ('self').
 */
export function memoryMiB(pid: number | 'self'): { peak: number; rss: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
  return { peak: mib('VmHWM'), rss: mib('VmRSS'), anon: mib('RssAnon'), file: mib('RssFile') + mib('RssShmem') };
}

/** The machine's processes whose command line matches each pattern (first match wins). */
export function findProcesses(patterns: Record<string, RegExp>): Record<string, number> {
  const found: Record<string, number> = {};
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    for (const [name, re] of Object.entries(patterns)) if (!found[name] && re.test(cmd)) found[name] = Number(d);
  }
  return found;
}

/** CPU seconds per process over an interval: call once before, once after. */
export function cpuSnapshot(pids: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) {
    try {
      out[name] = cpuSeconds(pid);
    } catch {
      out[name] = NaN;
    }
  }
  return out;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** Top functions by self time in a V8 .cpuprofile (node --cpu-prof), as shares of all samples. */
export function topFunctions(profilePath: string, n = 10): { fn: string; share: number }[] {
  const prof = JSON.parse(readFileSync(profilePath, 'utf8')) as { nodes: ProfileNode[] };
  const byFn = new Map<string, number>();
  let total = 0;
  for (const node of prof.nodes) {
    const hits = node.hitCount ?? 0;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url
      ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, '')}:${lineNumber + 1}`
      : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    byFn.set(key, (byFn.get(key) ?? 0) + hits);
  }
  return [...byFn.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([fn, hits]) => ({ fn, share: total ? hits / total : 0 }));
}

/**
 * Requests the Temporal server's frontend has served, by operation, from its Prometheus endpoint
 * (`service_requests`, summed over namespaces); null when the endpoint does not answer.
 */
export async function temporalRequests(metricsUrl: string): Promise<Record<string, number> | null> {
  try {
    const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) })).text();
    const counts: Record<string, number> = {};
    for (const m of text.matchAll(/^service_requests\{([^}]*)\} (\S+)$/gm)) {
      const labels = m[1]!;
      const op = /operation="([^"]*)"/.exec(labels)?.[1];
      if (!op || !labels.includes('service_name="frontend"')) continue;
      counts[op] = (counts[op] ?? 0) + Number(m[2]);
    }
    return counts;
  } catch {
    return null;
  }
}

/**
 * Requests the Kubernetes API server has answered, as "VERB resource[/subresource]" (reads: GET, LIST,
 * WATCH; the rest are writes), from its /metrics (`apiserver_request_total`); null when it does not answer.
 */
export async function kubeRequests(kc: KubeConfig): Promise<Record<string, number> | null> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) return null;
  const opts: https.RequestOptions = { method: 'GET', timeout: 5000 };
  await kc.applyToHTTPSOptions(opts);
  const text = await new Promise<string | null>((resolve) => {
    const req = https.request(new URL('/metrics', server), opts, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(res.statusCode === 200 ? body : null));
    });
    req.on('error', () => resolve(null));
    req.on('timeout', () => req.destroy());
    req.end();
  });
  if (text === null) return null;
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(/^apiserver_request_total\{([^}]*)\} (\S+)$/gm)) {
    const label = (k: string) => new RegExp(`${k}="([^"]*)"`).exec(m[1]!)?.[1] ?? '';
    const resource = label('resource');
    if (!resource) continue;
    const sub = label('subresource');
    const key = `${label('verb')} ${resource}${sub ? `/${sub}` : ''}`;
    counts[key] = (counts[key] ?? 0) + Number(m[2]);
  }
  return counts;
}

/** The difference of two counter snapshots (after - before), leaving out what did not move. */
export function countsSince(
  before: Record<string, number> | null,
  after: Record<string, number> | null,
): Record<string, number> | null {
  if (!before || !after) return null;
  return Object.fromEntries(
    Object.entries(after)
      .map(([k, n]) => [k, n - (before[k] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
}
