import { parseArgs } from 'node:util';
import { startKasmSimulator } from './index.js';
import type { KasmSimulatorOptions } from './index.js';

/**
 * Runs the Kasm simulator on its own: `npm run kasm-sim -- --port 8443 [--host H]
 * [--session-start-ms N] [--max-sessions N] [--keepalive-seconds N]`. Prints the URL and the admin
 * key of this throwaway instance; stops on SIGINT/SIGTERM.
 */
const USAGE =
  'usage: npm run kasm-sim -- [--port N] [--host H] [--session-start-ms N] [--max-sessions N] [--keepalive-seconds N]';

function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) {
    throw new Error(`--${name} must be a number >= 0, got "${value}"\n${USAGE}`);
  }
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'session-start-ms': { type: 'string' },
      'max-sessions': { type: 'string' },
      'keepalive-seconds': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const options: KasmSimulatorOptions = {};
  if (values.host !== undefined) options.host = values.host;
  const port = numberOption('port', values.port);
  if (port !== undefined) options.port = port;
  const startMs = numberOption('session-start-ms', values['session-start-ms']);
  if (startMs !== undefined) options.sessionStartMs = startMs;
  const maxSessions = numberOption('max-sessions', values['max-sessions']);
  if (maxSessions !== undefined) options.maxSessions = maxSessions;
  const keepalive = numberOption('keepalive-seconds', values['keepalive-seconds']);
  if (keepalive !== undefined) options.keepaliveExpirationSeconds = keepalive;

  const sim = await startKasmSimulator(options);
  process.stdout.write(
    `Kasm simulator listening on ${sim.url}\n` +
      `api_key:        ${sim.adminKey.apiKey}\n` +
      `api_key_secret: ${sim.adminKey.apiSecret}\n`,
  );
  const stop = (signal: string): void => {
    process.stdout.write(`${signal}: stopping the Kasm simulator\n`);
    sim.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`failed to stop cleanly: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
