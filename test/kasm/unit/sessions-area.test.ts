import { describe, expect, it } from 'vitest';
import { SessionPermissionsApi } from '../../../src/kasm/areas/session-permissions.js';
import { SessionsApi } from '../../../src/kasm/areas/sessions.js';
import { KasmInvalidRequestError, KasmInvalidResponseError, KasmNotFoundError, KasmPendingError } from '../../../src/kasm/errors.js';
import { FakeKasmCaller } from './fake-caller.js';

const KASM_DASHED = '4fa42139-aef3-4c86-929a-e479cda68857';
const KASM_ID = '4fa42139aef34c86929ae479cda68857';
const USER_ID = 'e60a9c80289a4b3aaedb42f1d5fe8060';
const TOKEN = '6a7e5c72-cebb-44c7-94f9-b10f296a576e';
const ref = { kasmId: KASM_DASHED, userId: USER_ID };

/** Shaped after a sanitized get_kasm_status capture. */
const runningKasm = {
  kasm_id: KASM_ID,
  user_id: USER_ID,
  username: 'user@kasm.local',
  image: { image_id: 'ab'.repeat(16), name: 'kasmweb/chrome:1.16.0', friendly_name: 'Chrome', image_src: 'img/chrome.png' },
  operational_status: 'running',
  container_ip: '172.18.0.5',
  host: 'kasm.example',
  port: 443,
  share_id: null,
  view_only_token: '',
  port_map: { vnc: { path: `desktop/${KASM_DASHED}/vnc`, port: 443 } },
  client_settings: { allow_kasm_audio: true, idle_disconnect: 20 },
  start_date: '2024-05-01 10:00:00.000001',
  expiration_date: '2024-05-01 11:00:00.000001',
  memory: 2768000000,
  cores: 2,
  unknown_new_field: [1, 2, 3],
};

describe('SessionsApi', () => {
  it('request sends snake_case options and keeps the dashed token as given', async () => {
    const caller = new FakeKasmCaller().reply('request_kasm', {
      kasm_id: KASM_DASHED,
      status: 'starting',
      user_id: USER_ID,
      username: 'user@kasm.local',
      session_token: TOKEN,
      kasm_url: `/#/connect/kasm/${KASM_DASHED}/${USER_ID}/${TOKEN}`,
      share_id: null,
    });
    const requested = await new SessionsApi(caller).request({
      userId: USER_ID,
      imageId: 'ab'.repeat(16),
      enableSharing: true,
      environment: { LANG: 'de_DE' },
      kasmUrl: 'https://example.com',
      persistentProfileMode: 'Disabled',
    });
    expect(caller.bodies('request_kasm')).toEqual([
      {
        user_id: USER_ID,
        image_id: 'ab'.repeat(16),
        enable_sharing: true,
        environment: { LANG: 'de_DE' },
        kasm_url: 'https://example.com',
        persistent_profile_mode: 'Disabled',
      },
    ]);
    expect(requested).toEqual({
      kasmId: KASM_ID,
      status: 'starting',
      userId: USER_ID,
      username: 'user@kasm.local',
      sessionToken: TOKEN,
      kasmUrl: `/#/connect/kasm/${KASM_DASHED}/${USER_ID}/${TOKEN}`,
      shareId: null,
    });
  });

  it('status maps the running session; "currently requested" is a KasmPendingError', async () => {
    const caller = new FakeKasmCaller()
      .reply('get_kasm_status', {
        error_message: 'This session is currently requested.',
        operational_status: 'starting',
        operational_progress: 40,
        operational_message: 'Pulling image',
      })
      .reply('get_kasm_status', { kasm: runningKasm, kasm_url: '/#/connect/kasm/x/y/z', current_time: '2024-05-01 10:00:05.5' });
    const api = new SessionsApi(caller);
    const pending = await api.status(ref).catch((e: unknown) => e);
    expect(pending).toBeInstanceOf(KasmPendingError);
    expect((pending as KasmPendingError).progress).toBe(40);
    const status = await api.status({ ...ref, skipAgentCheck: true });
    expect(caller.bodies('get_kasm_status')[1]).toEqual({ user_id: USER_ID, kasm_id: KASM_ID, skip_agent_check: true });
    expect(status.kasmUrl).toBe('/#/connect/kasm/x/y/z');
    expect(status.currentTime?.toISOString()).toBe('2024-05-01T10:00:05.500Z');
    expect(status.kasm).toMatchObject({
      kasmId: KASM_ID,
      operationalStatus: 'running',
      image: { friendlyName: 'Chrome' },
      portMap: { vnc: { path: `desktop/${KASM_DASHED}/vnc`, port: 443 } },
      startDate: new Date('2024-05-01T10:00:00.000Z'),
      keepaliveDate: null,
      shareId: null,
    });
    expect(status.kasm).not.toHaveProperty('unknownNewField');
  });

  it('list, destroy, keepalive, join', async () => {
    const caller = new FakeKasmCaller()
      .reply('get_kasms', { kasms: [runningKasm], current_time: '2024-05-01 10:00:05' })
      .reply('destroy_kasm', {})
      .reply('keepalive', { usage_reached: false })
      .reply('join_kasm', {
        kasm_url: `/#/connect/join/c20d04e8/${USER_ID}/${TOKEN}`,
        session_token: TOKEN,
        user_id: USER_ID,
        username: 'viewer@kasm.local',
        current_time: '2024-05-01 10:00:06',
        kasm: { kasm_id: KASM_ID, share_id: 'c20d04e8', user: { username: 'owner' } },
      });
    const api = new SessionsApi(caller);
    const { kasms, currentTime } = await api.list();
    expect(kasms.map((k) => k.kasmId)).toEqual([KASM_ID]);
    expect(currentTime).toEqual(new Date('2024-05-01T10:00:05Z'));
    await api.destroy(ref);
    expect(caller.bodies('destroy_kasm')).toEqual([{ user_id: USER_ID, kasm_id: KASM_ID }]);
    expect(await api.keepalive(KASM_DASHED)).toEqual({ usageReached: false });
    expect(caller.bodies('keepalive')).toEqual([{ kasm_id: KASM_ID }]);
    const joined = await api.join({ shareId: 'c20d04e8' });
    expect(joined.kasm?.shareId).toBe('c20d04e8');
    expect(caller.bodies('join_kasm')).toEqual([{ share_id: 'c20d04e8' }]);
  });

  it('exec nests the command in exec_config', async () => {
    const caller = new FakeKasmCaller().reply('exec_command_kasm', { kasm: runningKasm, current_time: '2024-05-01 10:00:07' });
    const result = await new SessionsApi(caller).exec(ref, { cmd: 'touch /tmp/x', workdir: '/tmp', user: 'root', environment: { A: '1' } });
    expect(caller.bodies('exec_command_kasm')).toEqual([
      { user_id: USER_ID, kasm_id: KASM_ID, exec_config: { cmd: 'touch /tmp/x', workdir: '/tmp', user: 'root', environment: { A: '1' } } },
    ]);
    expect(result.kasm?.kasmId).toBe(KASM_ID);
  });

  it('screenshot returns JPEG bytes and rejects anything else', async () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0xff, 0xd9]);
    const caller = new FakeKasmCaller().replyBinary('get_kasm_screenshot', { contentType: 'image/jpeg', body: jpeg });
    const api = new SessionsApi(caller);
    expect(await api.screenshot({ ...ref, width: 640, height: 360 })).toBe(jpeg);
    expect(caller.bodies('get_kasm_screenshot')).toEqual([{ user_id: USER_ID, kasm_id: KASM_ID, width: 640, height: 360 }]);

    const png = new FakeKasmCaller().replyBinary('get_kasm_screenshot', { contentType: 'image/png', body: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) });
    await expect(new SessionsApi(png).screenshot(ref)).rejects.toBeInstanceOf(KasmInvalidResponseError);
  });

  it('frame stats, bottleneck stats', async () => {
    const caller = new FakeKasmCaller()
      .reply('get_kasm_frame_stats', {
        frame: { resx: 1280, resy: 720, changed: 3, server_time: 12 },
        clients: [{ client: 'ws-1', client_time: 5, ping: 20, processes: [{ process_name: 'decode', time: 2 }] }],
        analysis: 1,
        tightjpegencoder: { time: 1, count: 2, area: 3 },
      })
      .reply('get_kasm_frame_stats', { error_message: 'No clients connected' })
      .reply('get_kasm_bottleneck_stats', { kasm_user: { cpu: [1, 2], network: [3] } });
    const api = new SessionsApi(caller);
    const stats = await api.frameStats(ref);
    expect(caller.bodies('get_kasm_frame_stats')[0]).toEqual({ user_id: USER_ID, kasm_id: KASM_ID, client: 'auto' });
    expect(stats.frame).toEqual({ resx: 1280, resy: 720, changed: 3, serverTime: 12 });
    expect(stats.clients[0]?.processes[0]).toEqual({ processName: 'decode', time: 2 });
    expect(stats.tightwebpencoder).toEqual({});
    await expect(api.frameStats({ ...ref, client: 'all' })).rejects.toThrow(/No clients connected/);
    expect(await api.bottleneckStats(ref)).toEqual({ cpu: [1, 2], network: [3] });
  });

  it('recordings of one or many sessions, keyed by normalised id', async () => {
    const recording = { recording_id: 'cd'.repeat(16), account_id: 'acct', session_recording_url: 'https://s3/x', session_recording_metadata: { codec: 'h264' } };
    const caller = new FakeKasmCaller()
      .reply('get_session_recordings', { session_recordings: [recording] })
      .reply('get_sessions_recordings', { kasm_sessions: { [KASM_DASHED]: { session_recordings: [recording] } } });
    const api = new SessionsApi(caller);
    const one = await api.recordings(KASM_DASHED, { preauthDownloadLink: true });
    expect(one[0]).toMatchObject({ recordingId: 'cd'.repeat(16), sessionRecordingMetadata: { codec: 'h264' }, sessionRecordingDownloadUrl: null });
    expect(caller.bodies('get_session_recordings')).toEqual([{ target_kasm_id: KASM_ID, preauth_download_link: true }]);
    const many = await api.recordingsOf([KASM_DASHED]);
    expect([...many.keys()]).toEqual([KASM_ID]);
    expect(caller.bodies('get_sessions_recordings')).toEqual([{ target_kasm_ids: [KASM_ID], preauth_download_link: false }]);
    await expect(api.recordingsOf([])).rejects.toBeInstanceOf(KasmInvalidRequestError);
  });

  it('rdp file and url', async () => {
    const caller = new FakeKasmCaller()
      .reply('get_rdp_client_connection_info', (body) => (body.connection_type === 'file' ? { file: 'full address:s:kasm' } : { url: 'rdp://kasm' }));
    const api = new SessionsApi(caller);
    expect(await api.rdpFile(ref)).toBe('full address:s:kasm');
    expect(await api.rdpUrl(ref)).toBe('rdp://kasm');
    const wrong = new FakeKasmCaller().reply('get_rdp_client_connection_info', { url: 'rdp://kasm' });
    const error = await new SessionsApi(wrong).rdpFile(ref).catch((e: unknown) => e);
    expect((error as KasmInvalidResponseError).field).toBe('file');
  });

  it('"Invalid kasm_id" is a KasmNotFoundError', async () => {
    const caller = new FakeKasmCaller().reply('destroy_kasm', { error_message: `Invalid kasm_id (${KASM_ID})` });
    await expect(new SessionsApi(caller).destroy(ref)).rejects.toBeInstanceOf(KasmNotFoundError);
  });
});

describe('SessionPermissionsApi', () => {
  it('set, setForAll, get, deleteAll use target_session_permissions', async () => {
    const permission = { user_id: USER_ID, access: 'rw', username: 'u', vnc_username: 'v', extra: 1 };
    const caller = new FakeKasmCaller()
      .reply('set_session_permissions', { session_permissions: [permission] })
      .reply('get_session_permissions', { session_permissions: [permission, { user_id: 'ef'.repeat(16), access: 'x-new' }] })
      .reply('delete_all_session_permissions', {});
    const api = new SessionPermissionsApi(caller);
    expect(await api.set(KASM_DASHED, [{ userId: USER_ID, access: 'rw' }])).toEqual([
      { sessionPermissionId: null, kasmId: null, userId: USER_ID, username: 'u', vncUsername: 'v', access: 'rw' },
    ]);
    await api.setForAll(KASM_ID, 'r');
    expect(caller.bodies('set_session_permissions')).toEqual([
      { target_session_permissions: { kasm_id: KASM_ID, session_permissions: [{ user_id: USER_ID, access: 'rw' }] } },
      { target_session_permissions: { kasm_id: KASM_ID, access: 'r' } },
    ]);
    expect((await api.get(KASM_ID)).map((p) => p.access)).toEqual(['rw', 'x-new']);
    await api.deleteAll(KASM_ID);
    expect(caller.bodies('delete_all_session_permissions')).toEqual([{ target_session_permissions: { kasm_id: KASM_ID } }]);
  });

  it('refuses an unknown access value and an empty list before sending', async () => {
    const caller = new FakeKasmCaller();
    const api = new SessionPermissionsApi(caller);
    // @ts-expect-error: 'admin' is not an access value
    await expect(api.setForAll(KASM_ID, 'admin')).rejects.toBeInstanceOf(KasmInvalidRequestError);
    await expect(api.set(KASM_ID, [])).rejects.toBeInstanceOf(KasmInvalidRequestError);
    expect(caller.sent).toEqual([]);
  });
});
