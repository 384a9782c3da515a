import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KasmClient } from '../../src/kasm/client.js';
import { API_VERSION, condition, eventually, isCurrent, isReady, readyReason, startOperatorWithKasm, writeEndpoints, type OperatorFixture, type OperatorInstance } from '../harness/operator-fixture.js';
import { expectNoSecretShown, readTraces } from './secrets-shown.js';

/**
 * KasmImage through the operator against the simulator: created with memory in bytes, updated,
 * drift corrected, deleted or orphaned, observed without writes, and the registry token kept secret.
 */
let fx: OperatorFixture;
let operator: OperatorInstance;
let kasm: KasmClient;

const TOKEN_1 = 'Registry-Token-One-7f3a';
const TOKEN_2 = 'Registry-Token-Two-91bc';

beforeAll(async () => {
  ({ fx, operator, kasm } = await startOperatorWithKasm());
});
afterAll(async () => {
  await fx?.close();
});

const imagesNamed = (name: string) => [...fx.sim.state.images.values()].filter((i) => i.name === name);
const imageById = (id: string | undefined) => (id === undefined ? undefined : fx.sim.state.images.get(id));

describe('KasmImage', () => {
  it('creates the image in Kasm with memory in bytes and becomes Ready', async () => {
    await fx.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'registry' }, stringData: { username: 'puller', token: TOKEN_1 } });
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmImage',
      metadata: { name: 'chrome' },
      spec: {
        name: 'kasmweb/chrome:1.16.0',
        friendlyName: 'Chrome',
        cores: 1.5,
        memory: '2Gi',
        enabled: true,
        categories: ['Browsers'],
        runConfig: { hostname: 'kasm' },
        dockerRegistry: 'https://index.docker.io/v1/',
        dockerCredentialsSecretRef: { name: 'registry' },
        sessionTimeLimit: 3600,
      },
    });
    const ready = await fx.waitFor('KasmImage', 'chrome', (o) => isReady(o) && o?.metadata?.annotations?.['kasm.io/external-id'] !== undefined);
    const [inKasm, ...others] = imagesNamed('kasmweb/chrome:1.16.0');
    expect(others).toEqual([]);
    expect(inKasm?.memory).toBe(2 * 1024 ** 3);
    expect(inKasm?.cores).toBe(1.5);
    expect(inKasm?.friendly_name).toBe('Chrome');
    expect(inKasm?.categories).toEqual(['Browsers']);
    expect(JSON.parse(String(inKasm?.run_config))).toEqual({ hostname: 'kasm' });
    expect(inKasm?.docker_user).toBe('puller');
    expect(inKasm?.docker_token).toBe(TOKEN_1);
    expect(inKasm?.session_time_limit).toBe(3600);
    expect(ready?.status?.externalId).toBe(inKasm?.image_id);
    expect(ready?.status?.atProvider?.memory).toBe(2 * 1024 ** 3);
    expect(ready?.status?.atProvider?.enabled).toBe(true);
    expect(ready?.status?.dockerCredentialsSecretVersion).toEqual(expect.any(String));
    expect(fx.sim.calls.count('create_image')).toBe(1);
  });

  it('applies a spec change to Kasm', async () => {
    await fx.mergePatch('KasmImage', 'chrome', { spec: { memory: '512Mi', friendlyName: 'Google Chrome', runConfig: { hostname: 'chrome' } } });
    const id = (await fx.get('KasmImage', 'chrome'))?.status?.externalId;
    await eventually(() => imageById(id)?.memory === 512 * 1024 ** 2, 20_000, 'memory in Kasm');
    const obj = await fx.waitFor('KasmImage', 'chrome', isCurrent);
    expect(imageById(id)?.friendly_name).toBe('Google Chrome');
    expect(JSON.parse(String(imageById(id)?.run_config))).toEqual({ hostname: 'chrome' });
    expect(obj?.status?.atProvider?.friendlyName).toBe('Google Chrome');
  });

  it('sends the registry credentials again when their Secret changes', async () => {
    const id = (await fx.get('KasmImage', 'chrome'))?.status?.externalId;
    await fx.mergePatch('Secret', 'registry', { stringData: { token: TOKEN_2 } });
    await eventually(() => imageById(id)?.docker_token === TOKEN_2, 20_000, 'new token in Kasm');
  });

  it('corrects a change made in Kasm behind its back, and reports the drift', async () => {
    const id = (await fx.get('KasmImage', 'chrome'))?.status?.externalId;
    const image = imageById(id);
    if (!image) throw new Error('image missing');
    // An administrator edits the workspace in the Kasm UI.
    image.cores = 4;
    image.enabled = false;
    await eventually(() => imageById(id)?.cores === 1.5 && imageById(id)?.enabled === true, 20_000, 'cores and enabled restored');
    const obj = await fx.waitFor('KasmImage', 'chrome', (o) => (o?.status?.drift ?? []).some((d) => d.field === 'cores'));
    expect(obj?.status?.drift?.find((d) => d.field === 'cores')).toMatchObject({ desired: '1.5', observed: '4' });
    const events = await fx.waitForEvents('chrome', 'DriftCorrected');
    expect(events[0]?.note).toContain('cores');
  });

  it('never puts the registry token in status, events or operator logs', async () => {
    const traces = await readTraces(fx, [['KasmImage', 'chrome']], [operator]);
    // The logs do record this object's work (its updates), just never the token.
    expect(traces.logs).toMatch(/KasmImage[\s\S]*updated in Kasm|updated in Kasm[\s\S]*KasmImage/);
    expectNoSecretShown(traces, [TOKEN_1, TOKEN_2]);
  });

  it('deletes the image from Kasm and lets the object go', async () => {
    const id = (await fx.get('KasmImage', 'chrome'))?.status?.externalId;
    expect(imageById(id)).toBeDefined();
    await fx.remove('KasmImage', 'chrome');
    await eventually(() => imageById(id) === undefined, 20_000, 'image gone from Kasm');
    await fx.waitFor('KasmImage', 'chrome', (o) => o === undefined);
  });

  it('keeps the Kasm image when deletionPolicy is Orphan', async () => {
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmImage', metadata: { name: 'firefox' }, spec: { name: 'kasmweb/firefox:1.16.0', deletionPolicy: 'Orphan' } });
    const ready = await fx.waitFor('KasmImage', 'firefox', isReady);
    await fx.removeAndWait('KasmImage', 'firefox');
    expect(imageById(ready?.status?.externalId)).toBeDefined();
    expect(fx.sim.calls.count('delete_image')).toBe(1);
  });

  it('observes an existing image by name under ["Observe"] without writing to Kasm', async () => {
    const existing = await kasm.images.create({ name: 'kasmweb/vscode:1.16.0', friendlyName: 'VS Code', memory: 4 * 1024 ** 3, imageType: 'Container' });
    const writes = () => fx.kasmCalls(writeEndpoints('image'));
    const writesBefore = writes();
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmImage',
      metadata: { name: 'vscode' },
      spec: { name: 'kasmweb/vscode:1.16.0', memory: '4Gi', managementPolicies: ['Observe'] },
    });
    const obj = await fx.waitFor('KasmImage', 'vscode', isReady);
    expect(obj?.status?.externalId).toBe(existing.imageId);
    expect(obj?.status?.atProvider?.friendlyName).toBe('VS Code');
    await fx.removeAndWait('KasmImage', 'vscode');
    expect(imageById(existing.imageId)).toBeDefined();
    expect(writes()).toBe(writesBefore);
  });

  it('names the images and asks for the external-id annotation when several share the name', async () => {
    const a = await kasm.images.create({ name: 'kasmweb/terminal:1.16.0', imageType: 'Container' });
    const b = await kasm.images.create({ name: 'kasmweb/terminal:1.16.0', imageType: 'Container' });
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmImage',
      metadata: { name: 'terminal' },
      spec: { name: 'kasmweb/terminal:1.16.0', managementPolicies: ['Observe'] },
    });
    const obj = await fx.waitFor('KasmImage', 'terminal', (o) => readyReason(o) === 'InvalidSpec');
    const message = condition(obj, 'Ready')?.message ?? '';
    expect(message).toContain(a.imageId);
    expect(message).toContain(b.imageId);
    expect(message).toContain('kasm.io/external-id');
    // The annotation settles which one.
    await fx.mergePatch('KasmImage', 'terminal', { metadata: { annotations: { 'kasm.io/external-id': b.imageId } } });
    const adopted = await fx.waitFor('KasmImage', 'terminal', isReady);
    expect(adopted?.status?.externalId).toBe(b.imageId);
  });
});

describe('KasmGroupImage', () => {
  const ALL_USERS = '68d557ac4cac42cca9f31c7c853de0f3';
  const granted = (groupId: string | undefined, imageId: string | undefined) =>
    groupId !== undefined && imageId !== undefined && fx.sim.state.groupImages(groupId).has(imageId);

  let groupId: string | undefined;
  let imageId: string | undefined;

  it('grants a KasmImage to a KasmGroup once both are Ready', async () => {
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmGroupImage', metadata: { name: 'designers-gimp' }, spec: { groupRef: { name: 'designers' }, imageRef: { name: 'gimp' } } });
    await fx.waitFor('KasmGroupImage', 'designers-gimp', (o) => readyReason(o) === 'ReferenceNotReady');
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmGroup', metadata: { name: 'designers' }, spec: { name: 'Designers' } });
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmImage', metadata: { name: 'gimp' }, spec: { name: 'kasmweb/gimp:1.16.0', friendlyName: 'GIMP' } });
    groupId = (await fx.waitFor('KasmGroup', 'designers', isReady))?.status?.externalId;
    imageId = (await fx.waitFor('KasmImage', 'gimp', isReady))?.status?.externalId;
    const grant = await fx.waitFor('KasmGroupImage', 'designers-gimp', isReady);
    expect(granted(groupId, imageId)).toBe(true);
    expect(grant?.status?.externalId).toBe(`${groupId}${imageId}`);
    expect(grant?.status?.atProvider).toMatchObject({ groupId, imageId, groupName: 'Designers', imageFriendlyName: 'GIMP' });
    expect(fx.sim.calls.count('add_images_group')).toBe(1);
  });

  it('reads no grants while get_groups names the images last read for the group', async () => {
    const readsBefore = fx.sim.calls.count('get_images_group');
    const listsBefore = fx.sim.calls.count('get_groups');
    // Six polls: without the names, the group would be read again every fifth poll.
    await eventually(() => fx.sim.calls.count('get_groups') >= listsBefore + 6, 30_000, 'six more get_groups polls');
    expect(fx.sim.calls.count('get_images_group')).toBe(readsBefore);
  });

  it('grants the image again when it is revoked in Kasm, with an event', async () => {
    const listsBefore = fx.sim.calls.count('get_groups');
    fx.sim.state.removeGroupImage(groupId ?? '', imageId ?? '');
    await eventually(() => granted(groupId, imageId), 40_000, 'grant restored');
    // The next get_groups shows the group's names changed, and the group is read at once.
    expect(fx.sim.calls.count('get_groups') - listsBefore).toBeLessThanOrEqual(3);
    const events = await fx.events();
    expect(events.some((e) => e.regardingName === 'designers-gimp' && e.reason === 'ExternalDeleted')).toBe(true);
    expect(fx.sim.calls.count('add_images_group')).toBe(2);
  });

  it('revokes the grant when deleted and leaves the group and image alone', async () => {
    await fx.removeAndWait('KasmGroupImage', 'designers-gimp');
    expect(granted(groupId, imageId)).toBe(false);
    expect(fx.sim.state.images.get(imageId ?? '')).toBeDefined();
    expect(fx.sim.state.groups.get(groupId ?? '')).toBeDefined();
  });

  it('adopts an existing grant by ids without writing, and keeps it with deletionPolicy Orphan', async () => {
    const image = await kasm.images.create({ name: 'kasmweb/libreoffice:1.16.0', imageType: 'Container' });
    await kasm.groups.addImage(ALL_USERS, image.imageId);
    const addsBefore = fx.sim.calls.count('add_images_group');
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmGroupImage',
      metadata: { name: 'all-libreoffice' },
      spec: { groupId: ALL_USERS, imageId: image.imageId, deletionPolicy: 'Orphan' },
    });
    const obj = await fx.waitFor('KasmGroupImage', 'all-libreoffice', isReady);
    expect(obj?.status?.atProvider?.groupName).toBe('All Users');
    expect(fx.sim.calls.count('add_images_group')).toBe(addsBefore);
    const events = await fx.events();
    expect(events.some((e) => e.regardingName === 'all-libreoffice' && e.reason === 'Adopted')).toBe(true);
    await fx.removeAndWait('KasmGroupImage', 'all-libreoffice');
    expect(granted(ALL_USERS, image.imageId)).toBe(true);
  });
});
