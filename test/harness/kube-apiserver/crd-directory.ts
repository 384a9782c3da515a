/**
 * Reads CustomResourceDefinitions from a directory of YAML files (every document of kind
 * CustomResourceDefinition in *.yaml / *.yml). A missing directory holds none.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isJsonObject, type JsonObject } from './kube-object.js';

export interface CrdDocument {
  file: string;
  crd: JsonObject;
}

export function readCrdDirectory(dir: string): CrdDocument[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const out: CrdDocument[] = [];
  for (const f of files) {
    const file = join(dir, f);
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`crdDir: ${file}: ${doc.errors[0]?.message ?? 'invalid YAML'}`);
      const value: unknown = doc.toJS();
      if (isJsonObject(value) && value.kind === 'CustomResourceDefinition') out.push({ file, crd: value });
    }
  }
  return out;
}
