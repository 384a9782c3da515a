/**
 * Events, served as core/v1 and as events.k8s.io/v1 from one store, as kube-apiserver does: both APIs see
 * the same objects, with the events.k8s.io field names (regarding, note, reportingController, deprecated*)
 * mapped onto the core ones.
 */
import { builtinDefinition, builtinSchema } from './builtin-definition.js';
import { metadataFieldLabels, type FieldLabelReader } from './field-selector.js';
import { ageOf } from './human-duration.js';
import { isJsonObject, type JsonObject, type KubeObject } from './kube-object.js';
import { validateQualifiedName } from './object-meta-validation.js';
import type { ResourceDefinition } from './resource-definition.js';
import type { JsonSchemaProps, StatusCause } from './schema-validation.js';
import { cause } from './status-errors.js';

const STORAGE_KEY = 'core/events';

/** events.k8s.io/v1 name → core/v1 name; fields not listed keep their name. */
const RENAMES: [string, string][] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

const objectReference: JsonSchemaProps = {
  type: 'object',
  properties: {
    kind: { type: 'string' },
    namespace: { type: 'string' },
    name: { type: 'string' },
    uid: { type: 'string' },
    apiVersion: { type: 'string' },
    resourceVersion: { type: 'string' },
    fieldPath: { type: 'string' },
  },
};
const series: JsonSchemaProps = {
  type: 'object',
  properties: { count: { type: 'integer' }, lastObservedTime: { type: 'string' } },
};
const source: JsonSchemaProps = { type: 'object', properties: { component: { type: 'string' }, host: { type: 'string' } } };

const shared: Record<string, JsonSchemaProps> = {
  eventTime: { type: 'string', nullable: true },
  series,
  reportingInstance: { type: 'string' },
  action: { type: 'string' },
  reason: { type: 'string' },
  related: objectReference,
  type: { type: 'string' },
};

const coreSchema = builtinSchema({
  ...shared,
  involvedObject: objectReference,
  message: { type: 'string' },
  reportingComponent: { type: 'string' },
  source,
  firstTimestamp: { type: 'string', nullable: true },
  lastTimestamp: { type: 'string', nullable: true },
  count: { type: 'integer' },
});

const eventsV1Schema = builtinSchema({
  ...shared,
  regarding: objectReference,
  note: { type: 'string' },
  reportingController: { type: 'string' },
  deprecatedSource: source,
  deprecatedFirstTimestamp: { type: 'string', nullable: true },
  deprecatedLastTimestamp: { type: 'string', nullable: true },
  deprecatedCount: { type: 'integer' },
});

function str(o: JsonObject, key: string): string {
  const v = o[key];
  return typeof v === 'string' ? v : '';
}

function sub(o: JsonObject, key: string): JsonObject {
  const v = o[key];
  return isJsonObject(v) ? v : {};
}

function rename(obj: KubeObject, from: 0 | 1): KubeObject {
  const out: KubeObject = { ...obj, metadata: obj.metadata };
  for (const pair of RENAMES) {
    const src = pair[from];
    const dst = pair[from === 0 ? 1 : 0];
    if (Object.hasOwn(out, src)) {
      out[dst] = out[src];
      delete out[src];
    }
  }
  return out;
}

function fieldLabels(): Map<string, FieldLabelReader> {
  const labels = new Map<string, FieldLabelReader>(metadataFieldLabels());
  for (const f of ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath']) {
    labels.set(`involvedObject.${f}`, (o) => str(sub(o, 'involvedObject'), f));
  }
  labels.set('reason', (o) => str(o, 'reason'));
  labels.set('reportingComponent', (o) => str(o, 'reportingComponent'));
  labels.set('source', (o) => str(sub(o, 'source'), 'component') || str(o, 'reportingComponent'));
  labels.set('type', (o) => str(o, 'type'));
  return labels;
}

function lastSeen(o: KubeObject, now: number): string {
  const seriesTime = str(sub(o, 'series'), 'lastObservedTime');
  return ageOf(seriesTime || str(o, 'lastTimestamp') || str(o, 'eventTime') || o.metadata.creationTimestamp, now);
}

/** Columns over the storage (core) form, so both APIs print alike. */
function columns(readStorage: (o: KubeObject) => KubeObject): ResourceDefinition['columns'] {
  return [
    { name: 'Last Seen', type: 'string', cell: (o, now) => lastSeen(readStorage(o), now) },
    { name: 'Type', type: 'string', cell: (o) => str(readStorage(o), 'type') },
    { name: 'Reason', type: 'string', cell: (o) => str(readStorage(o), 'reason') },
    {
      name: 'Object',
      type: 'string',
      cell: (o) => {
        const ref = sub(readStorage(o), 'involvedObject');
        return `${str(ref, 'kind').toLowerCase()}/${str(ref, 'name')}`;
      },
    },
    { name: 'Message', type: 'string', cell: (o) => str(readStorage(o), 'message') },
  ];
}

/** Checks every event passes (core/v1 events.k8s.io alike), on the storage form. */
function legacyValidate(e: KubeObject, controllerField: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const ns = e.metadata.namespace ?? '';
  const involvedNs = str(sub(e, 'involvedObject'), 'namespace');
  if (!str(e, 'eventTime')) {
    if (involvedNs ? involvedNs !== ns : ns !== '' && ns !== 'default') {
      causes.push(cause.invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    }
    return causes;
  }
  if (!involvedNs && ns !== 'default' && ns !== 'kube-system') {
    causes.push(cause.invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
  }
  const controller = str(e, 'reportingComponent');
  if (!controller) causes.push(cause.required(controllerField));
  else causes.push(...validateQualifiedName(controller, controllerField));
  if (!str(e, 'reportingInstance')) causes.push(cause.required('reportingInstance'));
  if (!str(e, 'action')) causes.push(cause.required('action'));
  if (!str(e, 'reason')) causes.push(cause.required('reason'));
  if (str(e, 'message').length > 1024) causes.push(cause.invalid('message', '', 'can have at most 1024 characters'));
  return causes;
}

function eventsV1CreateRules(e: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!str(e, 'eventTime')) causes.push(cause.required('eventTime'));
  const type = str(e, 'type');
  if (type !== 'Normal' && type !== 'Warning') causes.push(cause.invalid('type', '', `has invalid value: ${type}`));
  if (e.firstTimestamp) causes.push(cause.invalid('firstTimestamp', '', 'needs to be unset'));
  if (e.lastTimestamp) causes.push(cause.invalid('lastTimestamp', '', 'needs to be unset'));
  if (typeof e.count === 'number' && e.count !== 0) causes.push(cause.invalid('count', '', 'needs to be unset'));
  if (str(sub(e, 'source'), 'component') || str(sub(e, 'source'), 'host')) {
    causes.push(cause.invalid('source', '', 'needs to be unset'));
  }
  return causes;
}

/** Both APIs serve one store; Events are the one kind here a PUT may create. */
function eventDefinition(group: string, rest: Partial<ResourceDefinition>): ResourceDefinition {
  return builtinDefinition({
    group,
    resource: 'events',
    kind: 'Event',
    singular: 'event',
    shortNames: ['ev'],
    storageKey: STORAGE_KEY,
    allowCreateOnUpdate: true,
    fieldLabels: fieldLabels(),
    ...rest,
  });
}

export function coreEventDefinition(): ResourceDefinition {
  return eventDefinition('', {
    schema: coreSchema,
    columns: columns((o) => o),
    validate: (obj) => legacyValidate(obj, 'reportingComponent'),
  });
}

export function eventsV1Definition(): ResourceDefinition {
  const toStorage = (o: KubeObject): KubeObject => rename(o, 0);
  const fromStorage = (o: KubeObject): KubeObject => rename(o, 1);
  return eventDefinition('events.k8s.io', {
    schema: eventsV1Schema,
    columns: columns(toStorage),
    // Validation runs on the storage form; field paths are the core names, as kube reports them.
    validate: (obj, old) => {
      const storage = toStorage(obj);
      const causes = legacyValidate(storage, 'reportingController');
      return old ? causes : [...causes, ...eventsV1CreateRules(storage)];
    },
    toStorage,
    fromStorage,
  });
}
