/**
 * An in-process Kubernetes API server for tests and demos: plain HTTP on a loopback port, speaking the
 * real REST API (discovery, OpenAPI v3, CRDs with schema validation, namespaced CRUD, status subresource,
 * patches and server-side apply, finalizers, garbage collection, list/watch with 410) so that
 * @kubernetes/client-node and the real kubectl work against it unchanged. Switches for faults, latency
 * and dropped watches, and request counters, let tests exercise a client's failure handling.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ApiContext } from './api-context.js';
import { BackgroundControllers } from './background-controllers.js';
import { CrdController } from './crd-controller.js';
import { readCrdDirectory } from './crd-directory.js';
import { CRD_STORAGE_KEY } from './crd-resource.js';
import { FaultInjector, type FaultSpec, type RequestIdentity } from './fault-injection.js';
import { writeStatus } from './http-response.js';
import { kubeConfigFromYaml, kubeconfigYaml } from './kubeconfig.js';
import { handleNonResource } from './non-resource-routes.js';
import { ObjectStore } from './object-store.js';
import { RequestCounter, type RecordedRequest, type RequestFilter } from './request-counter.js';
import { parseRequestInfo } from './request-info.js';
import { handleResourceRequest } from './resource-handlers.js';
import { ResourceRegistry } from './resource-registry.js';
import { ApiError, internalError } from './status-errors.js';
import { WatchHub } from './watch-hub.js';
import { WatchStreams } from './watch-streams.js';
import { createObject } from './write-pipeline.js';

export type { FaultSpec, FaultMatch } from './fault-injection.js';
export type { RecordedRequest, RequestFilter } from './request-counter.js';

export interface KubeApiServerOptions {
  /** Directory of CRD YAML files installed (and established) before the server answers; may be missing. */
  crdDir?: string;
  /** Events retained per resource for watch resumption; older resourceVersions get 410 Expired. Default 1000. */
  watchWindow?: number;
  /** Interval of BOOKMARK events on watches that allow them (the first comes within a second). Default 10000. */
  bookmarkIntervalMs?: number;
  /** Listen address; loopback only. Default 127.0.0.1. */
  host?: string;
  /** Listen port; default 0 (a free port chosen by the OS). */
  port?: number;
}

export interface KubeApiServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** A kubeconfig (YAML) whose current context points at this server, namespace `default`. */
  readonly kubeconfigYaml: string;
  /** A fresh client-node KubeConfig for this server. */
  kubeConfig(): KubeConfig;
  writeKubeconfig(path: string): void;
  /** Ends every open watch stream abruptly, as a broken connection would. */
  dropWatches(): void;
  /**
   * Answers matching requests with 500, 503 or 429 (with Retry-After: 1). Without count or durationMs the
   * fault lasts until clearFaults().
   */
  failRequests(spec: FaultSpec): void;
  clearFaults(): void;
  /** Delays every request (watches: their start) by ms. */
  setLatency(ms: number): void;
  readonly requests: {
    count(filter?: RequestFilter): number;
    all(): readonly RecordedRequest[];
    reset(): void;
  };
  /** How many watch streams are open now. */
  openWatches(): number;
  close(): Promise<void>;
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function reportUnexpected(err: unknown): void {
  process.stderr.write(`kube test server: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
}

export async function startKubeApiServer(options: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  const host = options.host ?? '127.0.0.1';
  if (!/^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(host)) {
    throw new Error(`startKubeApiServer: host must be a loopback address, got ${host}`);
  }
  const bookmarkIntervalMs = options.bookmarkIntervalMs ?? 10_000;
  if (!(bookmarkIntervalMs > 0)) throw new Error(`startKubeApiServer: bookmarkIntervalMs must be positive, got ${bookmarkIntervalMs}`);

  const hub = new WatchHub(options.watchWindow ?? 1000);
  const registry = new ResourceRegistry();
  const store = new ObjectStore(hub);
  const ctx: ApiContext = {
    registry,
    store,
    hub,
    afterCommit(def, type, stored) {
      if (def.storageKey === CRD_STORAGE_KEY) crdController.sync(type, stored);
      if (type === 'DELETED' || stored.metadata.deletionTimestamp || (stored.metadata.ownerReferences ?? []).length > 0) {
        controllers.schedule();
      }
    },
  };
  const watches = new WatchStreams(ctx, bookmarkIntervalMs);
  const crdController = new CrdController(ctx, (storageKey) => watches.endFor(storageKey));
  const controllers = new BackgroundControllers(ctx, crdController, reportUnexpected);
  const faults = new FaultInjector();
  const counter = new RequestCounter();

  const system = { manager: 'kube-apiserver', fieldValidation: 'Ignore' as const, dryRun: false };
  for (const name of SYSTEM_NAMESPACES) createObject(ctx, registry.namespaces, undefined, { metadata: { name } }, system);
  if (options.crdDir) {
    for (const { file, crd } of readCrdDirectory(options.crdDir)) {
      try {
        createObject(ctx, registry.crds, undefined, crd, { ...system, fieldValidation: 'Strict' });
      } catch (err) {
        controllers.close();
        throw new Error(`crdDir: ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }
  }

  let serverAddress = '';
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const info = parseRequestInfo(req.method ?? 'GET', req.url ?? '/');
    const identity: RequestIdentity = info.isResourceRequest
      ? { verb: info.verb, resource: info.subresource ? `${info.resource}/${info.subresource}` : info.resource }
      : { verb: info.verb === 'head' ? 'get' : info.verb, resource: undefined };
    counter.record({ ...identity, namespace: info.isResourceRequest ? info.namespace : undefined });
    try {
      const latency = faults.latency();
      if (latency > 0) await sleep(latency);
      const fault = faults.take(identity);
      if (fault) throw fault;
      if (info.isResourceRequest) await handleResourceRequest({ ctx, watches }, req, res, info);
      else handleNonResource(registry, serverAddress, req, res, info);
    } catch (err) {
      if (err instanceof ApiError) {
        writeStatus(res, err);
      } else {
        reportUnexpected(err);
        writeStatus(res, internalError(err instanceof Error ? err.message : String(err)));
      }
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(reportUnexpected);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  serverAddress = `${hostForUrl}:${address.port}`;
  const url = `http://${serverAddress}`;
  const yaml = kubeconfigYaml(url);
  let closed: Promise<void> | undefined;

  return {
    url,
    kubeconfigYaml: yaml,
    kubeConfig: () => kubeConfigFromYaml(yaml),
    writeKubeconfig: (path: string) => writeFileSync(path, yaml, { mode: 0o600 }),
    dropWatches: () => watches.dropAll(),
    failRequests: (spec: FaultSpec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    setLatency: (ms: number) => faults.setLatency(ms),
    requests: {
      count: (filter?: RequestFilter) => counter.count(filter),
      all: () => counter.all(),
      reset: () => counter.reset(),
    },
    openWatches: () => watches.count(),
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        controllers.close();
        watches.endAll();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
