/**
 * Evaluates deploy/argocd/health.lua on an object the way Argo CD does, with the lua5.1
 * interpreter (Argo CD embeds a Lua 5.1 VM): the object becomes the global `obj` as a Lua table,
 * the script returns `{ status, message }`. For tests of the script and for end-to-end tests that
 * want Argo CD's reading of the statuses the operator writes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const healthScriptPath = resolve(here, '../../deploy/argocd/health.lua');
const harnessPath = join(here, 'argocd-health-harness.lua');

const LUA = 'lua5.1';

/** Argo CD's health statuses. */
export const ARGO_HEALTH_STATUSES = ['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown'] as const;

export interface ArgoHealthResult {
  status: string;
  message: string;
}

/** Whether the lua5.1 interpreter can be run. */
export function luaAvailable(): boolean {
  const result = spawnSync(LUA, ['-v'], { encoding: 'utf8' });
  return result.error === undefined && result.status === 0;
}

function luaString(text: string): string {
  // Bytes outside printable ASCII as decimal escapes, which Lua 5.1 reads back exactly.
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (byte >= 0x20 && byte < 0x7f) out += char;
    else out += `\\${byte}`;
  }
  return `${out}"`;
}

/** A Lua table constructor for a JSON value, as Argo CD hands it over (arrays 1-based, null as nil). */
export function toLuaLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a JSON number: ${value}`);
    return String(value);
  }
  if (typeof value === 'string') return luaString(value);
  if (Array.isArray(value)) return `{${value.map((item) => toLuaLiteral(item)).join(', ')}}`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined && item !== null);
    return `{${entries.map(([key, item]) => `[${luaString(key)}] = ${toLuaLiteral(item)}`).join(', ')}}`;
  }
  throw new Error(`not a JSON value: ${typeof value}`);
}

/** Runs the health script (default deploy/argocd/health.lua) on `obj`; throws when the script fails. */
export function argoCdHealth(obj: unknown, scriptPath: string = healthScriptPath): ArgoHealthResult {
  const dir = mkdtempSync(join(tmpdir(), 'kasm-argocd-health-'));
  try {
    const fixture = join(dir, 'fixture.lua');
    writeFileSync(fixture, `return ${toLuaLiteral(obj)}\n`);
    const result = spawnSync(LUA, [harnessPath, scriptPath, fixture], { encoding: 'utf8', timeout: 30_000 });
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`health script failed (exit ${String(result.status)}): ${result.stderr}`);
    const newline = result.stdout.indexOf('\n');
    return { status: result.stdout.slice(0, newline), message: result.stdout.slice(newline + 1) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
