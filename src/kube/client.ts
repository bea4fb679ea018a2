import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';

export interface KubeClients {
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  batch: k8s.BatchV1Api;
  apps: k8s.AppsV1Api;
  /** Which kind of access is in use, safe to show clients (/system/status): never a file path. */
  source: KubeAccess;
  /** Where the configuration came from, with its path: for the server's own logs only. */
  origin: string;
}

export type KubeAccess = 'in-cluster' | 'kubeconfig' | 'home-kubeconfig';

const SA_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Cluster access in Mini Code Runner's order: in-cluster service account first, then $KUBECONFIG,
 * then ~/.kube/config. (client-node's loadFromDefault tries the files first.)
 */
export function loadKubeConfig(env: NodeJS.ProcessEnv = process.env): {
  kc: k8s.KubeConfig;
  source: KubeAccess;
  origin: string;
} {
  const kc = pooled(new k8s.KubeConfig());
  if (env.KUBERNETES_SERVICE_HOST && existsSync(SA_TOKEN)) {
    kc.loadFromCluster();
    return { kc, source: 'in-cluster', origin: 'in-cluster service account' };
  }
  if (env.KUBECONFIG) {
    kc.loadFromFile(env.KUBECONFIG);
    return { kc, source: 'kubeconfig', origin: env.KUBECONFIG };
  }
  const home = join(homedir(), '.kube', 'config');
  if (existsSync(home)) {
    kc.loadFromFile(home);
    return { kc, source: 'home-kubeconfig', origin: home };
  }
  throw new Error('no Kubernetes configuration: not in a cluster, KUBECONFIG unset and ~/.kube/config missing');
}

/**
 * client-node 2.0 builds a new undici Agent, so a new TCP+TLS connection, for every request (its private
 * createDispatcher); under load the handshakes cost more CPU than the requests, on both ends. One agent
 * per context keeps connections alive and reused. Credentials stay per request (headers).
 */
function pooled(kc: k8s.KubeConfig): k8s.KubeConfig {
  const target = kc as unknown as { createDispatcher?: (cluster: unknown, opts: unknown) => unknown };
  const create = target.createDispatcher;
  if (typeof create !== 'function') return kc;
  const cache = new Map<string, unknown>();
  target.createDispatcher = (cluster, opts) => {
    const key = kc.getCurrentContext();
    if (!cache.has(key)) cache.set(key, create.call(kc, cluster, opts));
    return cache.get(key);
  };
  return kc;
}

export function createKubeClients(env: NodeJS.ProcessEnv = process.env): KubeClients {
  const { kc, source, origin } = loadKubeConfig(env);
  return {
    kc,
    source,
    origin,
    core: kc.makeApiClient(k8s.CoreV1Api),
    batch: kc.makeApiClient(k8s.BatchV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
  };
}

/** HTTP status of a Kubernetes API error, or undefined for network-level failures. */
export function kubeStatus(err: unknown): number | undefined {
  return err instanceof k8s.ApiException ? err.code : undefined;
}

export function kubeMessage(err: unknown): string {
  if (err instanceof k8s.ApiException) {
    const body = err.body as { message?: string } | string | undefined;
    const msg = typeof body === 'string' ? safeJsonMessage(body) : body?.message;
    return `Kubernetes API ${err.code}: ${msg ?? err.message.split('\n')[0]}`;
  }
  if (err instanceof Error) {
    // undici says only "fetch failed"; the cause names the real problem (ECONNREFUSED, a TLS error...).
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause ? `${err.message}: ${cause.code ?? ''} ${cause.message ?? ''}`.trim() : err.message;
  }
  return String(err);
}

function safeJsonMessage(s: string): string | undefined {
  try {
    return (JSON.parse(s) as { message?: string }).message ?? s.slice(0, 300);
  } catch {
    return s.slice(0, 300);
  }
}

export const isNotFound = (err: unknown): boolean => kubeStatus(err) === 404;

/** The object a read returns, or null when the API server says it does not exist. */
export function orNullIfNotFound<T>(read: Promise<T>): Promise<T | null> {
  return read.catch((err: unknown) => (isNotFound(err) ? null : Promise.reject(err)));
}
