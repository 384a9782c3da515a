import { describe, expect, it } from 'vitest';
import { parseBenchOptions } from '../../bench/cli-options.js';
import { imageRuntime, runtimeEnvOf } from '../../bench/image-runtime.js';

describe('the benchmark runs the operator as the image does', () => {
  it('reads ENV of the last stage only, with continuations and quotes', () => {
    const dockerfile = [
      'FROM node:24 AS build',
      'ENV NODE_ENV=development NODE_OPTIONS=--inspect',
      'FROM gcr.io/distroless/nodejs24-debian13:nonroot AS runtime',
      'ENV NODE_ENV=production \\',
      '    NODE_OPTIONS="--max-old-space-size=160 --max-semi-space-size=8" \\',
      '    MALLOC_ARENA_MAX=2',
    ].join('\n');
    expect(runtimeEnvOf(dockerfile)).toEqual({ NODE_ENV: 'production', NODE_OPTIONS: '--max-old-space-size=160 --max-semi-space-size=8', MALLOC_ARENA_MAX: '2' });
  });

  it("takes the image's NODE_OPTIONS and MALLOC_ARENA_MAX and the bundle by default; options override them", () => {
    const image = imageRuntime();
    expect(image.nodeOptions).toMatch(/--max-old-space-size=\d+/);
    expect(image.env).toEqual({ MALLOC_ARENA_MAX: '2' });
    const defaults = parseBenchOptions(['--objects', '100', '--kasm-rps', '50']);
    expect(defaults).toMatchObject({ operatorBuild: 'bundle', operatorNodeOptions: image.nodeOptions, operatorEnv: image.env });
    const node = parseBenchOptions(['--objects', '100', '--kasm-rps', '50', '--operator-build', 'tsc', '--operator-node-options=', '--operator-env=']);
    expect(node).toMatchObject({ operatorBuild: 'tsc', operatorNodeOptions: '', operatorEnv: {} });
    expect(() => parseBenchOptions(['--objects', '100', '--kasm-rps', '50', '--operator-env=oops'])).toThrow(/NAME=value/);
  });
});
