/**
 * Serves watch requests: replays retained events after the requested resourceVersion (or synthetic
 * ADDED events for the current state when none is given), then streams live changes as newline-delimited
 * JSON; sends BOOKMARKs when asked, ends after timeoutSeconds, answers a too-old resourceVersion with an
 * ERROR event carrying a 410 Expired Status, and lets tests cut every stream at once.
 */
import type { ServerResponse } from 'node:http';
import { toExternal, type ApiContext } from './api-context.js';
import type { KubeObject } from './kube-object.js';
import type { ObjectFilter } from './object-filter.js';
import { apiVersionOf, type ResourceDefinition } from './resource-definition.js';
import { resourceExpired } from './status-errors.js';
import { partialObjectMetadata, toTable, type IncludeObject } from './table-output.js';
import type { OutputFormat } from './content-negotiation.js';
import type { StoredEvent, WatchEventType } from './watch-hub.js';

export interface WatchRequest {
  def: ResourceDefinition;
  filter: ObjectFilter;
  /** Undefined or "0": start from the current state with synthetic ADDED events. */
  resourceVersion: number | undefined;
  allowBookmarks: boolean;
  timeoutSeconds: number | undefined;
  sendInitialEvents: boolean;
  output: OutputFormat;
  includeObject: IncludeObject;
}

interface OpenWatch {
  storageKey: string;
  res: ServerResponse;
  stop(): void;
}

type OutgoingType = WatchEventType | 'BOOKMARK' | 'ERROR';

/** The first bookmark comes soon after the watch starts, so clients learn a resourceVersion early. */
const FIRST_BOOKMARK_MAX_MS = 1000;

export class WatchStreams {
  private readonly open = new Set<OpenWatch>();

  constructor(
    private readonly ctx: ApiContext,
    private readonly bookmarkIntervalMs: number,
  ) {}

  serve(res: ServerResponse, w: WatchRequest): void {
    const { def, filter } = w;
    const storageKey = def.storageKey;
    let replay: { type: WatchEventType; object: KubeObject }[] | 'expired';
    if (w.resourceVersion === undefined || w.resourceVersion === 0 || w.sendInitialEvents) {
      replay = this.ctx.store
        .list(storageKey, filter.namespace)
        .filter((o) => filter.matches(o))
        .map((object) => ({ type: 'ADDED' as const, object }));
    } else {
      const events = this.ctx.hub.eventsSince(storageKey, w.resourceVersion);
      replay =
        events === 'expired'
          ? 'expired'
          : events.flatMap((e) => {
              const t = transition(e, filter);
              return t ? [{ type: t, object: e.object }] : [];
            });
    }

    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();

    const send = (type: OutgoingType, object: unknown): void => {
      if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const render = (obj: KubeObject): unknown => {
      const external = toExternal(def, obj);
      if (w.output === 'table') {
        return toTable(def, [external], { resourceVersion: obj.metadata.resourceVersion ?? '' }, w.includeObject);
      }
      if (w.output === 'partial-metadata') return partialObjectMetadata(external);
      return external;
    };
    const bookmark = (annotations?: Record<string, string>): void => {
      const metadata: Record<string, unknown> = { resourceVersion: String(this.ctx.store.currentRevision()) };
      if (annotations) metadata.annotations = annotations;
      send('BOOKMARK', { kind: def.kind, apiVersion: apiVersionOf(def), metadata });
    };

    if (replay === 'expired') {
      const oldest = this.ctx.hub.oldestAvailable(storageKey);
      send('ERROR', resourceExpired(`too old resource version: ${w.resourceVersion ?? 0} (${oldest + 1})`).status);
      res.end();
      return;
    }
    for (const e of replay) send(e.type, render(e.object));
    if (w.sendInitialEvents && w.allowBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });

    const unsubscribe = this.ctx.hub.subscribe(storageKey, (e) => {
      const t = transition(e, filter);
      if (t) send(t, render(e.object));
    });
    const timers: NodeJS.Timeout[] = [];
    if (w.allowBookmarks) {
      timers.push(setTimeout(() => bookmark(), Math.min(this.bookmarkIntervalMs, FIRST_BOOKMARK_MAX_MS)));
      timers.push(setInterval(() => bookmark(), this.bookmarkIntervalMs));
    }
    if (w.timeoutSeconds !== undefined && w.timeoutSeconds > 0) {
      timers.push(setTimeout(() => res.end(), w.timeoutSeconds * 1000));
    }
    const entry: OpenWatch = {
      storageKey,
      res,
      stop: () => {
        unsubscribe();
        for (const t of timers) clearTimeout(t);
        this.open.delete(entry);
      },
    };
    this.open.add(entry);
    res.on('close', () => entry.stop());
  }

  count(): number {
    return this.open.size;
  }

  /** Ends every stream without a proper end of the chunked body, as a broken connection would. */
  dropAll(): void {
    for (const w of [...this.open]) {
      w.stop();
      w.res.socket?.destroy();
      w.res.destroy();
    }
  }

  /** Ends the streams of one resource cleanly (its CRD went away). */
  endFor(storageKey: string): void {
    for (const w of [...this.open]) {
      if (w.storageKey === storageKey) {
        w.stop();
        w.res.end();
      }
    }
  }

  endAll(): void {
    for (const w of [...this.open]) {
      w.stop();
      w.res.end();
    }
  }
}

/** What a filtered watch sees of a change: objects entering the filter are ADDED, leaving it DELETED. */
function transition(e: StoredEvent, filter: ObjectFilter): WatchEventType | undefined {
  const now = filter.matches(e.object);
  if (e.type !== 'MODIFIED') return now ? e.type : undefined;
  const before = e.previous ? filter.matches(e.previous) : false;
  if (now && before) return 'MODIFIED';
  if (now) return 'ADDED';
  if (before) return 'DELETED';
  return undefined;
}
