/**
 * The Kubernetes API a test talks to: a real cluster when E2E_KUBECONFIG names a kubeconfig file (a
 * variable of its own, so nobody's everyday KUBECONFIG is touched by accident), otherwise a fresh
 * in-process test server. Either way the test gets a client-node KubeConfig, environment variables that
 * point the real kubectl at the same API, and namespaces of its own that are deleted on close.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiextensionsV1Api, CoreV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { readCrdDirectory } from './kube-apiserver/crd-directory.js';
import { startKubeApiServer, type KubeApiServer } from './kube-apiserver/index.js';

export interface KubeTarget {
  kubeConfig: KubeConfig;
  /** A kubeconfig file for this target (the E2E_KUBECONFIG file itself for a real cluster). */
  kubeconfigPath: string;
  /** Merge into a child process environment so the real kubectl uses this target. */
  kubectlEnv: Record<string, string>;
  isTestServer: boolean;
  /** The test server's switches and counters; undefined against a real cluster. */
  server: KubeApiServer | undefined;
  /** Creates a namespace with a unique name (deleted by close()) and returns its name. */
  createNamespace(prefix?: string): Promise<string>;
  close(): Promise<void>;
}

export interface KubeTargetOptions {
  /** CRDs to install: loaded at start by the test server, server-side applied to a real cluster. */
  crdDir?: string;
}

let announced = false;

function announce(text: string): void {
  if (announced) return;
  announced = true;
  process.stderr.write(`kube target: ${text}\n`);
}

const ESTABLISH_TIMEOUT_MS = 60_000;

async function installCrds(kc: KubeConfig, dir: string): Promise<void> {
  const docs = readCrdDirectory(dir);
  if (docs.length === 0) return;
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  for (const { crd } of docs) {
    await objects.patch(crd, undefined, undefined, 'kube-target', true, PatchStrategy.ServerSideApply);
  }
  const deadline = Date.now() + ESTABLISH_TIMEOUT_MS;
  for (const { crd } of docs) {
    const name = (crd.metadata as { name?: string } | undefined)?.name ?? '';
    for (;;) {
      const live = await ext.readCustomResourceDefinition({ name });
      if (live.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} did not become Established within ${ESTABLISH_TIMEOUT_MS} ms`);
      await sleep(200);
    }
  }
}

export async function connectKubeTarget(options: KubeTargetOptions = {}): Promise<KubeTarget> {
  const external = process.env.E2E_KUBECONFIG;
  const cacheDir = mkdtempSync(join(tmpdir(), 'kube-target-'));
  let kubeConfig: KubeConfig;
  let kubeconfigPath: string;
  let server: KubeApiServer | undefined;
  if (external) {
    if (!existsSync(external)) throw new Error(`E2E_KUBECONFIG names ${external}, which does not exist; unset it to use the test server`);
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(external);
    kubeconfigPath = external;
    announce(`real cluster from E2E_KUBECONFIG (context ${kubeConfig.getCurrentContext()}, server ${kubeConfig.getCurrentCluster()?.server ?? '?'})`);
    if (options.crdDir) await installCrds(kubeConfig, options.crdDir);
  } else {
    server = await startKubeApiServer(options.crdDir ? { crdDir: options.crdDir } : {});
    kubeConfig = server.kubeConfig();
    kubeconfigPath = join(cacheDir, 'kubeconfig');
    server.writeKubeconfig(kubeconfigPath);
    announce(`in-process test server (set E2E_KUBECONFIG to use a real cluster), first at ${server.url}`);
  }

  const core = kubeConfig.makeApiClient(CoreV1Api);
  const namespaces: string[] = [];
  return {
    kubeConfig,
    kubeconfigPath,
    kubectlEnv: { KUBECONFIG: kubeconfigPath, KUBECACHEDIR: join(cacheDir, 'cache') },
    isTestServer: server !== undefined,
    server,
    async createNamespace(prefix = 'kc') {
      const name = `${prefix}-${randomBytes(4).toString('hex')}`;
      await core.createNamespace({ body: { metadata: { name, labels: { 'kasm.io/test-namespace': 'true' } } } });
      namespaces.push(name);
      return name;
    },
    async close() {
      try {
        for (const name of namespaces) {
          await core.deleteNamespace({ name }).catch(() => undefined);
        }
      } finally {
        await server?.close();
        rmSync(cacheDir, { recursive: true, force: true });
      }
    },
  };
}
