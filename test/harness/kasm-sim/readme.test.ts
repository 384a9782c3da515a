import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ALL_ROUTES } from './routes/all-routes.js';

describe('README', () => {
  it('lists every endpoint the simulator serves, with its permissions', async () => {
    const readme = await readFile(new URL('./README.md', import.meta.url), 'utf8');
    const missing = ALL_ROUTES.filter(
      (route) => !readme.includes(`| \`${route.path}\` | ${route.permissions.join(' + ')} | ${route.write ? 'yes' : ''} |`),
    ).map((route) => route.path);
    expect(missing).toEqual([]);
  });
});
