/**
 * Runs the test server in the foreground for trying the project by hand with kubectl:
 *
 *   npx tsx test/harness/kube-apiserver/main.ts [--port 6443] [--crd-dir deploy/crds] [--kubeconfig PATH]
 *
 * then `export KUBECONFIG=PATH` and use kubectl as against any cluster. Ctrl-C stops it.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startKubeApiServer } from './index.js';

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: main.ts [--port N] [--crd-dir DIR] [--kubeconfig PATH] [--watch-window N]\n`);
  process.exit(2);
}

function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) usage(`${flag} must be a non-negative integer, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        port: { type: 'string' },
        'crd-dir': { type: 'string', default: 'deploy/crds' },
        kubeconfig: { type: 'string', default: '.tools/kube-test-server.kubeconfig' },
        'watch-window': { type: 'string' },
      },
    });
  } catch (err) {
    usage(err instanceof Error ? err.message : String(err));
  }
  const { values } = parsed;
  const server = await startKubeApiServer({
    port: positiveInt(values.port, '--port', 0),
    crdDir: resolve(values['crd-dir']),
    watchWindow: positiveInt(values['watch-window'], '--watch-window', 1000) || 1000,
  });
  const kubeconfig = resolve(values.kubeconfig);
  server.writeKubeconfig(kubeconfig);
  process.stdout.write(`kube test server listening at ${server.url}\nexport KUBECONFIG=${kubeconfig}\n`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
