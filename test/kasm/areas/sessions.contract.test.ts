import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sessionsEndpoints } from '../../../src/kasm/areas/sessions.js';
import type { SessionRef } from '../../../src/kasm/areas/sessions.js';
import {
  KasmBusinessError,
  KasmNotFoundError,
  KasmPendingError,
  KasmPermissionError,
  KasmServerError,
} from '../../../src/kasm/errors.js';
import { dashedKasmId } from '../../../src/kasm/ids.js';
import { startKasmClientFixture, waitForSessionRunning } from '../../harness/kasm-client-fixture.js';
import type { KasmClientFixture } from '../../harness/kasm-client-fixture.js';
import { expectKasmError } from './kasm-error.js';

let fx: KasmClientFixture;
let userId: string;
let imageId: string;

beforeAll(async () => {
  fx = await startKasmClientFixture({ sessionStartMs: 300 });
  userId = (await fx.client.users.create({ username: 'session-owner@example.com' })).userId;
  imageId = (await fx.client.images.create({ name: 'kasmweb/desktop:1.16.0', friendlyName: 'Desktop' })).imageId;
});

afterAll(async () => {
  await fx.close();
});

/** A session the simulator has already started. */
async function runningSession(options: { enableSharing?: boolean } = {}): Promise<SessionRef & { shareId: string | null }> {
  const requested = await fx.client.sessions.request({ userId, imageId, ...options });
  fx.sim.sessions.markRunning(requested.kasmId);
  return { kasmId: requested.kasmId, userId: requested.userId, shareId: requested.shareId };
}

describe('sessions contract', () => {
  it('request → pending → running, with the ids normalised', async () => {
    const { sessions } = fx.client;
    fx.sim.config.sessionStartMs = 600_000;
    try {
      const requested = await sessions.request({ userId, imageId });
      expect(requested).toMatchObject({ status: 'starting', userId, shareId: null });
      expect(requested.kasmId).toMatch(/^[0-9a-f]{32}$/);
      // Kasm prints request_kasm's ids dashed; the URL keeps Kasm's spelling.
      expect(requested.kasmUrl).toBe(`/#/connect/kasm/${dashedKasmId(requested.kasmId)}/${userId}/${requested.sessionToken}`);

      const pending = await expectKasmError(sessions.status(requested), KasmPendingError);
      expect(pending.retryable).toBe(true);
      expect(pending.operationalStatus).toMatch(/requested|starting/);

      fx.sim.sessions.markRunning(requested.kasmId);
      const status = await sessions.status(requested);
      expect(status.kasm).toMatchObject({ kasmId: requested.kasmId, userId, operationalStatus: 'running', imageId });
      expect(status.kasm.image?.friendlyName).toBe('Desktop');
      expect(status.currentTime).toBeInstanceOf(Date);
      expect(status.kasm.expirationDate).toBeInstanceOf(Date);
    } finally {
      fx.sim.config.sessionStartMs = 300;
    }
  });

  it('starts on its own within the configured time', async () => {
    const requested = await fx.client.sessions.request({ userId, imageId });
    const status = await waitForSessionRunning(fx.client, requested);
    expect(status.kasm.operationalStatus).toBe('running');
  });

  it('every status call rotates the token in the connect URL', async () => {
    const ref = await runningSession();
    const first = await fx.client.sessions.status(ref);
    const second = await fx.client.sessions.status(ref);
    expect(first.kasmUrl).toMatch(/^\/#\/connect\/kasm\//);
    expect(second.kasmUrl).not.toBe(first.kasmUrl);
    expect(second.kasmUrl).toContain(fx.sim.sessions.token(ref.kasmId));
    expect(first.kasmUrl).not.toContain(fx.sim.sessions.token(ref.kasmId));
  });

  it('list shows the session; destroy ends it; then status and destroy say not found', async () => {
    const { sessions } = fx.client;
    const ref = await runningSession();
    const { kasms, currentTime } = await sessions.list();
    expect(kasms.find((kasm) => kasm.kasmId === ref.kasmId)).toMatchObject({ userId, imageId });
    expect(currentTime).toBeInstanceOf(Date);
    await sessions.destroy({ kasmId: dashedKasmId(ref.kasmId), userId: ref.userId });
    expect((await sessions.list()).kasms.some((kasm) => kasm.kasmId === ref.kasmId)).toBe(false);
    const gone = await expectKasmError(sessions.status(ref), KasmNotFoundError);
    expect(gone.message).toContain('Invalid kasm_id');
    await expectKasmError(sessions.destroy(ref), KasmNotFoundError);
    await expectKasmError(sessions.keepalive(ref.kasmId), KasmNotFoundError);
  });

  it('keepalive pushes the expiry out; an expired session is gone', async () => {
    const { sessions } = fx.client;
    const ref = await runningSession();
    const before = (await sessions.status(ref)).kasm.expirationDate;
    fx.sim.clock.advance(120_000);
    expect(await sessions.keepalive(ref.kasmId)).toEqual({ usageReached: false });
    const after = (await sessions.status(ref)).kasm.expirationDate;
    expect(after?.getTime()).toBeGreaterThan(before?.getTime() ?? Number.POSITIVE_INFINITY);

    fx.sim.sessions.expire(ref.kasmId);
    await expectKasmError(sessions.status(ref), KasmNotFoundError);
  });

  it('exec is recorded by Kasm and answers with the session', async () => {
    const ref = await runningSession();
    const result = await fx.client.sessions.exec(ref, { cmd: 'touch /tmp/ready', workdir: '/tmp', user: 'root', environment: { A: '1' } });
    expect(result.kasm?.kasmId).toBe(ref.kasmId);
    expect(fx.sim.sessions.execCalls(ref.kasmId).map((call) => call.exec_config)).toEqual([
      { cmd: 'touch /tmp/ready', workdir: '/tmp', user: 'root', environment: { A: '1' } },
    ]);
  });

  it('screenshot returns JPEG bytes', async () => {
    const ref = await runningSession();
    const jpeg = await fx.client.sessions.screenshot({ ...ref, width: 640, height: 360 });
    expect(jpeg.length).toBeGreaterThan(100);
    expect([...jpeg.slice(0, 2)]).toEqual([0xff, 0xd8]);
    expect([...jpeg.slice(-2)]).toEqual([0xff, 0xd9]);
  });

  it('screenshot of a session that is not running is refused', async () => {
    fx.sim.config.sessionStartMs = 600_000;
    try {
      const requested = await fx.client.sessions.request({ userId, imageId });
      await expectKasmError(fx.client.sessions.screenshot(requested), KasmPendingError);
    } finally {
      fx.sim.config.sessionStartMs = 300;
    }
  });

  it('frame stats need a connected viewer; bottleneck stats are keyed by metric', async () => {
    const { sessions } = fx.client;
    const ref = await runningSession();
    const none = await expectKasmError(sessions.frameStats(ref), KasmBusinessError);
    expect(none.kasmMessage).toBe('No clients connected');
    fx.sim.sessions.connectViewer(ref.kasmId, 'ws-1');
    const stats = await sessions.frameStats({ ...ref, client: 'all' });
    expect(stats.frame).toMatchObject({ resx: 1280, resy: 720 });
    expect(stats.clients.map((client) => client.client)).toEqual(['ws-1']);
    expect(stats.tightjpegencoder).toMatchObject({ count: expect.any(Number) as number });
    const bottleneck = await sessions.bottleneckStats(ref);
    expect(Object.keys(bottleneck).length).toBeGreaterThan(0);
  });

  it('recordings of one and of several sessions', async () => {
    const { sessions } = fx.client;
    const ref = await runningSession();
    const other = await runningSession();
    expect(await sessions.recordings(ref.kasmId)).toEqual([]);
    const recorded = fx.sim.sessions.addRecording(ref.kasmId, 42);
    const one = await sessions.recordings(ref.kasmId, { preauthDownloadLink: true });
    expect(one).toEqual([expect.objectContaining({ recordingId: recorded.recording_id })]);
    expect(one[0]?.sessionRecordingDownloadUrl).toEqual(expect.any(String));
    expect(one[0]?.sessionRecordingMetadata).toMatchObject({ duration_seconds: 42 });
    const many = await sessions.recordingsOf([dashedKasmId(ref.kasmId), other.kasmId]);
    expect(many.get(ref.kasmId)?.map((r) => r.recordingId)).toEqual([recorded.recording_id]);
    expect(many.get(other.kasmId) ?? []).toEqual([]);
  });

  it('RDP connection info as a file and as a URL', async () => {
    const ref = await runningSession();
    expect(await fx.client.sessions.rdpFile(ref)).toMatch(/full address:s:/);
    expect(await fx.client.sessions.rdpUrl(ref)).toMatch(/^rdp:\/\//);
  });

  it('a shared session can be joined by share id', async () => {
    const ref = await runningSession({ enableSharing: true });
    expect(ref.shareId).toMatch(/^[0-9a-f]{8}$/);
    const viewer = await fx.client.users.create({ username: 'session-viewer@example.com' });
    const joined = await fx.client.sessions.join({ shareId: ref.shareId ?? '', userId: viewer.userId });
    expect(joined.kasmUrl).toMatch(new RegExp(`^/#/connect/join/${ref.shareId ?? ''}/${viewer.userId}/`));
    expect(joined).toMatchObject({ userId: viewer.userId, username: 'session-viewer@example.com' });
    expect(joined.kasm?.kasmId).toBe(ref.kasmId);
    await expectKasmError(fx.client.sessions.join({ shareId: 'deadbeef' }), KasmNotFoundError);
  });

  it('no capacity is a retryable business error', async () => {
    const saved = fx.sim.config.maxSessions;
    fx.sim.config.maxSessions = fx.sim.state.sessions.size;
    try {
      const error = await expectKasmError(fx.client.sessions.request({ userId, imageId }), KasmBusinessError);
      expect(error.retryable).toBe(true);
      expect(error.kasmMessage).toMatch(/No resources are available/);
    } finally {
      fx.sim.config.maxSessions = saved;
    }
  });

  it('unknown ids → KasmNotFoundError; a screenshot without user is a server error', async () => {
    const missing = { kasmId: '12'.repeat(16), userId };
    await expectKasmError(fx.client.sessions.status(missing), KasmNotFoundError);
    await expectKasmError(fx.client.sessions.exec(missing, { cmd: 'true' }), KasmNotFoundError);
    await expectKasmError(fx.client.sessions.screenshot(missing), KasmNotFoundError);
    await expectKasmError(fx.client.sessions.request({ userId: '34'.repeat(16), imageId }), KasmNotFoundError);
    // The client always sends user_id; a raw call without it shows how Kasm answers.
    const withoutUser = { ...sessionsEndpoints.getKasmScreenshot, request: z.object({ kasm_id: z.string() }) };
    const crash = await expectKasmError(fx.transport.callBinary(withoutUser, { kasm_id: missing.kasmId }), KasmServerError);
    expect(crash.html).toBe(true);
  });

  it('a key without the permissions → KasmPermissionError naming them', async () => {
    const viewer = fx.clientWithPermissions(['Sessions View']).client;
    await viewer.sessions.list();
    const error = await expectKasmError(viewer.sessions.request({ userId, imageId }), KasmPermissionError);
    expect(error.requiredPermissions).toEqual(['Users Auth Session', 'User']);
    expect(error.message).toContain('Users Auth Session');
    const ref = await runningSession();
    const exec = await expectKasmError(viewer.sessions.exec(ref, { cmd: 'id' }), KasmPermissionError);
    expect(exec.message).toContain('Sessions Modify');
  });
});
