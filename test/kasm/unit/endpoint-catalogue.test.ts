import { describe, expect, it } from 'vitest';
import type { KasmEndpoint } from '../../../src/kasm/endpoint.js';
import * as kasm from '../../../src/kasm/index.js';

/** Every endpoint the areas declare, found through the public exports. */
const catalogues = Object.entries(kasm).filter(([name]) => name.endsWith('Endpoints')) as [string, Record<string, KasmEndpoint>][];
const endpoints = catalogues.flatMap(([, catalogue]) => Object.values(catalogue));

describe('endpoint catalogue', () => {
  it('covers every area', () => {
    expect(catalogues.map(([name]) => name).sort()).toEqual(
      [
        'castConfigsEndpoints',
        'egressEndpoints',
        'groupsEndpoints',
        'imagesEndpoints',
        'licensesEndpoints',
        'registriesEndpoints',
        'sessionPermissionsEndpoints',
        'sessionsEndpoints',
        'stagingConfigsEndpoints',
        'usersEndpoints',
        'zonesEndpoints',
      ].sort(),
    );
    expect(endpoints.length).toBeGreaterThan(60);
  });

  it.each(endpoints.map((endpoint) => [endpoint.name, endpoint] as const))('%s: path ends with its verb, names permissions', (name, endpoint) => {
    expect(endpoint.path).toMatch(/^\/api\/(public|admin)\/[a-z_]+$/);
    expect(endpoint.path.endsWith(`/${name}`)).toBe(true);
    expect(['read', 'write']).toContain(endpoint.kind);
    expect(endpoint.permissions.length).toBeGreaterThan(0);
  });

  it('a verb means one path, kind and permission set', () => {
    const byName = new Map<string, KasmEndpoint>();
    for (const endpoint of endpoints) {
      const seen = byName.get(endpoint.name);
      if (seen !== undefined) {
        expect({ path: endpoint.path, kind: endpoint.kind, permissions: endpoint.permissions }).toEqual({
          path: seen.path,
          kind: seen.kind,
          permissions: seen.permissions,
        });
      }
      byName.set(endpoint.name, endpoint);
    }
  });

  it('KasmClient exposes every area', () => {
    const client = new kasm.KasmClient({ call: () => Promise.reject(new Error('unused')), callBinary: () => Promise.reject(new Error('unused')) });
    expect(Object.keys(client).sort()).toEqual(
      ['castConfigs', 'egress', 'groups', 'images', 'licenses', 'registries', 'sessionPermissions', 'sessions', 'stagingConfigs', 'users', 'zones'].sort(),
    );
    expect(Object.keys(client.egress).sort()).toEqual(['credentials', 'gateways', 'mappings', 'providers']);
  });
});
