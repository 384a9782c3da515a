/** The one agent (docker host) every simulated session runs on. */
export const SIM_AGENT = {
  server_id: '9050ae00ba5a4e0891f4ce7391131472',
  hostname: 'kasm-sim-agent',
  host: '127.0.0.1',
  port: 443,
  docker_network: 'kasm_default_network',
} as const;
