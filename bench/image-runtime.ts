/**
 * How the image runs Node (the runtime stage's ENV in the Dockerfile: NODE_OPTIONS, MALLOC_ARENA_MAX),
 * so that the benchmark's operator runs as the image's does unless told otherwise.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ImageRuntime {
  /** NODE_OPTIONS of the image. */
  nodeOptions: string;
  /** Other variables of the image that change how the process uses memory (MALLOC_ARENA_MAX). */
  env: Record<string, string>;
}

const MEMORY_VARIABLES = ['MALLOC_ARENA_MAX'];

/** `ENV A=1 B="x y"` pairs of the last stage of a Dockerfile's text. */
export function runtimeEnvOf(dockerfile: string): Record<string, string> {
  const logical = dockerfile.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  const lastFrom = logical.map((l) => /^\s*FROM\s/i.test(l)).lastIndexOf(true);
  const env: Record<string, string> = {};
  for (const line of logical.slice(lastFrom + 1)) {
    const m = /^\s*ENV\s+(.*)$/i.exec(line);
    if (!m?.[1]) continue;
    for (const pair of m[1].matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
      const value = pair[2] ?? '';
      env[pair[1] ?? ''] = value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
    }
  }
  return env;
}

export function imageRuntime(dockerfilePath = join(fileURLToPath(new URL('..', import.meta.url)), 'Dockerfile')): ImageRuntime {
  const env = runtimeEnvOf(readFileSync(dockerfilePath, 'utf8'));
  return {
    nodeOptions: (env.NODE_OPTIONS ?? '').trim(),
    env: Object.fromEntries(MEMORY_VARIABLES.filter((k) => env[k] !== undefined).map((k) => [k, env[k] as string])),
  };
}
