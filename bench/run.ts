/**
 * `npm run bench -- --objects 100,1000 --kasm-rps 50 [--mode bulk|per-object|both] [--poll 5s]`:
 * compiles the operator, runs every (N, mode) in a process of its own (with the operator in a
 * child of that) and writes bench/results/<timestamp>-N<n>-R<r>.json, bench/results/latest.md and,
 * with several N, bench/results/latest.svg.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchOptions } from './cli-options.js';
import { compileOperator } from './operator-process.js';
import { markdownReport, svgChart } from './report.js';
import type { ScenarioOptions, ScenarioResult } from './scenario.js';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const resultsDir = join(benchDir, 'results');

/** Runs one scenario in a process of its own (bench/run-one.ts), which writes its result to `out`. */
function runOne(scenario: ScenarioOptions, out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(benchDir, 'run-one.ts'), out], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, BENCH_SCENARIO: JSON.stringify(scenario) },
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`benchmark run N=${scenario.objects} ${scenario.mode} failed: exit ${code ?? signal}`))));
  });
}

async function main(): Promise<void> {
  const { objects, modes, perObjectCreateWith, ...shared } = parseBenchOptions(process.argv.slice(2));
  mkdirSync(resultsDir, { recursive: true });
  const operatorScript = await compileOperator((line) => process.stderr.write(`${line}\n`), shared.operatorBuild);
  const startedAt = new Date().toISOString();
  const stamp = startedAt.replace(/[:.]/g, '-');
  const results: ScenarioResult[] = [];
  for (const n of objects) {
    const perN: ScenarioResult[] = [];
    for (const mode of modes) {
      const scenario: ScenarioOptions = { ...shared, objects: n, mode, createWith: mode === 'per-object' ? perObjectCreateWith : 'self', operatorScript };
      const tmp = join(resultsDir, `.run-${process.pid}-${n}-${mode}.json`);
      await runOne(scenario, tmp);
      perN.push(JSON.parse(readFileSync(tmp, 'utf8')) as ScenarioResult);
      rmSync(tmp);
    }
    const file = join(resultsDir, `${stamp}-N${n}-R${shared.kasmRps}.json`);
    writeFileSync(file, `${JSON.stringify({ startedAt, runs: perN }, null, 2)}\n`);
    process.stderr.write(`wrote ${file}\n`);
    results.push(...perN);
  }
  writeFileSync(join(resultsDir, 'latest.md'), markdownReport(results, startedAt));
  if (objects.length > 1) writeFileSync(join(resultsDir, 'latest.svg'), svgChart(results));
  process.stdout.write(markdownReport(results, startedAt));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
