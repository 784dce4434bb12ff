//! A GitOps monorepo's files, generated deterministically: one file in a hundred is a component
//! configuration with sixteen gate settings (a KubeletConfiguration, a static Pod, a kubeadm
//! config, a kind cluster), one in ten a Helm template of an application, the rest the
//! manifests, values files and kustomizations such a repository holds, and now and then another
//! project's gates. Used by tests/monorepo.rs, tests/prefilter.rs and scripts/bench-monorepo.sh.

/// The gates component configurations set, most of them judged at 1.33 (removed, locked, not
/// yet GA, or unknown to every release): each configuration sets sixteen of them.
const GATES: &[&str] = &[
    "SidecarContainers",
    "NodeSwap",
    "DevicePluginCDIDevices",
    "InPlacePodVerticalScaling",
    "GracefulNodeShutdown",
    "RecoverVolumeExpansionFailure",
    "PodReadyToStartContainersCondition",
    "KubeletTracing",
    "SchedulerQueueingHints",
    "HPAScaleToZero",
    "TopologyAwareHints",
    "CloudDualStackNodeIPs",
    "ServerSideApply",
    "NoSuchGateAtAll",
    "ExpandedDNSConfig",
    "CSIMigrationPortworx",
    "APIListChunking",
    "APIPriorityAndFairness",
    "AppArmor",
    "CPUManager",
    "CPUManagerPolicyOptions",
    "CRDValidationRatcheting",
    "ConsistentHTTPGetHandlers",
    "DisableCloudProviders",
    "ElasticIndexedJob",
    "HonorPVReclaimPolicy",
    "JobPodFailurePolicy",
    "KMSv2",
    "LoadBalancerIPMode",
    "MemoryManager",
    "MinDomainsInPodTopologySpread",
    "NFTablesProxyMode",
    "PodDisruptionConditions",
    "PodHostIPs",
    "PodSchedulingReadiness",
    "ReadWriteOncePod",
    "ServiceNodePortStaticSubrange",
    "SizeMemoryBackedVolumes",
    "StableLoadBalancerNodeSet",
    "JobBackoffLimitPerIndex",
];

/// The sixteen settings of the `n`th component configuration: a window of [`GATES`] that moves
/// by seven from one configuration to the next, each gate set to true or false by a hash of
/// both, so that the files repeat their gates and values as a fleet's do, but hardly ever a
/// whole text (10,000 configurations hold 9,978 distinct texts; the four of a corpus that
/// repeated one file per shape measured only what repeats).
fn settings(n: usize) -> Vec<(&'static str, &'static str)> {
    (0..16)
        .map(|k| {
            let gate = GATES[(n * 7 + k) % GATES.len()];
            // A bit of (n, k) mixed as splitmix64 mixes.
            let mut h = ((n as u64) << 4 | k as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
            h = (h ^ (h >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            h = (h ^ (h >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (
                gate,
                if (h ^ (h >> 31)) & 1 == 1 {
                    "true"
                } else {
                    "false"
                },
            )
        })
        .collect()
}

/// The files of the tree: a path and a text, deterministic in `i`.
pub fn file(i: usize) -> (String, String) {
    let app = format!("app{:05}", i / 10);
    if i % 100 == 0 {
        return component_config(i);
    }
    match i % 10 {
        1 => (
            format!("charts/{app}/templates/deployment.yaml"),
            format!(
                r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{{{ include "{app}.fullname" . }}}}
  labels:
    {{{{- include "{app}.labels" . | nindent 4 }}}}
spec:
  {{{{- if not .Values.autoscaling.enabled }}}}
  replicas: {{{{ .Values.replicaCount }}}}
  {{{{- end }}}}
  selector:
    matchLabels:
      {{{{- include "{app}.selectorLabels" . | nindent 6 }}}}
  template:
    metadata:
      {{{{- with .Values.podAnnotations }}}}
      annotations:
        {{{{- toYaml . | nindent 8 }}}}
      {{{{- end }}}}
    spec:
      containers:
        - name: {{{{ .Chart.Name }}}}
          image: "{{{{ .Values.image.repository }}}}:{{{{ .Values.image.tag | default .Chart.AppVersion }}}}"
          args:
            - --port={{{{ .Values.service.port }}}}
            - --log-level={{{{ .Values.logLevel | default "info" }}}}
          resources:
            {{{{- toYaml .Values.resources | nindent 12 }}}}
"#
            ),
        ),
        2 => (
            format!("charts/{app}/templates/_helpers.tpl"),
            format!(
                r#"{{{{/* Expand the name of the chart. */}}}}
{{{{- define "{app}.name" -}}}}
{{{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}}}
{{{{- end }}}}

{{{{- define "{app}.labels" -}}}}
helm.sh/chart: {{{{ include "{app}.chart" . }}}}
{{{{ include "{app}.selectorLabels" . }}}}
app.kubernetes.io/managed-by: {{{{ .Release.Service }}}}
{{{{- end }}}}
"#
            ),
        ),
        3 => (
            format!("charts/{app}/values.yaml"),
            format!("replicaCount: 1\nimage:\n  repository: ghcr.io/example/{app}\n  tag: \"\"\nservice:\n  type: ClusterIP\n  port: 80\nautoscaling:\n  enabled: false\nresources: {{}}\nfeatures:\n  newUI: true\n"),
        ),
        4 => (
            format!("apps/{app}/service.yaml"),
            format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: {app}\nspec:\n  selector:\n    app: {app}\n  ports:\n    - port: 80\n      targetPort: 8080\n"),
        ),
        5 => (
            format!("apps/{app}/configmap.yaml"),
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {app}-config\ndata:\n  settings.yaml: |\n    logLevel: info\n    cache:\n      size: 128\n  FEATURE_FLAGS: \"beta-ui,fast-path\"\n"),
        ),
        6 => (
            format!("apps/{app}/ingress.yaml"),
            format!("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {app}\n  annotations:\n    cert-manager.io/cluster-issuer: letsencrypt\nspec:\n  rules:\n    - host: {app}.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: {app}\n                port:\n                  number: 80\n"),
        ),
        7 => (
            format!("apps/{app}/hpa.yaml"),
            format!("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: {app}\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: {app}\n  minReplicas: 2\n  maxReplicas: 10\n"),
        ),
        8 => (
            format!("apps/{app}/kustomization.yaml"),
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - service.yaml\n  - ingress.yaml\n  - hpa.yaml\nimages:\n  - name: app\n    newTag: v1.2.3\n".to_string(),
        ),
        9 if i % 1000 == 9 => (
            // Another project's gates: never a Kubernetes finding.
            format!("infra/cert-manager-{i}/values.yaml"),
            "installCRDs: true\nfeatureGates: \"ExperimentalGatewayAPISupport=true,AdditionalCertificateOutputFormats=true\"\nwebhook:\n  featureGates: \"AdditionalCertificateOutputFormats=true\"\n".to_string(),
        ),
        _ => (
            format!("apps/{app}/deployment-{i}.yaml"),
            format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {app}-{i}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: {app}\n  template:\n    metadata:\n      labels:\n        app: {app}\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/example/{app}:v1.2.3\n          args: [\"--port=8080\", \"--feature-flags=beta\"]\n"),
        ),
    }
}

/// One of four component configurations, each setting sixteen gates.
fn component_config(i: usize) -> (String, String) {
    let cluster = format!("clusters/c{:04}", i / 100);
    let gates_set = settings(i / 100);
    match (i / 100) % 4 {
        0 => {
            let gates: String = gates_set
                .iter()
                .map(|(g, v)| format!("  {g}: {v}\n"))
                .collect();
            (
                format!("{cluster}/kubelet-config.yaml"),
                format!("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\nfeatureGates:\n{gates}"),
            )
        }
        1 => {
            let gates: Vec<String> = gates_set.iter().map(|(g, v)| format!("{g}={v}")).collect();
            (
                format!("{cluster}/manifests/kube-apiserver.yaml"),
                format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\n  namespace: kube-system\nspec:\n  containers:\n  - name: kube-apiserver\n    image: registry.k8s.io/kube-apiserver:v1.30.2\n    command:\n    - kube-apiserver\n    - --feature-gates={}\n", gates.join(",")),
            )
        }
        2 => {
            let gates: Vec<String> = gates_set.iter().map(|(g, v)| format!("{g}={v}")).collect();
            (
                format!("{cluster}/kubeadm.yaml"),
                format!("apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.30.2\napiServer:\n  extraArgs:\n    - name: feature-gates\n      value: {}\n", gates.join(",")),
            )
        }
        _ => {
            let gates: String = gates_set
                .iter()
                .map(|(g, v)| format!("  {g}: {v}\n"))
                .collect();
            (
                format!("{cluster}/kind.yaml"),
                format!("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nfeatureGates:\n{gates}nodes:\n  - role: control-plane\n"),
            )
        }
    }
}
