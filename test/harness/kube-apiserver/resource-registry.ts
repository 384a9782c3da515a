/**
 * Which resources the server serves right now: the built-in kinds plus, for every established CRD, one
 * definition per served version. Discovery, OpenAPI and request routing all read from here.
 */
import { configMapDefinition, namespaceDefinition, secretDefinition } from './core-resources.js';
import { crdDefinition } from './crd-resource.js';
import { coreEventDefinition, eventsV1Definition } from './event-resources.js';
import { leaseDefinition } from './lease-resource.js';
import { apiVersionOf, type ResourceDefinition } from './resource-definition.js';

export interface ApiGroupVersions {
  name: string;
  /** Served versions, most preferred first. */
  versions: string[];
}

const BUILTIN_GROUP_ORDER = ['', 'apiextensions.k8s.io', 'coordination.k8s.io', 'events.k8s.io'];

/** kube's version priority: GA before beta before alpha, higher numbers first, others alphabetically last. */
function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string): [number, number, number] | undefined => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    const stability = m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2;
    return [stability, Number(m[1]), Number(m[3] ?? 0)];
  };
  const pa = parse(a);
  const pb = parse(b);
  if (pa && pb) {
    if (pa[0] !== pb[0]) return pb[0] - pa[0];
    if (pa[1] !== pb[1]) return pb[1] - pa[1];
    return pb[2] - pa[2];
  }
  if (pa) return -1;
  if (pb) return 1;
  return a.localeCompare(b);
}

export class ResourceRegistry {
  /** The built-ins the server's own controllers write to. */
  readonly namespaces = namespaceDefinition();
  readonly crds = crdDefinition();
  private readonly builtins: ResourceDefinition[] = [
    this.namespaces,
    secretDefinition(),
    configMapDefinition(),
    coreEventDefinition(),
    eventsV1Definition(),
    leaseDefinition(),
    this.crds,
  ];
  /** CRD name → the definitions it serves. */
  private readonly custom = new Map<string, ResourceDefinition[]>();
  /** all(), kept until the served set changes: every request looks its resource up here. */
  private served: ResourceDefinition[] | undefined;
  private changes = 0;

  /** Grows whenever the served resources change; documents derived from them are cached against it. */
  get revision(): number {
    return this.changes;
  }

  all(): readonly ResourceDefinition[] {
    this.served ??= [...this.builtins, ...[...this.custom.values()].flat()];
    return this.served;
  }

  find(group: string, version: string, resource: string): ResourceDefinition | undefined {
    return this.all().find((d) => d.group === group && d.version === version && d.resource === resource);
  }

  findByKind(apiVersion: string, kind: string): ResourceDefinition | undefined {
    return this.all().find((d) => apiVersionOf(d) === apiVersion && d.kind === kind);
  }

  /** One definition per storage key (the preferred version), e.g. for namespace cleanup and GC scans. */
  storageDefinitions(): ResourceDefinition[] {
    const seen = new Map<string, ResourceDefinition>();
    for (const def of this.all()) if (!seen.has(def.storageKey)) seen.set(def.storageKey, def);
    return [...seen.values()];
  }

  /** The definitions a CRD serves (one per served version), none when it serves nothing. */
  customDefinitions(crdName: string): readonly ResourceDefinition[] {
    return this.custom.get(crdName) ?? [];
  }

  setCustom(crdName: string, defs: ResourceDefinition[]): void {
    if (defs.length === 0) this.custom.delete(crdName);
    else this.custom.set(crdName, defs);
    this.changed();
  }

  removeCustom(crdName: string): void {
    this.custom.delete(crdName);
    this.changed();
  }

  private changed(): void {
    this.served = undefined;
    this.changes += 1;
  }

  groups(): ApiGroupVersions[] {
    const byGroup = new Map<string, Set<string>>();
    for (const def of this.all()) {
      const set = byGroup.get(def.group) ?? new Set<string>();
      set.add(def.version);
      byGroup.set(def.group, set);
    }
    const names = [...byGroup.keys()].sort((a, b) => {
      const ia = BUILTIN_GROUP_ORDER.indexOf(a);
      const ib = BUILTIN_GROUP_ORDER.indexOf(b);
      if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
      return a.localeCompare(b);
    });
    return names.map((name) => ({ name, versions: [...(byGroup.get(name) ?? [])].sort(compareKubeVersions) }));
  }

  resourcesIn(group: string, version: string): ResourceDefinition[] {
    return this.all().filter((d) => d.group === group && d.version === version);
  }
}
