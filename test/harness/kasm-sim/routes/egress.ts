import { newId } from '../ids.js';
import {
  egressCredentialFieldsSchema,
  egressGatewayFieldsSchema,
  egressMappingFieldsSchema,
  egressProviderFieldsSchema,
} from '../records.js';
import type {
  EgressCredentialRecord,
  EgressGatewayRecord,
  EgressMappingFields,
  EgressMappingRecord,
  EgressProviderRecord,
} from '../records.js';
import { BusinessFailure } from '../route-errors.js';
import type { SimRoute } from '../route.js';
import type { SimState } from '../state.js';
import { crudRoutes } from './crud.js';
import type { CrudKind } from './crud.js';
import { requireGroup, requireImage, requireRecord, requireUser } from './lookups.js';

/**
 * Egress providers, gateways, credentials and provider mappings under their classic verb names
 * (see crud.ts). Credential passwords are write-only.
 */
const permissions = { view: ['Egress View'], modify: ['Egress Modify'] };

// ---- providers ----
const providerCreate = egressProviderFieldsSchema.partial().required({ name: true, egress_provider_type: true });
const providerUpdate = egressProviderFieldsSchema.partial();

const providers: CrudKind<EgressProviderRecord, typeof providerCreate, typeof providerUpdate> = {
  kind: 'egress_provider',
  thing: 'Egress provider',
  permissions,
  records: (state) => state.egressProviders,
  createFields: providerCreate,
  updateFields: providerUpdate,
  create(state, fields) {
    return state.addEgressProvider({
      egress_provider_id: newId(),
      name: fields.name,
      egress_provider_type: fields.egress_provider_type,
      enabled: fields.enabled ?? true,
      config: fields.config ?? {},
    });
  },
  update(_state, record, changes) {
    Object.assign(record, changes);
  },
  remove: (state, id) => void state.deleteEgressProvider(id),
  view: (record) => ({ ...record }),
};

// ---- gateways ----
const gatewayCreate = egressGatewayFieldsSchema.partial().required({ egress_provider_id: true, name: true });
const gatewayUpdate = egressGatewayFieldsSchema.partial();

const gateways: CrudKind<EgressGatewayRecord, typeof gatewayCreate, typeof gatewayUpdate> = {
  kind: 'egress_gateway',
  thing: 'Egress gateway',
  permissions,
  records: (state) => state.egressGateways,
  createFields: gatewayCreate,
  updateFields: gatewayUpdate,
  create(state, fields) {
    requireRecord(state.egressProviders, fields.egress_provider_id, 'Egress provider');
    return state.addEgressGateway({
      egress_gateway_id: newId(),
      egress_provider_id: fields.egress_provider_id,
      name: fields.name,
      country: fields.country ?? '',
      city: fields.city ?? '',
      enabled: fields.enabled ?? true,
      config: fields.config ?? {},
    });
  },
  update(state, record, changes) {
    if (changes.egress_provider_id !== undefined) requireRecord(state.egressProviders, changes.egress_provider_id, 'Egress provider');
    Object.assign(record, changes);
  },
  remove: (state, id) => void state.deleteEgressGateway(id),
  view: (record) => ({ ...record }),
  filterKeys: ['egress_provider_id'],
};

// ---- credentials ----
const credentialCreate = egressCredentialFieldsSchema.partial().required({ egress_gateway_id: true, username: true });
const credentialUpdate = egressCredentialFieldsSchema.partial();

const credentials: CrudKind<EgressCredentialRecord, typeof credentialCreate, typeof credentialUpdate> = {
  kind: 'egress_credential',
  thing: 'Egress credential',
  permissions,
  records: (state) => state.egressCredentials,
  createFields: credentialCreate,
  updateFields: credentialUpdate,
  create(state, fields) {
    requireRecord(state.egressGateways, fields.egress_gateway_id, 'Egress gateway');
    return state.addEgressCredential({
      egress_credential_id: newId(),
      egress_gateway_id: fields.egress_gateway_id,
      username: fields.username,
      password: fields.password ?? null,
      config: fields.config ?? {},
    });
  },
  update(state, record, changes) {
    if (changes.egress_gateway_id !== undefined) requireRecord(state.egressGateways, changes.egress_gateway_id, 'Egress gateway');
    Object.assign(record, changes);
  },
  remove: (state, id) => void state.deleteEgressCredential(id),
  view: ({ password, ...rest }) => ({ ...rest, password_set: password !== null && password !== '' }),
  filterKeys: ['egress_gateway_id'],
};

// ---- provider mappings ----
const mappingCreate = egressMappingFieldsSchema.partial().required({ egress_provider_id: true });
const mappingUpdate = egressMappingFieldsSchema.partial();

/** A mapping names exactly one of group, user or image, and the objects it names must exist. */
function checkMapping(state: SimState, fields: EgressMappingFields): void {
  const targets = [fields.group_id, fields.user_id, fields.image_id].filter((id) => id !== null);
  if (targets.length !== 1) {
    throw new BusinessFailure('A provider mapping needs exactly one of group_id, user_id or image_id');
  }
  requireRecord(state.egressProviders, fields.egress_provider_id, 'Egress provider');
  if (fields.group_id !== null) requireGroup(state, fields.group_id);
  if (fields.user_id !== null) requireUser(state, fields.user_id);
  if (fields.image_id !== null) requireImage(state, fields.image_id);
  if (fields.egress_gateway_id !== null) {
    const gateway = requireRecord(state.egressGateways, fields.egress_gateway_id, 'Egress gateway');
    if (gateway.egress_provider_id !== fields.egress_provider_id) {
      throw new BusinessFailure('Egress gateway does not belong to the egress provider');
    }
  }
}

const mappings: CrudKind<EgressMappingRecord, typeof mappingCreate, typeof mappingUpdate> = {
  kind: 'egress_provider_mapping',
  thing: 'Egress provider mapping',
  permissions,
  records: (state) => state.egressMappings,
  createFields: mappingCreate,
  updateFields: mappingUpdate,
  create(state, parsed) {
    const fields: EgressMappingFields = {
      egress_provider_id: parsed.egress_provider_id,
      group_id: parsed.group_id ?? null,
      user_id: parsed.user_id ?? null,
      image_id: parsed.image_id ?? null,
      egress_gateway_id: parsed.egress_gateway_id ?? null,
    };
    checkMapping(state, fields);
    return state.addEgressMapping({ egress_provider_mapping_id: newId(), ...fields });
  },
  update(state, record, changes) {
    const { egress_provider_mapping_id: _id, ...current } = record;
    const next: EgressMappingFields = { ...current, ...changes };
    checkMapping(state, next);
    Object.assign(record, next);
  },
  remove: (state, id) => void state.deleteEgressMapping(id),
  view: (record) => ({ ...record }),
  filterKeys: ['egress_provider_id', 'egress_gateway_id', 'group_id', 'user_id', 'image_id'],
};

export const egressRoutes: readonly SimRoute[] = [
  ...crudRoutes(providers),
  ...crudRoutes(gateways),
  ...crudRoutes(credentials),
  ...crudRoutes(mappings),
];
