import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ARGOCD_CM_PATH, healthCheckKeys, renderArgocdCm } from '../../scripts/generate-argocd-cm.js';
import { ConditionReason, STALLED_REASONS } from '../../src/api/conditions.js';
import { ARGO_HEALTH_STATUSES, argoCdHealth, healthScriptPath, luaAvailable, toLuaLiteral } from './argocd-health.js';
import { repoRoot } from './helm-render.js';
import { kasmObject, notReadyAsWritten, readyFalseReasons, statusFixtures } from './status-fixtures.js';

const lua = readFileSync(healthScriptPath, 'utf8');
const hasLua = luaAvailable();
if (!hasLua) {
  console.warn('argocd-health.test.ts: skipping the Lua runs: the lua5.1 interpreter is not installed (Debian package lua5.1; .ci/run installs it)');
}
const luaTitle = hasLua
  ? 'deploy/argocd/health.lua run by lua5.1'
  : 'deploy/argocd/health.lua run by lua5.1: skipped because lua5.1 is not installed (apt-get install lua5.1)';

/** Reasons Argo CD must report as Degraded on Ready=False: no retry fixes them. */
const PERMANENT = new Set<string>([...STALLED_REASONS, ConditionReason.Drifted, ConditionReason.NotFound]);

describe.skipIf(!hasLua)(luaTitle, () => {
  const withArgo = statusFixtures.filter((f) => f.argo !== undefined);

  it.each(withArgo.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    const health = argoCdHealth(fixture.obj);
    expect(health.status).toBe(fixture.argo);
    if (fixture.argoMessage) expect(health.message).toMatch(fixture.argoMessage);
    expect(health.message.length).toBeGreaterThan(0);
  });

  it.each(readyFalseReasons)('Ready=False with reason %s, as the operator writes it', (reason) => {
    const health = argoCdHealth(notReadyAsWritten(reason));
    expect(health.status).toBe(PERMANENT.has(reason) ? 'Degraded' : 'Progressing');
    expect(health.message).toContain(`because ${reason}`);
  });

  it.each([...STALLED_REASONS])('Ready=False with reason %s is Degraded even before Stalled is written', (reason) => {
    const obj = kasmObject({ conditions: [{ type: 'Ready', status: 'False', reason, message: 'x' }] });
    expect(argoCdHealth(obj).status).toBe('Degraded');
  });

  it('never fails on odd objects and always answers with an Argo CD status', () => {
    const odd: unknown[] = [
      {},
      { metadata: {} },
      { metadata: { generation: 1 }, status: {} },
      { metadata: { generation: 1 }, status: { conditions: [] } },
      { metadata: { generation: 1 }, status: { observedGeneration: 1, conditions: [{ status: 'True' }] } },
      { metadata: { annotations: {} }, status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] } },
    ];
    for (const obj of odd) {
      const health = argoCdHealth(obj);
      expect(ARGO_HEALTH_STATUSES, JSON.stringify(obj)).toContain(health.status);
    }
    expect(argoCdHealth({ metadata: { generation: 1 }, status: { conditions: [] } }).status).toBe('Progressing');
  });

  it('passes strings through to Lua unchanged (quotes, backslashes, newlines, non-ASCII)', () => {
    const message = 'line 1\n"quoted" \\ back — café ✓';
    const obj = kasmObject({ conditions: [{ type: 'Ready', status: 'False', reason: 'Creating', message }] });
    expect(argoCdHealth(obj).message).toBe(`Creating: ${message}`);
  });
});

describe('deploy/argocd/health.lua (static)', () => {
  it('uses nothing outside Argo CD’s sandbox (no io, os, require, load of other files)', () => {
    const code = lua
      .split('\n')
      .filter((line) => !line.trim().startsWith('--'))
      .join('\n');
    expect(code).not.toMatch(/\b(io|os|debug|package)\.|\brequire\s*\(|\bdofile\b|\bloadfile\b|\bloadstring\b/);
    expect(code).toMatch(/return result\(/);
  });

  it('writes Lua table constructors that round-trip JSON shapes', () => {
    expect(toLuaLiteral({ a: [1, 'x'], b: null, 'kasm.io/paused': 'true' })).toBe('{["a"] = {1, "x"}, ["kasm.io/paused"] = "true"}');
    expect(toLuaLiteral('é')).toBe('"\\195\\169"');
  });
});

describe('deploy/argocd/argocd-cm.yaml', () => {
  const text = readFileSync(join(repoRoot, ARGOCD_CM_PATH), 'utf8');
  const configMap = parse(text) as { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; data: Record<string, string> };

  it('is up to date with deploy/crds and health.lua (else run `npm run argocd:cm`)', () => {
    expect(text === renderArgocdCm(repoRoot), 'deploy/argocd/argocd-cm.yaml is stale: run `npm run argocd:cm`').toBe(true);
  });

  it('is a patch for the argocd-cm ConfigMap', () => {
    expect(configMap).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm', namespace: 'argocd' } });
  });

  it('has a health check for every CRD in deploy/crds, each the shared script', () => {
    const crdDir = join(repoRoot, 'deploy', 'crds');
    const kinds = readdirSync(crdDir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => parse(readFileSync(join(crdDir, f), 'utf8')) as { spec: { group: string; names: { kind: string } } })
      .map((crd) => `resource.customizations.health.${crd.spec.group}_${crd.spec.names.kind}`)
      .sort();
    expect(kinds.length).toBeGreaterThanOrEqual(4);
    expect(Object.keys(configMap.data).sort()).toEqual(kinds);
    expect(healthCheckKeys(repoRoot)).toEqual(kinds);
    for (const key of kinds) expect(configMap.data[key], key).toBe(lua);
  });
});
