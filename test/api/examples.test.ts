import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { resourceSchema } from '../../src/api/crd-generator.js';
import { kasmConnectionKind } from '../../src/api/kasm-connection.js';
import { kasmImageKind } from '../../src/api/kasm-image.js';
import { kasmUserKind } from '../../src/api/kasm-user.js';
import { kindByName, kinds } from '../../src/api/kinds.js';
import { formatIssues } from '../../src/api/spec-issues.js';
import { checkAgainstSchema } from './openapi-check.js';

const dir = new URL('../../examples/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  [key: string]: unknown;
}

function load(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(new URL(file, dir), 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS() as Manifest;
  });
}

describe('examples', () => {
  it('shows every kind', () => {
    const shown = new Set(files.flatMap(load).map((d) => d.kind));
    expect(kinds.map((k) => k.kind).filter((k) => !shown.has(k))).toEqual([]);
  });

  it.each(files)('%s parses with the zod schema and passes the CRD schema without pruned fields', (file) => {
    const docs = load(file);
    const custom = docs.filter((d) => d.apiVersion === 'kasm.io/v1alpha1');
    expect(custom.length).toBeGreaterThan(0);
    for (const doc of custom) {
      const kind = kindByName(doc.kind);
      expect(kind, `${file}: unknown kind ${doc.kind}`).toBeDefined();
      if (!kind) continue;
      const parsed = kind.resource.safeParse(doc);
      expect(parsed.success ? '' : formatIssues(parsed.error, ''), `${file} ${doc.kind}/${doc.metadata.name}`).toBe('');
      expect(checkAgainstSchema(doc, resourceSchema(kind))).toEqual([]);
    }
  });

  it('provides every Secret the examples reference, with the referenced keys', () => {
    const all = files.flatMap(load);
    const secrets = new Map(all.filter((d) => d.kind === 'Secret').map((d) => [d.metadata.name, Object.keys(d.stringData ?? {})]));
    const conn = all.find((d) => d.kind === 'KasmConnection');
    const user = all.find((d) => d.kind === 'KasmUser');
    const connSpec = kasmConnectionKind.spec.parse(conn?.spec);
    expect(secrets.get(connSpec.credentialsSecretRef.name)).toEqual(
      expect.arrayContaining([connSpec.credentialsSecretRef.apiKeyKey, connSpec.credentialsSecretRef.apiSecretKey]),
    );
    const password = kasmUserKind.spec.parse(user?.spec).passwordSecretRef;
    expect(password).toBeDefined();
    expect(secrets.get(password?.name ?? '')).toContain(password?.key);
    const docker = kasmImageKind.spec.parse(all.find((d) => d.kind === 'KasmImage')?.spec).dockerCredentialsSecretRef;
    expect(docker).toBeDefined();
    expect(secrets.get(docker?.name ?? '')).toEqual(expect.arrayContaining([docker?.usernameKey, docker?.tokenKey]));
    // Every other {name, key} Secret reference (passwords, activation keys, egress secrets).
    const keyRefs = [...JSON.stringify(all.map((d) => d.spec)).matchAll(/"\w*[sS]ecret\w*Ref":\{"name":"([^"]+)","key":"([^"]+)"\}/g)];
    expect(keyRefs.length).toBeGreaterThan(3);
    for (const [, name, key] of keyRefs) expect(secrets.get(name ?? ''), `Secret ${name}`).toContain(key);
  });

  it('references objects that the examples define', () => {
    const all = files.flatMap(load);
    const names = (kind: string) => all.filter((d) => d.kind === kind).map((d) => d.metadata.name);
    const refs = JSON.stringify(all.filter((d) => d.apiVersion === 'kasm.io/v1alpha1').map((d) => d.spec));
    const refFields = [
      ['connectionRef', 'KasmConnection'],
      ['groupRef', 'KasmGroup'],
      ['userRef', 'KasmUser'],
      ['imageRef', 'KasmImage'],
      ['sessionRef', 'KasmSession'],
      ['providerRef', 'KasmEgressProvider'],
      ['gatewayRef', 'KasmEgressGateway'],
    ] as const;
    for (const [field, kind] of refFields) {
      for (const m of refs.matchAll(new RegExp(`"${field}":\\{"name":"([^"]+)"`, 'g'))) expect(names(kind)).toContain(m[1]);
    }
  });
});
