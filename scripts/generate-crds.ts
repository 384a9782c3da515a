// Writes deploy/crds/<plural>.kasm.io.yaml from the zod schemas in src/api.
// `--check` writes nothing and exits 1 when a file is missing, stale or extra (for CI).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crdFileName, renderCrdYaml } from '../src/api/crd-generator.js';
import { kinds } from '../src/api/kinds.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'deploy', 'crds');
const check = process.argv.includes('--check');

const wanted = new Map(kinds.map((k) => [crdFileName(k), renderCrdYaml(k)]));
mkdirSync(outDir, { recursive: true });
const existing = readdirSync(outDir).filter((f) => f.endsWith('.kasm.io.yaml'));

const problems: string[] = [];
for (const [file, text] of wanted) {
  const path = join(outDir, file);
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) continue;
  if (check) problems.push(`${current === undefined ? 'missing' : 'stale'}: deploy/crds/${file}`);
  else {
    writeFileSync(path, text);
    console.log(`wrote deploy/crds/${file}`);
  }
}
for (const file of existing) {
  if (wanted.has(file)) continue;
  if (check) problems.push(`no kind generates deploy/crds/${file}`);
  else {
    rmSync(join(outDir, file));
    console.log(`removed deploy/crds/${file}`);
  }
}
if (problems.length > 0) {
  console.error(`${problems.join('\n')}\nRun \`npm run generate\` and commit the result.`);
  process.exit(1);
}
