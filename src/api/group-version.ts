/** The API group, version and category every kasm-operator custom resource shares. */
export const API_GROUP = 'kasm.io';
export const API_VERSION = 'v1alpha1';
/** The `apiVersion` field value of every custom resource. */
export const API_GROUP_VERSION = `${API_GROUP}/${API_VERSION}` as const;
/** `kubectl get kasm` lists every kind in this category. */
export const CATEGORY = 'kasm';
