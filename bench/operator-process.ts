/**
 * The benchmark's side of the operator child process: compiles the operator to JavaScript (as
 * the container image runs it, without a TypeScript loader in the measured process), starts it,
 * and asks it for figures over the IPC channel.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { operatorBundleOptions } from '../scripts/bundle.js';
import type { ChildReply, ChildRequest, ChildStart, ChildStats, ChildStopped } from './operator-protocol.js';
import type { LoopDelayFigures, MemoryFigures } from './process-sampler.js';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const outDir = join(benchDir, '..', 'node_modules', '.cache', 'kasm-operator-bench');
const childScript = join(outDir, 'bench', 'operator-child.js');

export type OperatorBuild = 'tsc' | 'bundle';

/**
 * `bundle` (the default, what the image runs): the operator as one esbuild bundle with the image's
 * options (scripts/bundle.ts). `tsc`: the compiled files one by one, as the image ran them before.
 */
async function bundleOperator(): Promise<string> {
  const outfile = join(outDir, 'bundle', 'operator-child.mjs');
  await build(operatorBundleOptions(join(benchDir, 'operator-child.ts'), outfile));
  return outfile;
}

/** Compiles bench/operator-child.ts and the operator sources it imports; returns the script to run. */
export async function compileOperator(log: (line: string) => void, how: OperatorBuild): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  // Outside the project's package scope: say that these files are ES modules.
  writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n');
  if (how === 'bundle') return bundleOperator();
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(benchDir, 'tsconfig.operator.json')], { encoding: 'utf8' });
  // Type errors elsewhere in a tree being edited do not stop the emit; a missing output does.
  if (result.status !== 0) log(`tsc reported problems (the benchmark goes on with what was emitted):\n${(result.stdout + result.stderr).slice(0, 2000)}`);
  if (!existsSync(childScript)) throw new Error(`compiling the operator for the benchmark produced no ${childScript}`);
  return childScript;
}

/** A request as the caller writes it: the id is added here. */
type Outgoing = ChildRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

type Pending = { resolve: (reply: ChildReply) => void; reject: (err: Error) => void };

export class OperatorProcess {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private exited: string | undefined;
  /** Rejects when the process ends before stop() (a crash, out of memory), so waits do not outlast it. */
  readonly crashed: Promise<never>;
  private stopping = false;

  private constructor(
    private readonly child: ChildProcess,
    /** When Manager.start() was called. */
    readonly startedAt: number,
    /** The WORKERS the operator runs with. */
    readonly workers: number,
  ) {
    child.on('message', (reply: ChildReply) => {
      if (reply.type === 'started') return;
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.type === 'error') waiter.reject(new Error(`operator child: ${reply.message}`));
      else waiter.resolve(reply);
    });
    let crash: (err: Error) => void = () => undefined;
    this.crashed = new Promise<never>((_resolve, reject) => (crash = reject));
    // Nobody may be waiting on it: an unobserved rejection must not end the benchmark.
    this.crashed.catch(() => undefined);
    child.on('exit', (code, signal) => {
      this.exited = `exit ${code ?? signal}`;
      for (const w of this.pending.values()) w.reject(new Error(`operator child ended (${this.exited})`));
      this.pending.clear();
      if (!this.stopping) crash(new Error(`the operator process ended unexpectedly (${this.exited}); its stderr above says why (e.g. heap out of memory)`));
    });
  }

  /** `wait`, or the process's crash, whichever comes first. */
  whileRunning<T>(wait: Promise<T>): Promise<T> {
    return Promise.race([wait, this.crashed]);
  }

  /** `nodeOptions`: Node options of the operator process (heap sizing), '' for none; `env`: variables added to its environment (MALLOC_ARENA_MAX). */
  static start(script: string, nodeOptions: string, env: Record<string, string>, start: ChildStart): Promise<OperatorProcess> {
    // --expose-gc: the benchmark can ask for the heap that is retained, not garbage not yet collected.
    // BENCH_OPERATOR_NODE_FLAGS adds Node flags for investigations (--cpu-prof, --heapsnapshot-signal=SIGUSR2).
    const extra = (process.env.BENCH_OPERATOR_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');
    const options = nodeOptions.split(' ').filter((o) => o !== '');
    const child = spawn(process.execPath, ['--expose-gc', ...options, ...extra, script], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...env, BENCH_OPERATOR: JSON.stringify(start) },
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`operator child ended before it started (exit ${code})`));
      child.once('exit', onExit);
      child.once('error', reject);
      child.on('message', (reply: ChildReply) => {
        if (reply.type !== 'started') return;
        child.off('exit', onExit);
        resolve(new OperatorProcess(child, reply.startedAt, reply.workers));
      });
    });
  }

  private request<T extends ChildReply['type']>(req: Outgoing, expect: T, timeoutMs = 60_000): Promise<Extract<ChildReply, { type: T }>> {
    if (this.exited) return Promise.reject(new Error(`operator child ended (${this.exited})`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`operator child did not answer ${req.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (reply) => {
          clearTimeout(timer);
          if (reply.type === expect) resolve(reply as Extract<ChildReply, { type: T }>);
          else reject(new Error(`operator child answered ${req.type} with ${reply.type}`));
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
      this.child.send({ ...req, id });
    });
  }

  async loopStart(): Promise<void> {
    await this.request({ type: 'loop-start' }, 'ack');
  }

  async loopStop(): Promise<LoopDelayFigures> {
    return (await this.request({ type: 'loop-stop' }, 'loop')).loop;
  }

  stats(): Promise<ChildStats> {
    return this.request({ type: 'stats' }, 'stats');
  }

  async retainedMemory(): Promise<MemoryFigures> {
    return (await this.request({ type: 'gc' }, 'memory')).now;
  }

  /** Stops the operator (reconciles in flight may finish within `deadlineMs`) and waits for the process to end. */
  async stop(deadlineMs: number): Promise<ChildStopped> {
    this.stopping = true;
    const ended = new Promise<void>((resolve) => (this.exited ? resolve() : this.child.once('exit', () => resolve())));
    const stopped = await this.request({ type: 'stop', deadlineMs }, 'stopped', deadlineMs + 30_000);
    await Promise.race([ended, new Promise((r) => setTimeout(r, 10_000).unref())]);
    if (!this.exited) this.child.kill('SIGKILL');
    return stopped;
  }

  /** Ends the process at once (after a failure elsewhere). */
  kill(): void {
    this.stopping = true;
    if (!this.exited) this.child.kill('SIGKILL');
  }
}
