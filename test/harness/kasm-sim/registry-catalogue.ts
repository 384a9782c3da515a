/**
 * The workspaces every simulated registry offers: a fixed catalogue, whatever the URL.
 */
export interface RegistryWorkspace {
  friendly_name: string;
  description: string;
  docker_registry: string;
  image_src: string;
  run_config: string;
  exec_config: string;
  compatibility: { image: string; version: string; available_tags: string[]; uncompressed_size_mb: number }[];
}

export const REGISTRY_WORKSPACES: readonly RegistryWorkspace[] = [
  {
    friendly_name: 'Chromium',
    description: 'A web browser',
    docker_registry: 'https://index.docker.io/v1/',
    image_src: 'img/thumbnails/chromium.png',
    run_config: '{}',
    exec_config: '{}',
    compatibility: [{ image: 'kasmweb/chromium:1.16.0', version: '1.16.x', available_tags: ['1.16.0', 'develop'], uncompressed_size_mb: 2400 }],
  },
  {
    friendly_name: 'Ubuntu Jammy Desktop',
    description: 'A full desktop',
    docker_registry: 'https://index.docker.io/v1/',
    image_src: 'img/thumbnails/ubuntu.png',
    run_config: '{"hostname": "kasm"}',
    exec_config: '{}',
    compatibility: [{ image: 'kasmweb/ubuntu-jammy-desktop:1.16.0', version: '1.16.x', available_tags: ['1.16.0'], uncompressed_size_mb: 5200 }],
  },
  {
    friendly_name: 'Terminal',
    description: 'A terminal',
    docker_registry: 'https://index.docker.io/v1/',
    image_src: 'img/thumbnails/terminal.png',
    run_config: '{}',
    exec_config: '{}',
    compatibility: [{ image: 'kasmweb/terminal:1.16.0', version: '1.16.x', available_tags: ['1.16.0'], uncompressed_size_mb: 1900 }],
  },
];
