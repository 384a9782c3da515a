/**
 * One scenario in a process of its own (so nothing carries over between runs):
 * `--objects N --kasm-rps R --mode bulk|per-object --poll 5s --operator <compiled child> --out file.json`.
 */
import { writeFileSync } from 'node:fs';
import { parseBenchOptions } from './cli-options.js';
import { runScenario } from './scenario.js';

const argv = process.argv.slice(2);
const take = (flag: string): string | undefined => {
  const at = argv.indexOf(flag);
  if (at < 0) return undefined;
  const value = argv[at + 1];
  argv.splice(at, 2);
  return value;
};
const out = take('--out');
const operatorScript = take('--operator');
if (out === undefined || operatorScript === undefined) throw new Error('run-one: --out <file.json> and --operator <compiled operator child> are required');
const options = parseBenchOptions(argv);
const [objects] = options.objects;
const [mode] = options.modes;
if (objects === undefined || mode === undefined || options.objects.length > 1 || options.modes.length > 1) throw new Error('run-one: exactly one N and one mode');

const result = await runScenario(
  {
    objects,
    kasmRps: options.kasmRps,
    mode,
    pollMs: options.pollMs,
    settlePolls: options.settlePolls,
    steadyPolls: options.steadyPolls,
    createWith: mode === 'per-object' ? options.perObjectCreateWith : 'self',
    operatorScript,
    workers: options.workers,
    operatorNodeOptions: options.operatorNodeOptions,
    operatorBuild: options.operatorBuild,
  },
  (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`),
);
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
process.exit(0);
