{{/*
The permissions the operator needs in every namespace it watches: the same rules go into a
ClusterRole (watchNamespaces empty) or into a Role per watched namespace. No wildcards: new kinds
are added from the CRDs in crds/.
*/}}
{{- define "kasm-operator.rules" -}}
{{- $plurals := include "kasm-operator.kindPlurals" . | fromJsonArray }}
# Read and watch the custom resources; update/patch to add and remove the kasm.io/finalizer and
# the kasm.io/external-id and kasm.io/create-pending annotations. No create or delete: people and
# GitOps tools own these objects.
- apiGroups: ["kasm.io"]
  resources:
  {{- range $plurals }}
    - {{ . }}
  {{- end }}
  verbs: ["get", "list", "watch", "update", "patch"]
# Conditions, observedGeneration and what Kasm reported go through the status subresource.
- apiGroups: ["kasm.io"]
  resources:
  {{- range $plurals }}
    - {{ . }}/status
  {{- end }}
  verbs: ["update", "patch"]
# Secrets and ConfigMaps the operator writes carry an ownerReference with blockOwnerDeletion to
# their custom resource; the OwnerReferencesPermissionEnforcement admission plugin then requires
# update on the owner's finalizers subresource.
- apiGroups: ["kasm.io"]
  resources:
  {{- range $plurals }}
    - {{ . }}/finalizers
  {{- end }}
  verbs: ["update"]
# Secrets: get reads the credentials, passwords and keys that specs reference (secretKeyRef);
# list and watch requeue an object when a Secret it references changes. create, update, patch and
# delete write the connection Secrets it owns (writeConnectionSecretToRef: session and login URLs
# and tokens). Kubernetes RBAC cannot narrow this to referenced Secrets, so the operator can read
# every Secret in the namespaces it watches: list watchNamespaces to keep that scope small.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# ConfigMaps it owns hold session screenshots; watched to notice edits and deletions.
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch", "create", "update", "patch"]
# Events on the custom resources; patch aggregates repeats into one Event series.
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
# Core v1 Events, written where events.k8s.io/v1 is not served.
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end }}

{{/* The Lease for leader election, in the release namespace only. */}}
{{- define "kasm-operator.leaderElectionRules" -}}
# Create the Lease the first time; create cannot be limited to one name.
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["create"]
# Read, renew and release this release's Lease only.
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  resourceNames: [{{ include "kasm-operator.leaseName" . | quote }}]
  verbs: ["get", "update"]
{{- end }}
