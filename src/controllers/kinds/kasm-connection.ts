import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { FINALIZER } from '../../api/annotations.js';
import { kasmConnectionSpec, type KasmConnectionSpec } from '../../api/kasm-connection.js';
import { formatIssues } from '../../api/spec-issues.js';
import { KasmClient } from '../../kasm/client.js';
import { KasmAuthenticationError, KasmPermissionError } from '../../kasm/errors.js';
import { createKasmTransport, type KasmTransportOptions } from '../../kasm/transport.js';
import { jitter } from '../../runtime/backoff.js';
import type { ProcessResult } from '../../runtime/work-queue.js';
import type { ConnectionRegistry } from '../connection-registry.js';
import type { ClusterReader, DependencyTracker, ManagedObject } from '../managed-kind.js';
import { classifyFailure, RetryLater, type EventSink, type MetadataWriter, type StatusSink } from '../managed-reconciler.js';
import type { ConditionInput } from '../conditions.js';
import { InvalidSpecError } from '../reconcile-errors.js';

export interface KasmConnectionReconcilerDeps {
  registry: ConnectionRegistry;
  cluster: ClusterReader;
  metadata: MetadataWriter;
  status: StatusSink;
  events: EventSink;
  logger: Logger;
  metrics?: Registry;
  pollIntervalMs: number;
  stalledRetryMs: number;
  /** How many managed objects use the connection now (it is kept while any does). */
  usersOf(namespace: string, name: string): number;
  /** Transport settings the spec does not carry (retry and breaker tuning). */
  transportDefaults?: Pick<KasmTransportOptions, 'retry' | 'breaker'>;
}

interface ConnectionInputs {
  spec: KasmConnectionSpec;
  apiKey: string;
  apiSecret: string;
  caPem: string | undefined;
}

function readInputs(obj: ManagedObject, cluster: ClusterReader, tracker: DependencyTracker): ConnectionInputs {
  const parsed = kasmConnectionSpec.safeParse(obj.spec ?? {});
  if (!parsed.success) throw new InvalidSpecError(formatIssues(parsed.error));
  const spec = parsed.data;
  const ns = obj.metadata.namespace ?? 'default';
  const creds = spec.credentialsSecretRef;
  tracker.dependOnSecret(ns, creds.name);
  const apiKey = cluster.readSecretKey(ns, creds.name, creds.apiKeyKey);
  const apiSecret = cluster.readSecretKey(ns, creds.name, creds.apiSecretKey);
  let caPem: string | undefined;
  if (spec.tls?.caSecretRef) {
    tracker.dependOnSecret(ns, spec.tls.caSecretRef.name);
    caPem = cluster.readSecretKey(ns, spec.tls.caSecretRef.name, spec.tls.caSecretRef.key);
  }
  return { spec, apiKey, apiSecret, caPem };
}

/** Hash of the inputs, kept in memory only, so a changed Secret or spec rebuilds the transport. */
function fingerprintOf(inputs: ConnectionInputs): string {
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}

/**
 * KasmConnection is not a Kasm object: reconciling it builds (or rebuilds) the connection's
 * transport and checks that Kasm answers with these credentials. A finalizer keeps it while
 * managed objects still use it, so their own finalizers can still reach Kasm during a mass delete.
 */
export function kasmConnectionReconciler(deps: KasmConnectionReconcilerDeps) {
  return async (original: ManagedObject, tracker: DependencyTracker, signal: AbortSignal): Promise<ProcessResult> => {
    // The cache may not hold this reconciler's last writes yet (see AheadOfCache).
    let obj = deps.metadata.latest(original);
    const ns = obj.metadata.namespace ?? 'default';
    const name = obj.metadata.name;
    const log = deps.logger.child({ kind: 'KasmConnection', namespace: ns, name });
    const status = deps.status.known(obj) ?? {};
    const finalizers = obj.metadata.finalizers ?? [];

    if (obj.metadata.deletionTimestamp) {
      const users = deps.usersOf(ns, name);
      if (users > 0) {
        await deps.status.write(obj, { ...status }, [
          { type: 'Ready', status: 'False', reason: 'Deleting', message: `Waiting for ${users} object(s) that use this connection to be deleted` },
        ]);
        return { requeueAfterMs: 2000 };
      }
      await deps.registry.remove(ns, name);
      if (finalizers.includes(FINALIZER)) await deps.metadata.patchMetadata(obj, { finalizers: finalizers.filter((f) => f !== FINALIZER) });
      return;
    }
    if (!finalizers.includes(FINALIZER)) obj = await deps.metadata.patchMetadata(obj, { finalizers: [...finalizers, FINALIZER] });

    const checkedAt = new Date().toISOString();
    const synced: ConditionInput[] = [
      { type: 'Synced', status: 'True', reason: 'ReconcileSuccess', message: '' },
      { type: 'Stalled', status: 'False', reason: 'ReconcileSuccess', message: '' },
    ];
    /** Reports a failure in conditions and an event; a stalled one waits long, any other backs off in the queue. */
    const fail = async (err: unknown, action: string, fields: Record<string, unknown>): Promise<ProcessResult> => {
      const c = classifyFailure(err);
      await deps.status.write(obj, { ...fields, lastCheckedTime: checkedAt }, [
        { type: 'Ready', status: 'False', reason: c.readyReason, message: c.message },
        { type: 'Synced', status: 'False', reason: c.syncedReason, message: c.message },
        { type: 'Stalled', status: c.stalled ? 'True' : 'False', reason: c.syncedReason, message: c.stalled ? c.message : '' },
      ]);
      deps.events.emit(obj, { type: 'Warning', reason: c.syncedReason, action, note: c.message });
      if (c.stalled) return { requeueAfterMs: deps.stalledRetryMs };
      throw new RetryLater(err);
    };
    try {
      const inputs = readInputs(obj, deps.cluster, tracker);
      const { spec } = inputs;
      const entry = await deps.registry.install(ns, name, fingerprintOf(inputs), () => {
        const transport = createKasmTransport({
          ...deps.transportDefaults,
          name: `${ns}/${name}`,
          baseUrl: spec.baseUrl,
          apiKey: inputs.apiKey,
          apiSecret: inputs.apiSecret,
          timeoutMs: spec.timeoutSeconds * 1000,
          tls: { ...(inputs.caPem ? { caPem: inputs.caPem } : {}), insecureSkipVerify: spec.tls?.insecureSkipVerify ?? false },
          rateLimit: {
            requestsPerSecond: spec.rateLimit.requestsPerSecond,
            maxConcurrent: spec.rateLimit.maxConcurrent,
            ...(spec.rateLimit.burst ? { burst: spec.rateLimit.burst } : {}),
          },
          logger: deps.logger,
          metrics: deps.metrics,
        });
        log.info({ baseUrl: spec.baseUrl }, 'connection configured');
        return { transport, kasm: new KasmClient(transport) };
      });
      try {
        const zones = await entry.kasm.zones.list({}, { priority: 'background', signal });
        await deps.status.write(
          obj,
          { reachable: true, authenticated: true, zones: zones.map((z) => ({ zoneId: z.zoneId, name: z.zoneName ?? '' })), lastCheckedTime: checkedAt },
          [{ type: 'Ready', status: 'True', reason: 'Available', message: `Kasm at ${spec.baseUrl} accepted the API key` }, ...synced],
        );
      } catch (err) {
        if (err instanceof KasmPermissionError) {
          // The key works; it only may not list zones. Objects can still be managed.
          await deps.status.write(obj, { reachable: true, authenticated: true, lastCheckedTime: checkedAt }, [
            { type: 'Ready', status: 'True', reason: 'Available', message: `Kasm accepted the API key; zones are not listed: ${err.message}` },
            ...synced,
          ]);
        } else {
          return await fail(err, 'Check', { reachable: err instanceof KasmAuthenticationError, authenticated: false });
        }
      }
      return { requeueAfterMs: jitter(deps.pollIntervalMs, 0.1) };
    } catch (err) {
      if (err instanceof RetryLater) throw err;
      const c = classifyFailure(err);
      log.warn({ reason: c.syncedReason, message: c.message }, 'connection not usable');
      return fail(err, 'Configure', {});
    }
  };
}
