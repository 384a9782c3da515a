import { KubeConfig } from '@kubernetes/client-node';
import type { KubeApiServer } from '../../harness/kube-apiserver/index.js';
import { isAlreadyExists, KubeJsonClient, type KubeJsonClientOptions } from '../../../src/runtime/kube-json-client.js';

/**
 * A client for the test server. client-node refuses plain http:// unless the cluster entry says
 * insecure-skip-tls-verify, so the flag is added when the server's kubeconfig lacks it.
 */
export function testClient(server: KubeApiServer, options?: KubeJsonClientOptions): KubeJsonClient {
  const kc = server.kubeConfig();
  const cluster = kc.getCurrentCluster();
  if (cluster && cluster.server.startsWith('http:') && !cluster.skipTLSVerify) {
    const fixed = new KubeConfig();
    fixed.loadFromClusterAndUser({ ...cluster, skipTLSVerify: true }, kc.getCurrentUser() ?? { name: 'test' });
    return new KubeJsonClient(fixed, options);
  }
  return new KubeJsonClient(kc, options);
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function ensureNamespace(client: KubeJsonClient, name: string): Promise<void> {
  try {
    await client.request({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

export function configMap(namespace: string, name: string, data: Record<string, string> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}
