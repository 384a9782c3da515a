import { spawn } from 'node:child_process';
import { PatchStrategy } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { k8sBinaries } from '../harness/k8s-binaries.js';
import { eventually, GROUP, patchAs, setupConformance, VERSION, WIDGETS, type Conformance, type Json } from './conformance-setup.js';

let c: Conformance;
beforeAll(async () => {
  c = await setupConformance('kubectl');
});
afterAll(async () => {
  await c?.close();
});

function manifest(name: string, size: number, extra = ''): string {
  return `apiVersion: ${GROUP}/${VERSION}
kind: Widget
metadata:
  name: ${name}
  namespace: ${c.ns}
spec:
  owner: alice
  size: ${size}
${extra}`;
}

function readyStatus(name: string) {
  return c.custom.patchNamespacedCustomObjectStatus(
    {
      group: GROUP,
      version: VERSION,
      namespace: c.ns,
      plural: WIDGETS,
      name,
      body: { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Done', message: 'ok', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] } },
    },
    patchAs(PatchStrategy.MergePatch),
  );
}

describe('kubectl against the API', () => {
  it('applies (client-side), re-applies and shows printer columns', async () => {
    const created = await c.kubectl(['apply', '-f', '-'], manifest('k-1', 4));
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('widget.conformance.kasm.io/k-1 created');
    const again = await c.kubectl(['apply', '-f', '-'], manifest('k-1', 6));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('configured');

    await readyStatus('k-1');
    const table = await c.kubectl(['get', 'widgets', '-n', c.ns]);
    expect(table.code, table.stderr).toBe(0);
    const [header, row] = table.stdout.trim().split('\n');
    expect(header?.split(/\s+/)).toEqual(['NAME', 'READY', 'OWNER', 'SIZE', 'AGE']);
    expect(row?.split(/\s+/).slice(0, 4)).toEqual(['k-1', 'True', 'alice', '6']);
  });

  it('finds resources by short name and category', async () => {
    await c.kubectl(['apply', '-f', '-'], manifest('k-2', 2));
    const short = await c.kubectl(['get', 'wdg', 'k-2', '-n', c.ns, '-o', 'jsonpath={.spec.size}']);
    expect(short.code, short.stderr).toBe(0);
    expect(short.stdout).toBe('2');
    const category = await c.kubectl(['get', 'kasm-conformance', '-n', c.ns]);
    expect(category.code, category.stderr).toBe(0);
    expect(category.stdout).toContain('widget.conformance.kasm.io/k-2');
  });

  it('rejects unknown fields the way kubectl validates by default (strict, on the server)', async () => {
    const bad = await c.kubectl(['apply', '-f', '-'], manifest('k-3', 2, '  bogus: 1\n'));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('unknown field "spec.bogus"');
  });

  it('shows schema errors from the server', async () => {
    const bad = await c.kubectl(['apply', '-f', '-'], manifest('k-4', 42));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('spec.size');
  });

  it('applies server-side and reports conflicts between field managers', async () => {
    const first = await c.kubectl(['apply', '--server-side', '--field-manager=team-a', '-f', '-'], manifest('k-5', 3));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('serverside-applied');
    const conflict = await c.kubectl(['apply', '--server-side', '--field-manager=team-b', '-f', '-'], manifest('k-5', 4));
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toMatch(/conflict/i);
    expect(conflict.stderr).toContain('.spec.size');
    const forced = await c.kubectl(['apply', '--server-side', '--field-manager=team-b', '--force-conflicts', '-f', '-'], manifest('k-5', 4));
    expect(forced.code, forced.stderr).toBe(0);
  });

  it('waits for a condition', async () => {
    await c.kubectl(['apply', '-f', '-'], manifest('k-6', 3));
    const waiting = c.kubectl(['wait', '--for=condition=Ready', `widget/k-6`, '-n', c.ns, '--timeout=30s']);
    await readyStatus('k-6');
    const done = await waiting;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('condition met');
  });

  it('watches with get -w', async () => {
    await c.kubectl(['apply', '-f', '-'], manifest('k-7', 3));
    const child = spawn(k8sBinaries().kubectl, ['get', 'widgets', 'k-7', '-n', c.ns, '-w', '--request-timeout=30s'], {
      env: { ...process.env, ...c.target.kubectlEnv },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    try {
      await eventually('the initial row', () => Promise.resolve(out.includes('k-7') ? true : undefined));
      await readyStatus('k-7');
      await eventually('a row showing Ready', () => Promise.resolve(/k-7\s+True/.test(out) ? true : undefined));
    } finally {
      child.kill();
    }
  });

  it('creates secrets with kubectl create and deletes objects', async () => {
    const secret = await c.kubectl(['create', 'secret', 'generic', 'k-secret', '-n', c.ns, '--from-literal=password=s3cret']);
    expect(secret.code, secret.stderr).toBe(0);
    const read = await c.core.readNamespacedSecret({ namespace: c.ns, name: 'k-secret' });
    expect(Buffer.from(read.data?.password ?? '', 'base64').toString()).toBe('s3cret');

    await c.kubectl(['apply', '-f', '-'], manifest('k-8', 3));
    const del = await c.kubectl(['delete', 'widget', 'k-8', '-n', c.ns]);
    expect(del.code, del.stderr).toBe(0);
    const gone = await c.kubectl(['get', 'widget', 'k-8', '-n', c.ns]);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('NotFound');
  });

  it('prints objects as JSON lists', async () => {
    await c.kubectl(['apply', '-f', '-'], manifest('k-9', 3));
    const list = await c.kubectl(['get', 'widgets', '-n', c.ns, '-o', 'json']);
    expect(list.code, list.stderr).toBe(0);
    const parsed = JSON.parse(list.stdout) as { items: Json[] };
    expect(parsed.items.map((i) => (i.metadata as Json).name)).toContain('k-9');
  });
});
