import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instructionsOf, pairsOf, parseDockerfile, type Stage } from './dockerfile.js';
import { dockerignoreMatcher } from './dockerignore.js';
import { replayDockerBuild, type ReplayedStage } from './docker-build-replay.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dockerfileText = readFileSync(join(root, 'Dockerfile'), 'utf8');
const dockerfile = parseDockerfile(dockerfileText);
const ignored = dockerignoreMatcher(readFileSync(join(root, '.dockerignore'), 'utf8'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  license: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

const buildStage = dockerfile.stages[0] as Stage;
const runtimeStage = dockerfile.stages.at(-1) as Stage;

function runCommands(stage: Stage): string[] {
  return instructionsOf(stage, 'RUN').map((i) => i.exec?.join(' ') ?? i.rest);
}

describe('Dockerfile (static)', () => {
  it('builds in a Node 24 image and runs in a separate Node 24 runtime image', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    expect(buildStage.from).toMatch(/^node:24[-.]/);
    expect(runtimeStage.from).toMatch(/distroless\/nodejs24-|^node:24[-.].*slim/);
    expect(runtimeStage.from).not.toBe(buildStage.from);
  });

  it('installs, then type-checks and bundles, in that order', () => {
    const runs = runCommands(buildStage);
    const install = runs.findIndex((r) => /^npm ci\b/.test(r));
    const build = runs.findIndex((r) => /^npm run build\b/.test(r));
    expect(install, runs.join('\n')).toBeGreaterThanOrEqual(0);
    expect(build).toBeGreaterThan(install);
  });

  it('copies only the bundle and package.json into the runtime: no node_modules', () => {
    const copies = instructionsOf(runtimeStage, 'COPY');
    expect(copies.every((c) => c.flags.from === buildStage.name)).toBe(true);
    const sources = copies.map((c) => c.rest.split(/\s+/)[0]).sort();
    expect(sources).toEqual(['/app/dist', '/app/package.json']);
  });

  it('sizes the heap (capped old space, small young generation), limits malloc arenas and leaves source maps off', () => {
    const env = pairsOf(runtimeStage, 'ENV');
    const options = (env.NODE_OPTIONS ?? '').split(/\s+/);
    expect(options.find((o) => o.startsWith('--max-old-space-size='))).toMatch(/^--max-old-space-size=\d+$/);
    expect(options.find((o) => o.startsWith('--max-semi-space-size='))).toMatch(/^--max-semi-space-size=\d+$/);
    expect(options).not.toContain('--enable-source-maps');
    expect(env.MALLOC_ARENA_MAX).toBe('2');
  });

  it('runs as the numeric non-root user 65532 with no shell and an exec-form ENTRYPOINT', () => {
    const users = instructionsOf(runtimeStage, 'USER');
    expect(users.at(-1)?.rest).toMatch(/^65532(:65532)?$/);
    // A distroless runtime has no shell: nothing may RUN there.
    expect(instructionsOf(runtimeStage, 'RUN')).toEqual([]);
    const entrypoint = instructionsOf(runtimeStage, 'ENTRYPOINT').at(-1);
    expect(entrypoint?.exec, 'ENTRYPOINT must be a JSON array (exec form)').toBeDefined();
    expect(entrypoint?.exec?.[0]).toMatch(/^\/.*\/node$/);
    expect(entrypoint?.exec?.slice(1)).toEqual(['/app/dist/main.js']);
    expect(instructionsOf(runtimeStage, 'CMD')).toEqual([]);
  });

  it('labels the image with OCI source, version (from a build argument), title and licenses', () => {
    const labels = pairsOf(runtimeStage, 'LABEL');
    const stageArgs = pairsOf(runtimeStage, 'ARG');
    expect(labels['org.opencontainers.image.title']).toBe('kasm-operator');
    expect(labels['org.opencontainers.image.licenses']).toBe(pkg.license);
    expect(labels['org.opencontainers.image.source']).toMatch(/^https:\/\/|^\$\{SOURCE_URL\}$/);
    expect(labels['org.opencontainers.image.version']).toBe('${VERSION}');
    expect(Object.keys(stageArgs)).toContain('VERSION');
  });

  it('keeps the build context to what the build copies', () => {
    for (const path of ['node_modules/zod/package.json', '.git/config', 'dist/main.js', '.tools/x', 'scripts/demo.ts', 'test/config.test.ts', 'deploy/crds/x.yaml', '.env', 'kubeconfig']) {
      expect(ignored(path), path).toBe(true);
    }
    for (const path of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/bundle.ts', 'src/main.ts', 'src/kasm/client.ts']) {
      expect(ignored(path), path).toBe(false);
    }
    expect(ignored('src/runtime/work-queue.test.ts')).toBe(true);
  });
});

const node24 = join(root, 'node_modules', '.bin', 'node');
const mainSource = join(root, 'src', 'main.ts');
const hasMain = existsSync(mainSource);
if (!hasMain) {
  console.warn('dockerfile-build.test.ts: skipping the image build replay: src/main.ts (the process entry the image runs) does not exist yet');
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

// The build is replayed once (npm ci stand-in, then the type-check and bundle); the checks below read its result.
const replayTitle = hasMain
  ? 'Dockerfile build, replayed without Docker'
  : 'Dockerfile build, replayed without Docker: skipped because src/main.ts (the process entry the image runs) does not exist yet';
describe.skipIf(!hasMain)(replayTitle, () => {
  let scratch: string;
  let stages: Map<string, ReplayedStage>;
  let runtime: ReplayedStage;

  beforeAll(async () => {
    expect(execFileSync(node24, ['--version'], { encoding: 'utf8' })).toMatch(/^v24\./);
    scratch = mkdtempSync(join(tmpdir(), 'kasm-operator-image-'));
    // The build context: files git would include (tracked or not ignored), minus .dockerignore.
    const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
      .split('\0')
      .filter((file) => file !== '' && existsSync(join(root, file)));
    const contextFiles = [...new Set(listed)].filter((file) => !ignored(file));
    stages = await replayDockerBuild({ repoRoot: root, dockerfile, contextFiles, scratch, node: realpathSync(node24) });
    runtime = [...stages.values()].at(-1) as ReplayedStage;
  }, 600_000);

  afterAll(() => {
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  });

  it('has no node_modules in the runtime image: the bundle holds every dependency', () => {
    expect(existsSync(join(runtime.root, 'app', 'node_modules'))).toBe(false);
    // The build stage had them (development ones included: the compiler and esbuild).
    const build = stages.get(buildStage.name ?? '0');
    for (const dep of [...Object.keys(pkg.dependencies), 'typescript', 'esbuild']) expect(existsSync(join(build?.root ?? '', 'app', 'node_modules', dep, 'package.json')), dep).toBe(true);
  });

  it('contains the compiled entry and no TypeScript sources', () => {
    const files = listFiles(join(runtime.root, 'app')).filter((f) => !f.startsWith('node_modules/'));
    expect(files).toContain('dist/main.js');
    expect(files).toContain('dist/main.js.map');
    expect(files).toContain('package.json');
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('deploy/'))).toEqual([]);
  });

  it('bundles one copy of undici and none of client-node\'s generated API', () => {
    // The map's sources name each bundled module (client-node's through its own maps, as src/*.ts).
    const map = JSON.parse(readFileSync(join(runtime.root, 'app', 'dist', 'main.js.map'), 'utf8')) as { sources: string[] };
    const undiciRoots = new Set(map.sources.map((source) => /^(.*?\/undici)\/lib\//.exec(source)?.[1]).filter((root) => root !== undefined));
    expect(undiciRoots.size, [...undiciRoots].join(', ')).toBe(1);
    const clientNode = map.sources.filter((source) => source.includes('@kubernetes/client-node/'));
    expect(clientNode.some((source) => /\/(dist|src)\/config\.(js|ts)$/.test(source))).toBe(true);
    expect(clientNode.some((source) => /\/(dist|src)\/watch\.(js|ts)$/.test(source))).toBe(true);
    expect(clientNode.filter((source) => /\/(dist|src)\/gen\/(apis|models)\//.test(source))).toEqual([]);
  });

  it('starts with the entrypoint, prints --help and exits 0 without writing into the image', () => {
    const entrypoint = runtime.entrypoint ?? [];
    const [, ...args] = entrypoint;
    // Absolute image paths are rebased into the replayed root; the base image's node is Node 24.
    const argv = args.map((arg) => (arg.startsWith('/') ? join(runtime.root, arg) : arg));
    const before = listFiles(runtime.root);
    const result = spawnSync(node24, [...argv, '--help'], {
      cwd: join(runtime.root, runtime.workdir),
      env: { ...runtime.env, PATH: '/usr/bin:/bin', HOME: join(scratch, 'no-home') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('Usage: kasm-operator');
    for (const variable of ['KASM_BASE_URL', 'WATCH_NAMESPACES', 'LEADER_ELECT', 'HEALTH_PORT']) expect(result.stdout).toContain(variable);
    expect(listFiles(runtime.root)).toEqual(before);
    expect(existsSync(join(scratch, 'no-home'))).toBe(false);
  });

  it('replayed the Dockerfile RUN steps in order', () => {
    const build = stages.get(buildStage.name ?? '0');
    expect(build?.runs.map((r) => r.split(' ').slice(0, 3).join(' '))).toEqual(runCommands(buildStage).map((r) => r.split(' ').slice(0, 3).join(' ')));
  });
});
