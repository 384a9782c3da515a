import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { k8sBinaries } from '../harness/k8s-binaries.js';
import { startKubeApiServer } from '../harness/kube-apiserver/index.js';
import { argoCdHealth, luaAvailable } from './argocd-health.js';
import { chartDir, parseManifests, removeHelmHome, render, repoRoot } from './helm-render.js';
import { computeKstatus } from './kstatus.js';
import { crossCheck, type Manifest } from './manifest-checks.js';

const gitopsDir = join(repoRoot, 'examples', 'gitops');

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(dir, f))
    .sort();
}

const files = yamlFilesUnder(gitopsDir);
const docs: (Manifest & { file: string })[] = files.flatMap((file) =>
  parseManifests(readFileSync(file, 'utf8')).map((doc) => ({ ...doc, file: relative(repoRoot, file) })),
);
const find = (kind: string, name: string): Manifest & { spec: Record<string, unknown> } => {
  const doc = docs.find((d) => d.kind === kind && d.metadata.name === name);
  if (doc === undefined) throw new Error(`examples/gitops has no ${kind} ${name}`);
  return doc as unknown as Manifest & { spec: Record<string, unknown> };
};

/** The top-level example manifests: what the Kasm-object Application and Kustomization deploy. */
const exampleFiles = readdirSync(join(repoRoot, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

const isDirectory = (path: string): boolean => existsSync(path) && statSync(path).isDirectory();

afterAll(() => removeHelmHome());

describe('examples/gitops', () => {
  it('holds Argo CD Applications and Flux sources, releases and Kustomizations, each namespaced', () => {
    const kinds = docs.map((d) => `${d.apiVersion} ${d.kind}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'argoproj.io/v1alpha1 Application',
        'source.toolkit.fluxcd.io/v1 GitRepository',
        'helm.toolkit.fluxcd.io/v2 HelmRelease',
        'kustomize.toolkit.fluxcd.io/v1 Kustomization',
      ]),
    );
    for (const doc of docs) {
      expect(doc.metadata.name, doc.file).toBeTruthy();
      if (doc.kind !== 'Namespace') expect(doc.metadata.namespace, `${doc.file} ${doc.kind}/${doc.metadata.name}`).toBeTruthy();
    }
  });

  describe('Argo CD', () => {
    const operatorApp = find('Application', 'kasm-operator');
    const objectsApp = find('Application', 'kasm-objects');
    type Source = { path: string; helm?: { valuesObject?: unknown }; directory?: { recurse?: boolean } };

    it('installs the chart from its path with values the chart accepts', () => {
      const source = operatorApp.spec.source as Source;
      expect(join(repoRoot, source.path)).toBe(chartDir);
      const rendered = render(source.helm?.valuesObject ?? {}, { namespace: 'kasm-operator', release: 'kasm-operator' });
      expect(crossCheck(rendered, 'kasm-operator', { secrets: ['kasm-api'] })).toEqual([]);
    });

    it('keeps the CRDs when the operator Application is deleted (no cascading finalizer) and applies them server-side', () => {
      expect(operatorApp.metadata as Record<string, unknown>).not.toHaveProperty('finalizers');
      expect((operatorApp.spec.syncPolicy as { syncOptions: string[] }).syncOptions).toContain('ServerSideApply=true');
    });

    it('syncs the Kasm objects after the operator, from the top of examples/ only', () => {
      const source = objectsApp.spec.source as Source;
      expect(isDirectory(join(repoRoot, source.path))).toBe(true);
      expect(source.directory?.recurse).toBe(false);
      const wave = (app: Manifest): number => Number(app.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
      expect(wave(objectsApp)).toBeGreaterThan(wave(operatorApp));
      expect((objectsApp.spec.syncPolicy as { syncOptions: string[] }).syncOptions).toContain('SkipDryRunOnMissingResource=true');
    });
  });

  describe('Flux', () => {
    const release = find('HelmRelease', 'kasm-operator');
    const operatorKs = find('Kustomization', 'kasm-operator');
    const objectsKs = find('Kustomization', 'kasm-objects');
    type SourceRef = { kind: string; name: string };

    it('releases the chart from a GitRepository it defines, with values the chart accepts, replacing CRDs on upgrade', () => {
      const chart = (release.spec.chart as { spec: { chart: string; sourceRef: SourceRef } }).spec;
      expect(join(repoRoot, chart.chart)).toBe(chartDir);
      expect(find(chart.sourceRef.kind, chart.sourceRef.name).kind).toBe('GitRepository');
      expect(release.spec.install).toMatchObject({ crds: 'CreateReplace' });
      expect(release.spec.upgrade).toMatchObject({ crds: 'CreateReplace' });
      const namespace = release.spec.targetNamespace as string;
      const rendered = render(release.spec.values ?? {}, { namespace, release: release.spec.releaseName as string });
      expect(crossCheck(rendered, namespace, { secrets: ['kasm-api'] })).toEqual([]);
    });

    it('applies the HelmRelease from a folder holding it, and waits for it', () => {
      const folder = join(repoRoot, operatorKs.spec.path as string);
      const inFolder = yamlFilesUnder(folder).flatMap((f) => parseManifests(readFileSync(f, 'utf8')));
      expect(inFolder.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['HelmRelease/kasm-operator']);
      expect(operatorKs.spec.wait).toBe(true);
    });

    it('deploys the Kasm objects after the operator and waits for them with kstatus', () => {
      expect(objectsKs.spec.dependsOn).toEqual([{ name: 'kasm-operator' }]);
      expect(objectsKs.spec.wait).toBe(true);
      expect(objectsKs.spec).not.toHaveProperty('healthChecks');
      expect(isDirectory(join(repoRoot, objectsKs.spec.path as string))).toBe(true);
      const namespace = objectsKs.spec.targetNamespace as string;
      expect(docs.some((d) => d.kind === 'Namespace' && d.metadata.name === namespace)).toBe(true);
      const ref = objectsKs.spec.sourceRef as SourceRef;
      expect(find(ref.kind, ref.name).kind).toBe('GitRepository');
    });

    it("limits the objects' source to the manifests at the top of examples/ (gitignore rules, checked by git)", () => {
      const ref = objectsKs.spec.sourceRef as SourceRef;
      const ignore = find(ref.kind, ref.name).spec.ignore as string;
      const dir = mkdtempSync(join(tmpdir(), 'kasm-flux-ignore-'));
      try {
        const rules = join(dir, 'ignore');
        writeFileSync(rules, ignore);
        const candidates = [...exampleFiles.map((f) => `examples/${f}`), ...files.map((f) => relative(repoRoot, f)), 'deploy/crds/kasmusers.kasm.io.yaml', 'src/main.ts', 'package.json'];
        const result = spawnSync('git', ['-c', `core.excludesFile=${rules}`, 'check-ignore', '--no-index', ...candidates], { cwd: repoRoot, encoding: 'utf8' });
        expect(result.status === 0 || result.status === 1, result.stderr).toBe(true);
        const ignored = new Set(result.stdout.split('\n').filter((l) => l !== ''));
        const kept = candidates.filter((c) => !ignored.has(c));
        expect(kept.sort()).toEqual(exampleFiles.map((f) => `examples/${f}`).sort());
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe('the Kasm objects the GitOps examples deploy, applied with kubectl to the test API server with the chart CRDs', () => {
  it('are accepted, and read as kstatus and Argo CD do before the operator reports', async () => {
    const server = await startKubeApiServer({ crdDir: join(chartDir, 'crds') });
    const dir = mkdtempSync(join(tmpdir(), 'kasm-gitops-apply-'));
    try {
      const kubeconfig = join(dir, 'kubeconfig');
      server.writeKubeconfig(kubeconfig);
      const { kubectl } = k8sBinaries();
      // Asynchronous on purpose: the server runs in this process and must keep answering.
      const run = async (...args: string[]): Promise<string> =>
        (await promisify(execFile)(kubectl, ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir }, timeout: 60_000 }))
          .stdout;
      await run('create', 'namespace', 'kasm-demo');
      const paths = exampleFiles.map((f) => join(repoRoot, 'examples', f));
      await run('apply', '--server-side', '--field-manager=kustomize-controller', '-n', 'kasm-demo', ...paths.flatMap((p) => ['-f', p]));
      const list = JSON.parse(await run('get', 'kasm', '-n', 'kasm-demo', '-o', 'json')) as { items: Record<string, unknown>[] };
      const applied = exampleFiles
        .flatMap((f) => parseManifests(readFileSync(join(repoRoot, 'examples', f), 'utf8')))
        .filter((d) => d.apiVersion.startsWith('kasm.io/'))
        .map((d) => `${d.kind}/${d.metadata.name}`)
        .sort();
      const items = list.items as { kind: string; metadata: { name: string } }[];
      expect(items.map((i) => `${i.kind}/${i.metadata.name}`).sort()).toEqual(applied);
      for (const item of list.items) {
        // No status yet: kstatus already says Current, which is why Argo CD's script waits instead.
        expect(computeKstatus(item).status).toBe('Current');
        if (luaAvailable()) expect(argoCdHealth(item).status).toBe('Progressing');
      }
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
