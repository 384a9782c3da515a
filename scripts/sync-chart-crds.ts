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

interface ChartCrdChange {
  file: string;
  /** missing or stale: copy it from deploy/crds; not generated: remove it from the chart. */
  problem: 'missing' | 'stale' | 'not generated';
}

/** What must change for the chart's crds/ folder to equal deploy/crds. */
function chartCrdChanges(root: string): ChartCrdChange[] {
  const source = join(root, GENERATED_CRDS_DIR);
  const target = join(root, CHART_CRDS_DIR);
  const wanted = yamlFiles(source);
  const present = new Set(yamlFiles(target));
  const changes: ChartCrdChange[] = [];
  for (const file of wanted) {
    if (!present.has(file)) changes.push({ file, problem: 'missing' });
    else if (!readFileSync(join(source, file)).equals(readFileSync(join(target, file)))) changes.push({ file, problem: 'stale' });
  }
  for (const file of present) {
    if (!wanted.includes(file)) changes.push({ file, problem: 'not generated' });
  }
  return changes;
}

/** How the chart's crds/ folder differs from deploy/crds, one line per file; empty when identical. */
export function chartCrdDifferences(root: string = defaultRoot): string[] {
  return chartCrdChanges(root).map(({ file, problem }) => `${problem}: ${CHART_CRDS_DIR}/${file}`);
}

/** Makes the chart's crds/ folder equal to deploy/crds; returns what it changed. */
export function syncChartCrds(root: string = defaultRoot): string[] {
  if (yamlFiles(join(root, GENERATED_CRDS_DIR)).length === 0) throw new Error(`${GENERATED_CRDS_DIR} holds no CRDs; run \`npm run generate\` first`);
  mkdirSync(join(root, CHART_CRDS_DIR), { recursive: true });
  return chartCrdChanges(root).map(({ file, problem }) => {
    const to = join(root, CHART_CRDS_DIR, file);
    if (problem === 'not generated') {
      rmSync(to);
      return `removed ${CHART_CRDS_DIR}/${file}`;
    }
    copyFileSync(join(root, GENERATED_CRDS_DIR, file), to);
    return `wrote ${CHART_CRDS_DIR}/${file}`;
  });
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
