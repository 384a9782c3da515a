import { describe, expect, it } from 'vitest';
import { configAtProvider, configToSend, diffConfig, scrubbingSecrets, type ResolvedConfig } from '../../src/controllers/kinds/egress-config.js';

const KEY = 'WireGuard-Private-Key-9f2c';
const rc: ResolvedConfig = {
  plain: { mtu: 1420, routes: ['10.0.0.0/8'] },
  secrets: [{ key: 'private_key', field: 'secretConfig.private_key', value: KEY, version: 'wg/key@7' }],
};
const applied = { secretVersions: { 'secretConfig.private_key': 'wg/key@7' } };

describe('egress config', () => {
  it('sends plain and secret keys together', () => {
    expect(configToSend(rc)).toEqual({ mtu: 1420, routes: ['10.0.0.0/8'], private_key: KEY });
    expect(configToSend({ plain: undefined, secrets: [] })).toBeUndefined();
  });

  it('finds nothing when Kasm holds what was sent, whatever the key order', () => {
    expect(diffConfig(rc, { routes: ['10.0.0.0/8'], private_key: KEY, mtu: 1420 }, applied)).toEqual([]);
  });

  it('names changed plain keys with values, and extra or missing keys without', () => {
    const diff = diffConfig(rc, { mtu: 1280, routes: ['10.0.0.0/8'], injected: KEY }, applied);
    expect(diff).toEqual([
      { field: 'config.mtu', desired: '1420', observed: '1280' },
      { field: 'config.injected' },
      { field: 'secretConfig.private_key' },
    ]);
    expect(JSON.stringify(diff)).not.toContain(KEY);
  });

  it('sends a secret again when its Secret changed, as a changed input', () => {
    expect(diffConfig(rc, { mtu: 1420, routes: ['10.0.0.0/8'], private_key: KEY }, { secretVersions: { 'secretConfig.private_key': 'wg/key@6' } })).toEqual([
      { field: 'secretConfig.private_key', fromInput: true },
    ]);
  });

  it('leaves the config alone when the spec does not manage it', () => {
    expect(diffConfig({ plain: undefined, secrets: [] }, { anything: 1 }, {})).toEqual([]);
  });

  it('shows values only for the keys spec.config declares', () => {
    expect(configAtProvider(rc, { mtu: 1420, private_key: KEY, injected: 'x' })).toEqual({ config: { mtu: 1420 }, configKeys: ['injected', 'mtu', 'private_key'] });
  });

  it('removes the secret values from an error Kasm echoed', async () => {
    const failing = scrubbingSecrets(rc.secrets, () => Promise.reject(new Error(`Kasm create_egress_gateway: invalid config {"private_key": "${KEY}"}`)));
    await expect(failing).rejects.toThrow('invalid config {"private_key": "[REDACTED]"}');
  });
});
