/**
 * How the image runs Node (the runtime stage's ENV in the Dockerfile: NODE_OPTIONS, MALLOC_ARENA_MAX),
 * so that the benchmark's operator runs as the image's does unless told otherwise.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pairsOf, parseDockerfile } from '../test/deploy/dockerfile.js';

export interface ImageRuntime {
  /** NODE_OPTIONS of the image. */
  nodeOptions: string;
  /** Other variables of the image that change how the process uses memory (MALLOC_ARENA_MAX). */
  env: Record<string, string>;
}

const MEMORY_VARIABLES = ['MALLOC_ARENA_MAX'];

/** The ENV pairs of a Dockerfile's last stage (the runtime), read with the deploy tests' parser. */
export function runtimeEnvOf(dockerfile: string): Record<string, string> {
  const runtime = parseDockerfile(dockerfile).stages.at(-1);
  return runtime === undefined ? {} : pairsOf(runtime, 'ENV');
}

export function imageRuntime(dockerfilePath = join(fileURLToPath(new URL('..', import.meta.url)), 'Dockerfile')): ImageRuntime {
  const env = runtimeEnvOf(readFileSync(dockerfilePath, 'utf8'));
  return {
    nodeOptions: (env.NODE_OPTIONS ?? '').trim(),
    env: Object.fromEntries(MEMORY_VARIABLES.filter((k) => env[k] !== undefined).map((k) => [k, env[k] as string])),
  };
}
