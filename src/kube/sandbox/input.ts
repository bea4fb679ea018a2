import type { V1ConfigMap } from '@kubernetes/client-node';
import type { RunInput } from '../../domain/run.js';
import { objectName } from '../../domain/names.js';
import { launcherSpec } from '../../domain/launcher-spec.js';
import { ANNOTATION_PREFIX, SPEC_KEY, runLabels, type SandboxOwner, type SandboxSettings } from './settings.js';

/** Pure builders of a run's input: the ConfigMap (or pod annotations) with its code, files and spec. */

/** One file of the run's input volume: its ConfigMap key, its path there, its content. */
interface InputEntry {
  key: string;
  path: string;
  text?: string;
  base64?: string;
}

/** The run's input: the code under the language's file name, the files, and the launcher's spec. */
export function inputEntries(input: RunInput): InputEntry[] {
  const files = (input.files ?? []).map((f, i) => ({
    key: `file-${i}`,
    path: f.name,
    ...(f.encoding === 'base64' ? { base64: f.content } : { text: f.content }),
  }));
  return [
    { key: 'code', path: input.sandbox.fileName, text: input.code },
    ...files,
    { key: 'spec', path: SPEC_KEY, text: JSON.stringify(launcherSpec(input)) },
  ];
}

/**
 * Whether the input goes inside the Job (pod annotations, read by the downward API) rather than into a
 * ConfigMap of its own. Inline (opt-in, INLINE_CODE_BYTES) saves two writes per run and the kubelet's
 * read of it; a large submission, or one with files, goes to a ConfigMap, because the pod object (and so
 * its input) is rewritten and sent to every watcher at each status change of the run.
 */
export function codeInline(input: RunInput, s: Pick<SandboxSettings, 'inlineCodeBytes'>) {
  if (input.files?.length) return false;
  const bytes = inputEntries(input).reduce((n, e) => n + Buffer.byteLength(e.text ?? ''), 0);
  return bytes <= s.inlineCodeBytes;
}

/** The input volume, mounted only in the init container: a ConfigMap, or the pod's own annotations. */
export function inputVolume(input: RunInput, inline: boolean) {
  const entries = inputEntries(input);
  if (!inline)
    return {
      name: 'input',
      configMap: {
        name: objectName(input.runId),
        defaultMode: 0o444,
        items: entries.map((e) => ({ key: e.key, path: e.path })),
      },
    };
  return {
    name: 'input',
    downwardAPI: {
      defaultMode: 0o444,
      items: entries.map((e) => ({
        path: e.path,
        fieldRef: { fieldPath: `metadata.annotations['${ANNOTATION_PREFIX}${e.key}']` },
      })),
    },
  };
}

/** The run's ConfigMap if its input is not inline (see codeInline); undefined if the sandbox carries it. */
export function workspaceConfigMap(
  input: RunInput,
  s: Pick<SandboxSettings, 'namespace' | 'inlineCodeBytes'>,
  owner?: SandboxOwner,
): V1ConfigMap | undefined {
  return codeInline(input, s) ? undefined : buildConfigMap(input, s, owner);
}

/**
 * The input in a ConfigMap. Given the run's Job or Pod, the ConfigMap is owned by it, so the Job's TTL
 * (and any deletion of the sandbox) also removes the ConfigMap through the garbage collector.
 */
export function buildConfigMap(
  input: RunInput,
  s: Pick<SandboxSettings, 'namespace'>,
  owner?: SandboxOwner,
): V1ConfigMap {
  const name = objectName(input.runId);
  const apiVersion = owner?.kind === 'Pod' ? 'v1' : 'batch/v1';
  const ownerReferences = owner
    ? [{ apiVersion, kind: owner.kind, name, uid: owner.uid, blockOwnerDeletion: false }]
    : undefined;
  const entries = inputEntries(input);
  const binary = entries.filter((e) => e.base64 !== undefined);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace: s.namespace,
      labels: runLabels(input),
      ...(ownerReferences ? { ownerReferences } : {}),
    },
    immutable: true,
    data: Object.fromEntries(entries.filter((e) => e.text !== undefined).map((e) => [e.key, e.text ?? ''])),
    ...(binary.length ? { binaryData: Object.fromEntries(binary.map((e) => [e.key, e.base64 ?? ''])) } : {}),
  };
}
