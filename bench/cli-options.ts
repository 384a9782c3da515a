/** The benchmark's command line: `--objects 100,1000 --kasm-rps 50 [--mode bulk|per-object|both] [--poll 5s]`. */
import { parseArgs } from 'node:util';
import { parseDuration } from '../src/config.js';
import type { ObservationMode } from '../src/controllers/managed-kind.js';
import { imageRuntime } from './image-runtime.js';
import type { OperatorBuild } from './operator-process.js';

export interface BenchOptions {
  objects: number[];
  kasmRps: number;
  modes: ObservationMode[];
  pollMs: number;
  settlePolls: number;
  steadyPolls: number;
  /** `bulk`: per-object runs have their objects created by a bulk-mode operator (at large N). */
  perObjectCreateWith: 'self' | 'bulk';
  /** The operator's WORKERS (reconciles in parallel per kind); undefined: its default. */
  workers: number | undefined;
  /** Node options of the operator process (heap sizing); default the image's NODE_OPTIONS, '' for Node's defaults. */
  operatorNodeOptions: string;
  /** Environment of the operator process that changes its memory use (MALLOC_ARENA_MAX); default the image's. */
  operatorEnv: Record<string, string>;
  /** How the operator is built: `bundle` as the image does (esbuild, scripts/bundle.ts), or `tsc` (one file per module). */
  operatorBuild: OperatorBuild;
}

const USAGE =
  'usage: npm run bench -- --objects N[,N...] --kasm-rps R [--mode bulk|per-object|both] [--poll 5s] [--settle-polls 3] [--steady-polls 5] [--per-object-create self|bulk] [--workers W] [--operator-node-options="--max-old-space-size=160 ..."] [--operator-env="MALLOC_ARENA_MAX=2"] [--operator-build bundle|tsc]';

function pollMs(text: string): number {
  const value = parseDuration(text);
  if (value === undefined) throw new Error(`--poll: "${text}" is not a duration; write e.g. 500ms, 5s or 1m\n${USAGE}`);
  if (value < 100) throw new Error(`--poll: ${text} is too short; use at least 100ms\n${USAGE}`);
  return value;
}

export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      objects: { type: 'string' },
      'kasm-rps': { type: 'string' },
      mode: { type: 'string', default: 'both' },
      poll: { type: 'string', default: '5s' },
      'settle-polls': { type: 'string', default: '3' },
      'steady-polls': { type: 'string', default: '5' },
      'per-object-create': { type: 'string', default: 'self' },
      workers: { type: 'string' },
      'operator-node-options': { type: 'string' },
      'operator-env': { type: 'string' },
      'operator-build': { type: 'string', default: 'bundle' },
    },
    strict: true,
  });
  if (values.objects === undefined || values['kasm-rps'] === undefined) throw new Error(`--objects and --kasm-rps are required\n${USAGE}`);
  const objects = values.objects.split(',').map((s) => Number(s.trim()));
  for (const n of objects) if (!Number.isInteger(n) || n < 1) throw new Error(`--objects: "${values.objects}" must be whole numbers >= 1, comma separated\n${USAGE}`);
  const kasmRps = Number(values['kasm-rps']);
  if (!Number.isFinite(kasmRps) || kasmRps <= 0) throw new Error(`--kasm-rps: "${values['kasm-rps']}" must be a number > 0\n${USAGE}`);
  const mode = values.mode;
  if (mode !== 'bulk' && mode !== 'per-object' && mode !== 'both') throw new Error(`--mode: "${mode}" must be bulk, per-object or both\n${USAGE}`);
  const settlePolls = Number(values['settle-polls']);
  if (!Number.isInteger(settlePolls) || settlePolls < 0) throw new Error(`--settle-polls: "${values['settle-polls']}" must be a whole number >= 0\n${USAGE}`);
  const steadyPolls = Number(values['steady-polls']);
  if (!Number.isInteger(steadyPolls) || steadyPolls < 1) throw new Error(`--steady-polls: "${values['steady-polls']}" must be a whole number >= 1\n${USAGE}`);
  const createWith = values['per-object-create'];
  if (createWith !== 'self' && createWith !== 'bulk') throw new Error(`--per-object-create: "${createWith}" must be self or bulk\n${USAGE}`);
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) throw new Error(`--workers: "${values.workers}" must be a whole number >= 1\n${USAGE}`);
  const image = imageRuntime();
  const operatorNodeOptions = (values['operator-node-options'] ?? image.nodeOptions).trim();
  if (operatorNodeOptions !== '' && !operatorNodeOptions.split(/\s+/).every((o) => o.startsWith('--'))) {
    throw new Error(`--operator-node-options: "${operatorNodeOptions}" must be Node options, e.g. "--max-semi-space-size=2"\n${USAGE}`);
  }
  const operatorEnv: Record<string, string> = values['operator-env'] === undefined ? image.env : {};
  for (const pair of (values['operator-env'] ?? '').split(/\s+/).filter((p) => p !== '')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(pair);
    if (!m?.[1]) throw new Error(`--operator-env: "${pair}" must be NAME=value\n${USAGE}`);
    operatorEnv[m[1]] = m[2] ?? '';
  }
  const operatorBuild = values['operator-build'];
  if (operatorBuild !== 'tsc' && operatorBuild !== 'bundle') throw new Error(`--operator-build: "${operatorBuild}" must be tsc or bundle\n${USAGE}`);
  return {
    operatorBuild,
    operatorNodeOptions,
    operatorEnv,
    workers,
    settlePolls,
    steadyPolls,
    perObjectCreateWith: createWith,
    objects,
    kasmRps,
    modes: mode === 'both' ? ['bulk', 'per-object'] : [mode],
    pollMs: pollMs(values.poll),
  };
}
