{{- define "code-runner.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "code-runner.labels" -}}
app.kubernetes.io/name: code-runner
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "code-runner.selector" -}}
app.kubernetes.io/name: code-runner
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "code-runner.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "code-runner.workerName" -}}{{ include "code-runner.fullname" . }}-worker{{- end -}}
{{- define "code-runner.apiName" -}}{{ include "code-runner.fullname" . }}-api{{- end -}}
{{- define "code-runner.apiKeysSecret" -}}{{ .Values.apiKeys.secretName | default (printf "%s-api-keys" (include "code-runner.fullname" .)) }}{{- end -}}

{{- define "code-runner.nodeSelectorEnv" -}}
{{- $pairs := list -}}
{{- range $k, $v := .Values.runnerNodeSelector }}{{ $pairs = append $pairs (printf "%s=%s" $k $v) }}{{ end -}}
{{ join "," $pairs }}
{{- end -}}

{{/* Environment shared by the API and the worker (README "Configuration"). */}}
{{- define "code-runner.tolerationsEnv" -}}
{{- $out := list -}}
{{- range .Values.runnerTolerations -}}
{{- $out = append $out (printf "%s%s:%s" .key (ternary (printf "=%s" (toString .value)) "" (hasKey . "value")) .effect) -}}
{{- end -}}
{{- join "," $out -}}
{{- end -}}

{{- define "code-runner.env" -}}
- { name: TEMPORAL_ADDRESS, value: {{ .Values.temporal.address | quote }} }
- { name: TEMPORAL_NAMESPACE, value: {{ .Values.temporal.namespace | quote }} }
- { name: TEMPORAL_TASK_QUEUE, value: {{ .Values.temporal.taskQueue | quote }} }
- { name: TEMPORAL_UI_URL, value: {{ .Values.temporal.uiUrl | quote }} }
{{- if .Values.temporal.tlsServerName }}
- { name: TEMPORAL_TLS_SERVER_NAME, value: {{ .Values.temporal.tlsServerName | quote }} }
{{- end }}
{{- if .Values.temporal.tlsSecret }}
- { name: TEMPORAL_TLS_CERT_PATH, value: /etc/temporal-tls/tls.crt }
- { name: TEMPORAL_TLS_KEY_PATH, value: /etc/temporal-tls/tls.key }
- { name: TEMPORAL_TLS_CA_PATH, value: /etc/temporal-tls/ca.crt }
{{- end }}
{{- if .Values.temporal.apiKeySecret.name }}
- name: TEMPORAL_API_KEY
  valueFrom:
    secretKeyRef: { name: {{ .Values.temporal.apiKeySecret.name | quote }}, key: {{ .Values.temporal.apiKeySecret.key | quote }} }
{{- end }}
- { name: RUNNER_NAMESPACE, value: {{ .Values.runnerNamespace.name | quote }} }
- { name: RUNNER_NODE_SELECTOR, value: {{ include "code-runner.nodeSelectorEnv" . | quote }} }
- { name: CPU_REQUEST, value: {{ .Values.limits.cpuRequest | quote }} }
- { name: CPU_LIMIT, value: {{ .Values.limits.cpuLimit | quote }} }
- { name: MEMORY_LIMIT, value: {{ .Values.limits.memoryLimit | quote }} }
- { name: EPHEMERAL_STORAGE_LIMIT, value: {{ .Values.limits.ephemeralStorageLimit | quote }} }
- { name: TMP_SIZE_LIMIT, value: {{ .Values.limits.tmpSizeLimit | quote }} }
- { name: DEFAULT_TIMEOUT_SECONDS, value: {{ .Values.limits.defaultTimeoutSeconds | quote }} }
- { name: MAX_TIMEOUT_SECONDS, value: {{ .Values.limits.maxTimeoutSeconds | quote }} }
- { name: MAX_CODE_BYTES, value: {{ .Values.limits.maxCodeBytes | quote }} }
- { name: MAX_STDIN_BYTES, value: {{ .Values.limits.maxStdinBytes | quote }} }
- { name: INLINE_CODE_BYTES, value: {{ .Values.limits.inlineCodeBytes | quote }} }
- { name: SANDBOX_KIND, value: {{ .Values.sandboxKind | quote }} }
- { name: LOG_LIMIT_BYTES, value: {{ .Values.limits.logLimitBytes | quote }} }
- { name: LAUNCHER_IMAGE, value: {{ .Values.launcherImage | quote }} }
- { name: MAX_RESULT_KB, value: {{ .Values.limits.maxResultKb | quote }} }
- { name: MAX_CPU_TIME_MS, value: {{ .Values.limits.maxCpuTimeMs | quote }} }
- { name: MAX_MEMORY_MB, value: {{ .Values.limits.maxMemoryMb | quote }} }
- { name: MAX_PROCESSES, value: {{ .Values.limits.maxProcesses | quote }} }
- { name: MAX_OUTPUT_KB, value: {{ .Values.limits.maxOutputKb | quote }} }
- { name: MAX_FILE_SIZE_KB, value: {{ .Values.limits.maxFileSizeKb | quote }} }
- { name: MAX_TESTS, value: {{ .Values.limits.maxTests | quote }} }
- { name: MAX_INPUT_BYTES, value: {{ .Values.limits.maxInputBytes | quote }} }
- { name: START_TIMEOUT_SECONDS, value: {{ .Values.limits.startTimeoutSeconds | quote }} }
- { name: JOB_TTL_SECONDS, value: {{ .Values.limits.jobTtlSeconds | quote }} }
- { name: SYNC_WAIT_MAX_SECONDS, value: {{ .Values.limits.syncWaitMaxSeconds | quote }} }
- { name: MAX_ACTIVE_RUNS, value: {{ .Values.admission.maxActiveRuns | quote }} }
- { name: ADMISSION_AUDIT_SECONDS, value: {{ .Values.admission.auditSeconds | quote }} }
- { name: CALLBACK_RETRY_HOURS, value: {{ .Values.callbacks.retryHours | quote }} }
- { name: CALLBACK_INITIAL_INTERVAL_MS, value: {{ .Values.callbacks.initialIntervalMs | quote }} }
- { name: CALLBACK_MAX_INTERVAL_MS, value: {{ .Values.callbacks.maxIntervalMs | quote }} }
- { name: CALLBACK_TIMEOUT_MS, value: {{ .Values.callbacks.timeoutMs | quote }} }
- { name: CALLBACK_ALLOW_PRIVATE, value: {{ .Values.callbacks.allowPrivate | quote }} }
- { name: CALLBACK_ALLOWED_CIDRS, value: {{ .Values.callbacks.allowedCidrs | quote }} }
{{- if .Values.callbacks.caConfigMap }}
- { name: CALLBACK_CA_FILE, value: /etc/code-runner-callback-ca/{{ .Values.callbacks.caKey }} }
{{- end }}
- { name: PISTON_ENABLED, value: {{ .Values.piston.enabled | quote }} }
- { name: PISTON_PREFIX, value: {{ .Values.piston.prefix | quote }} }
- { name: EVENTS_POLL_MS, value: {{ .Values.webhooks.eventsPollMs | quote }} }
{{- if or .Values.webhooks.existingSecret .Values.webhooks.secret }}
- name: WEBHOOK_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ .Values.webhooks.existingSecret | default (printf "%s-webhook" (include "code-runner.fullname" .)) | quote }}
      key: {{ if .Values.webhooks.existingSecret }}{{ .Values.webhooks.existingSecretKey | quote }}{{ else }}webhook-secret{{ end }}
{{- end }}
{{- if .Values.admission.kueueQueueName }}
- { name: KUEUE_QUEUE_NAME, value: {{ .Values.admission.kueueQueueName | quote }} }
{{- end }}
{{- if .Values.runnerTolerations }}
- { name: RUNNER_TOLERATIONS, value: {{ include "code-runner.tolerationsEnv" . | quote }} }
{{- end }}
- { name: WORKER_DEPLOYMENT, value: {{ include "code-runner.workerName" . | quote }} }
- { name: LOG_LEVEL, value: {{ .Values.logLevel | quote }} }
{{- if .Values.tracing.otlpEndpoint }}
- { name: OTEL_EXPORTER_OTLP_ENDPOINT, value: {{ .Values.tracing.otlpEndpoint | quote }} }
{{- end }}
- { name: WORKER_NAMESPACE, value: {{ .Release.Namespace | quote }} }
{{- if .Values.languages }}
- { name: LANGUAGES_FILE, value: /etc/code-runner/languages.json }
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "code-runner.volumeMounts" -}}
- { name: tmp, mountPath: /tmp }
{{- if .Values.languages }}
- { name: languages, mountPath: /etc/code-runner, readOnly: true }
{{- end }}
{{- if .Values.temporal.tlsSecret }}
- { name: temporal-tls, mountPath: /etc/temporal-tls, readOnly: true }
{{- end }}
{{- if .Values.callbacks.caConfigMap }}
- { name: callback-ca, mountPath: /etc/code-runner-callback-ca, readOnly: true }
{{- end }}
{{- end -}}

{{- define "code-runner.volumes" -}}
- name: tmp
  emptyDir: { sizeLimit: 256Mi }
{{- if .Values.languages }}
- name: languages
  configMap: { name: {{ include "code-runner.fullname" . }}-languages }
{{- end }}
{{- if .Values.temporal.tlsSecret }}
- name: temporal-tls
  secret: { secretName: {{ .Values.temporal.tlsSecret | quote }} }
{{- end }}
{{- if .Values.callbacks.caConfigMap }}
- name: callback-ca
  configMap: { name: {{ .Values.callbacks.caConfigMap | quote }} }
{{- end }}
{{- end -}}

{{- define "code-runner.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile: { type: RuntimeDefault }
{{- end -}}

{{- define "code-runner.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities: { drop: [ALL] }
{{- end -}}
