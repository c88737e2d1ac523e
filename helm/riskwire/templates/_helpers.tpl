{{/* Chart name, truncated to the 63 characters Kubernetes names allow. */}}
{{- define "riskwire.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped resource name. */}}
{{- define "riskwire.fullname" -}}
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

{{- define "riskwire.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "riskwire.selectorLabels" -}}
app.kubernetes.io/name: {{ include "riskwire.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "riskwire.labels" -}}
helm.sh/chart: {{ include "riskwire.chart" . }}
{{ include "riskwire.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: riskwire
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "riskwire.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "riskwire.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "riskwire.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The Secret the pods read credentials from: the user's existing one or the chart's. */}}
{{- define "riskwire.secretName" -}}
{{- default (printf "%s-secrets" (include "riskwire.fullname" .)) .Values.secrets.existingSecret }}
{{- end }}

{{/* Variables that must only ever come from a Secret. */}}
{{- define "riskwire.secretEnvNames" -}}
SIGNALS_API_KEY API_KEYS REDIS_URL CALLBACK_SIGNING_SECRET DECISION_ID_SECRET LIST_HASH_SECRET SIMULATOR_API_KEY KAFKA_SASL_PASSWORD
{{- end }}

{{/* Grace period: the preStop sleep, the drain time and a margin for the last commit and publish. */}}
{{- define "riskwire.terminationGracePeriodSeconds" -}}
{{- add (int .Values.preStopSleepSeconds) (int .Values.shutdownTimeoutSeconds) (int .Values.terminationGracePeriodExtraSeconds) }}
{{- end }}

{{/* Autoscalers never go past the partition count: extra consumers would get no partition. */}}
{{- define "riskwire.maxReplicas" -}}
{{- $max := int .max -}}
{{- $partitions := int .root.Values.kafka.partitions -}}
{{- if or (eq $max 0) (gt $max $partitions) }}{{ $partitions }}{{ else }}{{ $max }}{{ end }}
{{- end }}

{{- define "riskwire.validate" -}}
{{- if and .Values.metrics.serviceMonitor.enabled (eq .Values.config.metricsAuth "key") (not .Values.metrics.serviceMonitor.authorization.secretName) }}
{{- fail "config.metricsAuth=key protects /metrics: set metrics.serviceMonitor.authorization.secretName (a Secret with the secret of an API key with the read scope) so Prometheus can scrape" }}
{{- end }}
{{- if and .Values.autoscaling.enabled .Values.keda.enabled }}
{{- fail "autoscaling.enabled and keda.enabled both scale the Deployment: enable only one" }}
{{- end }}
{{- if and .Values.keda.enabled (gt (int .Values.keda.maxReplicaCount) (int .Values.kafka.partitions)) }}
{{- fail (printf "keda.maxReplicaCount (%d) is above kafka.partitions (%d): replicas past the partition count sit idle" (int .Values.keda.maxReplicaCount) (int .Values.kafka.partitions)) }}
{{- end }}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.maxReplicas) (int .Values.kafka.partitions)) }}
{{- fail (printf "autoscaling.maxReplicas (%d) is above kafka.partitions (%d): replicas past the partition count sit idle" (int .Values.autoscaling.maxReplicas) (int .Values.kafka.partitions)) }}
{{- end }}
{{- range $name, $_ := .Values.config.extraEnv }}
{{- if eq $name "RISKWIRE_ENV" }}
{{- fail "config.extraEnv.RISKWIRE_ENV: the chart always runs RISKWIRE_ENV=production (use config.apiAuth / config.callbacks to turn features off explicitly)" }}
{{- end }}
{{- if has $name (splitList " " (include "riskwire.secretEnvNames" $)) }}
{{- fail (printf "config.extraEnv.%s is a secret: set it under secrets (or in secrets.existingSecret), not as a plain value" $name) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The alert rules with the release's scope: files/alerts.yml names the compose stack's job, group and topics;
here they become the release's (values metrics.prometheusRule.*, kafka.groupId, kafka.topics).
*/}}
{{- define "riskwire.alertRules" -}}
{{- $selector := .Values.metrics.prometheusRule.selector | default (printf "job=%q,namespace=%q" (include "riskwire.fullname" .) .Release.Namespace) -}}
{{- $inputTopics := printf "topic=~%q" (printf "%s|%s" .Values.kafka.topics.login .Values.kafka.topics.transaction) -}}
{{- .Files.Get "files/alerts.yml"
    | replace "job=\"riskwire\"" $selector
    | replace "job=\"kafka-exporter\"" .Values.metrics.prometheusRule.kafkaExporterSelector
    | replace "consumergroup=\"riskwire\"" (printf "consumergroup=%q" .Values.kafka.groupId)
    | replace "topic=~\"risk.login.v1|risk.transaction.v1\"" $inputTopics
    | replace "runbook_url: docs/" (printf "runbook_url: %sdocs/" .Values.metrics.prometheusRule.runbookBaseUrl) -}}
{{- end }}
