import { z } from 'zod';
import { definedFields } from '../defined-fields.js';
import { newId, normaliseId } from '../ids.js';
import { idField, isObject, parse, parseWrapped, wrapper } from '../payload.js';
import type { Payload } from '../payload.js';
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
import { json, publicPath } from '../route.js';
import type { SimRoute } from '../route.js';
import type { SimState } from '../state.js';
import { requireGroup, requireImage, requireRecord, requireUser } from './lookups.js';

/**
 * Egress providers, gateways, credentials and provider mappings under their classic verb names
 * (create_/update_/delete_/get_<kind>, get_<kind>s). Every kind uses a `target_<kind>` wrapper and
 * answers `{"<kind>": ...}` or `{"<kind>s": [...]}`. Credential passwords are write-only.
 */
interface EgressKind<R> {
  /** e.g. egress_provider */
  readonly kind: string;
  readonly idKey: string;
  /** e.g. "Egress provider", for "<thing> not found". */
  readonly thing: string;
  records(state: SimState): ReadonlyMap<string, R>;
  create(state: SimState, target: Payload): R;
  update(state: SimState, record: R, target: Payload): void;
  remove(state: SimState, id: string): void;
  view(record: R): Record<string, unknown>;
  /** Id fields that narrow get_<kind>s when sent in its optional wrapper. */
  readonly filterKeys: readonly (keyof R & string)[];
}

/** True when every filter key sent names the same id as the record holds. */
function matchesFilter<R>(record: R, filter: Payload, keys: readonly (keyof R & string)[]): boolean {
  return keys.every((key) => {
    const wanted = filter[key];
    if (wanted === undefined || wanted === null) return true;
    return typeof wanted === 'string' && normaliseId(wanted) === record[key];
  });
}

const WRAPPER_PREFIX = 'target_';

function routesForKind<R>(spec: EgressKind<R>): SimRoute[] {
  const wrapperKey = `${WRAPPER_PREFIX}${spec.kind}`;
  const refSchema = z.object({ [spec.idKey]: idField });
  const idOf = (payload: Payload): string => {
    const ref = parseWrapped(payload, wrapperKey, refSchema);
    const id = ref[spec.idKey];
    if (typeof id !== 'string') throw new BusinessFailure(`Missing required field: ${wrapperKey}.${spec.idKey}`);
    return id;
  };
  return [
    {
      name: `get_${spec.kind}s`,
      path: publicPath(`get_${spec.kind}s`),
      permissions: ['Egress View'],
      write: false,
      handle({ payload, state }) {
        const filter = payload[wrapperKey];
        const all = [...spec.records(state).values()];
        const chosen = isObject(filter) ? all.filter((record) => matchesFilter(record, filter, spec.filterKeys)) : all;
        return json({ [`${spec.kind}s`]: chosen.map((record) => spec.view(record)) });
      },
    },
    {
      name: `get_${spec.kind}`,
      path: publicPath(`get_${spec.kind}`),
      permissions: ['Egress View'],
      write: false,
      handle({ payload, state }) {
        const record = requireRecord(spec.records(state), idOf(payload), spec.thing);
        return json({ [spec.kind]: spec.view(record) });
      },
    },
    {
      name: `create_${spec.kind}`,
      path: publicPath(`create_${spec.kind}`),
      permissions: ['Egress Modify'],
      write: true,
      handle({ payload, state }) {
        return json({ [spec.kind]: spec.view(spec.create(state, wrapper(payload, wrapperKey))) });
      },
    },
    {
      name: `update_${spec.kind}`,
      path: publicPath(`update_${spec.kind}`),
      permissions: ['Egress Modify'],
      write: true,
      handle({ payload, state }) {
        const record = requireRecord(spec.records(state), idOf(payload), spec.thing);
        spec.update(state, record, wrapper(payload, wrapperKey));
        return json({ [spec.kind]: spec.view(record) });
      },
    },
    {
      name: `delete_${spec.kind}`,
      path: publicPath(`delete_${spec.kind}`),
      permissions: ['Egress Modify'],
      write: true,
      handle({ payload, state }) {
        const id = idOf(payload);
        requireRecord(spec.records(state), id, spec.thing);
        spec.remove(state, id);
        return json({});
      },
    },
  ];
}

// ---- providers ----
const providerCreate = egressProviderFieldsSchema.partial().required({ name: true, egress_provider_type: true });
const providerUpdate = egressProviderFieldsSchema.partial();

const providers: EgressKind<EgressProviderRecord> = {
  kind: 'egress_provider',
  idKey: 'egress_provider_id',
  thing: 'Egress provider',
  records: (state) => state.egressProviders,
  create(state, target) {
    const fields = parse(providerCreate, target, 'target_egress_provider');
    return state.addEgressProvider({
      egress_provider_id: newId(),
      name: fields.name,
      egress_provider_type: fields.egress_provider_type,
      enabled: fields.enabled ?? true,
      config: fields.config ?? {},
    });
  },
  update(_state, record, target) {
    Object.assign(record, definedFields(parse(providerUpdate, target, 'target_egress_provider')));
  },
  remove: (state, id) => void state.deleteEgressProvider(id),
  view: (record) => ({ ...record }),
  filterKeys: [],
};

// ---- gateways ----
const gatewayCreate = egressGatewayFieldsSchema.partial().required({ egress_provider_id: true, name: true });
const gatewayUpdate = egressGatewayFieldsSchema.partial();

const gateways: EgressKind<EgressGatewayRecord> = {
  kind: 'egress_gateway',
  idKey: 'egress_gateway_id',
  thing: 'Egress gateway',
  records: (state) => state.egressGateways,
  create(state, target) {
    const fields = parse(gatewayCreate, target, 'target_egress_gateway');
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
  update(state, record, target) {
    const fields = parse(gatewayUpdate, target, 'target_egress_gateway');
    if (fields.egress_provider_id !== undefined) requireRecord(state.egressProviders, fields.egress_provider_id, 'Egress provider');
    Object.assign(record, definedFields(fields));
  },
  remove: (state, id) => void state.deleteEgressGateway(id),
  view: (record) => ({ ...record }),
  filterKeys: ['egress_provider_id'],
};

// ---- credentials ----
const credentialCreate = egressCredentialFieldsSchema.partial().required({ egress_gateway_id: true, username: true });
const credentialUpdate = egressCredentialFieldsSchema.partial();

const credentials: EgressKind<EgressCredentialRecord> = {
  kind: 'egress_credential',
  idKey: 'egress_credential_id',
  thing: 'Egress credential',
  records: (state) => state.egressCredentials,
  create(state, target) {
    const fields = parse(credentialCreate, target, 'target_egress_credential');
    requireRecord(state.egressGateways, fields.egress_gateway_id, 'Egress gateway');
    return state.addEgressCredential({
      egress_credential_id: newId(),
      egress_gateway_id: fields.egress_gateway_id,
      username: fields.username,
      password: fields.password ?? null,
      config: fields.config ?? {},
    });
  },
  update(state, record, target) {
    const fields = parse(credentialUpdate, target, 'target_egress_credential');
    if (fields.egress_gateway_id !== undefined) requireRecord(state.egressGateways, fields.egress_gateway_id, 'Egress gateway');
    Object.assign(record, definedFields(fields));
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

const mappings: EgressKind<EgressMappingRecord> = {
  kind: 'egress_provider_mapping',
  idKey: 'egress_provider_mapping_id',
  thing: 'Egress provider mapping',
  records: (state) => state.egressMappings,
  create(state, target) {
    const parsed = parse(mappingCreate, target, 'target_egress_provider_mapping');
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
  update(state, record, target) {
    const { egress_provider_mapping_id: _id, ...current } = record;
    const next: EgressMappingFields = { ...current, ...definedFields(parse(mappingUpdate, target, 'target_egress_provider_mapping')) };
    checkMapping(state, next);
    Object.assign(record, next);
  },
  remove: (state, id) => void state.deleteEgressMapping(id),
  view: (record) => ({ ...record }),
  filterKeys: ['egress_provider_id', 'egress_gateway_id', 'group_id', 'user_id', 'image_id'],
};

export const egressRoutes: readonly SimRoute[] = [
  ...routesForKind(providers),
  ...routesForKind(gateways),
  ...routesForKind(credentials),
  ...routesForKind(mappings),
];
