/**
 * `npm run demo`: the operator end to end on one machine, no cluster and no Kasm server needed.
 * Starts the Kasm API simulator, the Kubernetes API test server (with the CRDs) and the operator,
 * applies examples/, shows the objects becoming Ready, and keeps running so kubectl can be pointed
 * at it. Ctrl-C stops everything.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { isConfigErrors, parseConfig } from '../src/config.js';
import { Manager } from '../src/manager.js';
import { createLogger } from '../src/runtime/logger.js';
import { applyOrder, loadExamples } from '../test/harness/examples.js';
import { startKasmSimulator } from '../test/harness/kasm-sim/index.js';
import { startKubeApiServer } from '../test/harness/kube-apiserver/index.js';
import { k8sBinaries } from '../test/harness/k8s-binaries.js';

const root = resolve(import.meta.dirname, '..');
const workDir = join(root, '.kasm-operator-demo');
const once = process.argv.includes('--once');

interface Conditioned extends KubernetesObject {
  status?: { conditions?: { type: string; status: string; reason?: string }[] };
}

function readyOf(obj: Conditioned): string {
  const ready = obj.status?.conditions?.find((c) => c.type === 'Ready');
  return ready ? `${ready.status}${ready.reason ? ` (${ready.reason})` : ''}` : 'pending';
}

async function main(): Promise<number> {
  mkdirSync(workDir, { recursive: true });
  const sim = await startKasmSimulator({ sessionStartMs: 1500 });
  const kube = await startKubeApiServer({ crdDir: join(root, 'deploy/crds') });
  const kubeconfigPath = join(workDir, 'kubeconfig');
  kube.writeKubeconfig(kubeconfigPath);

  const config = parseConfig([], {
    KASM_BASE_URL: sim.url,
    KASM_API_KEY: sim.adminKey.apiKey,
    KASM_API_SECRET: sim.adminKey.apiSecret,
    HEALTH_HOST: '127.0.0.1',
    HEALTH_PORT: '0',
    POLL_INTERVAL: '10s',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  if (isConfigErrors(config)) throw new Error(config.map((e) => e.message).join('; '));
  const manager = new Manager({ config, kubeConfig: kube.kubeConfig(), logger: createLogger({ level: config.logLevel }) });
  await manager.start();

  const api = KubernetesObjectApi.makeApiClient(kube.kubeConfig());
  const examples = loadExamples({ url: sim.url, ...sim.adminKey }).sort(applyOrder);
  for (const obj of examples) {
    await api.create({ ...obj, metadata: { ...obj.metadata, namespace: 'default' } });
    process.stdout.write(`applied ${obj.kind}/${obj.metadata?.name ?? ''}\n`);
  }

  const managed = examples.filter((o) => o.kind !== 'Secret');
  const deadline = Date.now() + 60_000;
  let lines: string[];
  let allReady: boolean;
  for (;;) {
    const seen = await Promise.all(
      managed.map((o) => api.read<Conditioned>({ apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', metadata: { name: o.metadata?.name ?? '', namespace: 'default' } })),
    );
    lines = seen.map((o) => `  ${`${o.kind}/${o.metadata?.name ?? ''}`.padEnd(45)} Ready=${readyOf(o)}`);
    allReady = seen.every((o) => readyOf(o).startsWith('True'));
    if (allReady || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  process.stdout.write(`\n${lines.join('\n')}\n\n`);

  const { kubectl } = k8sBinaries();
  process.stdout.write(
    [
      `Kasm API simulator: ${sim.url} (API key ${sim.adminKey.apiKey})`,
      `Kubernetes API:     ${kube.url}`,
      `Operator metrics:   http://127.0.0.1:${manager.healthPort ?? 0}/metrics`,
      '',
      'Try it:',
      `  export KUBECONFIG=${kubeconfigPath}`,
      `  ${kubectl} get kasm`,
      `  ${kubectl} describe kasmuser alice`,
      '',
    ].join('\n'),
  );

  if (!once) {
    process.stdout.write('Running; Ctrl-C stops the demo.\n');
    await new Promise<void>((resolveStop) => {
      process.once('SIGINT', () => resolveStop());
      process.once('SIGTERM', () => resolveStop());
    });
  }
  await manager.stop(2000);
  await kube.close();
  await sim.close();
  // --once is a smoke test: it fails unless everything became Ready.
  return !once || allReady ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
