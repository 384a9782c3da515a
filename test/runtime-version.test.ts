import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The project pins Node 24 through the `node` devDependency; tests must not silently run on an older one.
describe('Node runtime', () => {
  it('runs the tests on the Node major that package.json engines names', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
    const wanted = /^>=(\d+)/.exec(pkg.engines.node)?.[1];
    expect(wanted).toBeDefined();
    expect(process.versions.node.split('.')[0]).toBe(wanted);
  });
});
