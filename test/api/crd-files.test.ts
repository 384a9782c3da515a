import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crdFileName, renderCrdYaml } from '../../src/api/crd-generator.js';
import { kinds } from '../../src/api/kinds.js';

const crdDir = new URL('../../deploy/crds/', import.meta.url);
const REGENERATE = 'deploy/crds is out of date with src/api: run `npm run generate` and commit the result';

describe('deploy/crds', () => {
  it.each(kinds.map((k) => [k.kind, k] as const))('%s CRD file equals what the generator writes now', (_name, kind) => {
    let committed: string;
    try {
      committed = readFileSync(new URL(crdFileName(kind), crdDir), 'utf8');
    } catch {
      throw new Error(`deploy/crds/${crdFileName(kind)} is missing: ${REGENERATE}`);
    }
    expect(committed, REGENERATE).toBe(renderCrdYaml(kind));
  });

  it('holds no CRD file that no kind generates', () => {
    const expected = new Set(kinds.map(crdFileName));
    const extra = readdirSync(crdDir).filter((f) => f.endsWith('.yaml') && !expected.has(f));
    expect(extra, REGENERATE).toEqual([]);
  });

  it('gives every kind its own plural and short names', () => {
    const names = kinds.flatMap((k) => [k.plural, k.singular, ...k.shortNames]);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.fromEntries(kinds.map((k) => [k.kind, k.shortNames]))).toEqual({
      KasmConnection: ['kconn'],
      KasmUser: ['kuser'],
      KasmGroup: ['kgroup'],
      KasmGroupMembership: ['kgm'],
      KasmImage: ['kimage'],
      KasmGroupImage: ['kgi'],
      KasmRegistry: ['kreg'],
      KasmZone: ['kzone'],
      KasmLicense: ['klic'],
      KasmCastConfig: ['kcast'],
      KasmStagingConfig: ['kstage'],
      KasmSession: ['ksess'],
      KasmSessionPermission: ['ksp'],
      KasmSessionJoin: ['ksj'],
      KasmExec: ['kexec'],
      KasmLogin: ['klogin'],
      KasmEgressProvider: ['kegp'],
      KasmEgressGateway: ['kegg'],
      KasmEgressCredential: ['kegc'],
      KasmEgressMapping: ['kegm'],
    });
  });

  it('names files <plural>.kasm.io.yaml', () => {
    expect(kinds.map(crdFileName).sort()).toEqual([
      'kasmcastconfigs.kasm.io.yaml',
      'kasmconnections.kasm.io.yaml',
      'kasmegresscredentials.kasm.io.yaml',
      'kasmegressgateways.kasm.io.yaml',
      'kasmegressmappings.kasm.io.yaml',
      'kasmegressproviders.kasm.io.yaml',
      'kasmexecs.kasm.io.yaml',
      'kasmgroupimages.kasm.io.yaml',
      'kasmgroupmemberships.kasm.io.yaml',
      'kasmgroups.kasm.io.yaml',
      'kasmimages.kasm.io.yaml',
      'kasmlicenses.kasm.io.yaml',
      'kasmlogins.kasm.io.yaml',
      'kasmregistries.kasm.io.yaml',
      'kasmsessionjoins.kasm.io.yaml',
      'kasmsessionpermissions.kasm.io.yaml',
      'kasmsessions.kasm.io.yaml',
      'kasmstagingconfigs.kasm.io.yaml',
      'kasmusers.kasm.io.yaml',
      'kasmzones.kasm.io.yaml',
    ]);
  });
});
