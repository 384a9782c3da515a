import { KubeConfig } from '@kubernetes/client-node';
import { helpText, isConfigErrors, parseConfig, wantsHelp } from './config.js';
import { Manager } from './manager.js';
import { createLogger } from './runtime/logger.js';
import { ShutdownCoordinator } from './runtime/shutdown.js';

/** Process entry: configuration, logger, manager, signals. */
async function main(argv: readonly string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(`${helpText()}\n`);
    return 0;
  }
  const config = parseConfig(argv, process.env);
  if (isConfigErrors(config)) {
    process.stderr.write(`kasm-operator: invalid configuration:\n${config.map((e) => `  - ${e.option}: ${e.message}`).join('\n')}\nRun with --help for every option.\n`);
    return 2;
  }
  const logger = createLogger({ level: config.logLevel, base: { component: 'kasm-operator' } });
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromDefault();
  } catch (err) {
    logger.fatal({ err: (err as Error).message }, 'cannot load a kubeconfig: set KUBECONFIG or run in a pod with a service account');
    return 2;
  }

  const shutdown = new ShutdownCoordinator({ timeoutMs: config.shutdownTimeoutMs, logger });
  const manager = new Manager({
    config,
    kubeConfig,
    logger,
    // Losing the Lease while running means another replica may already reconcile: exit and restart clean.
    onLostLeadership: () => void shutdown.shutdown('leadership lost', 1),
  });
  shutdown.register('manager', ({ remainingMs }) => manager.stop(Math.max(0, remainingMs() - 1000)));
  shutdown.listen();
  try {
    await manager.start();
  } catch (err) {
    logger.fatal({ err: (err as Error).message }, 'start failed');
    await manager.stop(0);
    return 1;
  }
  logger.info({ healthPort: manager.healthPort, leaderElection: config.leaderElection.enabled }, 'kasm-operator running');
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    // -1: running; the shutdown coordinator ends the process on a signal.
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`kasm-operator: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
