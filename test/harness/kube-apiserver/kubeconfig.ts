/**
 * The kubeconfig handed to clients: one cluster at the server's plain-HTTP loopback URL, one context, a
 * user without credentials (the test server does no authentication). client-node refuses plain HTTP
 * unless insecure-skip-tls-verify is set, so it is (there is no TLS to verify); kubectl accepts it too.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';

const KUBECONFIG_NAME = 'kube-test-server';

export function kubeconfigYaml(serverUrl: string, namespace = 'default'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: KUBECONFIG_NAME, cluster: { server: serverUrl, 'insecure-skip-tls-verify': true } }],
    users: [{ name: KUBECONFIG_NAME, user: {} }],
    contexts: [{ name: KUBECONFIG_NAME, context: { cluster: KUBECONFIG_NAME, user: KUBECONFIG_NAME, namespace } }],
    'current-context': KUBECONFIG_NAME,
    preferences: {},
  });
}

export function kubeConfigFromYaml(yaml: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(yaml);
  return kc;
}
