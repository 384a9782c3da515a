/**
 * Decodes the Kubernetes protobuf encoding (magic `k8s\0` + runtime.Unknown envelope) for the built-in
 * kinds kubectl's typed clients send that way (`kubectl create namespace|secret|configmap`, leases,
 * events). Only request bodies are decoded; answers are always JSON, which those clients also accept.
 */
import { nowMicroTimestamp, nowTimestamp, type JsonObject } from './kube-object.js';
import { ApiError, badRequest, unsupportedMediaType } from './status-errors.js';

type FieldType = 'string' | 'bytes' | 'int' | 'bool' | 'time' | 'microtime' | 'map-string' | 'map-bytes' | MessageSpec;

interface FieldSpec {
  name: string;
  type: FieldType;
  repeated?: boolean;
}

type MessageSpec = { [fieldNumber: number]: FieldSpec };

const ownerReference: MessageSpec = {
  1: { name: 'kind', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'controller', type: 'bool' },
  7: { name: 'blockOwnerDeletion', type: 'bool' },
};

const objectMeta: MessageSpec = {
  1: { name: 'name', type: 'string' },
  2: { name: 'generateName', type: 'string' },
  3: { name: 'namespace', type: 'string' },
  5: { name: 'uid', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'generation', type: 'int' },
  8: { name: 'creationTimestamp', type: 'time' },
  9: { name: 'deletionTimestamp', type: 'time' },
  10: { name: 'deletionGracePeriodSeconds', type: 'int' },
  11: { name: 'labels', type: 'map-string' },
  12: { name: 'annotations', type: 'map-string' },
  13: { name: 'ownerReferences', type: ownerReference, repeated: true },
  14: { name: 'finalizers', type: 'string', repeated: true },
};

const objectReference: MessageSpec = {
  1: { name: 'kind', type: 'string' },
  2: { name: 'namespace', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'fieldPath', type: 'string' },
};

const deleteOptions: MessageSpec = {
  1: { name: 'gracePeriodSeconds', type: 'int' },
  2: { name: 'preconditions', type: { 1: { name: 'uid', type: 'string' }, 2: { name: 'resourceVersion', type: 'string' } } },
  3: { name: 'orphanDependents', type: 'bool' },
  4: { name: 'propagationPolicy', type: 'string' },
  5: { name: 'dryRun', type: 'string', repeated: true },
};

const KINDS: Record<string, MessageSpec> = {
  'v1/DeleteOptions': deleteOptions,
  'meta.k8s.io/v1/DeleteOptions': deleteOptions,
  'v1/Namespace': {
    1: { name: 'metadata', type: objectMeta },
    2: { name: 'spec', type: { 1: { name: 'finalizers', type: 'string', repeated: true } } },
    3: { name: 'status', type: { 1: { name: 'phase', type: 'string' } } },
  },
  'v1/Secret': {
    1: { name: 'metadata', type: objectMeta },
    2: { name: 'data', type: 'map-bytes' },
    3: { name: 'type', type: 'string' },
    4: { name: 'stringData', type: 'map-string' },
    5: { name: 'immutable', type: 'bool' },
  },
  'v1/ConfigMap': {
    1: { name: 'metadata', type: objectMeta },
    2: { name: 'data', type: 'map-string' },
    3: { name: 'binaryData', type: 'map-bytes' },
    4: { name: 'immutable', type: 'bool' },
  },
  'v1/Event': {
    1: { name: 'metadata', type: objectMeta },
    2: { name: 'involvedObject', type: objectReference },
    3: { name: 'reason', type: 'string' },
    4: { name: 'message', type: 'string' },
    5: { name: 'source', type: { 1: { name: 'component', type: 'string' }, 2: { name: 'host', type: 'string' } } },
    6: { name: 'firstTimestamp', type: 'time' },
    7: { name: 'lastTimestamp', type: 'time' },
    8: { name: 'count', type: 'int' },
    9: { name: 'type', type: 'string' },
    10: { name: 'eventTime', type: 'microtime' },
    11: { name: 'series', type: { 1: { name: 'count', type: 'int' }, 2: { name: 'lastObservedTime', type: 'microtime' } } },
    12: { name: 'action', type: 'string' },
    13: { name: 'related', type: objectReference },
    14: { name: 'reportingComponent', type: 'string' },
    15: { name: 'reportingInstance', type: 'string' },
  },
  'coordination.k8s.io/v1/Lease': {
    1: { name: 'metadata', type: objectMeta },
    2: {
      name: 'spec',
      type: {
        1: { name: 'holderIdentity', type: 'string' },
        2: { name: 'leaseDurationSeconds', type: 'int' },
        3: { name: 'acquireTime', type: 'microtime' },
        4: { name: 'renewTime', type: 'microtime' },
        5: { name: 'leaseTransitions', type: 'int' },
        6: { name: 'strategy', type: 'string' },
        7: { name: 'preferredHolder', type: 'string' },
      },
    },
  },
};

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const byte = this.buf[this.pos++] ?? 0;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  }
  bytes(): Buffer {
    const len = Number(this.varint());
    if (this.pos + len > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
}

function toSigned64(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

function decodeTime(buf: Buffer, micro: boolean): string | undefined {
  const msg = decodeMessage(buf, { 1: { name: 's', type: 'int' }, 2: { name: 'n', type: 'int' } });
  const seconds = typeof msg.s === 'number' ? msg.s : 0;
  const nanos = typeof msg.n === 'number' ? msg.n : 0;
  if (seconds <= 0) return undefined; // Go's zero time: the field is unset.
  const date = new Date(seconds * 1000 + Math.floor(nanos / 1e6));
  if (!micro) return nowTimestamp(date);
  const base = nowMicroTimestamp(date);
  const micros = String(Math.floor(nanos / 1000) % 1_000_000).padStart(6, '0');
  return base.replace(/\.\d{6}Z$/, `.${micros}Z`);
}

function decodeMapEntry(buf: Buffer, valueAsBase64: boolean): [string, string] {
  const r = new Reader(buf);
  let key = '';
  let value = '';
  while (!r.done()) {
    const tag = Number(r.varint());
    const field = tag >>> 3;
    const wire = tag & 7;
    if (wire !== 2) {
      r.skip(wire);
      continue;
    }
    const b = r.bytes();
    if (field === 1) key = b.toString('utf8');
    else if (field === 2) value = valueAsBase64 ? b.toString('base64') : b.toString('utf8');
  }
  return [key, value];
}

function decodeMessage(buf: Buffer, spec: MessageSpec): JsonObject {
  const out: JsonObject = {};
  const r = new Reader(buf);
  while (!r.done()) {
    const tag = Number(r.varint());
    const fieldNumber = tag >>> 3;
    const wire = tag & 7;
    const field = spec[fieldNumber];
    if (!field) {
      r.skip(wire);
      continue;
    }
    let value: unknown;
    const t = field.type;
    if (t === 'int') value = toSigned64(r.varint());
    else if (t === 'bool') value = r.varint() !== 0n;
    else {
      const b = r.bytes();
      if (t === 'string') value = b.toString('utf8');
      else if (t === 'bytes') value = b.toString('base64');
      else if (t === 'time' || t === 'microtime') value = decodeTime(b, t === 'microtime');
      else if (t === 'map-string' || t === 'map-bytes') {
        const [k, v] = decodeMapEntry(b, t === 'map-bytes');
        const map = (out[field.name] as Record<string, string> | undefined) ?? {};
        map[k] = v;
        out[field.name] = map;
        continue;
      } else value = decodeMessage(b, t);
    }
    if (value === undefined) continue;
    if (field.repeated) {
      const list = (out[field.name] as unknown[] | undefined) ?? [];
      list.push(value);
      out[field.name] = list;
    } else {
      out[field.name] = value;
    }
  }
  // proto2 writes empty strings; JSON omits them.
  for (const [k, v] of Object.entries(out)) if (v === '') delete out[k];
  return out;
}

/** Decodes a protobuf request body into the JSON object it stands for. */
export function decodeProtobufObject(body: Buffer): JsonObject {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw badRequest('protobuf body does not start with the Kubernetes magic prefix');
  }
  try {
    const envelope = decodeMessage(body.subarray(MAGIC.length), {
      1: { name: 'typeMeta', type: { 1: { name: 'apiVersion', type: 'string' }, 2: { name: 'kind', type: 'string' } } },
      2: { name: 'raw', type: 'bytes' },
    });
    const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
    const key = `${typeMeta.apiVersion ?? ''}/${typeMeta.kind ?? ''}`;
    const spec = KINDS[key];
    if (!spec) {
      throw unsupportedMediaType(`application/vnd.kubernetes.protobuf (${key})`, ['application/json', 'application/yaml']);
    }
    const raw = Buffer.from(typeof envelope.raw === 'string' ? envelope.raw : '', 'base64');
    return { apiVersion: typeMeta.apiVersion, kind: typeMeta.kind, ...decodeMessage(raw, spec) };
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw badRequest(`unable to decode protobuf body: ${err instanceof Error ? err.message : String(err)}`);
  }
}
