import { Watch, type V1Secret } from '@kubernetes/client-node';
import { z } from 'zod';
import { KEY_ID, type KeyRecord } from '../domain/api-keys.js';
import { SCOPES } from '../domain/tenant.js';
import { kubeMessage, kubeStatus, type KubeClients } from './client.js';

/**
 * The API keys' store: one Kubernetes Secret, one data entry per key id holding its record as JSON (the
 * hash of the secret, never the secret). Writers (the CLI) replace it with its resourceVersion and retry on
 * 409; readers (each API replica) list it once and then watch that one object by name.
 */

const positive = z.number().int().positive().optional();
const recordSchema = z.object({
  keyId: z.string().regex(KEY_ID),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  tenant: z.string().min(1),
  scopes: z.array(z.enum(SCOPES)),
  limits: z
    .object({
      maxConcurrentRuns: positive,
      requestsPerMinute: positive,
      maxTimeoutSeconds: positive,
      maxMemoryMb: positive,
    })
    .default({}),
  createdAt: z.string(),
  revokedAt: z.string().optional(),
  expiresAt: z.string().datetime().optional(),
});

/** The records of a Secret's data; an entry that is not a valid record is skipped (and named). */
export function parseKeyData(data: Record<string, string> | undefined): { records: KeyRecord[]; invalid: string[] } {
  const records: KeyRecord[] = [];
  const invalid: string[] = [];
  for (const [id, b64] of Object.entries(data ?? {})) {
    try {
      const parsed = recordSchema.safeParse(JSON.parse(Buffer.from(b64, 'base64').toString('utf8')));
      if (parsed.success && parsed.data.keyId === id) records.push(parsed.data);
      else invalid.push(id);
    } catch {
      invalid.push(id);
    }
  }
  return { records, invalid };
}

export const encodeRecord = (r: KeyRecord): string => Buffer.from(JSON.stringify(r)).toString('base64');

const MAX_CONFLICT_RETRIES = 10;

export class KeySecret {
  constructor(
    private readonly kube: Pick<KubeClients, 'core'>,
    readonly namespace: string,
    readonly name: string,
  ) {}

  /** The Secret, or null when it does not exist. */
  async read(): Promise<V1Secret | null> {
    try {
      return await this.kube.core.readNamespacedSecret({ name: this.name, namespace: this.namespace });
    } catch (err) {
      if (kubeStatus(err) === 404) return null;
      throw new Error(`reading Secret ${this.namespace}/${this.name}: ${kubeMessage(err)}`);
    }
  }

  async records(): Promise<KeyRecord[]> {
    return parseKeyData((await this.read())?.data).records;
  }

  /**
   * Applies `change` to the current records and writes the Secret back with the resourceVersion it read
   * (created if absent); another writer in between (409) makes it read and apply again.
   */
  async update<T>(change: (records: KeyRecord[]) => { records: KeyRecord[]; result: T }): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.read();
      const { records, result } = change(parseKeyData(current?.data).records);
      const data = Object.fromEntries(records.map((r) => [r.keyId, encodeRecord(r)]));
      try {
        if (current) {
          // Entries that were not valid records are kept as they are: this writer does not own them.
          const kept = Object.fromEntries(
            Object.entries(current.data ?? {}).filter(([id]) => !records.some((r) => r.keyId === id)),
          );
          const body: V1Secret = { ...current, data: { ...kept, ...data } };
          await this.kube.core.replaceNamespacedSecret({ name: this.name, namespace: this.namespace, body });
        } else {
          const body: V1Secret = {
            metadata: {
              name: this.name,
              namespace: this.namespace,
              labels: { 'app.kubernetes.io/name': 'code-runner' },
            },
            type: 'Opaque',
            data,
          };
          await this.kube.core.createNamespacedSecret({ namespace: this.namespace, body });
        }
        return result;
      } catch (err) {
        const status = kubeStatus(err);
        if ((status === 409 || (status === 404 && current)) && attempt < MAX_CONFLICT_RETRIES) continue;
        throw new Error(`writing Secret ${this.namespace}/${this.name}: ${kubeMessage(err)}`);
      }
    }
  }
}

/** How long a quiet watch stays open before the server ends it and it is renewed: under client-node's 30 s idle bound. */
const WATCH_SECONDS = 25;
const RETRY_MS = 1000;

/**
 * Follows the keys Secret: lists it by name (a field selector, so RBAC can name the one Secret), then
 * watches from that version; every change, deletion included, calls `onChange` with all the records.
 */
export class KeySecretWatch {
  private stopped = false;
  private abort?: () => void;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly kube: Pick<KubeClients, 'core' | 'kc'>,
    private readonly namespace: string,
    private readonly name: string,
    private readonly onChange: (records: KeyRecord[], invalid: string[]) => void,
    private readonly onError: (message: string) => void = (m) => console.error(`api: keys: ${m}`),
  ) {}

  /** Resolves after the first list (the keys are known), rejects if it fails. */
  async start(): Promise<void> {
    const rv = await this.list();
    void this.watch(rv);
  }

  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.abort?.();
  }

  private async list(): Promise<string> {
    const list = await this.kube.core.listNamespacedSecret({
      namespace: this.namespace,
      fieldSelector: `metadata.name=${this.name}`,
    });
    const { records, invalid } = parseKeyData(list.items[0]?.data);
    this.onChange(records, invalid);
    return list.metadata?.resourceVersion ?? '';
  }

  private async watch(resourceVersion: string): Promise<void> {
    if (this.stopped) return;
    let rv = resourceVersion;
    let relist = false;
    const watch = new Watch(this.kube.kc);
    try {
      const req = await watch.watch(
        `/api/v1/namespaces/${this.namespace}/secrets`,
        { fieldSelector: `metadata.name=${this.name}`, resourceVersion: rv, timeoutSeconds: WATCH_SECONDS },
        (type: string, obj: V1Secret & { code?: number }) => {
          if (type === 'ERROR') {
            relist = true; // 410 Gone: the version is too old
            return;
          }
          rv = obj.metadata?.resourceVersion ?? rv;
          const { records, invalid } = parseKeyData(type === 'DELETED' ? {} : obj.data);
          this.onChange(records, invalid);
        },
        (err: unknown) => {
          this.abort = undefined;
          if (this.stopped) return;
          if (err) this.onError(`watch of Secret ${this.namespace}/${this.name} ended: ${kubeMessage(err)}`);
          this.again(relist || err ? null : rv, err ? RETRY_MS : 0);
        },
      );
      this.abort = () => req.abort();
      if (this.stopped) req.abort(); // stopped while the watch was opening
    } catch (err) {
      this.onError(`watch of Secret ${this.namespace}/${this.name} failed: ${kubeMessage(err)}`);
      this.again(null, RETRY_MS);
    }
  }

  /** Watches again from `rv`, or lists first (null). */
  private again(rv: string | null, delayMs: number): void {
    if (this.stopped) return;
    this.retry = setTimeout(() => {
      if (rv !== null) return void this.watch(rv);
      this.list().then(
        (fresh) => this.watch(fresh),
        (err: unknown) => {
          this.onError(`listing Secret ${this.namespace}/${this.name}: ${kubeMessage(err)}`);
          this.again(null, RETRY_MS);
        },
      );
    }, delayMs);
    this.retry.unref();
  }
}
