import { createKubeClients } from '../kube/client.js';
import { KeySecret } from '../kube/key-secret.js';
import { parseCommand, runCommand, USAGE, UsageError } from './key-commands.js';

/** `npm run keys -- <command>`: API keys in their Kubernetes Secret (KUBECONFIG, or in-cluster). */
async function main(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv);
  const namespace = parsed.values.namespace ?? process.env.API_KEYS_NAMESPACE ?? 'code-runner';
  const name = parsed.values.secret ?? process.env.API_KEYS_SECRET ?? 'code-runner-api-keys';
  const store = new KeySecret(createKubeClients(), namespace, name);
  const { out, note } = await runCommand(store, parsed);
  if (out) console.log(out);
  if (note) console.error(note);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) console.error(`keys: ${err.message}\n${USAGE}`);
  else console.error(`keys: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
