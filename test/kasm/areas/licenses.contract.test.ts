import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KasmBusinessError, KasmPermissionError } from '../../../src/kasm/errors.js';
import { startKasmClientFixture } from '../../harness/kasm-client-fixture.js';
import type { KasmClientFixture } from '../../harness/kasm-client-fixture.js';
import { expectKasmError } from './kasm-error.js';

let fx: KasmClientFixture;

beforeAll(async () => {
  fx = await startKasmClientFixture();
});

afterAll(async () => {
  await fx.close();
});

describe('licences contract', () => {
  it('activate → list shows it; activating the same key again returns the same licence', async () => {
    const { licenses } = fx.client;
    const activated = await licenses.activate({ activationKey: 'ACME-0123456789-ABCDEF', seats: 25, issuedTo: 'ACME Corp' });
    expect(activated).toMatchObject({ issuedTo: 'ACME Corp', limit: 25, isVerified: true });
    expect(activated.expiration?.getTime()).toBeGreaterThan(Date.now());
    expect(activated.features).toMatchObject({ developer_api: true });
    expect((await licenses.list()).map((l) => l.licenseId)).toContain(activated.licenseId);
    const again = await licenses.activate({ activationKey: 'ACME-0123456789-ABCDEF' });
    expect(again.licenseId).toBe(activated.licenseId);
  });

  it('an invalid activation key is a non-retryable business error', async () => {
    const error = await expectKasmError(fx.client.licenses.activate({ activationKey: 'too-short' }), KasmBusinessError);
    expect(error.retryable).toBe(false);
    expect(error.kasmMessage).toBe('Invalid activation key');
  });

  it('a key without the permission → KasmPermissionError naming it', async () => {
    const viewer = fx.clientWithPermissions(['Licenses View']).client;
    await viewer.licenses.list();
    const error = await expectKasmError(viewer.licenses.activate({ activationKey: 'ACME-0123456789-ZZZZZZ' }), KasmPermissionError);
    expect(error.requiredPermissions).toEqual(['Licenses Modify']);
    const none = await expectKasmError(fx.clientWithPermissions([]).client.licenses.list(), KasmPermissionError);
    expect(none.message).toContain('Licenses View');
  });
});
