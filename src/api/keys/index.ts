import type { Config } from '../../config/config.js';
import type { KubeClients } from '../../kube/client.js';
import { KeySecretWatch } from '../../kube/key-secret.js';
import { KeyRegistry } from './registry.js';

export { KeyRegistry } from './registry.js';

export interface RunningKeys {
  registry: KeyRegistry;
  stop(): void;
}

/**
 * Loads the keys from their Secret and follows it, so keys created or revoked by the CLI count within
 * seconds, without a restart. An absent Secret means no keys: every request needs one, so all are 401.
 */
export async function startKeys(
  cfg: Config['keys'],
  kube: Pick<KubeClients, 'core' | 'kc'>,
  log: (line: string) => void = (l) => console.log(l),
): Promise<RunningKeys> {
  const registry = new KeyRegistry();
  const watch = new KeySecretWatch(kube, cfg.namespace, cfg.secretName, (records, invalid) => {
    registry.replace(records);
    const active = records.filter((r) => !r.revokedAt).length;
    const bad = invalid.length ? `; skipped invalid entries: ${invalid.join(', ')}` : '';
    log(`api: keys: ${active} active of ${records.length} in Secret ${cfg.namespace}/${cfg.secretName}${bad}`);
  });
  await watch.start();
  return { registry, stop: () => watch.stop() };
}

export const KEYS_OFF_WARNING =
  'api: WARNING: API keys are off: anyone who reaches the API can run code (API_KEYS=on to require keys)';
