import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startKasmSimulator } from './index.js';
import type { KasmSimulator } from './index.js';
import { callSim, eventually, field, list, text } from './test-requests.js';

const HEX32 = /^[0-9a-f]{32}$/;
const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NAIVE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/;
const START_MS = 60_000;
const KEEPALIVE_ID = '491760ee25a440dd842c1db414b34f2d';

let sim: KasmSimulator;
let imageId: string;

beforeAll(async () => {
  sim = await startKasmSimulator({ sessionStartMs: START_MS });
  const image = await callSim(sim, 'create_image', { target_image: { name: 'kasmweb/terminal:1.16.0', friendly_name: 'Terminal' } });
  imageId = text(image.body, 'image.image_id');
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.config.sessionStartMs = START_MS;
  sim.config.maxSessions = 50;
});
afterEach(() => {
  for (const kasmId of [...sim.state.sessions.keys()]) sim.state.endSession(kasmId);
});

let userCounter = 0;
async function newUser(): Promise<string> {
  userCounter += 1;
  const reply = await callSim(sim, 'create_user', { target_user: { username: `session-user-${userCounter}@example.com` } });
  return text(reply.body, 'user.user_id');
}

async function requestSession(userId: string, extra: Record<string, unknown> = {}): Promise<{ kasmId: string; body: unknown }> {
  const reply = await callSim(sim, 'request_kasm', { user_id: userId, image_id: imageId, ...extra });
  expect(reply.status).toBe(200);
  return { kasmId: text(reply.body, 'kasm_id'), body: reply.body };
}

async function runningSession(userId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { kasmId } = await requestSession(userId, extra);
  sim.sessions.markRunning(kasmId);
  return kasmId;
}

describe('request_kasm', () => {
  it('answers at once with a dashed kasm_id and token, status starting and a connect path', async () => {
    const userId = await newUser();
    const { body } = await requestSession(userId);
    expect(body).toMatchObject({ status: 'starting', user_id: userId, share_id: null });
    const kasmId = text(body, 'kasm_id');
    const token = text(body, 'session_token');
    expect(kasmId).toMatch(DASHED);
    expect(token).toMatch(DASHED);
    expect(text(body, 'kasm_url')).toBe(`/#/connect/kasm/${kasmId}/${userId}/${token}`);
    expect(text(body, 'username')).toMatch(/^session-user-/);
  });

  it('gives a short share_id when sharing is enabled', async () => {
    const { body } = await requestSession(await newUser(), { enable_sharing: true });
    expect(text(body, 'share_id')).toMatch(/^[0-9a-f]{8}$/);
  });

  it('answers "No Default Image Found" without a usable image, and uses a group default_image', async () => {
    const userId = await newUser();
    const none = await callSim(sim, 'request_kasm', { user_id: userId });
    expect(none.body).toEqual({ error_message: 'No Default Image Found' });
    const wrong = await callSim(sim, 'request_kasm', { user_id: userId, image_id: 'abababababababababababababababab' });
    expect(wrong.body).toEqual({ error_message: 'No Default Image Found' });

    const group = await callSim(sim, 'create_group', { target_group: { name: 'With Default Image' } });
    const groupId = text(group.body, 'group.group_id');
    await callSim(sim, 'add_user_group', { target_user: { user_id: userId }, target_group: { group_id: groupId } });
    await callSim(
      sim,
      'update_settings_group',
      { target_group: { group_id: groupId }, target_setting: { group_setting_id: 'f36091f5d9a140cf814e7b62ae34ae9f', value: imageId } },
      { area: 'admin' },
    );
    const launched = await callSim(sim, 'request_kasm', { user_id: userId });
    expect(text(launched.body, 'status')).toBe('starting');
  });

  it('refuses beyond capacity with the retryable "No resources" message', async () => {
    sim.config.maxSessions = 1;
    const userId = await newUser();
    await requestSession(userId);
    const full = await callSim(sim, 'request_kasm', { user_id: userId, image_id: imageId });
    expect(full.status).toBe(200);
    expect(text(full.body, 'error_message')).toMatch(/^No resources are available to create the requested Kasm/);
  });

  it('creates an anonymous user when user_id is left out', async () => {
    const reply = await callSim(sim, 'request_kasm', { image_id: imageId });
    const userId = text(reply.body, 'user_id');
    expect(sim.state.users.get(userId)?.realm).toBe('anonymous');
  });

  it('enforces a max_kasms_per_user group setting above 0', async () => {
    const userId = await newUser();
    const group = await callSim(sim, 'create_group', { target_group: { name: 'One Session Each' } });
    const groupId = text(group.body, 'group.group_id');
    await callSim(sim, 'add_user_group', { target_user: { user_id: userId }, target_group: { group_id: groupId } });
    await callSim(
      sim,
      'update_settings_group',
      { target_group: { group_id: groupId }, target_setting: { group_setting_id: 'e1d65326163c49cc8800422b5eba7250', value: 1 } },
      { area: 'admin' },
    );
    await requestSession(userId);
    const second = await callSim(sim, 'request_kasm', { user_id: userId, image_id: imageId });
    expect(text(second.body, 'error_message')).toMatch(/maximum number of sessions/);
  });

  it('needs Users Auth Session and User', async () => {
    const key = sim.createApiKey({ permissions: ['Users Auth Session'] });
    const reply = await callSim(sim, 'request_kasm', { user_id: await newUser(), image_id: imageId }, { key });
    expect(reply.status).toBe(403);
  });
});

describe('session lifecycle', () => {
  it('goes requested → starting → running on the simulator clock', async () => {
    const userId = await newUser();
    const { kasmId } = await requestSession(userId);
    const first = await callSim(sim, 'get_kasm_status', { user_id: userId, kasm_id: kasmId });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ error_message: 'This session is currently requested.', operational_status: 'requested' });
    expect(typeof field(first.body, 'operational_progress')).toBe('number');

    sim.clock.advance(START_MS / 2);
    const second = await callSim(sim, 'get_kasm_status', { user_id: userId, kasm_id: kasmId });
    expect(second.body).toMatchObject({ error_message: 'This session is currently requested.', operational_status: 'starting' });

    sim.clock.advance(START_MS / 2);
    const third = await callSim(sim, 'get_kasm_status', { user_id: userId, kasm_id: kasmId });
    expect(field(third.body, 'error_message')).toBeUndefined();
    expect(third.body).toMatchObject({ kasm: { operational_status: 'running', user_id: userId, image: { image_id: imageId } } });
    expect(text(third.body, 'kasm.kasm_id')).toMatch(HEX32);
    expect(text(third.body, 'current_time')).toMatch(NAIVE);
    expect(text(third.body, 'kasm_url')).toMatch(/^\/#\/connect\/kasm\//);
  });

  it('runs on its own after sessionStartMs of real time', async () => {
    sim.config.sessionStartMs = 300;
    const userId = await newUser();
    const { kasmId } = await requestSession(userId);
    const running = await eventually(async () => {
      const reply = await callSim(sim, 'get_kasm_status', { user_id: userId, kasm_id: kasmId });
      return field(reply.body, 'kasm.operational_status') === 'running' ? reply : undefined;
    }, 15_000, 'the session to run');
    expect(running.status).toBe(200);
  });

  it('rotates the session token on every status call of a running session', async () => {
    const userId = await newUser();
    const kasmId = await runningSession(userId);
    const first = text((await callSim(sim, 'get_kasm_status', { user_id: userId, kasm_id: kasmId })).body, 'kasm_url');
    const second = text((await callSim(sim, 'get_kasm_status', { user_id: userId, kasm_id: kasmId })).body, 'kasm_url');
    expect(first).not.toBe(second);
    expect(second.endsWith(sim.sessions.token(kasmId))).toBe(true);
  });

  it('get_kasms lists sessions with current_time', async () => {
    const userId = await newUser();
    const kasmId = await runningSession(userId);
    const reply = await callSim(sim, 'get_kasms');
    expect(text(reply.body, 'current_time')).toMatch(NAIVE);
    const kasms = list(reply.body, 'kasms');
    expect(kasms.map((kasm) => field(kasm, 'kasm_id'))).toContain(kasmId.replaceAll('-', ''));
  });

  it('destroy_kasm returns {} and the session is then unknown', async () => {
    const userId = await newUser();
    const { kasmId } = await requestSession(userId);
    expect((await callSim(sim, 'destroy_kasm', { user_id: userId, kasm_id: kasmId })).body).toEqual({});
    const after = await callSim(sim, 'get_kasm_status', { user_id: userId, kasm_id: kasmId });
    expect(after.body).toEqual({ error_message: `Invalid kasm_id (${kasmId.replaceAll('-', '')})` });
    const again = await callSim(sim, 'destroy_kasm', { user_id: userId, kasm_id: kasmId });
    expect(text(again.body, 'error_message')).toMatch(/^Invalid kasm_id/);
  });

  it('a non-UUID kasm_id is an HTML 500', async () => {
    const reply = await callSim(sim, 'get_kasm_status', { kasm_id: 'bogus' });
    expect(reply.status).toBe(500);
    expect(reply.contentType).toMatch(/^text\/html/);
  });

  it('keepalive returns usage_reached false and moves the expiration', async () => {
    const userId = await newUser();
    const kasmId = await runningSession(userId);
    const session = sim.state.sessions.get(kasmId.replaceAll('-', ''));
    const before = session?.expiration_date ?? 0;
    sim.clock.advance(10_000);
    expect((await callSim(sim, 'keepalive', { kasm_id: kasmId })).body).toEqual({ usage_reached: false });
    expect(session?.expiration_date ?? 0).toBeGreaterThan(before);
  });

  it('sessions expire after keepalive_expiration and disappear', async () => {
    const userId = await newUser();
    const group = await callSim(sim, 'create_group', { target_group: { name: 'Short Keepalive' } });
    const groupId = text(group.body, 'group.group_id');
    await callSim(sim, 'add_user_group', { target_user: { user_id: userId }, target_group: { group_id: groupId } });
    await callSim(
      sim,
      'update_settings_group',
      { target_group: { group_id: groupId }, target_setting: { group_setting_id: KEEPALIVE_ID, value: '120' } },
      { area: 'admin' },
    );
    const kasmId = await runningSession(userId);
    sim.clock.advance(100_000);
    expect((await callSim(sim, 'keepalive', { kasm_id: kasmId })).status).toBe(200);
    sim.clock.advance(100_000);
    expect(field((await callSim(sim, 'get_kasm_status', { user_id: userId, kasm_id: kasmId })).body, 'kasm.operational_status')).toBe('running');
    sim.clock.advance(30_000);
    const gone = await callSim(sim, 'get_kasm_status', { user_id: userId, kasm_id: kasmId });
    expect(text(gone.body, 'error_message')).toMatch(/^Invalid kasm_id/);
    expect(list((await callSim(sim, 'get_kasms')).body, 'kasms')).toEqual([]);
  });

  it('a test can expire a session at once', async () => {
    const userId = await newUser();
    const kasmId = await runningSession(userId);
    sim.sessions.expire(kasmId);
    const gone = await callSim(sim, 'keepalive', { kasm_id: kasmId });
    expect(text(gone.body, 'error_message')).toMatch(/^Invalid kasm_id/);
  });

  it('a forced status names itself', async () => {
    const userId = await newUser();
    const kasmId = await runningSession(userId);
    sim.sessions.setStatus(kasmId, 'paused');
    const reply = await callSim(sim, 'get_kasm_status', { user_id: userId, kasm_id: kasmId });
    expect(reply.body).toMatchObject({ error_message: 'This session is currently paused.', operational_status: 'paused' });
  });
});

describe('delete_user with sessions', () => {
  it('refuses while the user has sessions, then deletes them with force', async () => {
    const userId = await newUser();
    const { kasmId } = await requestSession(userId);
    const refused = await callSim(sim, 'delete_user', { target_user: { user_id: userId } });
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual({ error_message: 'Unable to delete user. The user has active sessions. Use force to delete' });
    expect(sim.state.users.has(userId)).toBe(true);
    const forced = await callSim(sim, 'delete_user', { target_user: { user_id: userId }, force: true });
    expect(forced.body).toEqual({});
    expect(sim.state.users.has(userId)).toBe(false);
    expect(sim.state.sessions.has(kasmId.replaceAll('-', ''))).toBe(false);
  });

  it('lists the sessions on the user', async () => {
    const userId = await newUser();
    const { kasmId } = await requestSession(userId);
    const reply = await callSim(sim, 'get_user', { target_user: { user_id: userId } });
    expect(list(reply.body, 'user.kasms').map((kasm) => field(kasm, 'kasm_id'))).toEqual([kasmId.replaceAll('-', '')]);
    expect(text(reply.body, 'user.last_session')).toMatch(NAIVE);
  });
});

describe('join, exec and session permissions', () => {
  it('join_kasm gives a join path for a shared running session', async () => {
    const owner = await newUser();
    const viewer = await newUser();
    const { body } = await requestSession(owner, { enable_sharing: true });
    const shareId = text(body, 'share_id');
    const pending = await callSim(sim, 'join_kasm', { share_id: shareId, user_id: viewer });
    expect(text(pending.body, 'error_message')).toBe('This session is currently requested.');
    sim.sessions.markRunning(text(body, 'kasm_id'));
    const joined = await callSim(sim, 'join_kasm', { share_id: shareId, user_id: viewer });
    expect(text(joined.body, 'kasm_url')).toMatch(new RegExp(`^/#/connect/join/${shareId}/${viewer}/[0-9a-f-]{36}$`));
    expect(joined.body).toMatchObject({ user_id: viewer, kasm: { share_id: shareId } });
    expect((await callSim(sim, 'join_kasm', { share_id: 'deadbeef' })).body).toEqual({ error_message: 'Shared session not found' });
  });

  it('exec_command_kasm is fire-and-forget and recorded for tests', async () => {
    const userId = await newUser();
    const kasmId = await runningSession(userId);
    const reply = await callSim(sim, 'exec_command_kasm', {
      user_id: userId,
      kasm_id: kasmId,
      exec_config: { cmd: 'echo hi', workdir: '/tmp', user: 'root' },
    });
    expect(reply.body).toMatchObject({ kasm: { kasm_id: kasmId.replaceAll('-', '') } });
    expect(text(reply.body, 'current_time')).toMatch(NAIVE);
    expect(field(reply.body, 'kasm.stdout')).toBeUndefined();
    expect(sim.sessions.execCalls(kasmId)).toEqual([
      expect.objectContaining({ user_id: userId, exec_config: { cmd: 'echo hi', workdir: '/tmp', user: 'root' } }),
    ]);
    const missing = await callSim(sim, 'exec_command_kasm', { user_id: userId, kasm_id: kasmId, exec_config: {} });
    expect(text(missing.body, 'error_message')).toMatch(/exec_config\.cmd/);
  });

  it('sets, reads and clears session permissions', async () => {
    const owner = await newUser();
    const guest = await newUser();
    const kasmId = await runningSession(owner, { enable_sharing: true });
    const set = await callSim(sim, 'set_session_permissions', {
      target_session_permissions: { kasm_id: kasmId, session_permissions: [{ user_id: guest, access: 'r' }] },
    });
    expect(list(set.body, 'session_permissions')).toEqual([expect.objectContaining({ user_id: guest, access: 'r' })]);
    await callSim(sim, 'set_session_permissions', { target_session_permissions: { kasm_id: kasmId, access: 'rw' } });
    const read = await callSim(sim, 'get_session_permissions', { target_session_permissions: { kasm_id: kasmId } });
    expect(list(read.body, 'session_permissions')).toEqual([expect.objectContaining({ user_id: guest, access: 'rw' })]);
    const bad = await callSim(sim, 'set_session_permissions', {
      target_session_permissions: { kasm_id: kasmId, session_permissions: [{ user_id: guest, access: 'x' }] },
    });
    expect(text(bad.body, 'error_message')).toMatch(/access/);
    expect((await callSim(sim, 'delete_all_session_permissions', { target_session_permissions: { kasm_id: kasmId } })).body).toEqual({});
    const cleared = await callSim(sim, 'get_session_permissions', { target_session_permissions: { kasm_id: kasmId } });
    expect(list(cleared.body, 'session_permissions')).toEqual([]);
  });
});

describe('screenshots, stats, RDP and recordings', () => {
  it('get_kasm_screenshot returns JPEG bytes; without user_id it is an HTML 500', async () => {
    const userId = await newUser();
    const kasmId = await runningSession(userId);
    const reply = await callSim(sim, 'get_kasm_screenshot', { kasm_id: kasmId, user_id: userId, width: 300, height: 200 });
    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe('image/jpeg');
    expect([...reply.bytes.slice(0, 2)]).toEqual([0xff, 0xd8]);
    expect([...reply.bytes.slice(-2)]).toEqual([0xff, 0xd9]);
    const missing = await callSim(sim, 'get_kasm_screenshot', { kasm_id: kasmId });
    expect(missing.status).toBe(500);
    expect(missing.contentType).toMatch(/^text\/html/);
  });

  it('screenshot of a session that is not running is a JSON error', async () => {
    const userId = await newUser();
    const { kasmId } = await requestSession(userId);
    const reply = await callSim(sim, 'get_kasm_screenshot', { kasm_id: kasmId, user_id: userId });
    expect(reply.contentType).toMatch(/application\/json/);
    expect(text(reply.body, 'error_message')).toBe('This session is currently requested.');
  });

  it('frame stats need a connected viewer', async () => {
    const userId = await newUser();
    const kasmId = await runningSession(userId);
    const none = await callSim(sim, 'get_kasm_frame_stats', { kasm_id: kasmId, user_id: userId, client: 'auto' });
    expect(none.body).toEqual({ error_message: 'No clients connected' });
    sim.sessions.connectViewer(kasmId, 'browser-1');
    const stats = await callSim(sim, 'get_kasm_frame_stats', { kasm_id: kasmId, user_id: userId, client: 'all' });
    expect(stats.body).toMatchObject({ frame: { resx: 1280 }, clients: [{ client: 'browser-1' }] });
    sim.sessions.disconnectViewer(kasmId);
    expect((await callSim(sim, 'get_kasm_frame_stats', { kasm_id: kasmId, user_id: userId })).body).toEqual({ error_message: 'No clients connected' });
  });

  it('bottleneck stats come under kasm_user', async () => {
    const userId = await newUser();
    const kasmId = await runningSession(userId);
    const reply = await callSim(sim, 'get_kasm_bottleneck_stats', { kasm_id: kasmId, user_id: userId });
    expect(list(reply.body, 'kasm_user.cpu').every((value) => typeof value === 'number')).toBe(true);
  });

  it('RDP connection info as a file or a URL', async () => {
    const userId = await newUser();
    const kasmId = await runningSession(userId);
    const file = await callSim(sim, 'get_rdp_client_connection_info', { kasm_id: kasmId, user_id: userId, connection_type: 'file' });
    expect(text(file.body, 'file')).toContain('full address:s:');
    const url = await callSim(sim, 'get_rdp_client_connection_info', { kasm_id: kasmId, user_id: userId, connection_type: 'url' });
    expect(text(url.body, 'url')).toMatch(/^rdp:\/\//);
    const bad = await callSim(sim, 'get_rdp_client_connection_info', { kasm_id: kasmId, user_id: userId, connection_type: 'x' });
    expect(text(bad.body, 'error_message')).toMatch(/connection_type/);
  });

  it('lists recordings for one or several sessions, outliving the session', async () => {
    const userId = await newUser();
    const kasmId = await runningSession(userId);
    const recording = sim.sessions.addRecording(kasmId, 90);
    await callSim(sim, 'destroy_kasm', { user_id: userId, kasm_id: kasmId });
    const one = await callSim(sim, 'get_session_recordings', { target_kasm_id: kasmId, preauth_download_link: true });
    const recordings = list(one.body, 'session_recordings');
    expect(recordings.map((entry) => field(entry, 'recording_id'))).toEqual([recording.recording_id]);
    expect(text(recordings[0], 'session_recording_download_url')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/recordings\//);
    const plainId = kasmId.replaceAll('-', '');
    const many = await callSim(sim, 'get_sessions_recordings', { target_kasm_ids: [kasmId], preauth_download_link: false });
    expect(list(many.body, `kasm_sessions.${plainId}.session_recordings`)).toHaveLength(1);
  });
});
