/**
 * Consistency checks across the objects one chart render produces, the kind a real cluster would
 * only reveal at run time: selectors that match no pod, probes on ports the container does not
 * expose, bindings to a Role or ServiceAccount that was not rendered, a Secret key nobody creates.
 */

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
}

interface ContainerPort {
  name?: string;
  containerPort: number;
}

interface Probe {
  httpGet?: { path: string; port: string | number };
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}

export interface Container {
  name: string;
  image: string;
  env?: EnvVar[];
  ports?: ContainerPort[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: Record<string, unknown>;
  terminationGracePeriodSeconds?: number;
  containers: Container[];
  volumes?: { name: string; emptyDir?: Record<string, unknown> }[];
}

export interface Deployment extends Manifest {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    strategy?: { type: string };
    template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec };
  };
}

const CLUSTER_SCOPED = new Set(['ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'Namespace']);

export function ofKind<T extends Manifest = Manifest>(docs: readonly Manifest[], kind: string): T[] {
  return docs.filter((d) => d.kind === kind) as T[];
}

function matches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (selector === undefined || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

function get(obj: unknown, ...path: string[]): unknown {
  let current = obj;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Every problem found across the rendered objects; empty when they fit together. `external` names objects that exist outside the chart. */
export function crossCheck(docs: readonly Manifest[], releaseNamespace: string, external: { secrets?: string[]; serviceAccounts?: string[] } = {}): string[] {
  const problems: string[] = [];
  const key = (d: Manifest): string => `${d.kind}/${d.metadata.namespace ?? ''}/${d.metadata.name}`;
  const seen = new Set<string>();
  for (const doc of docs) {
    const label = `${doc.kind}/${doc.metadata.name}`;
    if (!doc.apiVersion || !doc.kind || !doc.metadata.name) problems.push(`a document lacks apiVersion, kind or metadata.name: ${JSON.stringify(doc).slice(0, 200)}`);
    if (CLUSTER_SCOPED.has(doc.kind)) {
      if (doc.metadata.namespace !== undefined) problems.push(`${label}: cluster-scoped but has metadata.namespace`);
    } else if (doc.metadata.namespace === undefined) problems.push(`${label}: namespaced but has no metadata.namespace (GitOps tools would place it in their own default)`);
    if (seen.has(key(doc))) problems.push(`${label}: rendered twice in the same namespace`);
    seen.add(key(doc));
  }

  const deployments = ofKind<Deployment>(docs, 'Deployment');
  const pods = deployments.map((d) => ({ labels: d.spec.template.metadata.labels, namespace: d.metadata.namespace, deployment: d }));
  const secrets = new Set([...ofKind(docs, 'Secret').map((s) => s.metadata.name), ...(external.secrets ?? [])]);
  const serviceAccounts = new Set([
    ...ofKind(docs, 'ServiceAccount').map((s) => `${s.metadata.namespace}/${s.metadata.name}`),
    ...(external.serviceAccounts ?? []).map((name) => `${releaseNamespace}/${name}`),
  ]);

  for (const deployment of deployments) {
    const label = `Deployment/${deployment.metadata.name}`;
    const { selector, template } = deployment.spec;
    if (!matches(selector.matchLabels, template.metadata.labels)) problems.push(`${label}: spec.selector does not match the pod template labels`);
    const pod = template.spec;
    const account = `${deployment.metadata.namespace}/${pod.serviceAccountName ?? 'default'}`;
    if (!serviceAccounts.has(account)) problems.push(`${label}: ServiceAccount ${account} is neither rendered nor given`);
    const volumes = new Set((pod.volumes ?? []).map((v) => v.name));
    for (const container of pod.containers) {
      const ports = container.ports ?? [];
      for (const probeName of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        const port = container[probeName]?.httpGet?.port;
        if (port === undefined) continue;
        const found = typeof port === 'number' ? ports.some((p) => p.containerPort === port) : ports.some((p) => p.name === port);
        if (!found) problems.push(`${label}: ${container.name} ${probeName} uses port ${port}, which the container does not declare`);
      }
      for (const mount of container.volumeMounts ?? []) {
        if (!volumes.has(mount.name)) problems.push(`${label}: ${container.name} mounts volume ${mount.name}, which the pod does not define`);
      }
      for (const env of container.env ?? []) {
        const ref = env.valueFrom?.secretKeyRef;
        if (ref !== undefined && !secrets.has(ref.name)) problems.push(`${label}: env ${env.name} reads Secret ${ref.name}, which is neither rendered nor given`);
      }
    }
  }

  for (const service of ofKind(docs, 'Service')) {
    const selector = get(service, 'spec', 'selector') as Record<string, string> | undefined;
    const pod = pods.find((p) => p.namespace === service.metadata.namespace && matches(selector, p.labels));
    if (pod === undefined) {
      problems.push(`Service/${service.metadata.name}: selects no rendered pod`);
      continue;
    }
    const containerPorts = pod.deployment.spec.template.spec.containers.flatMap((c) => c.ports ?? []);
    for (const port of (get(service, 'spec', 'ports') as { name?: string; targetPort?: string | number }[] | undefined) ?? []) {
      const target = port.targetPort;
      const found = typeof target === 'number' ? containerPorts.some((p) => p.containerPort === target) : containerPorts.some((p) => p.name === target);
      if (!found) problems.push(`Service/${service.metadata.name}: port ${port.name ?? '?'} targets ${String(target)}, which no container declares`);
    }
  }

  for (const monitor of ofKind(docs, 'ServiceMonitor')) {
    const selector = get(monitor, 'spec', 'selector', 'matchLabels') as Record<string, string> | undefined;
    const services = ofKind(docs, 'Service').filter((s) => matches(selector, s.metadata.labels));
    if (services.length !== 1) problems.push(`ServiceMonitor/${monitor.metadata.name}: selects ${services.length} rendered Services, expected 1`);
    const portNames = services.flatMap((s) => ((get(s, 'spec', 'ports') as { name?: string }[] | undefined) ?? []).map((p) => p.name));
    for (const endpoint of (get(monitor, 'spec', 'endpoints') as { port?: string }[] | undefined) ?? []) {
      if (!portNames.includes(endpoint.port)) problems.push(`ServiceMonitor/${monitor.metadata.name}: endpoint port ${String(endpoint.port)} is not a port name of the Service`);
    }
  }

  for (const kind of ['PodDisruptionBudget', 'NetworkPolicy']) {
    for (const doc of ofKind(docs, kind)) {
      const selector = (get(doc, 'spec', 'selector', 'matchLabels') ?? get(doc, 'spec', 'podSelector', 'matchLabels')) as Record<string, string> | undefined;
      if (!pods.some((p) => p.namespace === doc.metadata.namespace && matches(selector, p.labels))) problems.push(`${kind}/${doc.metadata.name}: selects no rendered pod`);
    }
  }

  for (const binding of [...ofKind(docs, 'RoleBinding'), ...ofKind(docs, 'ClusterRoleBinding')]) {
    const label = `${binding.kind}/${binding.metadata.namespace ?? ''}/${binding.metadata.name}`;
    const roleRef = get(binding, 'roleRef') as { kind: string; name: string; apiGroup: string };
    if (roleRef.apiGroup !== 'rbac.authorization.k8s.io') problems.push(`${label}: roleRef.apiGroup must be rbac.authorization.k8s.io`);
    const role = docs.find(
      (d) => d.kind === roleRef.kind && d.metadata.name === roleRef.name && (roleRef.kind === 'ClusterRole' || d.metadata.namespace === binding.metadata.namespace),
    );
    if (role === undefined) problems.push(`${label}: roleRef ${roleRef.kind}/${roleRef.name} is not rendered`);
    if (binding.kind === 'ClusterRoleBinding' && roleRef.kind !== 'ClusterRole') problems.push(`${label}: a ClusterRoleBinding must reference a ClusterRole`);
    for (const subject of (get(binding, 'subjects') as { kind: string; name: string; namespace?: string }[] | undefined) ?? []) {
      if (subject.kind !== 'ServiceAccount') continue;
      if (subject.namespace !== releaseNamespace) problems.push(`${label}: subject ServiceAccount ${subject.name} is in ${String(subject.namespace)}, not the release namespace`);
      const account = `${subject.namespace}/${subject.name}`;
      if (!serviceAccounts.has(account)) problems.push(`${label}: subject ServiceAccount ${account} is neither rendered nor given`);
      const used = deployments.some((d) => `${d.metadata.namespace}/${d.spec.template.spec.serviceAccountName}` === account);
      if (!used) problems.push(`${label}: binds ServiceAccount ${account}, which no Deployment runs as`);
    }
  }
  return problems;
}

/** (apiGroup, resource, verb) triples a set of rules grants, resourceNames noted after a `#`. */
export function grants(rules: readonly PolicyRule[]): string[] {
  const out: string[] = [];
  for (const rule of rules) {
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        for (const verb of rule.verbs) {
          const names = rule.resourceNames === undefined ? '' : `#${rule.resourceNames.join(',')}`;
          out.push(`${group === '' ? 'core' : group} ${resource} ${verb}${names}`);
        }
      }
    }
  }
  return out.sort();
}
