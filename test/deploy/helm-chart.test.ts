import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { chartCrdDifferences } from '../../scripts/sync-chart-crds.js';
import { isConfigErrors, parseConfig, type ConfigHost } from '../../src/config.js';
import { logLevels } from '../../src/runtime/logger.js';
import { k8sBinaries } from '../harness/k8s-binaries.js';
import { startKubeApiServer } from '../harness/kube-apiserver/index.js';
import { chartDir, helm, removeHelmHome, render, renderChart, repoRoot, valuesFile } from './helm-render.js';
import { checkAgainstKubeModel } from './kube-model-check.js';
import { crossCheck, grants, ofKind, type Deployment, type Manifest, type PolicyRule } from './manifest-checks.js';

const NAMESPACE = 'kasm-system';
const crdsDir = join(repoRoot, 'deploy', 'crds');
const crdFiles = readdirSync(crdsDir).filter((f) => f.endsWith('.yaml')).sort();
const crds = crdFiles.map((f) => parse(readFileSync(join(crdsDir, f), 'utf8')) as { spec: { group: string; names: { plural: string; kind: string } } });
const plurals = crds.map((c) => c.spec.names.plural).sort();
const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as { apiVersion: string; version: string; appVersion: string };
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };

const valueSets = {
  defaults: {},
  namespaced: {
    watchNamespaces: ['team-a', 'team-b'],
    kasm: { baseUrl: 'https://kasm.example.com', existingSecret: 'kasm-api', existingSecretKeys: { apiKey: 'key', apiSecret: 'secret' } },
    logLevel: 'debug',
    pollInterval: '5m',
    workers: 8,
  },
  highAvailability: {
    replicaCount: 3,
    kasm: { baseUrl: 'https://kasm.example.com', apiKey: 'key-1', apiSecret: 'secret-1' },
    metrics: { serviceMonitor: { enabled: true, labels: { release: 'prometheus' } } },
    networkPolicy: {
      enabled: true,
      ingress: { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] },
      egress: { apiServer: { to: [{ ipBlock: { cidr: '10.0.0.1/32' } }] }, kasm: { to: [{ ipBlock: { cidr: '203.0.113.10/32' } }] } },
    },
    kasmRateLimit: 20,
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'kasm-operator' } } },
    ],
    podLabels: { team: 'platform' },
    podAnnotations: { 'example.com/owner': 'platform' },
    extraEnv: [{ name: 'KASM_TIMEOUT_SECONDS', value: '20' }],
    priorityClassName: 'system-cluster-critical',
  },
} as const;
type SetName = keyof typeof valueSets;
const setNames = Object.keys(valueSets) as SetName[];

const rendered = new Map<SetName, Manifest[]>();
function docsFor(name: SetName): Manifest[] {
  let docs = rendered.get(name);
  if (docs === undefined) {
    docs = render(valueSets[name], { namespace: NAMESPACE });
    rendered.set(name, docs);
  }
  return docs;
}

const deploymentOf = (docs: Manifest[]): Deployment => {
  const deployments = ofKind<Deployment>(docs, 'Deployment');
  expect(deployments).toHaveLength(1);
  return deployments[0] as Deployment;
};
const containerOf = (docs: Manifest[]) => {
  const container = deploymentOf(docs).spec.template.spec.containers[0];
  if (container === undefined) throw new Error('the Deployment has no container');
  return container;
};
const rulesOf = (doc: Manifest): PolicyRule[] => (doc as unknown as { rules: PolicyRule[] }).rules;

/** The environment the container would see, with Secrets and the downward API filled in. */
function containerEnv(docs: Manifest[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of containerOf(docs).env ?? []) {
    const from = variable.valueFrom;
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (from?.secretKeyRef) env[variable.name] = `secret:${from.secretKeyRef.name}/${from.secretKeyRef.key}`;
    else if (from?.fieldRef?.fieldPath === 'metadata.name') env[variable.name] = 'kasm-kasm-operator-7d9f-abcde';
    else if (from?.fieldRef?.fieldPath === 'metadata.namespace') env[variable.name] = NAMESPACE;
  }
  return env;
}

const podHost: ConfigHost = { serviceAccountNamespace: () => NAMESPACE, hostname: () => 'pod', randomSuffix: () => 'abc' };

/** Every triple the operator needs in a watched namespace, and nothing more. */
const expectedNamespaceGrants = [
  ...plurals.flatMap((p) => ['get', 'list', 'watch', 'update', 'patch'].map((v) => `kasm.io ${p} ${v}`)),
  ...plurals.flatMap((p) => ['update', 'patch'].map((v) => `kasm.io ${p}/status ${v}`)),
  ...plurals.map((p) => `kasm.io ${p}/finalizers update`),
  ...['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'].map((v) => `core secrets ${v}`),
  ...['get', 'list', 'watch', 'create', 'update', 'patch'].map((v) => `core configmaps ${v}`),
  'events.k8s.io events create',
  'events.k8s.io events patch',
  'core events create',
  'core events patch',
].sort();

afterAll(() => removeHelmHome());

describe('chart metadata', () => {
  it('is a Helm 3+ chart whose appVersion is the operator version', () => {
    expect(chart.apiVersion).toBe('v2');
    expect(chart.appVersion).toBe(pkg.version);
  });

  it('ships the generated CRDs unchanged in crds/', () => {
    const problems = chartCrdDifferences(repoRoot);
    expect(problems, `${problems.join('\n')}\nThe chart's CRDs differ from deploy/crds: run \`npm run generate\` (or \`npm run chart:crds\`)`).toEqual([]);
  });

  it('accepts exactly the log levels the operator knows', () => {
    const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')) as { properties: { logLevel: { enum: string[] } } };
    expect(schema.properties.logLevel.enum).toEqual([...logLevels]);
  });

  it('has defaults that satisfy its own schema (helm lint, also --strict)', () => {
    for (const args of [['lint', chartDir], ['lint', '--strict', chartDir]]) {
      const result = helm(args);
      expect(result.status, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain('0 chart(s) failed');
      expect(result.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
    }
  });

  it.each(setNames)('lints cleanly with the %s values', (name) => {
    const result = helm(['lint', '--strict', chartDir, '-f', valuesFile(valueSets[name])]);
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });
});

describe.each(setNames)('rendered with the %s values', (name) => {
  it('matches the Kubernetes API models (no unknown fields, right types, required fields set)', () => {
    const problems = docsFor(name)
      .filter((d) => d.kind !== 'ServiceMonitor')
      .flatMap((d) => checkAgainstKubeModel(d));
    expect(problems).toEqual([]);
  });

  it('fits together: selectors, ports, probes, bindings, Secrets', () => {
    const external = name === 'namespaced' ? { secrets: ['kasm-api'] } : {};
    expect(crossCheck(docsFor(name), NAMESPACE, external)).toEqual([]);
  });

  it('runs non-root with a read-only root filesystem, no privileges and RuntimeDefault seccomp', () => {
    const pod = deploymentOf(docsFor(name)).spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(true);
    const container = containerOf(docsFor(name));
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65532,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(pod.volumes?.find((v) => v.name === 'tmp')?.emptyDir).toBeDefined();
  });

  it('probes /healthz for liveness and /readyz for readiness on the health port', () => {
    const container = containerOf(docsFor(name));
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(container.ports).toEqual([{ name: 'health', containerPort: 8080, protocol: 'TCP' }]);
  });

  it('gives the operator an environment its configuration accepts, matching the values', () => {
    const docs = docsFor(name);
    const env = containerEnv(docs);
    const config = parseConfig([], env, podHost);
    if (isConfigErrors(config)) throw new Error(config.map((e) => e.message).join('\n'));
    const values = valueSets[name] as { replicaCount?: number; watchNamespaces?: readonly string[]; workers?: number; pollInterval?: string; kasm?: { baseUrl?: string } };
    expect(config.leaderElection.enabled).toBe((values.replicaCount ?? 1) > 1);
    expect(config.leaderElection.namespace).toBe(NAMESPACE);
    expect(config.leaderElection.identity).toBe('kasm-kasm-operator-7d9f-abcde');
    expect(config.watchNamespaces).toEqual(values.watchNamespaces ?? []);
    expect(config.workers).toBe(values.workers ?? 4);
    expect(config.health.port).toBe(containerOf(docs).ports?.[0]?.containerPort);
    expect(config.kasm.defaultConnection?.baseUrl).toBe(values.kasm?.baseUrl);
    // The kubelet must wait longer than the operator's own shutdown deadline.
    const grace = deploymentOf(docs).spec.template.spec.terminationGracePeriodSeconds ?? 30;
    expect(grace * 1000).toBeGreaterThan(config.shutdownTimeoutMs);
  });

  it('grants no wildcard verbs, resources or API groups, and Leases only in the release namespace', () => {
    const docs = docsFor(name);
    const roles = [...ofKind(docs, 'ClusterRole'), ...ofKind(docs, 'Role')];
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) {
      for (const rule of rulesOf(role)) {
        expect([...(rule.verbs ?? []), ...(rule.resources ?? []), ...(rule.apiGroups ?? [])].some((x) => x.includes('*')), JSON.stringify(rule)).toBe(false);
        if (rule.resources?.includes('leases')) {
          expect(role.kind).toBe('Role');
          expect(role.metadata.namespace).toBe(NAMESPACE);
        }
      }
    }
    expect(docs.some((d) => JSON.stringify(d).includes('cluster-admin'))).toBe(false);
  });
});

describe('RBAC per mode', () => {
  it('cluster-wide (watchNamespaces empty): one ClusterRole with exactly what the operator needs, bound to its ServiceAccount', () => {
    const docs = docsFor('defaults');
    const [clusterRole] = ofKind(docs, 'ClusterRole');
    expect(ofKind(docs, 'ClusterRole')).toHaveLength(1);
    expect(ofKind(docs, 'ClusterRoleBinding')).toHaveLength(1);
    expect(grants(rulesOf(clusterRole as Manifest))).toEqual(expectedNamespaceGrants);
    // One replica without forced leader election needs no Lease.
    expect(ofKind(docs, 'Role')).toEqual([]);
  });

  it('namespaced: a Role and RoleBinding in each watched namespace and nothing cluster-wide', () => {
    const docs = docsFor('namespaced');
    expect(ofKind(docs, 'ClusterRole')).toEqual([]);
    expect(ofKind(docs, 'ClusterRoleBinding')).toEqual([]);
    const roles = ofKind(docs, 'Role');
    expect(roles.map((r) => r.metadata.namespace).sort()).toEqual(['team-a', 'team-b']);
    for (const role of roles) expect(grants(rulesOf(role))).toEqual(expectedNamespaceGrants);
    expect(ofKind(docs, 'RoleBinding').map((b) => b.metadata.namespace).sort()).toEqual(['team-a', 'team-b']);
  });

  it('high availability: the Lease Role in the release namespace may create Leases and get/update only its own', () => {
    const docs = docsFor('highAvailability');
    const leaseRoles = ofKind(docs, 'Role').filter((r) => rulesOf(r).some((rule) => rule.resources?.includes('leases')));
    expect(leaseRoles).toHaveLength(1);
    const leaseName = containerEnv(docs).LEADER_ELECTION_ID;
    expect(grants(rulesOf(leaseRoles[0] as Manifest))).toEqual(
      [`coordination.k8s.io leases create`, `coordination.k8s.io leases get#${leaseName}`, `coordination.k8s.io leases update#${leaseName}`].sort(),
    );
    expect(ofKind(docs, 'RoleBinding').some((b) => (b as unknown as { roleRef: { name: string } }).roleRef.name === leaseRoles[0]?.metadata.name)).toBe(true);
  });

  it('takes the kinds it may touch from the CRDs the chart ships', () => {
    const [clusterRole] = ofKind(docsFor('defaults'), 'ClusterRole');
    const kinds = new Set(rulesOf(clusterRole as Manifest).flatMap((r) => (r.apiGroups?.includes('kasm.io') ? (r.resources ?? []) : [])).map((r) => r.split('/')[0]));
    expect([...kinds].sort()).toEqual(plurals);
  });
});

describe('leader election and availability', () => {
  it('is off with one replica: LEADER_ELECT=false and the old pod stops before the new one starts', () => {
    const docs = docsFor('defaults');
    expect(containerEnv(docs).LEADER_ELECT).toBe('false');
    expect(deploymentOf(docs).spec.strategy?.type).toBe('Recreate');
    expect(ofKind(docs, 'PodDisruptionBudget')).toEqual([]);
  });

  it('turns on with more than one replica, rolls updates and adds a PodDisruptionBudget', () => {
    const docs = docsFor('highAvailability');
    const env = containerEnv(docs);
    expect(env.LEADER_ELECT).toBe('true');
    expect(env.LEADER_ELECTION_NAMESPACE).toBe(NAMESPACE);
    expect(deploymentOf(docs).spec.replicas).toBe(3);
    expect(deploymentOf(docs).spec.strategy?.type).toBe('RollingUpdate');
    const [pdb] = ofKind(docs, 'PodDisruptionBudget');
    expect((pdb as unknown as { spec: Record<string, unknown> }).spec.maxUnavailable).toBe(1);
  });

  it('can be forced on with one replica (leaderElection.enabled) and then gets its Lease Role', () => {
    const docs = render({ leaderElection: { enabled: true, leaseName: 'kasm-leader' } });
    expect(containerEnv(docs)).toMatchObject({ LEADER_ELECT: 'true', LEADER_ELECTION_ID: 'kasm-leader' });
    expect(ofKind(docs, 'Role').flatMap((r) => grants(rulesOf(r)))).toContain('coordination.k8s.io leases get#kasm-leader');
  });

  it('renders a PodDisruptionBudget for one replica only when asked, and never one that blocks drains', () => {
    const docs = render({ podDisruptionBudget: { enabled: true } });
    expect(ofKind(docs, 'PodDisruptionBudget')).toHaveLength(1);
    expect(ofKind(render({ replicaCount: 3, podDisruptionBudget: { enabled: false } }), 'PodDisruptionBudget')).toEqual([]);
  });
});

describe('default Kasm connection', () => {
  it('has none by default: no KASM_* variables and no Secret', () => {
    const docs = docsFor('defaults');
    expect(Object.keys(containerEnv(docs)).filter((k) => k.startsWith('KASM_'))).toEqual(['KASM_RATE_LIMIT']);
    expect(ofKind(docs, 'Secret')).toEqual([]);
  });

  it('reads an existing Secret with configurable key names', () => {
    expect(containerEnv(docsFor('namespaced'))).toMatchObject({
      KASM_BASE_URL: 'https://kasm.example.com',
      KASM_API_KEY: 'secret:kasm-api/key',
      KASM_API_SECRET: 'secret:kasm-api/secret',
    });
  });

  it('stores inline credentials in a Secret it creates and rolls the pods when they change', () => {
    const docs = docsFor('highAvailability');
    const [secret] = ofKind<Manifest & { data: Record<string, string> }>(docs, 'Secret');
    expect(secret?.metadata.namespace).toBe(NAMESPACE);
    expect(Buffer.from(secret?.data.apiKey ?? '', 'base64').toString()).toBe('key-1');
    expect(Buffer.from(secret?.data.apiSecret ?? '', 'base64').toString()).toBe('secret-1');
    expect(containerEnv(docs).KASM_API_KEY).toBe(`secret:${secret?.metadata.name}/apiKey`);
    const checksum = deploymentOf(docs).spec.template.metadata.annotations?.['checksum/kasm-api'];
    expect(checksum).toMatch(/^[0-9a-f]{64}$/);
    const changed = render({ ...valueSets.highAvailability, kasm: { ...valueSets.highAvailability.kasm, apiSecret: 'secret-2' } });
    expect(deploymentOf(changed).spec.template.metadata.annotations?.['checksum/kasm-api']).not.toBe(checksum);
  });
});

describe('metrics and network', () => {
  it('serves metrics through a Service and, when enabled, a ServiceMonitor on its named port', () => {
    const docs = docsFor('highAvailability');
    const [monitor] = ofKind<Manifest & { spec: { endpoints: { port: string; path: string }[] } }>(docs, 'ServiceMonitor');
    expect(monitor?.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor?.metadata.labels?.release).toBe('prometheus');
    expect(monitor?.spec.endpoints).toEqual([expect.objectContaining({ port: 'metrics', path: '/metrics' })]);
    expect(ofKind(docsFor('defaults'), 'ServiceMonitor')).toEqual([]);
  });

  it('limits ingress to the health port and egress to DNS, the API server and Kasm', () => {
    const [policy] = ofKind<
      Manifest & { spec: { policyTypes: string[]; ingress: { ports: { port: unknown }[]; from?: unknown[] }[]; egress: { ports: { port: unknown }[]; to?: unknown[] }[] } }
    >(docsFor('highAvailability'), 'NetworkPolicy');
    expect(policy?.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy?.spec.ingress).toEqual([expect.objectContaining({ ports: [{ port: 'health', protocol: 'TCP' }], from: [expect.any(Object)] })]);
    const egressPorts = policy?.spec.egress.map((rule) => rule.ports.map((p) => p.port));
    expect(egressPorts).toEqual([[53, 53], [443, 6443], [443]]);
    expect(policy?.spec.egress[1]?.to).toEqual([{ ipBlock: { cidr: '10.0.0.1/32' } }]);
    expect(policy?.spec.egress[2]?.to).toEqual([{ ipBlock: { cidr: '203.0.113.10/32' } }]);
    expect(ofKind(docsFor('defaults'), 'NetworkPolicy')).toEqual([]);
  });
});

describe('image and pod settings', () => {
  it('defaults the image tag to the appVersion and pulls by digest when one is given', () => {
    expect(containerOf(docsFor('defaults')).image).toBe(`ghcr.io/kasm-operator/kasm-operator:${chart.appVersion}`);
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(containerOf(render({ image: { repository: 'registry.example.com/kasm-operator', digest } })).image).toBe(`registry.example.com/kasm-operator@${digest}`);
  });

  it('passes scheduling, labels, annotations and extra environment through', () => {
    const docs = docsFor('highAvailability');
    const template = deploymentOf(docs).spec.template;
    const pod = template.spec as unknown as Record<string, unknown>;
    expect(template.metadata.labels.team).toBe('platform');
    expect(template.metadata.annotations?.['example.com/owner']).toBe('platform');
    expect(pod.priorityClassName).toBe('system-cluster-critical');
    expect(pod.topologySpreadConstraints).toEqual(valueSets.highAvailability.topologySpreadConstraints);
    expect(containerEnv(docs).KASM_TIMEOUT_SECONDS).toBe('20');
  });

  it('sizes Node\'s heap from the memory limit: half of it for the old space, an 8 MiB semi-space', () => {
    const nodeOptions = (values: Record<string, unknown>): string | undefined => containerEnv(render(values)).NODE_OPTIONS;
    expect(containerEnv(docsFor('defaults')).NODE_OPTIONS).toBe('--max-old-space-size=128 --max-semi-space-size=8');
    expect(nodeOptions({ resources: { limits: { memory: '384Mi' } } })).toBe('--max-old-space-size=192 --max-semi-space-size=8');
    expect(nodeOptions({ resources: { limits: { memory: '1Gi' } } })).toBe('--max-old-space-size=512 --max-semi-space-size=8');
    expect(nodeOptions({ resources: { limits: { memory: '500M' } } })).toBe('--max-old-space-size=238 --max-semi-space-size=8');
    expect(nodeOptions({ resources: { limits: { memory: 402653184 } } })).toBe('--max-old-space-size=192 --max-semi-space-size=8');
    expect(nodeOptions({ resources: { limits: { memory: '131072Ki' } } })).toBe('--max-old-space-size=64 --max-semi-space-size=8');
    expect(nodeOptions({ resources: { limits: { memory: '1T' } } })).toBe('--max-old-space-size=476837 --max-semi-space-size=8');
    // No limit: the image's default cap.
    expect(nodeOptions({ resources: { limits: { memory: null } } })).toBe('--max-old-space-size=160 --max-semi-space-size=8');
    // Set explicitly, with further options appended.
    expect(nodeOptions({ nodeHeap: { maxOldSpaceMiB: 300, semiSpaceMiB: 16 }, nodeOptions: '--enable-source-maps' })).toBe(
      '--max-old-space-size=300 --max-semi-space-size=16 --enable-source-maps',
    );
  });

  it('installs the CRDs with --include-crds, equal to deploy/crds', () => {
    const docs = render({}, { includeCrds: true });
    const shipped = ofKind(docs, 'CustomResourceDefinition').map((d) => d.metadata.name).sort();
    expect(shipped).toEqual(crds.map((c) => `${c.spec.names.plural}.${c.spec.group}`).sort());
  });

  it('renders NOTES for each mode', () => {
    for (const name of setNames) {
      const result = helm(['install', 'kasm', chartDir, '--dry-run=client', '--namespace', NAMESPACE, '-f', valuesFile(valueSets[name])]);
      expect(result.status, result.stderr).toBe(0);
      const notes = result.stdout.slice(result.stdout.indexOf('NOTES:'));
      expect(notes).toContain('kubectl get kasm --all-namespaces');
      if (name === 'namespaced') expect(notes).toContain('team-a, team-b');
      else expect(notes).toContain('every namespace');
    }
  });
});

describe('values the chart refuses, naming the field', () => {
  const refusals: [string, unknown, RegExp][] = [
    ['replicaCount as text', { replicaCount: 'two' }, /replicaCount/],
    ['an unknown top-level key', { replicas: 2 }, /replicas/],
    ['an unknown nested key', { image: { tags: 'x' } }, /tags/],
    ['an unknown log level', { logLevel: 'verbose' }, /logLevel/],
    ['a namespace name with capitals', { watchNamespaces: ['Team-A'] }, /watchNamespaces/],
    ['a poll interval without unit', { pollInterval: '30' }, /pollInterval/],
    ['a pull policy Kubernetes does not know', { image: { pullPolicy: 'Sometimes' } }, /pullPolicy/],
    ['an API key without its secret', { kasm: { baseUrl: 'https://kasm.example.com', apiKey: 'k' } }, /kasm\.apiKey and kasm\.apiSecret/],
    ['credentials without a base URL', { kasm: { existingSecret: 'kasm-api' } }, /kasm\.baseUrl/],
    ['a base URL without credentials', { kasm: { baseUrl: 'https://kasm.example.com' } }, /kasm\.existingSecret/],
    ['both an existing Secret and inline credentials', { kasm: { baseUrl: 'https://k.example.com', existingSecret: 's', apiKey: 'k', apiSecret: 's' } }, /not both/],
    ['a grace period shorter than the shutdown timeout', { shutdownTimeoutSeconds: 60, terminationGracePeriodSeconds: 30 }, /terminationGracePeriodSeconds/],
    ['no ServiceAccount to run as', { serviceAccount: { create: false } }, /serviceAccount\.name/],
    ['a heap size that is not a whole number', { nodeHeap: { maxOldSpaceMiB: '1Gi' } }, /maxOldSpaceMiB/],
    ['a memory limit the heap cannot be sized from', { resources: { limits: { memory: '0.5Gi' } } }, /resources\.limits\.memory "0\.5Gi".*nodeHeap\.maxOldSpaceMiB/],
    ['NODE_OPTIONS in extraEnv', { extraEnv: [{ name: 'NODE_OPTIONS', value: '--x' }] }, /extraEnv\[0\]: NODE_OPTIONS is set by the chart; use nodeHeap and nodeOptions/],
    ['KASM_BASE_URL in extraEnv beside kasm.baseUrl', { kasm: { baseUrl: 'https://k.example.com', existingSecret: 's' }, extraEnv: [{ name: 'TZ', value: 'UTC' }, { name: 'KASM_BASE_URL', value: 'https://other' }] }, /extraEnv\[1\]: KASM_BASE_URL .*kasm\.baseUrl/],
    ['a ServiceMonitor without the Service', { metrics: { service: { enabled: false }, serviceMonitor: { enabled: true } } }, /metrics\.service\.enabled/],
  ];

  it.each(refusals)('refuses %s', (_label, values, message) => {
    const result = renderChart(values);
    expect(result.error, 'helm accepted the values').toBeDefined();
    expect(result.error).toMatch(message);
  });

  it('accepts an existing ServiceAccount by name and binds the roles to it', () => {
    const docs = render({ serviceAccount: { create: false, name: 'platform-operator' } });
    expect(ofKind(docs, 'ServiceAccount')).toEqual([]);
    expect(deploymentOf(docs).spec.template.spec.serviceAccountName).toBe('platform-operator');
    expect(crossCheck(docs, NAMESPACE, { serviceAccounts: ['platform-operator'] })).toEqual([]);
  });

  it('leaves RBAC out when rbac.create is false', () => {
    const docs = render({ rbac: { create: false }, replicaCount: 2 });
    expect(docs.filter((d) => /Role/.test(d.kind))).toEqual([]);
  });
});

describe('against the Kubernetes API test server', () => {
  it('installs the chart CRDs and accepts the chart-created Secret with kubectl', async () => {
    const server = await startKubeApiServer({ crdDir: join(chartDir, 'crds') });
    const dir = mkdtempSync(join(tmpdir(), 'kasm-operator-chart-'));
    try {
      const kubeconfig = join(dir, 'kubeconfig');
      server.writeKubeconfig(kubeconfig);
      const { kubectl } = k8sBinaries();
      // Asynchronous on purpose: the server runs in this process and must keep answering.
      const run = async (args: string[], input?: string): Promise<string> => {
        const child = promisify(execFile)(kubectl, ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir }, timeout: 60_000 });
        if (input !== undefined) child.child.stdin?.end(input);
        return (await child).stdout;
      };
      await run(['create', 'namespace', NAMESPACE]);
      const secrets = ofKind(docsFor('highAvailability'), 'Secret');
      expect(secrets).toHaveLength(1);
      await run(['apply', '--server-side', '--field-manager=helm', '-f', '-'], stringify(secrets[0]));
      const stored = JSON.parse(await run(['get', 'secret', '-n', NAMESPACE, secrets[0]?.metadata.name ?? '', '-o', 'json'])) as { data: Record<string, string> };
      expect(Buffer.from(stored.data.apiKey ?? '', 'base64').toString()).toBe('key-1');
      const served = (await run(['api-resources', '--api-group=kasm.io', '-o', 'name'])).trim().split('\n').map((r) => r.split('.')[0]);
      expect(served.sort()).toEqual(plurals);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
