{{/*
  Kafka TLS and SASL. Credentials come from existing Secrets: the CA, client certificate and key and
  the SASL password are mounted read-only as files, the username arrives through secretKeyRef; the
  variables are the service's KAFKA_SSL* / KAFKA_SASL_* (README). The KEDA trigger gets the same
  Secrets through templates/keda-trigger-authentication.yaml.
*/}}

{{- define "riskwire.kafkaSecurity.tlsOn" -}}
{{- if .Values.kafka.tls.enabled }}true{{ end }}
{{- end }}

{{- define "riskwire.kafkaSecurity.saslOn" -}}
{{- if ne .Values.kafka.sasl.mechanism "none" }}true{{ end }}
{{- end }}

{{/* The chart's TriggerAuthentication is rendered when TLS or SASL is on and no other is named. */}}
{{- define "riskwire.kafkaSecurity.triggerAuthName" -}}
{{- if .Values.keda.authenticationRef }}{{ .Values.keda.authenticationRef }}
{{- else if or (include "riskwire.kafkaSecurity.tlsOn" .) (include "riskwire.kafkaSecurity.saslOn" .) }}{{ include "riskwire.fullname" . }}-kafka
{{- end }}
{{- end }}

{{- define "riskwire.kafkaSecurity.validate" -}}
{{- $tls := .Values.kafka.tls }}
{{- $sasl := .Values.kafka.sasl }}
{{- if and (include "riskwire.kafkaSecurity.saslOn" .) (not $sasl.existingSecret) }}
{{- fail (printf "kafka.sasl.mechanism=%s needs kafka.sasl.existingSecret: a Secret with the %s and %s keys" $sasl.mechanism $sasl.usernameKey $sasl.passwordKey) }}
{{- end }}
{{- if and $tls.existingSecret (not $tls.enabled) }}
{{- fail "kafka.tls.existingSecret is set but kafka.tls.enabled is false" }}
{{- end }}
{{- if and $tls.clientCertificate (not $tls.existingSecret) }}
{{- fail "kafka.tls.clientCertificate needs kafka.tls.existingSecret holding the certificate and key" }}
{{- end }}
{{- if and (eq $sasl.mechanism "plain") (not $tls.enabled) }}
{{- fail "kafka.sasl.mechanism=plain without kafka.tls.enabled would send the password in clear text" }}
{{- end }}
{{- end }}

{{- define "riskwire.kafkaSecurity.env" -}}
{{- $tls := .Values.kafka.tls }}
{{- $sasl := .Values.kafka.sasl }}
{{- if $tls.enabled }}
- name: KAFKA_SSL
  value: "true"
{{- if $tls.existingSecret }}
- name: KAFKA_SSL_CA_FILE
  value: {{ printf "%s/ca.crt" $tls.mountPath | quote }}
{{- end }}
{{- if $tls.clientCertificate }}
- name: KAFKA_SSL_CERT_FILE
  value: {{ printf "%s/tls.crt" $tls.mountPath | quote }}
- name: KAFKA_SSL_KEY_FILE
  value: {{ printf "%s/tls.key" $tls.mountPath | quote }}
{{- end }}
{{- end }}
{{- if include "riskwire.kafkaSecurity.saslOn" . }}
- name: KAFKA_SASL_MECHANISM
  value: {{ $sasl.mechanism | quote }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ $sasl.existingSecret }}
      key: {{ $sasl.usernameKey }}
- name: KAFKA_SASL_PASSWORD_FILE
  value: {{ printf "%s/password" $sasl.mountPath | quote }}
{{- end }}
{{- end }}

{{- define "riskwire.kafkaSecurity.volumeMounts" -}}
{{- if .Values.kafka.tls.existingSecret }}
- name: kafka-tls
  mountPath: {{ .Values.kafka.tls.mountPath }}
  readOnly: true
{{- end }}
{{- if include "riskwire.kafkaSecurity.saslOn" . }}
- name: kafka-sasl
  mountPath: {{ .Values.kafka.sasl.mountPath }}
  readOnly: true
{{- end }}
{{- end }}

{{- define "riskwire.kafkaSecurity.volumes" -}}
{{- $tls := .Values.kafka.tls }}
{{- $sasl := .Values.kafka.sasl }}
{{- if $tls.existingSecret }}
- name: kafka-tls
  secret:
    secretName: {{ $tls.existingSecret }}
    # 0440 (owner and the pod's fsGroup read, nobody writes), written in decimal: YAML parsers disagree on 0440
    defaultMode: 288
    items:
      - key: {{ $tls.caKey }}
        path: ca.crt
      {{- if $tls.clientCertificate }}
      - key: {{ $tls.certKey }}
        path: tls.crt
      - key: {{ $tls.keyKey }}
        path: tls.key
      {{- end }}
{{- end }}
{{- if include "riskwire.kafkaSecurity.saslOn" . }}
- name: kafka-sasl
  secret:
    secretName: {{ $sasl.existingSecret }}
    defaultMode: 288
    items:
      - key: {{ $sasl.passwordKey }}
        path: password
{{- end }}
{{- end }}

{{/* KEDA's names: plaintext, scram_sha256, scram_sha512. */}}
{{- define "riskwire.kafkaSecurity.kedaSasl" -}}
{{- get (dict "plain" "plaintext" "scram-sha-256" "scram_sha256" "scram-sha-512" "scram_sha512") .Values.kafka.sasl.mechanism }}
{{- end }}

{{/* Redis over TLS: the CA of a rediss:// REDIS_URL, mounted like the Kafka CA. */}}
{{- define "riskwire.redisTls.env" -}}
{{- if .Values.redisTls.caSecret }}
- name: REDIS_TLS_CA_FILE
  value: {{ printf "%s/ca.crt" .Values.redisTls.mountPath | quote }}
{{- end }}
{{- end }}

{{- define "riskwire.redisTls.volumeMounts" -}}
{{- if .Values.redisTls.caSecret }}
- name: redis-tls
  mountPath: {{ .Values.redisTls.mountPath }}
  readOnly: true
{{- end }}
{{- end }}

{{- define "riskwire.redisTls.volumes" -}}
{{- if .Values.redisTls.caSecret }}
- name: redis-tls
  secret:
    secretName: {{ .Values.redisTls.caSecret }}
    defaultMode: 288
    items:
      - key: {{ .Values.redisTls.caKey }}
        path: ca.crt
{{- end }}
{{- end }}
