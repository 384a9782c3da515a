import type { KasmClient } from '../kasm/client.js';
import type { KasmTransport } from '../kasm/transport.js';
import type { DependencyTracker } from './managed-kind.js';
import type { ConnectionResolver, ResolvedConnection } from './managed-reconciler.js';
import { InvalidSpecError, ReferenceNotReadyError } from './reconcile-errors.js';

export interface ConnectionEntry extends ResolvedConnection {
  transport: KasmTransport;
  /** Hash of everything the transport was built from; a different one means rebuild. */
  fingerprint: string;
}

export const DEFAULT_CONNECTION_KEY = 'default';

/**
 * The Kasm clients in use: the default connection from the environment, and one per configured
 * KasmConnection. Managed objects resolve theirs here; each connection has its own rate limiter
 * and circuit breaker, so one slow Kasm server does not hold up another.
 */
export class ConnectionRegistry implements ConnectionResolver {
  private readonly entries = new Map<string, ConnectionEntry>();

  constructor(private readonly defaultEntry?: ConnectionEntry) {}

  get(namespace: string, name: string): ConnectionEntry | undefined {
    return this.entries.get(`${namespace}/${name}`);
  }

  /** Installs a connection; an existing one with another fingerprint is replaced and its transport closed. */
  async install(namespace: string, name: string, fingerprint: string, build: () => { transport: KasmTransport; kasm: KasmClient }): Promise<ConnectionEntry> {
    const key = `${namespace}/${name}`;
    const current = this.entries.get(key);
    if (current?.fingerprint === fingerprint) return current;
    const built = build();
    const entry: ConnectionEntry = { key, fingerprint, ...built };
    this.entries.set(key, entry);
    if (current) await current.transport.close();
    return entry;
  }

  async remove(namespace: string, name: string): Promise<void> {
    const key = `${namespace}/${name}`;
    const current = this.entries.get(key);
    this.entries.delete(key);
    if (current) await current.transport.close();
  }

  resolve(namespace: string, refName: string | undefined, deps: DependencyTracker): ResolvedConnection {
    if (refName === undefined) {
      if (this.defaultEntry) return this.defaultEntry;
      throw new InvalidSpecError(
        'spec.connectionRef is not set and the operator has no default connection; set spec.connectionRef.name to a KasmConnection in this namespace, or start the operator with KASM_BASE_URL, KASM_API_KEY and KASM_API_SECRET',
      );
    }
    deps.dependOnObject('KasmConnection', namespace, refName);
    const entry = this.entries.get(`${namespace}/${refName}`);
    if (!entry) throw new ReferenceNotReadyError('KasmConnection', refName, 'is not configured yet: it does not exist, or its credentials Secret cannot be read');
    return entry;
  }

  async closeAll(): Promise<void> {
    const all = [...this.entries.values(), ...(this.defaultEntry ? [this.defaultEntry] : [])];
    this.entries.clear();
    await Promise.all(all.map((e) => e.transport.close()));
  }
}
