import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { callSim, list } from './test-requests.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
let child: ChildProcess | undefined;

afterEach(() => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});

/** Collects stdout until `pattern` matches or the deadline passes. */
function waitForOutput(proc: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no match for ${String(pattern)} within ${timeoutMs} ms; output: ${output}`)), timeoutMs);
    proc.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = pattern.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${String(code)} before printing; output: ${output}`));
    });
  });
}

describe('kasm-sim CLI', () => {
  it('prints its URL and admin key, serves requests and stops cleanly on SIGTERM', async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', MAIN, '--port', '0', '--session-start-ms', '10'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    const match = await waitForOutput(
      proc,
      /listening on (http:\/\/127\.0\.0\.1:\d+)\napi_key: +(\S+)\napi_key_secret: +(\S+)\n/,
      30_000,
    );
    const [, url = '', apiKey = '', apiSecret = ''] = match;
    const reply = await callSim({ url, adminKey: { apiKey, apiSecret } }, 'get_users');
    expect(reply.status).toBe(200);
    expect(list(reply.body, 'users').length).toBeGreaterThanOrEqual(2);
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a bad option with a message naming it', async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', MAIN, '--port', 'abc'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => proc.once('exit', (exitCode) => resolve(exitCode)));
    expect(code).toBe(1);
    expect(stderr).toMatch(/--port must be a number/);
  });
});
