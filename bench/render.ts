/**
 * Re-renders bench/results/latest.md (and latest.svg with several N) from saved result files:
 * `npx tsx bench/render.ts bench/results/<a>.json [bench/results/<b>.json ...]`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownReport, svgChart } from './report.js';
import type { ScenarioResult } from './scenario.js';

const files = process.argv.slice(2);
if (files.length === 0) throw new Error('usage: npx tsx bench/render.ts <result.json> [...]');
const saved = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as { startedAt: string; runs: ScenarioResult[] });
const results = saved.flatMap((s) => s.runs).sort((a, b) => a.objects - b.objects || a.mode.localeCompare(b.mode));
const resultsDir = fileURLToPath(new URL('results', import.meta.url));
writeFileSync(join(resultsDir, 'latest.md'), markdownReport(results, saved[0]?.startedAt ?? ''));
if (new Set(results.map((r) => r.objects)).size > 1) writeFileSync(join(resultsDir, 'latest.svg'), svgChart(results));
process.stdout.write(markdownReport(results, saved[0]?.startedAt ?? ''));
