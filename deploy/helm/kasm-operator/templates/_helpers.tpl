{{/* Chart name, shortened to the 63 characters label values allow. */}}
{{- define "kasm-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, with the chart name appended unless the release name contains it. */}}
{{- define "kasm-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "kasm-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kasm-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "kasm-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "kasm-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: kasm-operator
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "kasm-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "kasm-operator.fullname" .) .Values.serviceAccount.name }}
{{- else if .Values.serviceAccount.name }}
{{- .Values.serviceAccount.name }}
{{- else }}
{{- fail "serviceAccount.name: name the existing ServiceAccount to run as when serviceAccount.create is false (binding RBAC to the namespace's default ServiceAccount would grant it to every pod that uses it)" }}
{{- end }}
{{- end }}

{{/* "true" when leader election is on: forced, or more than one replica. */}}
{{- define "kasm-operator.leaderElection" -}}
{{- if or .Values.leaderElection.enabled (gt (int .Values.replicaCount) 1) }}true{{ end }}
{{- end }}

{{- define "kasm-operator.leaseName" -}}
{{- default (include "kasm-operator.fullname" .) .Values.leaderElection.leaseName }}
{{- end }}

{{- define "kasm-operator.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The Secret holding the default connection's API key and secret, or nothing when there is no default connection. */}}
{{- define "kasm-operator.credentialsSecretName" -}}
{{- $k := .Values.kasm }}
{{- if $k.existingSecret }}{{ $k.existingSecret }}
{{- else if $k.apiKey }}{{ printf "%s-kasm-api" (include "kasm-operator.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* Fails with a message naming the values to fix when the default connection is half configured. */}}
{{- define "kasm-operator.validateKasm" -}}
{{- $k := .Values.kasm }}
{{- $inline := or $k.apiKey $k.apiSecret }}
{{- if and $k.existingSecret $inline }}
{{- fail "kasm: set either kasm.existingSecret or kasm.apiKey and kasm.apiSecret, not both" }}
{{- end }}
{{- if and $inline (not (and $k.apiKey $k.apiSecret)) }}
{{- fail "kasm: kasm.apiKey and kasm.apiSecret go together; set both (or use kasm.existingSecret)" }}
{{- end }}
{{- if and (not $k.baseUrl) (or $k.existingSecret $inline) }}
{{- fail "kasm.baseUrl: set the Kasm server URL (https://kasm.example.com) for the credentials given, or remove the credentials to run without a default connection" }}
{{- end }}
{{- if and $k.baseUrl (not (or $k.existingSecret $inline)) }}
{{- fail "kasm: kasm.baseUrl needs credentials: set kasm.existingSecret (a Secret with keys apiKey and apiSecret) or kasm.apiKey and kasm.apiSecret" }}
{{- end }}
{{- end }}

{{- define "kasm-operator.terminationGracePeriodSeconds" -}}
{{- $shutdown := int .Values.shutdownTimeoutSeconds }}
{{- if kindIs "invalid" .Values.terminationGracePeriodSeconds }}
{{- add $shutdown 15 }}
{{- else if le (int .Values.terminationGracePeriodSeconds) $shutdown }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must exceed shutdownTimeoutSeconds (%d), or the kubelet kills the operator before reconciles in flight finish" (int .Values.terminationGracePeriodSeconds) $shutdown) }}
{{- else }}
{{- int .Values.terminationGracePeriodSeconds }}
{{- end }}
{{- end }}

{{/* Plural names of the kasm.io kinds, read from the CRDs the chart ships, as a JSON list. */}}
{{- define "kasm-operator.kindPlurals" -}}
{{- $plurals := list }}
{{- range $path, $_ := .Files.Glob "crds/*.yaml" }}
{{- $crd := $.Files.Get $path | fromYaml }}
{{- if eq (dig "spec" "group" "" $crd) "kasm.io" }}
{{- $plurals = append $plurals $crd.spec.names.plural }}
{{- end }}
{{- end }}
{{- if not $plurals }}
{{- fail "the chart's crds/ folder holds no kasm.io CustomResourceDefinitions; run npm run generate" }}
{{- end }}
{{- $plurals | sortAlpha | toJson }}
{{- end }}

{{/*
resources.limits.memory in MiB, rounded down: a whole number with a unit of Ki, Mi, Gi, Ti, k, M, G, T
or none (bytes); 0 when unset. Any other spelling fails, naming the values to fix: guessing would
size the heap beyond the container's limit.
*/}}
{{- define "kasm-operator.memoryLimitMiB" -}}
{{- $limit := "" -}}
{{- with .Values.resources }}{{ with .limits }}{{ with .memory }}{{ $limit = ternary (toString (int64 .)) (toString .) (or (kindIs "float64" .) (kindIs "int64" .) (kindIs "int" .)) }}{{ end }}{{ end }}{{ end -}}
{{- $bytesPer := dict "Ki" 1024 "Mi" 1048576 "Gi" 1073741824 "Ti" 1099511627776 "k" 1000 "M" 1000000 "G" 1000000000 "T" 1000000000000 "" 1 -}}
{{- if eq $limit "" -}}0
{{- else if regexMatch "^[0-9]+(Ki|Mi|Gi|Ti|k|M|G|T)?$" $limit -}}
{{- $unit := regexFind "[A-Za-z]+$" $limit -}}
{{- $number := trimSuffix $unit $limit | int64 -}}
{{- div (mul $number (get $bytesPer $unit)) 1048576 -}}
{{- else -}}
{{- fail (printf "resources.limits.memory %q: the chart sizes Node's heap from it and reads whole numbers with Ki, Mi, Gi, Ti, k, M, G, T or no unit; write it so (e.g. 384Mi), or set nodeHeap.maxOldSpaceMiB" $limit) -}}
{{- end -}}
{{- end }}

{{/* Fails when extraEnv sets a variable the chart sets itself: the container would get it twice. */}}
{{- define "kasm-operator.validateExtraEnv" -}}
{{- $own := dict "NODE_OPTIONS" "nodeHeap and nodeOptions" "WATCH_NAMESPACES" "watchNamespaces" "LOG_LEVEL" "logLevel" "POLL_INTERVAL" "pollInterval" "WORKERS" "workers" "KASM_RATE_LIMIT" "kasmRateLimit" "SHUTDOWN_TIMEOUT" "shutdownTimeoutSeconds" "HEALTH_PORT" "health.port" "LEADER_ELECT" "leaderElection" "LEADER_ELECTION_NAMESPACE" "leaderElection" "LEADER_ELECTION_ID" "leaderElection" "POD_NAME" "nothing (the chart fills it from the pod)" "POD_NAMESPACE" "nothing (the chart fills it from the pod)" -}}
{{- if .Values.kasm.baseUrl }}
{{- $_ := merge $own (dict "KASM_BASE_URL" "kasm.baseUrl" "KASM_API_KEY" "kasm.existingSecret or kasm.apiKey" "KASM_API_SECRET" "kasm.existingSecret or kasm.apiSecret") }}
{{- end }}
{{- range $i, $e := .Values.extraEnv }}
{{- if hasKey $own $e.name }}
{{- fail (printf "extraEnv[%d]: %s is set by the chart; use %s instead" $i $e.name (get $own $e.name)) }}
{{- end }}
{{- end }}
{{- end }}

{{/* NODE_OPTIONS: the heap sized from the memory limit (values nodeHeap), then nodeOptions. */}}
{{- define "kasm-operator.nodeOptions" -}}
{{- $heap := .Values.nodeHeap | default dict -}}
{{- $old := int64 ($heap.maxOldSpaceMiB | default 0) -}}
{{- if eq $old 0 -}}
{{- $limit := include "kasm-operator.memoryLimitMiB" . | int64 -}}
{{- $old = ternary (div $limit 2) 160 (gt $limit 0) -}}
{{- end -}}
{{- $opts := list (printf "--max-old-space-size=%d" $old) (printf "--max-semi-space-size=%d" (int64 ($heap.semiSpaceMiB | default 8))) -}}
{{- with .Values.nodeOptions }}{{ $opts = append $opts . }}{{ end -}}
{{- join " " $opts -}}
{{- end }}
