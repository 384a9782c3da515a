/**
 * Checks a manifest against the Kubernetes API models that @kubernetes/client-node is generated
 * from (its OpenAPI spec): every field must exist in the model (no typos such as `securityContex`),
 * values must have the model's type, and fields the API requires must be present. Stands in for a
 * server-side dry run for the built-in kinds the test API server does not serve.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as k8s from '@kubernetes/client-node';

interface Attribute {
  baseName: string;
  type: string;
  format: string;
}

interface ModelClass {
  getAttributeTypeMap(): Attribute[];
}

const models = k8s as unknown as Record<string, unknown>;
const modelsDir = join(dirname(createRequire(import.meta.url).resolve('@kubernetes/client-node')), 'gen', 'models');
const requiredCache = new Map<string, ReadonlySet<string>>();

function modelClass(name: string): ModelClass | undefined {
  const candidate = models[name];
  return typeof candidate === 'function' && 'getAttributeTypeMap' in candidate ? (candidate as unknown as ModelClass) : undefined;
}

/** Fields the generated declaration marks as not optional: the API's required fields. */
function requiredFields(name: string): ReadonlySet<string> {
  let fields = requiredCache.get(name);
  if (fields === undefined) {
    const declaration = readFileSync(join(modelsDir, `${name}.d.ts`), 'utf8');
    fields = new Set([...declaration.matchAll(/^\s+'([^']+)': /gm)].map((m) => m[1] ?? ''));
    requiredCache.set(name, fields);
  }
  return fields;
}

/** V1Deployment for apps/v1 Deployment, V1Role for rbac.authorization.k8s.io/v1 Role ... */
function modelNameFor(apiVersion: string, kind: string): string | undefined {
  const version = apiVersion.split('/').at(-1) ?? '';
  const name = `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
  return modelClass(name) === undefined ? undefined : name;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function checkValue(value: unknown, type: string, format: string, path: string, problems: string[]): void {
  if (value === null || value === undefined) return; // an absent optional field
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) problems.push(`${path}: expected a list, got ${JSON.stringify(value)}`);
    else value.forEach((item, i) => checkValue(item, array[1] ?? 'any', '', `${path}[${i}]`, problems));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (!isObject(value)) problems.push(`${path}: expected a map, got ${JSON.stringify(value)}`);
    else for (const [key, item] of Object.entries(value)) checkValue(item, map[1] ?? 'any', '', `${path}.${key}`, problems);
    return;
  }
  switch (type) {
    case 'any':
    case 'object':
      return;
    case 'string':
    case 'Date':
      if (typeof value !== 'string') problems.push(`${path}: expected a string, got ${JSON.stringify(value)}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${path}: expected true or false, got ${JSON.stringify(value)}`);
      return;
    case 'number':
      if (typeof value !== 'number') problems.push(`${path}: expected a number, got ${JSON.stringify(value)}`);
      else if (/^int/.test(format) && !Number.isInteger(value)) problems.push(`${path}: expected an integer, got ${value}`);
      return;
    case 'IntOrString':
      if (typeof value !== 'string' && !Number.isInteger(value)) problems.push(`${path}: expected an integer or a string, got ${JSON.stringify(value)}`);
      return;
    default:
      checkModel(value, type, path, problems);
  }
}

function checkModel(value: unknown, name: string, path: string, problems: string[]): void {
  const model = modelClass(name);
  if (model === undefined) {
    problems.push(`${path}: no API model ${name}`);
    return;
  }
  if (!isObject(value)) {
    problems.push(`${path}: expected an object (${name}), got ${JSON.stringify(value)}`);
    return;
  }
  const attributes = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a]));
  for (const [key, item] of Object.entries(value)) {
    const attribute = attributes.get(key);
    if (attribute === undefined) problems.push(`${path}.${key}: unknown field (${name} has ${[...attributes.keys()].join(', ')})`);
    else checkValue(item, attribute.type, attribute.format, `${path}.${key}`, problems);
  }
  for (const field of requiredFields(name)) {
    const attribute = [...attributes.values()].find((a) => a.baseName === field);
    if (attribute !== undefined && (value[field] === undefined || value[field] === null)) problems.push(`${path}.${field}: required`);
  }
}

/**
 * Problems of one manifest as `kind/name path: what`; empty when it matches its API model.
 * Throws for kinds without a model (custom resources), which need their own check.
 */
export function checkAgainstKubeModel(manifest: Record<string, unknown>): string[] {
  const apiVersion = typeof manifest.apiVersion === 'string' ? manifest.apiVersion : '';
  const kind = typeof manifest.kind === 'string' ? manifest.kind : '';
  const name = modelNameFor(apiVersion, kind);
  if (name === undefined) throw new Error(`no Kubernetes API model for ${apiVersion} ${kind}`);
  const problems: string[] = [];
  checkModel(manifest, name, '', problems);
  const metadata = isObject(manifest.metadata) ? manifest.metadata : {};
  const label = `${kind}/${typeof metadata.name === 'string' ? metadata.name : '?'}`;
  return problems.map((p) => `${label} ${p.replace(/^\./, '')}`);
}
