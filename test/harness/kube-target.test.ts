import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chooseKubeTarget, connectKubeTarget, DEFAULT_K3S_IMAGE, dockerEndpoints, needsDockerProbe, probeDocker, type DockerStatus } from './kube-target.js';

const docker: DockerStatus = { available: true, endpoint: 'unix:///var/run/docker.sock' };
const noDocker: DockerStatus = { available: false, reason: 'no Docker engine (no socket at /var/run/docker.sock)' };

describe('needsDockerProbe', () => {
  it('asks about Docker only when k3s could be chosen', () => {
    expect(needsDockerProbe({})).toBe(true);
    expect(needsDockerProbe({ E2E_K3S: '1' })).toBe(true);
    expect(needsDockerProbe({ E2E_K3S: '0' })).toBe(false);
    expect(needsDockerProbe({ E2E_KUBECONFIG: '/tmp/kc' })).toBe(false);
  });
});

describe('chooseKubeTarget', () => {
  it('uses the cluster named by E2E_KUBECONFIG whatever else is set', () => {
    const choice = chooseKubeTarget({ E2E_KUBECONFIG: '/tmp/kc', E2E_K3S: '1' }, docker);
    expect(choice).toMatchObject({ kind: 'cluster', kubeconfigPath: '/tmp/kc' });
    expect(choice.why).toMatch(/E2E_KUBECONFIG is set/);
  });

  it('uses k3s with the default image when Docker answers', () => {
    const choice = chooseKubeTarget({}, docker);
    expect(choice).toMatchObject({ kind: 'k3s', image: DEFAULT_K3S_IMAGE, dockerEndpoint: 'unix:///var/run/docker.sock' });
    expect(choice.why).toMatch(/Docker engine answers at unix:\/\/\/var\/run\/docker\.sock/);
    expect(choice.why).toMatch(/E2E_K3S=0/);
  });

  it('takes the k3s image from E2E_K3S_IMAGE, ignoring a blank one', () => {
    expect(chooseKubeTarget({ E2E_K3S_IMAGE: 'rancher/k3s:v1.33.5-k3s1' }, docker)).toMatchObject({ kind: 'k3s', image: 'rancher/k3s:v1.33.5-k3s1' });
    expect(chooseKubeTarget({ E2E_K3S_IMAGE: '  ' }, docker)).toMatchObject({ kind: 'k3s', image: DEFAULT_K3S_IMAGE });
  });

  it('falls back to the test server without Docker and says why', () => {
    const choice = chooseKubeTarget({}, noDocker);
    expect(choice.kind).toBe('test-server');
    expect(choice.why).toContain('no socket at /var/run/docker.sock');
  });

  it('uses the test server when E2E_K3S=0 even though Docker answers', () => {
    const choice = chooseKubeTarget({ E2E_K3S: '0' }, docker);
    expect(choice.kind).toBe('test-server');
    expect(choice.why).toMatch(/E2E_K3S=0/);
  });

  it('fails when E2E_K3S=1 requires k3s and Docker does not answer', () => {
    expect(() => chooseKubeTarget({ E2E_K3S: '1' }, noDocker)).toThrow(/E2E_K3S=1.*no socket at \/var\/run\/docker\.sock/);
    expect(chooseKubeTarget({ E2E_K3S: '1' }, docker).kind).toBe('k3s');
  });

  it('rejects an E2E_K3S value it does not know, naming the allowed ones', () => {
    expect(() => chooseKubeTarget({ E2E_K3S: 'false' }, docker)).toThrow(/E2E_K3S is "false"; use 0 .* 1 .* unset/);
    expect(() => needsDockerProbe({ E2E_K3S: 'yes' })).toThrow(/E2E_K3S/);
  });

  it('refuses to guess when the probe was needed but not run', () => {
    expect(() => chooseKubeTarget({}, undefined)).toThrow(/Docker probe must run/);
  });
});

describe('dockerEndpoints', () => {
  const base = { home: '/home/u', uid: 1000, exists: () => false };

  it('finds nothing and lists what it looked at when no socket exists', () => {
    const { endpoints, looked } = dockerEndpoints({ ...base, env: {} });
    expect(endpoints).toEqual([]);
    expect(looked).toEqual([
      'DOCKER_HOST unset',
      'no socket at /var/run/docker.sock',
      'no socket at /home/u/.docker/run/docker.sock',
      'no socket at /home/u/.docker/desktop/docker.sock',
      'no socket at /run/user/1000/docker.sock',
    ]);
  });

  it('orders tc.host, then DOCKER_HOST over docker.host, then existing sockets', () => {
    const present = new Set(['/var/run/docker.sock', '/xdg/docker.sock']);
    const { endpoints } = dockerEndpoints({
      ...base,
      exists: (p) => present.has(p),
      env: { DOCKER_HOST: 'tcp://10.0.0.1:2375', XDG_RUNTIME_DIR: '/xdg' },
      properties: '# comment\ntc.host=tcp://127.0.0.1:9999\ndocker.host = unix:///props.sock\n',
    });
    expect(endpoints).toEqual([
      { uri: 'tcp://127.0.0.1:9999', source: 'tc.host in ~/.testcontainers.properties' },
      { uri: 'tcp://10.0.0.1:2375', source: 'DOCKER_HOST' },
      { uri: 'unix:///var/run/docker.sock', source: 'socket' },
      { uri: 'unix:///xdg/docker.sock', source: 'socket' },
    ]);
  });

  it('takes docker.host from the properties file when DOCKER_HOST is unset', () => {
    const { endpoints } = dockerEndpoints({ ...base, env: {}, properties: 'docker.host: unix:///props.sock' });
    expect(endpoints).toEqual([{ uri: 'unix:///props.sock', source: 'docker.host in ~/.testcontainers.properties' }]);
  });
});

describe('probeDocker', () => {
  let dir: string | undefined;
  const servers: Server[] = [];

  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  async function fakeEngine(listenOn: string | 0, answer: (respond: (status: number) => void) => void): Promise<Server> {
    const server = createServer((req, res) => {
      if (req.url !== '/_ping') {
        res.writeHead(404).end();
        return;
      }
      answer((status) => res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'OK' : 'error'));
    });
    servers.push(server);
    await new Promise<void>((resolve) => (listenOn === 0 ? server.listen(0, '127.0.0.1', resolve) : server.listen(listenOn, resolve)));
    return server;
  }

  function socketPath(): string {
    dir ??= mkdtempSync(join(tmpdir(), 'docker-probe-'));
    return join(dir, `engine-${servers.length}.sock`);
  }

  it('reports no engine at once when there is nothing to ask', async () => {
    const status = await probeDocker([], ['DOCKER_HOST unset', 'no socket at /var/run/docker.sock']);
    expect(status).toEqual({ available: false, reason: 'no Docker engine (DOCKER_HOST unset; no socket at /var/run/docker.sock)' });
  });

  it('finds an engine that answers /_ping on a unix socket', async () => {
    const path = socketPath();
    await fakeEngine(path, (respond) => respond(200));
    expect(await probeDocker([{ uri: `unix://${path}`, source: 'socket' }], [])).toEqual({ available: true, endpoint: `unix://${path}` });
  });

  it('finds an engine that answers /_ping over tcp', async () => {
    const server = await fakeEngine(0, (respond) => respond(200));
    const { port } = server.address() as { port: number };
    const uri = `tcp://127.0.0.1:${port}`;
    expect(await probeDocker([{ uri, source: 'DOCKER_HOST' }], [], { env: {} })).toEqual({ available: true, endpoint: uri });
  });

  it('skips endpoints that fail and takes the first that answers', async () => {
    const bad = socketPath();
    await fakeEngine(bad, (respond) => respond(500));
    const good = socketPath();
    await fakeEngine(good, (respond) => respond(200));
    const status = await probeDocker(
      [
        { uri: 'ssh://user@host', source: 'DOCKER_HOST' },
        { uri: `unix://${bad}`, source: 'socket' },
        { uri: `unix://${good}`, source: 'socket' },
      ],
      [],
    );
    expect(status).toEqual({ available: true, endpoint: `unix://${good}` });
  });

  it('explains every failure when no endpoint answers', async () => {
    const bad = socketPath();
    await fakeEngine(bad, (respond) => respond(500));
    const status = await probeDocker(
      [
        { uri: 'ssh://user@host', source: 'DOCKER_HOST' },
        { uri: `unix://${bad}`, source: 'socket' },
        { uri: `unix://${join(tmpdir(), 'kube-target-missing', 'docker.sock')}`, source: 'socket' },
      ],
      [],
    );
    expect(status.available).toBe(false);
    const reason = status.available ? '' : status.reason;
    expect(reason).toMatch(/ssh:\/\/user@host \(DOCKER_HOST\): .*the ssh scheme, which the probe does not check/);
    expect(reason).toContain(`unix://${bad}: /_ping answered 500`);
    expect(reason).toMatch(/kube-target-missing\/docker\.sock: .*ENOENT/);
  });

  it('gives up on an engine that accepts but never answers, within the timeout', async () => {
    const path = socketPath();
    await fakeEngine(path, () => undefined);
    const started = Date.now();
    const status = await probeDocker([{ uri: `unix://${path}`, source: 'socket' }], [], { timeoutMs: 300 });
    expect(status).toEqual({ available: false, reason: `no Docker engine answers (unix://${path}: no answer within 300 ms)` });
    // Bounded by the timeout, not by the server; generous for a loaded machine.
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('connectKubeTarget settings', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('starts the test server when E2E_K3S=0', async () => {
    vi.stubEnv('E2E_KUBECONFIG', '');
    vi.stubEnv('E2E_K3S', '0');
    const target = await connectKubeTarget();
    try {
      expect(target.isTestServer).toBe(true);
      expect(target.server).toBeDefined();
    } finally {
      await target.close();
    }
  });

  it('rejects a malformed E2E_K3S before starting anything', async () => {
    vi.stubEnv('E2E_KUBECONFIG', '');
    vi.stubEnv('E2E_K3S', 'sometimes');
    await expect(connectKubeTarget()).rejects.toThrow(/E2E_K3S is "sometimes"/);
  });

  it('rejects an E2E_KUBECONFIG that names no file', async () => {
    vi.stubEnv('E2E_KUBECONFIG', join(tmpdir(), 'kube-target-no-such-kubeconfig'));
    await expect(connectKubeTarget()).rejects.toThrow(/E2E_KUBECONFIG names .*kube-target-no-such-kubeconfig, which does not exist/);
  });
});

describe('probeDocker on a path that is not a socket', () => {
  it('reports the connection error instead of hanging', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'docker-probe-'));
    try {
      const path = join(dir, 'docker.sock');
      writeFileSync(path, 'not a socket');
      const status = await probeDocker([{ uri: `unix://${path}`, source: 'socket' }], [], { timeoutMs: 2_000 });
      expect(status.available).toBe(false);
      expect(status.available ? '' : status.reason).toMatch(/ECONNREFUSED|ENOTSOCK/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
