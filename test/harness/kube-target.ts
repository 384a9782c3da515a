/**
 * The Kubernetes API a test talks to, chosen in this order:
 *  1. a real cluster when E2E_KUBECONFIG names a kubeconfig file (a variable of its own, so nobody's
 *     everyday KUBECONFIG is touched by accident);
 *  2. a k3s cluster in a container (testcontainers) when a Docker engine answers and E2E_K3S is not 0,
 *     one container per process shared by every target opened in it;
 *  3. a fresh in-process test server.
 * Either way the test gets a client-node KubeConfig, environment variables that point the real kubectl
 * at the same API, and namespaces of its own that are deleted on close.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect as netConnect } from 'node:net';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiextensionsV1Api, CoreV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { readCrdDirectory } from './kube-apiserver/crd-directory.js';
import { startKubeApiServer, type KubeApiServer } from './kube-apiserver/index.js';

export interface KubeTarget {
  kubeConfig: KubeConfig;
  /** A kubeconfig file for this target (the E2E_KUBECONFIG file itself for a real cluster). */
  kubeconfigPath: string;
  /** Merge into a child process environment so the real kubectl uses this target. */
  kubectlEnv: Record<string, string>;
  isTestServer: boolean;
  /** The test server's switches and counters; undefined against a real cluster or k3s. */
  server: KubeApiServer | undefined;
  /** Creates a namespace with a unique name (deleted by close()) and returns its name. */
  createNamespace(prefix?: string): Promise<string>;
  close(): Promise<void>;
}

export interface KubeTargetOptions {
  /** CRDs to install: loaded at start by the test server, server-side applied to a cluster. */
  crdDir?: string;
}

export const DEFAULT_K3S_IMAGE = 'rancher/k3s:v1.34.1-k3s1';

/** Whether a Docker engine answered, and where; or why none did. */
export type DockerStatus = { available: true; endpoint: string } | { available: false; reason: string };

export type KubeTargetChoice =
  | { kind: 'cluster'; kubeconfigPath: string; why: string }
  | { kind: 'k3s'; image: string; dockerEndpoint: string; why: string }
  | { kind: 'test-server'; why: string };

/** The environment variables the choice depends on. */
export interface KubeTargetEnv {
  E2E_KUBECONFIG?: string | undefined;
  /** Unset or empty: k3s when Docker answers; 0: never k3s; 1: k3s, failing when Docker does not answer. */
  E2E_K3S?: string | undefined;
  E2E_K3S_IMAGE?: string | undefined;
}

type K3sMode = 'auto' | 'off' | 'required';

function k3sMode(env: KubeTargetEnv): K3sMode {
  const value = env.E2E_K3S?.trim() ?? '';
  if (value === '') return 'auto';
  if (value === '0') return 'off';
  if (value === '1') return 'required';
  throw new Error(`E2E_K3S is ${JSON.stringify(env.E2E_K3S)}; use 0 (never k3s), 1 (require k3s) or leave it unset (k3s when Docker answers)`);
}

/** Whether choosing a target needs to know about Docker; when not, the probe is skipped. */
export function needsDockerProbe(env: KubeTargetEnv): boolean {
  return !env.E2E_KUBECONFIG && k3sMode(env) !== 'off';
}

/**
 * Decides which target to use. `docker` is the probe's answer, or undefined when it was not asked
 * (needsDockerProbe false). Throws on contradictory or malformed settings.
 */
export function chooseKubeTarget(env: KubeTargetEnv, docker: DockerStatus | undefined): KubeTargetChoice {
  const mode = k3sMode(env);
  if (env.E2E_KUBECONFIG) {
    return { kind: 'cluster', kubeconfigPath: env.E2E_KUBECONFIG, why: 'E2E_KUBECONFIG is set, so neither k3s nor the test server is started' };
  }
  if (mode === 'off') {
    return { kind: 'test-server', why: 'E2E_KUBECONFIG is unset and E2E_K3S=0 turns k3s off' };
  }
  if (docker === undefined) throw new Error('chooseKubeTarget: the Docker probe must run unless E2E_KUBECONFIG is set or E2E_K3S=0');
  if (!docker.available) {
    if (mode === 'required') {
      throw new Error(`E2E_K3S=1 requires k3s, but ${docker.reason}; start Docker, or unset E2E_K3S to fall back to the test server`);
    }
    return { kind: 'test-server', why: `E2E_KUBECONFIG is unset and k3s needs Docker: ${docker.reason}` };
  }
  const image = env.E2E_K3S_IMAGE?.trim() || DEFAULT_K3S_IMAGE;
  return {
    kind: 'k3s',
    image,
    dockerEndpoint: docker.endpoint,
    why: `E2E_KUBECONFIG is unset and a Docker engine answers at ${docker.endpoint} (set E2E_K3S=0 for the in-process test server)`,
  };
}

export interface DockerEndpoint {
  uri: string;
  /** Where the address came from, for messages. */
  source: string;
}

export interface DockerLookup {
  env: Record<string, string | undefined>;
  home: string;
  uid: number;
  exists(path: string): boolean;
  /** Text of ~/.testcontainers.properties, if the file exists. */
  properties?: string | undefined;
}

function readProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const cut = line.search(/[=:]/);
    if (cut > 0) out.set(line.slice(0, cut).trim(), line.slice(cut + 1).trim());
  }
  return out;
}

/**
 * Where a Docker engine may be, in the order testcontainers tries them: tc.host and docker.host from
 * ~/.testcontainers.properties (DOCKER_HOST overriding docker.host), the standard socket, then the
 * rootless sockets. Sockets that do not exist are left out; `looked` lists everything considered.
 */
export function dockerEndpoints(lookup: DockerLookup): { endpoints: DockerEndpoint[]; looked: string[] } {
  const props = lookup.properties === undefined ? new Map<string, string>() : readProperties(lookup.properties);
  const endpoints: DockerEndpoint[] = [];
  const looked: string[] = [];
  const tcHost = props.get('tc.host');
  if (tcHost) endpoints.push({ uri: tcHost, source: 'tc.host in ~/.testcontainers.properties' });
  const dockerHost = lookup.env.DOCKER_HOST || props.get('docker.host');
  if (dockerHost) {
    endpoints.push({ uri: dockerHost, source: lookup.env.DOCKER_HOST ? 'DOCKER_HOST' : 'docker.host in ~/.testcontainers.properties' });
  } else {
    looked.push('DOCKER_HOST unset');
  }
  const sockets = [
    '/var/run/docker.sock',
    lookup.env.XDG_RUNTIME_DIR ? join(lookup.env.XDG_RUNTIME_DIR, 'docker.sock') : undefined,
    join(lookup.home, '.docker', 'run', 'docker.sock'),
    join(lookup.home, '.docker', 'desktop', 'docker.sock'),
    join('/run', 'user', String(lookup.uid), 'docker.sock'),
  ];
  for (const path of new Set(sockets)) {
    if (path === undefined) continue;
    if (lookup.exists(path)) endpoints.push({ uri: `unix://${path}`, source: 'socket' });
    else looked.push(`no socket at ${path}`);
  }
  return { endpoints, looked };
}

type Address = { socketPath: string } | { host: string; port: number; tls: boolean };

function parseDockerUri(uri: string, env: Record<string, string | undefined>): Address | string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `${uri} is not a URL`;
  }
  if (url.protocol === 'unix:') return { socketPath: url.pathname };
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    const tls = url.protocol === 'https:' || env.DOCKER_TLS_VERIFY === '1';
    return { host: url.hostname, port: url.port ? Number(url.port) : tls ? 2376 : 2375, tls };
  }
  return `${uri} uses the ${url.protocol.replace(/:$/, '')} scheme, which the probe does not check`;
}

/** GET /_ping over plain HTTP; resolves with an error text, or undefined when the engine answered OK. */
function pingHttp(address: { socketPath: string } | { host: string; port: number }, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = httpRequest({ ...address, path: '/_ping', method: 'GET', signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? undefined : `/_ping answered ${res.statusCode ?? '?'}`);
    });
    req.on('error', (err) => resolve(err.name === 'AbortError' || err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : err.message));
    req.end();
  });
}

/** A TLS engine needs client certificates to answer; that it accepts connections is enough here. */
function tcpConnects(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = netConnect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(`no connection within ${timeoutMs} ms`);
    });
    socket.once('error', (err) => resolve(err.message));
  });
}

/** Asks each endpoint in turn; the first that answers wins. Never waits longer than timeoutMs per endpoint. */
export async function probeDocker(endpoints: DockerEndpoint[], looked: string[], options: { env?: Record<string, string | undefined>; timeoutMs?: number } = {}): Promise<DockerStatus> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? 3_000;
  if (endpoints.length === 0) return { available: false, reason: `no Docker engine (${looked.join('; ')})` };
  const failures: string[] = [];
  for (const { uri, source } of endpoints) {
    const address = parseDockerUri(uri, env);
    let failure: string | undefined;
    if (typeof address === 'string') failure = address;
    else if ('socketPath' in address) failure = await pingHttp(address, timeoutMs);
    else if (address.tls) failure = await tcpConnects(address.host, address.port, timeoutMs);
    else failure = await pingHttp({ host: address.host, port: address.port }, timeoutMs);
    if (failure === undefined) return { available: true, endpoint: uri };
    failures.push(`${uri}${source === 'socket' ? '' : ` (${source})`}: ${failure}`);
  }
  return { available: false, reason: `no Docker engine answers (${failures.join('; ')})` };
}

let dockerProbe: Promise<DockerStatus> | undefined;

/** The probe for this machine, asked once per process. */
function dockerStatus(): Promise<DockerStatus> {
  dockerProbe ??= (() => {
    const home = homedir();
    const propertiesFile = join(home, '.testcontainers.properties');
    const { endpoints, looked } = dockerEndpoints({
      env: process.env,
      home,
      uid: userInfo().uid,
      exists: existsSync,
      properties: existsSync(propertiesFile) ? readFileSync(propertiesFile, 'utf8') : undefined,
    });
    return probeDocker(endpoints, looked);
  })();
  return dockerProbe;
}

let announced = false;

function announce(text: string): void {
  if (announced) return;
  announced = true;
  process.stderr.write(`kube target: ${text}\n`);
}

const ESTABLISH_TIMEOUT_MS = 60_000;

async function installCrds(kc: KubeConfig, dir: string): Promise<void> {
  const docs = readCrdDirectory(dir);
  if (docs.length === 0) return;
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  for (const { crd } of docs) {
    await objects.patch(crd, undefined, undefined, 'kube-target', true, PatchStrategy.ServerSideApply);
  }
  const deadline = Date.now() + ESTABLISH_TIMEOUT_MS;
  for (const { crd } of docs) {
    const name = (crd.metadata as { name?: string } | undefined)?.name ?? '';
    for (;;) {
      const live = await ext.readCustomResourceDefinition({ name });
      if (live.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} did not become Established within ${ESTABLISH_TIMEOUT_MS} ms`);
      await sleep(200);
    }
  }
}

interface K3sCluster {
  kubeconfigYaml: string;
  server: string;
  /** CRD directories applied so far, so targets sharing the cluster apply each once. */
  crds: Map<string, Promise<void>>;
  stop(): Promise<void>;
}

async function startK3s(image: string): Promise<K3sCluster> {
  // Imported only here, so runs without Docker never load testcontainers.
  const { K3sContainer } = await import('@testcontainers/k3s');
  let container;
  try {
    container = await new K3sContainer(image).start();
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new Error(`k3s container (${image}) did not start: ${detail}; set E2E_K3S=0 to use the in-process test server, or E2E_K3S_IMAGE for another image`, { cause: err });
  }
  const kubeconfigYaml = container.getKubeConfig();
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigYaml);
  const started = container;
  return {
    kubeconfigYaml,
    server: kc.getCurrentCluster()?.server ?? '?',
    crds: new Map(),
    stop: async () => {
      await started.stop();
    },
  };
}

let sharedK3s: { refs: number; ready: Promise<K3sCluster> } | undefined;

/** One k3s container per process, started on first use and stopped when the last user releases it. */
async function acquireK3s(image: string): Promise<{ cluster: K3sCluster; release: () => Promise<void> }> {
  if (!sharedK3s) {
    const entry = { refs: 0, ready: startK3s(image) };
    sharedK3s = entry;
    // A failed start is forgotten so the next target tries again.
    void entry.ready.catch(() => {
      if (sharedK3s === entry) sharedK3s = undefined;
    });
  }
  const entry = sharedK3s;
  entry.refs += 1;
  let cluster: K3sCluster;
  try {
    cluster = await entry.ready;
  } catch (err) {
    entry.refs -= 1;
    throw err;
  }
  let released = false;
  return {
    cluster,
    release: async () => {
      if (released) return;
      released = true;
      entry.refs -= 1;
      if (entry.refs > 0) return;
      if (sharedK3s === entry) sharedK3s = undefined;
      await cluster.stop();
    },
  };
}

function installCrdsOnce(cluster: K3sCluster, kc: KubeConfig, dir: string): Promise<void> {
  let pending = cluster.crds.get(dir);
  if (!pending) {
    pending = installCrds(kc, dir);
    cluster.crds.set(dir, pending);
    void pending.catch(() => cluster.crds.delete(dir));
  }
  return pending;
}

export async function connectKubeTarget(options: KubeTargetOptions = {}): Promise<KubeTarget> {
  const env: KubeTargetEnv = process.env;
  const docker = needsDockerProbe(env) ? await dockerStatus() : undefined;
  const choice = chooseKubeTarget(env, docker);
  const cacheDir = mkdtempSync(join(tmpdir(), 'kube-target-'));
  let kubeConfig: KubeConfig;
  let kubeconfigPath: string;
  let server: KubeApiServer | undefined;
  let releaseK3s: (() => Promise<void>) | undefined;
  try {
    if (choice.kind === 'cluster') {
      const external = choice.kubeconfigPath;
      if (!existsSync(external)) throw new Error(`E2E_KUBECONFIG names ${external}, which does not exist; unset it to use k3s or the test server`);
      kubeConfig = new KubeConfig();
      kubeConfig.loadFromFile(external);
      kubeconfigPath = external;
      announce(`real cluster from E2E_KUBECONFIG (context ${kubeConfig.getCurrentContext()}, server ${kubeConfig.getCurrentCluster()?.server ?? '?'}); ${choice.why}`);
      if (options.crdDir) await installCrds(kubeConfig, options.crdDir);
    } else if (choice.kind === 'k3s') {
      const { cluster, release } = await acquireK3s(choice.image);
      releaseK3s = release;
      kubeConfig = new KubeConfig();
      kubeConfig.loadFromString(cluster.kubeconfigYaml);
      kubeconfigPath = join(cacheDir, 'kubeconfig');
      writeFileSync(kubeconfigPath, cluster.kubeconfigYaml, { mode: 0o600 });
      announce(`k3s in a container (${choice.image}, server ${cluster.server}); ${choice.why}`);
      if (options.crdDir) await installCrdsOnce(cluster, kubeConfig, options.crdDir);
    } else {
      server = await startKubeApiServer(options.crdDir ? { crdDir: options.crdDir } : {});
      kubeConfig = server.kubeConfig();
      kubeconfigPath = join(cacheDir, 'kubeconfig');
      server.writeKubeconfig(kubeconfigPath);
      announce(`in-process test server, first at ${server.url}; ${choice.why}`);
    }
  } catch (err) {
    await releaseK3s?.();
    rmSync(cacheDir, { recursive: true, force: true });
    throw err;
  }

  const core = kubeConfig.makeApiClient(CoreV1Api);
  const namespaces: string[] = [];
  return {
    kubeConfig,
    kubeconfigPath,
    kubectlEnv: { KUBECONFIG: kubeconfigPath, KUBECACHEDIR: join(cacheDir, 'cache') },
    isTestServer: server !== undefined,
    server,
    async createNamespace(prefix = 'kc') {
      const name = `${prefix}-${randomBytes(4).toString('hex')}`;
      await core.createNamespace({ body: { metadata: { name, labels: { 'kasm.io/test-namespace': 'true' } } } });
      namespaces.push(name);
      return name;
    },
    async close() {
      try {
        for (const name of namespaces) {
          await core.deleteNamespace({ name }).catch(() => undefined);
        }
      } finally {
        try {
          await server?.close();
          await releaseK3s?.();
        } finally {
          rmSync(cacheDir, { recursive: true, force: true });
        }
      }
    },
  };
}
