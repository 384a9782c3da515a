/**
 * One scenario in a process of its own (so memory figures do not carry over between runs):
 * `--objects N --kasm-rps R --mode bulk|per-object --poll 5s --out file.json`.
 */
import { writeFileSync } from 'node:fs';
import { parseBenchOptions } from './cli-options.js';
import { runScenario } from './scenario.js';

const argv = process.argv.slice(2);
const outAt = argv.indexOf('--out');
const out = outAt >= 0 ? argv[outAt + 1] : undefined;
if (out === undefined) throw new Error('run-one: --out <file.json> is required');
const rest = argv.filter((_, i) => i !== outAt && i !== outAt + 1);
const options = parseBenchOptions(rest);
const [objects] = options.objects;
const [mode] = options.modes;
if (objects === undefined || mode === undefined || options.objects.length > 1 || options.modes.length > 1) throw new Error('run-one: exactly one N and one mode');

const result = await runScenario({ objects, kasmRps: options.kasmRps, mode, pollMs: options.pollMs, settlePolls: options.settlePolls }, (line) => process.stderr.write(`${line}\n`));
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
process.exit(0);
