import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorBundleOptions } from '../../scripts/bundle.js';
import { API_VERSION, eventually, isReady, startOperatorFixture, type OperatorFixture } from '../harness/operator-fixture.js';

/**
 * The operator as a real process, as the image runs it: the esbuild bundle of `src/main.ts` made
 * with the image's options (scripts/bundle.ts) on Node 24, configured by environment, with its
 * health port and SIGTERM. Running the bundle, not the sources, also tests what bundling leaves out.
 */
const root = resolve(import.meta.dirname, '../..');
let fx: OperatorFixture;
let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kasm-operator-process-'));
  // .mjs: the image's package.json ("type": "module") is not beside it here.
  bundle = join(dir, 'main.mjs');
  const [fixture] = await Promise.all([startOperatorFixture(), build({ ...operatorBundleOptions(join(root, 'src/main.ts'), bundle), sourcemap: false })]);
  fx = fixture;
});
afterAll(async () => {
  await fx?.close();
  rmSync(dir, { recursive: true, force: true });
});

function startProcess(env: Record<string, string>): { child: ChildProcess; output: string[]; exited: Promise<number | null> } {
  const output: string[] = [];
  const child = spawn(process.execPath, [bundle], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => output.push(...d.toString('utf8').split('\n').filter(Boolean)));
  child.stderr?.on('data', (d: Buffer) => output.push(...d.toString('utf8').split('\n').filter(Boolean)));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return { child, output, exited };
}

describe('the operator process', () => {
  it('rejects bad configuration with one message per bad value and exit code 2', async () => {
    const { output, exited } = startProcess({ KASM_BASE_URL: 'not a url', KASM_RATE_LIMIT: 'fast', KUBECONFIG: join(dir, 'none') });
    expect(await exited).toBe(2);
    const text = output.join('\n');
    expect(text).toContain('KASM_BASE_URL');
    expect(text).toContain('KASM_RATE_LIMIT');
  });

  it('runs, serves /readyz, reconciles, and on SIGTERM releases its Lease and exits 0', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    const kc = fx.kube.kubeConfig;
    writeFileSync(kubeconfig, kc.exportConfig());
    const proc = startProcess({
      KUBECONFIG: kubeconfig,
      KASM_BASE_URL: fx.sim.url,
      KASM_API_KEY: fx.sim.adminKey.apiKey,
      KASM_API_SECRET: fx.sim.adminKey.apiSecret,
      WATCH_NAMESPACES: fx.namespace,
      HEALTH_HOST: '127.0.0.1',
      HEALTH_PORT: '0',
      POLL_INTERVAL: '5s',
      LEADER_ELECT: 'true',
      LEADER_ELECTION_NAMESPACE: fx.namespace,
      POD_NAME: 'operator-process',
      SHUTDOWN_TIMEOUT: '10s',
    });
    try {
      const port = await eventually(() => {
        for (const line of proc.output) {
          const m = /"healthPort":(\d+)/.exec(line);
          if (m) return Number(m[1]);
        }
        return undefined;
      }, 60_000, 'the operator to start');
      await eventually(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, 20_000, '/readyz');
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('controller_runtime_reconcile_total');

      await fx.apply({ apiVersion: API_VERSION, kind: 'KasmUser', metadata: { name: 'sam' }, spec: { username: 'sam@example.com' } });
      await fx.waitFor('KasmUser', 'sam', isReady, 30_000);

      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      const lease = await kc.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: 'kasm-operator', namespace: fx.namespace });
      expect(lease.spec?.holderIdentity ?? '').toBe('');
      expect(proc.output.join('\n')).not.toContain(fx.sim.adminKey.apiSecret);
    } finally {
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    }
  });
});
