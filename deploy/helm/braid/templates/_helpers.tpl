{{- define "braid.fullname" -}}
{{ .Values.fullnameOverride | default .Release.Name }}
{{- end }}

{{- define "braid.selectorLabels" -}}
app.kubernetes.io/name: braid
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "braid.labels" -}}
{{ include "braid.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: braid-{{ .Chart.Version }}
{{- end }}

{{- define "braid.secretName" -}}
{{ .Values.secrets.existingSecret | default .Release.Name }}
{{- end }}
