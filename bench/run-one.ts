/**
 * One scenario in a process of its own (so nothing carries over between runs), started by
 * bench/run.ts with the scenario's options as JSON in BENCH_SCENARIO; writes the result to the file
 * named by its one argument.
 */
import { writeFileSync } from 'node:fs';
import { runScenario, type ScenarioOptions } from './scenario.js';

const [out] = process.argv.slice(2);
const scenario = process.env.BENCH_SCENARIO;
if (out === undefined || scenario === undefined) throw new Error('run-one: started by bench/run.ts, with BENCH_SCENARIO and an output file');

const result = await runScenario(JSON.parse(scenario) as ScenarioOptions, (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`));
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
process.exit(0);
