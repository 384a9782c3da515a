import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

const examplesDir = fileURLToPath(new URL('../../examples', import.meta.url));

interface ExampleObject extends KubernetesObject {
  spec?: Record<string, unknown>;
  stringData?: Record<string, string>;
}

/**
 * The manifests in examples/, pointed at a running Kasm (the simulator in tests and the demo): the
 * example KasmConnection's URL and API-key Secret are the only values that change.
 */
export function loadExamples(kasm: { url: string; apiKey: string; apiSecret: string }): ExampleObject[] {
  const files = readdirSync(examplesDir).filter((f) => f.endsWith('.yaml')).sort();
  const docs = files.flatMap((f) =>
    parseAllDocuments(readFileSync(join(examplesDir, f), 'utf8'))
      .map((d) => d.toJS() as ExampleObject | null)
      .filter((d): d is ExampleObject => d !== null),
  );
  const connections = docs.filter((d) => d.kind === 'KasmConnection');
  const credentialSecrets = new Set(
    connections.map((c) => (c.spec?.credentialsSecretRef as { name?: string } | undefined)?.name).filter((n): n is string => n !== undefined),
  );
  for (const d of docs) {
    if (d.kind === 'KasmConnection' && d.spec) d.spec.baseUrl = kasm.url;
    if (d.kind === 'Secret' && credentialSecrets.has(d.metadata?.name ?? '')) d.stringData = { apiKey: kasm.apiKey, apiSecret: kasm.apiSecret };
  }
  return docs;
}

/** Secrets and connections first, so the first reconcile of everything else finds them. */
export function applyOrder(a: KubernetesObject, b: KubernetesObject): number {
  const rank = (o: KubernetesObject): number => (o.kind === 'Secret' ? 0 : o.kind === 'KasmConnection' ? 1 : 2);
  return rank(a) - rank(b);
}
