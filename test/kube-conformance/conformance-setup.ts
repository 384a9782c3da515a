/**
 * What every conformance test file shares: a target (test server, or the real cluster named by
 * E2E_KUBECONFIG) with the suite's CRDs installed, a namespace of its own, client-node API clients,
 * the real kubectl, and helpers to assert Status failures and to collect watch events.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  ApiException,
  ApiextensionsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  KubernetesObjectApi,
  setHeaderOptions,
  Watch,
  type ConfigurationOptions,
  type PatchStrategy,
  type KubeConfig,
} from '@kubernetes/client-node';
import { expect } from 'vitest';
import { k8sBinaries } from '../harness/k8s-binaries.js';
import { connectKubeTarget, type KubeTarget } from '../harness/kube-target.js';

export const CRD_DIR = join(dirname(fileURLToPath(import.meta.url)), 'crds');
export const GROUP = 'conformance.kasm.io';
export const VERSION = 'v1';
export const WIDGETS = 'widgets';
export const GIZMOS = 'gizmos';

export type Json = Record<string, unknown>;

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** CustomObjectsApi parameters that name the widgets of one namespace. */
export interface WidgetParams {
  group: string;
  version: string;
  namespace: string;
  plural: string;
}

export function widgetsIn(namespace: string): WidgetParams {
  return { group: GROUP, version: VERSION, namespace, plural: WIDGETS };
}

export interface Conformance {
  target: KubeTarget;
  kc: KubeConfig;
  ns: string;
  /** The widgets of `ns`, to spread into CustomObjectsApi calls. */
  widgets: WidgetParams;
  /** Creates a widget in `ns`; the spec defaults to `{ owner: 'alice' }`. */
  createWidget(name: string, spec?: Json, extra?: Json): Promise<Json>;
  getWidget(name: string): Promise<Json>;
  custom: CustomObjectsApi;
  core: CoreV1Api;
  ext: ApiextensionsV1Api;
  coordination: CoordinationV1Api;
  events: EventsV1Api;
  objects: KubernetesObjectApi;
  kubectl(args: string[], input?: string): Promise<KubectlResult>;
  close(): Promise<void>;
}

export async function setupConformance(prefix: string): Promise<Conformance> {
  const target = await connectKubeTarget({ crdDir: CRD_DIR });
  try {
    const ns = await target.createNamespace(prefix);
    const kc = target.kubeConfig;
    const { kubectl } = k8sBinaries();
    const custom = kc.makeApiClient(CustomObjectsApi);
    const widgets = widgetsIn(ns);
    return {
      target,
      kc,
      ns,
      widgets,
      createWidget: async (name, spec = { owner: 'alice' }, extra = {}) =>
        (await custom.createNamespacedCustomObject({ ...widgets, body: widget(name, spec, extra) })) as Json,
      getWidget: async (name) => (await custom.getNamespacedCustomObject({ ...widgets, name })) as Json,
      custom,
      core: kc.makeApiClient(CoreV1Api),
      ext: kc.makeApiClient(ApiextensionsV1Api),
      coordination: kc.makeApiClient(CoordinationV1Api),
      events: kc.makeApiClient(EventsV1Api),
      objects: KubernetesObjectApi.makeApiClient(kc),
      kubectl: (args, input) => runKubectl(kubectl, target.kubectlEnv, args, input),
      close: () => target.close(),
    };
  } catch (err) {
    await target.close();
    throw err;
  }
}

function runKubectl(binary: string, env: Record<string, string>, args: string[], input?: string): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(binary, args, { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Options that make client-node send a patch with this media type. */
export function patchAs(strategy: PatchStrategy): ConfigurationOptions {
  return setHeaderOptions('Content-Type', strategy);
}

export interface StatusFailure {
  code: number;
  reason?: string;
  message?: string;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[] };
  headers: Record<string, string>;
}

/** Awaits a call that must fail and returns its Status, asserting the HTTP code (and reason when given). */
export async function expectFailure(call: Promise<unknown>, code: number, reason?: string): Promise<StatusFailure> {
  let caught: unknown;
  try {
    await call;
  } catch (err) {
    caught = err;
  }
  expect(caught, 'the call should have failed').toBeInstanceOf(ApiException);
  const err = caught as ApiException<unknown>;
  let status: Json = {};
  if (typeof err.body === 'string') {
    try {
      status = JSON.parse(err.body) as Json;
    } catch {
      status = {};
    }
  } else if (typeof err.body === 'object' && err.body !== null) {
    status = err.body as Json;
  }
  expect(err.code, `status body: ${JSON.stringify(status)}`).toBe(code);
  if (reason !== undefined) expect(status.reason).toBe(reason);
  return { ...(status as Omit<StatusFailure, 'headers'>), code: err.code, headers: err.headers };
}

/** Polls until `probe` returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`);
    }
    await sleep(50);
  }
}

/** Resolves once the object is gone (404). */
export async function eventuallyGone(what: string, read: () => Promise<unknown>, timeoutMs = 30_000): Promise<void> {
  await eventually(
    `${what} to be deleted`,
    async () => {
      try {
        await read();
        return undefined;
      } catch (err) {
        if (err instanceof ApiException && err.code === 404) return true;
        throw err;
      }
    },
    timeoutMs,
  );
}

export interface WatchEvent {
  type: string;
  object: Json;
}

export interface EventCollector {
  events: WatchEvent[];
  /** Settles when the stream ends; holds the error the client reported, if any. */
  ended: Promise<unknown>;
  waitFor(what: string, predicate: (e: WatchEvent) => boolean, timeoutMs?: number): Promise<WatchEvent>;
  stop(): void;
}

/** Starts a watch through client-node's Watch and records its events. */
export async function collectWatch(kc: KubeConfig, path: string, query: Record<string, string | number | boolean | undefined>): Promise<EventCollector> {
  const events: WatchEvent[] = [];
  let resolveEnded: (err: unknown) => void = () => undefined;
  const ended = new Promise<unknown>((resolve) => {
    resolveEnded = resolve;
  });
  const controller = await new Watch(kc).watch(
    path,
    query,
    (type, object) => {
      events.push({ type, object: object as Json });
    },
    (err) => resolveEnded(err),
  );
  return {
    events,
    ended,
    waitFor: (what, predicate, timeoutMs = 15_000) => eventually(`watch event: ${what}`, () => Promise.resolve(events.find(predicate)), timeoutMs),
    stop: () => controller.abort(),
  };
}

export function metaOf(obj: unknown): { name?: string; resourceVersion?: string; generation?: number; uid?: string; labels?: Record<string, string> } & Json {
  return ((obj as Json | undefined)?.metadata ?? {}) as Json;
}

export function widget(name: string, spec: Json, extra: Json = {}): Json {
  const { metadata, ...rest } = extra;
  return { apiVersion: `${GROUP}/${VERSION}`, kind: 'Widget', metadata: { name, ...(metadata as Json | undefined) }, spec, ...rest };
}

export function widgetPath(ns: string, name?: string): string {
  return `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${WIDGETS}${name ? `/${name}` : ''}`;
}
