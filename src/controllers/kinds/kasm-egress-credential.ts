import { kasmEgressCredentialSpec, type KasmEgressCredentialSpec } from '../../api/kasm-egress-credential.js';
import type { KasmEgressCredential, UpdateEgressCredentialChanges } from '../../kasm/areas/egress.js';
import { normalizeKasmId } from '../../kasm/ids.js';
import type { FieldDiff, ManagedKindAdapter, Observation } from '../managed-kind.js';
import { resolveManagedRef } from '../reference-resolver.js';
import {
  changedSecretInput,
  configAtProvider,
  configToSend,
  diffConfig,
  readSecretInput,
  resolveConfig,
  secretVersionsStatus,
  scrubbingSecrets,
  touchesConfig,
  type ResolvedConfig,
  type SecretInput,
} from './egress-config.js';
import {
  EGRESS_CREDENTIALS_INVENTORY,
  credentialKey,
  egressCredentialsInventory,
  findEgressGateway,
  findEgressObject,
  type EgressFinder,
} from './egress-inventories.js';
import { forgetIn, rememberIn, requireInKasm } from './kasm-inventories.js';

interface CredentialResolved {
  spec: KasmEgressCredentialSpec;
  gatewayId: string;
  /** The password and where it came from; the value never leaves this object but for the request. */
  password?: SecretInput;
  config: ResolvedConfig;
}

interface CredentialObserved {
  credential: KasmEgressCredential;
  declaredConfig: ResolvedConfig;
}

const background = { priority: 'background' as const };

function finder(gatewayId: string, username: string): EgressFinder<KasmEgressCredential> {
  return {
    inventoryName: EGRESS_CREDENTIALS_INVENTORY,
    inventory: egressCredentialsInventory,
    id: (c) => c.egressCredentialId,
    readById: (ctx, id) => ctx.kasm.egress.credentials.get(id, { ...background, signal: ctx.signal }),
    listCandidates: (ctx) => ctx.kasm.egress.credentials.list({ egressGatewayId: gatewayId }, { ...background, signal: ctx.signal }),
    matches: (c) => c.egressGatewayId === gatewayId && c.username === username,
    duplicates: { refuse: `spec.username: Kasm credentials with username "${username}" on egress gateway ${gatewayId}` },
  };
}

const observation = (credential: KasmEgressCredential, resolved: CredentialResolved): Observation<CredentialObserved> => ({
  observed: { credential, declaredConfig: resolved.config },
  externalId: credential.egressCredentialId,
});

const secretInputs = (resolved: CredentialResolved): SecretInput[] => [...(resolved.password ? [resolved.password] : []), ...resolved.config.secrets];

function changesFor(resolved: CredentialResolved, fields: ReadonlySet<string> | undefined): UpdateEgressCredentialChanges {
  const wants = (f: string): boolean => fields === undefined || fields.has(f);
  const changes: UpdateEgressCredentialChanges = {};
  if (wants('gateway')) changes.egressGatewayId = resolved.gatewayId;
  if (wants('username')) changes.username = resolved.spec.username;
  if (resolved.password && wants('password')) changes.password = resolved.password.value;
  const config = configToSend(resolved.config);
  if (config !== undefined && (fields === undefined || touchesConfig(fields))) changes.config = config;
  return changes;
}

export const kasmEgressCredentialAdapter: ManagedKindAdapter<KasmEgressCredentialSpec, CredentialResolved, CredentialObserved> = {
  kind: 'KasmEgressCredential',
  specSchema: kasmEgressCredentialSpec,

  async resolve(spec, ctx) {
    const gatewayId = spec.gatewayRef
      ? resolveManagedRef(ctx, 'KasmEgressGateway', spec.gatewayRef.name)
      : normalizeKasmId(spec.gatewayId ?? '', { field: 'spec.gatewayId' });
    requireInKasm(await findEgressGateway(ctx, gatewayId), 'Kasm egress gateway', gatewayId);
    const resolved: CredentialResolved = { spec, gatewayId, config: resolveConfig(ctx, spec) };
    if (spec.passwordSecretRef) resolved.password = readSecretInput(ctx, 'password', spec.passwordSecretRef, 'spec.passwordSecretRef');
    return resolved;
  },

  naturalKey: (resolved) => credentialKey(resolved.gatewayId, resolved.spec.username),

  async observe(ctx, lookup) {
    const credential = await findEgressObject(ctx, finder(lookup.resolved.gatewayId, lookup.resolved.spec.username), lookup);
    return credential ? observation(credential, lookup.resolved) : undefined;
  },

  async create(ctx, resolved) {
    const input = { ...changesFor(resolved, undefined), egressGatewayId: resolved.gatewayId, username: resolved.spec.username };
    const credential = await scrubbingSecrets(secretInputs(resolved), () => ctx.kasm.egress.credentials.create(input, { signal: ctx.signal }));
    await rememberIn(ctx, egressCredentialsInventory, credential);
    return observation(credential, resolved);
  },

  async update(ctx, current, resolved, diff) {
    const changes = changesFor(resolved, new Set(diff.map((d) => d.field)));
    const credential = await scrubbingSecrets(secretInputs(resolved), () => ctx.kasm.egress.credentials.update(current.externalId, changes, { signal: ctx.signal }));
    await rememberIn(ctx, egressCredentialsInventory, credential);
    return observation(credential, resolved);
  },

  async delete(ctx, current) {
    await ctx.kasm.egress.credentials.delete(current.externalId, { signal: ctx.signal });
    await forgetIn(ctx, egressCredentialsInventory, current.externalId);
  },

  diff(resolved, { credential }, status) {
    const { spec } = resolved;
    const diff: FieldDiff[] = [];
    if (credential.egressGatewayId !== resolved.gatewayId) diff.push({ field: 'gateway', desired: resolved.gatewayId, observed: credential.egressGatewayId });
    if (credential.username !== spec.username) diff.push({ field: 'username', desired: spec.username, observed: credential.username });
    if (resolved.password) {
      // The password cannot be read back: it is sent again when its Secret changed, or when Kasm says it has none.
      const changed = changedSecretInput(resolved.password, status);
      if (changed) diff.push(changed);
      else if (credential.passwordSet === false) diff.push({ field: 'password' });
    }
    return [...diff, ...diffConfig(resolved.config, credential.config, status)];
  },

  atProvider({ credential, declaredConfig }) {
    return {
      egressCredentialId: credential.egressCredentialId,
      egressGatewayId: credential.egressGatewayId,
      username: credential.username,
      passwordSet: credential.passwordSet,
      ...configAtProvider(declaredConfig, credential.config),
    };
  },

  extraStatus(resolved) {
    return secretVersionsStatus(secretInputs(resolved));
  },
};
