/**
 * Reads and decodes request bodies by Content-Type: JSON or YAML objects for create/update, and the four
 * patch media types. Anything else is 415, as kube-apiserver answers.
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { parseMediaType } from './content-negotiation.js';
import { decodeProtobufObject } from './protobuf-decoding.js';
import { badRequest, statusFailure, unsupportedMediaType } from './status-errors.js';

const MAX_BODY_BYTES = 3 * 1024 * 1024;

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const PATCH_MEDIA_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw statusFailure(413, 'BadRequest', 'the request body is too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(`${what}: ${(err as Error).message}`);
  }
}

function parseYamlDoc(text: string, what: string): unknown {
  try {
    return parseYaml(text) as unknown;
  } catch (err) {
    throw badRequest(`${what}: ${(err as Error).message}`);
  }
}

/** The object of a POST or PUT. */
export function decodeObjectBody(contentType: string | undefined, body: Buffer): unknown {
  const type = parseMediaType(contentType ?? 'application/json').type;
  if (type === 'application/vnd.kubernetes.protobuf') return decodeProtobufObject(body);
  const text = body.toString('utf8');
  if (type === 'application/json' || type === '') return parseJson(text, "couldn't get version/kind; json parse error");
  if (type === 'application/yaml') return parseYamlDoc(text, 'yaml parse error');
  throw unsupportedMediaType(type, ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']);
}

export function patchTypeOf(contentType: string | undefined): PatchType {
  const type = parseMediaType(contentType ?? '').type;
  const patchType = PATCH_MEDIA_TYPES[type];
  if (!patchType) throw unsupportedMediaType(type, Object.keys(PATCH_MEDIA_TYPES));
  return patchType;
}

export function decodePatchBody(patchType: PatchType, body: Buffer): unknown {
  const text = body.toString('utf8');
  if (patchType === 'apply') return parseYamlDoc(text, 'error decoding YAML');
  return parseJson(text, 'error decoding patch');
}
