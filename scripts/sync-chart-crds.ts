// Copies the generated CRDs (deploy/crds/*.yaml) into the Helm chart's crds/ folder byte for byte
// and removes chart CRDs no longer generated. `--check` writes nothing and exits 1 when they differ.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const defaultRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const GENERATED_CRDS_DIR = join('deploy', 'crds');
export const CHART_CRDS_DIR = join('deploy', 'helm', 'kasm-operator', 'crds');

function yamlFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort() : [];
}

/** How the chart's crds/ folder differs from deploy/crds, one line per file; empty when identical. */
export function chartCrdDifferences(root: string = defaultRoot): string[] {
  const source = join(root, GENERATED_CRDS_DIR);
  const target = join(root, CHART_CRDS_DIR);
  const wanted = yamlFiles(source);
  const present = new Set(yamlFiles(target));
  const problems: string[] = [];
  for (const file of wanted) {
    if (!present.has(file)) problems.push(`missing: ${CHART_CRDS_DIR}/${file}`);
    else if (!readFileSync(join(source, file)).equals(readFileSync(join(target, file)))) problems.push(`stale: ${CHART_CRDS_DIR}/${file}`);
  }
  for (const file of present) {
    if (!wanted.includes(file)) problems.push(`not generated: ${CHART_CRDS_DIR}/${file}`);
  }
  return problems;
}

/** Makes the chart's crds/ folder equal to deploy/crds; returns what it changed. */
export function syncChartCrds(root: string = defaultRoot): string[] {
  const source = join(root, GENERATED_CRDS_DIR);
  const target = join(root, CHART_CRDS_DIR);
  const wanted = yamlFiles(source);
  if (wanted.length === 0) throw new Error(`${GENERATED_CRDS_DIR} holds no CRDs; run \`npm run generate\` first`);
  mkdirSync(target, { recursive: true });
  const changed: string[] = [];
  for (const file of wanted) {
    const from = join(source, file);
    const to = join(target, file);
    if (existsSync(to) && readFileSync(from).equals(readFileSync(to))) continue;
    copyFileSync(from, to);
    changed.push(`wrote ${CHART_CRDS_DIR}/${file}`);
  }
  for (const file of yamlFiles(target)) {
    if (wanted.includes(file)) continue;
    rmSync(join(target, file));
    changed.push(`removed ${CHART_CRDS_DIR}/${file}`);
  }
  return changed;
}

function main(): void {
  if (process.argv.includes('--check')) {
    const problems = chartCrdDifferences();
    if (problems.length > 0) {
      console.error(`${problems.join('\n')}\nThe chart's CRDs differ from deploy/crds: run \`npm run generate\` (or \`npm run chart:crds\`).`);
      process.exit(1);
    }
    return;
  }
  for (const line of syncChartCrds()) console.log(line);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
