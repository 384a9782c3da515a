/**
 * Replays a Dockerfile's stages in plain directories, for machines without a Docker engine. Each
 * stage gets its own root folder; WORKDIR, ENV, ARG, COPY (from the build context or from an
 * earlier stage) and RUN are carried out there, with absolute image paths rebased into the folder.
 * One substitution keeps it fast: `npm ci` is replaced by copying the repository's installed
 * node_modules, which `npm ci` would recreate from the same package-lock.json. RUN commands run
 * with the given Node binary first on PATH, standing in for the base image's Node.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { delimiter, dirname, join, posix } from 'node:path';
import { parsePairs, substituteArgs, type Dockerfile, type Instruction } from './dockerfile.js';

export interface ReplayOptions {
  repoRoot: string;
  dockerfile: Dockerfile;
  /** Context-relative paths of the build context, .dockerignore applied. */
  contextFiles: readonly string[];
  /** An empty folder for the stage roots. */
  scratch: string;
  /** The Node 24 binary that stands in for the base images' node. */
  node: string;
  /** Build arguments, as `docker build --build-arg`. */
  buildArgs?: Record<string, string>;
  /** Longest time one RUN may take. */
  runTimeoutMs?: number;
}

export interface ReplayedStage {
  name: string;
  root: string;
  workdir: string;
  env: Record<string, string>;
  entrypoint?: string[];
  user?: string;
  /** RUN commands as executed, with substitutions noted. */
  runs: string[];
}

function rebase(root: string, imagePath: string): string {
  return join(root, ...imagePath.split('/').filter((part) => part !== ''));
}

function run(command: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`RUN ${command} failed (${signal ?? `exit ${String(code)}`}):\n${output.slice(-6000)}`));
    });
  });
}

function copySources(instruction: Instruction): { sources: string[]; dest: string } {
  const words = instruction.exec ?? instruction.rest.split(/\s+/).filter((w) => w !== '');
  if (words.length < 2) throw new Error(`Dockerfile line ${instruction.line}: COPY needs a source and a destination`);
  const dest = words.at(-1) ?? '';
  const sources = words.slice(0, -1);
  for (const source of sources) {
    if (/[*?[]/.test(source)) throw new Error(`Dockerfile line ${instruction.line}: wildcards in COPY sources are not replayed (${source})`);
  }
  return { sources, dest };
}

/** Runs every stage in order; returns them by name (or index). */
export async function replayDockerBuild(options: ReplayOptions): Promise<Map<string, ReplayedStage>> {
  const { repoRoot, dockerfile, contextFiles, scratch, node } = options;
  const timeoutMs = options.runTimeoutMs ?? 600_000;
  const binDir = join(scratch, 'bin');
  mkdirSync(binDir, { recursive: true });
  symlinkSync(node, join(binDir, 'node'));
  // The repository's own node_modules/.bin must not leak in: the stage has to find its tools itself.
  const hostPath = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((entry) => entry !== '' && !entry.includes('node_modules'))
    .join(delimiter);

  const stages = new Map<string, ReplayedStage>();
  for (const [index, stage] of dockerfile.stages.entries()) {
    const name = stage.name ?? String(index);
    const root = join(scratch, `stage-${name}`);
    mkdirSync(root, { recursive: true });
    const state: ReplayedStage = { name, root, workdir: '/', env: {}, runs: [] };
    const args: Record<string, string> = {};
    stages.set(name, state);
    for (const instruction of stage.instructions) {
      const text = substituteArgs(instruction.rest, { ...args, ...state.env });
      switch (instruction.keyword) {
        case 'ARG': {
          for (const [key, value] of Object.entries(parsePairs(text))) {
            args[key] = options.buildArgs?.[key] ?? (value !== '' ? value : (dockerfile.globalArgs[key] ?? ''));
          }
          break;
        }
        case 'ENV':
          Object.assign(state.env, parsePairs(text));
          break;
        case 'WORKDIR':
          state.workdir = posix.resolve(state.workdir, text);
          mkdirSync(rebase(root, state.workdir), { recursive: true });
          break;
        case 'USER':
          state.user = text;
          break;
        case 'ENTRYPOINT':
          if (instruction.exec === undefined) throw new Error(`Dockerfile line ${instruction.line}: ENTRYPOINT is not in exec form`);
          state.entrypoint = instruction.exec;
          break;
        case 'COPY': {
          const { sources, dest } = copySources(instruction);
          const destPath = posix.resolve(state.workdir, dest);
          const intoDir = dest.endsWith('/') || sources.length > 1;
          const from = instruction.flags.from;
          for (const source of sources) {
            if (from === undefined) copyFromContext(repoRoot, contextFiles, source, rebase(root, destPath), intoDir, instruction);
            else {
              const other = stages.get(from);
              if (other === undefined) throw new Error(`Dockerfile line ${instruction.line}: COPY --from=${from} names no earlier stage`);
              if (!source.startsWith('/')) throw new Error(`Dockerfile line ${instruction.line}: COPY --from sources are replayed only as absolute paths (${source})`);
              const sourcePath = rebase(other.root, source);
              if (!existsSync(sourcePath)) throw new Error(`Dockerfile line ${instruction.line}: stage ${from} has no ${source}`);
              const target = intoDir ? join(rebase(root, destPath), posix.basename(source)) : rebase(root, destPath);
              mkdirSync(dirname(target), { recursive: true });
              cpSync(sourcePath, target, { recursive: true, verbatimSymlinks: true });
            }
          }
          break;
        }
        case 'RUN': {
          // The shell expands variables in RUN; ARGs and ENVs are its environment.
          const command = instruction.exec?.join(' ') ?? instruction.rest;
          const cwd = rebase(root, state.workdir);
          if (/^npm\s+ci(\s|$)/.test(command)) {
            // `npm ci` installs exactly package-lock.json; the repository's node_modules is that install.
            const lock = join(cwd, 'package-lock.json');
            if (!existsSync(lock)) throw new Error(`Dockerfile line ${instruction.line}: npm ci runs before package-lock.json is copied`);
            if (readFileSync(lock, 'utf8') !== readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) {
              throw new Error('package-lock.json in the build differs from the repository one');
            }
            cpSync(join(repoRoot, 'node_modules'), join(cwd, 'node_modules'), { recursive: true, verbatimSymlinks: true });
            state.runs.push(`${command} (replayed as a copy of the installed node_modules)`);
            break;
          }
          const env: NodeJS.ProcessEnv = {
            ...args,
            ...state.env,
            PATH: `${binDir}${delimiter}${hostPath}`,
            HOME: join(scratch, 'home'),
            npm_config_cache: join(scratch, 'npm-cache'),
            npm_config_offline: 'true',
          };
          await run(command, cwd, env, timeoutMs);
          state.runs.push(command);
          break;
        }
        default:
          break; // LABEL, EXPOSE, CMD ... describe the image; nothing to replay.
      }
    }
  }
  return stages;
}

function copyFromContext(
  repoRoot: string,
  contextFiles: readonly string[],
  source: string,
  destPath: string,
  intoDir: boolean,
  instruction: Instruction,
): void {
  const clean = posix.normalize(source).replace(/^\.\/?/, '').replace(/\/$/, '');
  if (contextFiles.includes(clean)) {
    const target = intoDir ? join(destPath, posix.basename(clean)) : destPath;
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(repoRoot, clean), target);
    return;
  }
  const below = contextFiles.filter((file) => file.startsWith(`${clean}/`));
  if (below.length === 0) {
    throw new Error(`Dockerfile line ${instruction.line}: COPY ${source}: not in the build context (missing, or left out by .dockerignore)`);
  }
  // A directory source copies its contents into the destination, as Docker does.
  for (const file of below) {
    const target = join(destPath, file.slice(clean.length + 1));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(repoRoot, file), target);
  }
}
