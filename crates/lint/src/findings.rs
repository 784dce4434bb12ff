//! Every kind of finding, declared once: code, name, severity, one-line summary and explanation.
//! `docs/findings.md` is checked against this table by a test.

use std::fmt;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; the component starts.
    Info,
    /// The component starts, but the setting may not do what is meant, or gatecheck cannot
    /// promise that it starts.
    Warning,
    /// The component will not start, or will not do what the setting says.
    Error,
}

impl Severity {
    /// The lower-case word (`error`), as the outputs write it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! finding_kinds {
    ($( $variant:ident = $code:literal, $name:literal, $sev:ident, $summary:literal, $explain:literal; )*) => {
        /// A kind of finding. The code and name are stable: scripts may match on them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[allow(missing_docs)] // each kind's summary and explanation are its documentation
        pub enum FindingKind { $( $variant, )* }

        impl FindingKind {
            /// Every kind, in code order.
            pub const ALL: &'static [FindingKind] = &[ $( FindingKind::$variant, )* ];
            /// The stable code, such as `GC001`.
            pub const fn code(self) -> &'static str { match self { $( FindingKind::$variant => $code, )* } }
            /// The stable name used as `kind` in JSON output, such as `unknown`.
            pub const fn name(self) -> &'static str { match self { $( FindingKind::$variant => $name, )* } }
            /// The severity a finding of this kind has unless the config says otherwise.
            pub const fn severity(self) -> Severity { match self { $( FindingKind::$variant => Severity::$sev, )* } }
            /// One line: what is wrong.
            pub const fn summary(self) -> &'static str { match self { $( FindingKind::$variant => $summary, )* } }
            /// A paragraph: why it matters and what the component does.
            pub const fn explanation(self) -> &'static str { match self { $( FindingKind::$variant => $explain, )* } }
            /// Whether `text` names this kind, by code (`GC003`) or name (`removed`), in any case:
            /// how ignore comments, the config and the command line name findings.
            pub fn matches(self, text: &str) -> bool {
                self.code().eq_ignore_ascii_case(text) || self.name().eq_ignore_ascii_case(text)
            }

            /// The kind a code (`GC003`) or name (`removed`) names, in any case.
            pub fn from_code(code: &str) -> Option<FindingKind> {
                FindingKind::ALL.iter().copied().find(|k| k.matches(code))
            }
        }
    };
}

finding_kinds! {
    Unknown = "GC001", "unknown", Error,
        "gate does not exist in this registry",
        "No Kubernetes release ever had a gate of this name (names are case-sensitive). The component stops at start-up with `unrecognized feature gate: <name>`. It reports only the first unknown gate it meets, in random order, so gatecheck reports all of them.";
    NotYetIntroduced = "GC002", "not-yet-introduced", Error,
        "gate does not exist yet at the target version",
        "The gate appears in a later release. The target version does not recognise it and fails with `unrecognized feature gate` (or, when emulating an older version, `feature is PreAlpha`).";
    Removed = "GC003", "removed", Error,
        "gate was removed before the target version",
        "Kubernetes removes gates some releases after they graduate or are deprecated. A removed gate is unknown to the component, which refuses to start. Delete the setting before upgrading.";
    Locked = "GC004", "locked", Error,
        "locked gate set to the value it cannot take",
        "A locked gate can only be set to its default. The component fails with `cannot set feature gate <name> to <value>, feature is locked to <default>`.";
    LockedDefault = "GC005", "locked-default", Warning,
        "locked gate set to its only possible value",
        "Setting a locked gate to its default is accepted but does nothing, and locked gates are removed a few releases later, at which point the setting breaks start-up.";
    Ga = "GC006", "ga", Warning,
        "GA gate set explicitly",
        "The feature is generally available. The component logs `Setting GA feature gate ... It will be removed in a future release.` Remove the setting before the gate is removed.";
    Deprecated = "GC007", "deprecated", Warning,
        "deprecated gate set",
        "The gate is deprecated and will be removed. The component logs a warning. Plan to stop relying on it.";
    RemovedNext = "GC008", "removed-next", Warning,
        "gate is removed in the release after the target",
        "The target still accepts the gate, but the next minor release does not: the next upgrade will fail unless the setting is removed.";
    Alpha = "GC009", "alpha", Info,
        "alpha gate enabled",
        "Alpha features are off by default, may change incompatibly or disappear, and are not meant for production clusters.";
    Redundant = "GC010", "redundant", Info,
        "gate set to its default value",
        "The setting changes nothing at the target version. It still has to be removed when the gate is.";
    InvalidValue = "GC011", "invalid-value", Error,
        "value is not a boolean, or the setting is malformed",
        "Feature gates take booleans. In YAML files Kubernetes reads YAML 1.1 (unquoted true/false/yes/no/on/off); a quoted \"true\" is a decode error. On the command line only Go's ParseBool spellings (1, t, T, TRUE, true, True and their false forms) are accepted.";
    Conflict = "GC012", "conflict", Error,
        "the same gate is set twice with different values",
        "Repeated settings are merged and the later one wins, so one of the two values is silently ignored. Keep one.";
    Misplaced = "GC013", "misplaced", Error,
        "gate set where it is not accepted",
        "Some places reject feature gates or accept only their own registry: kubeadm's `featureGates` takes kubeadm's gates only; cloud-controller-manager rejects core gates; KubeSchedulerConfiguration has no `featureGates` field; kube-proxy ignores `--feature-gates` when `--config` is given.";
    IrrelevantComponent = "GC014", "irrelevant-component", Info,
        "gate does not concern the component it is set on",
        "The core components share one registry and accept every gate, so the setting is harmless, but it has no effect on this component according to the gate's KEP.";
    KubeadmApiRemoved = "GC015", "kubeadm-api-removed", Error,
        "kubeadm config API version no longer read by the target kubeadm",
        "kubeadm drops old configuration API versions: v1beta1 is gone in 1.22, v1beta2 in 1.27, v1beta3 in 1.37. Migrate the file with `kubeadm config migrate` before upgrading.";
    Dependency = "GC016", "dependency", Error,
        "an enabled gate depends on a disabled one",
        "From 1.35 the components check declared dependencies between gates and refuse to start with `<gate> is enabled, but depends on features that are disabled: [<deps>]`. The check runs after the other gate errors are cleared, so it often surfaces only once those are fixed. It also catches turning off a gate that a default-on gate needs (GracefulNodeShutdown=false while GracefulNodeShutdownBasedOnPodPriority is on by default), and AllAlpha/AllBeta settings that leave a dependency off.";
    MetaGate = "GC017", "meta-gate", Info,
        "AllAlpha or AllBeta switches many gates at once",
        "AllAlpha=<v> sets every gate that is alpha at the running version, and AllBeta=<v> every beta gate, to <v>, except gates set explicitly. What they switch changes with each release, so the same setting does something different after an upgrade: gatecheck lists what it switches at the target.";
    LockUnknown = "GC018", "lock-unknown", Warning,
        "GA or deprecated gate set against its default, and no source says whether it is locked",
        "Kubernetes usually locks a gate to its default when it graduates, and a component then refuses `<name>=<other value>` with `cannot set feature gate <name> to <value>, feature is locked to <default>`. For this release gatecheck has no registry or generated list that settles the lock (only website tables, which do not record locks), so it cannot promise the component will start. Set the gate to its default or remove the setting.";
    Template = "GC019", "template", Info,
        "a value is decided when a template is rendered",
        "The setting holds a template placeholder (envsubst `${VAR}`, Go/Helm `{{ ... }}`, Jinja `{{ ... }}`/`{% ... %}`), so its gates are known only after rendering. Where envsubst gives a default (`${VAR:-A=true}`), gatecheck judges the default; otherwise it cannot judge the value. Render the template and check the output too (`helm template ... | gatecheck --target X -`). With --strict this is an error.";
    NotRead = "GC020", "not-read", Warning,
        "the file mentions feature gates, but gatecheck does not read its kind",
        "gatecheck found `featureGates`/`feature-gates` in a file whose shape it does not know, and no feature-gate setting it could place. The gates in it were not checked, so a green run says nothing about them. With --strict this is an error; tell gatecheck's maintainers about the format. It is also reported, at the first setting left unchecked, when one file sets more than 10,000 gates: gatecheck checks the first 10,000 (a real configuration sets a few dozen) and only counts the rest, so that time and memory stay bounded on generated or hostile files.";
    UnusedIgnore = "GC021", "unused-ignore", Warning,
        "an inline ignore comment suppresses nothing",
        "A `# gatecheck: ignore[CODE] reason` comment applies to findings on its own line and the line after it. This one matches no finding (the setting was fixed, or the code is wrong): remove it, so that it does not hide a future finding there.";
    ForeignGates = "GC022", "foreign-gates", Info,
        "a gate list in an unknown structure holds names no Kubernetes release has",
        "In a file whose kind gatecheck does not know, a `featureGates` list may be Kubernetes' (a node pool's kubelet) or another project's (cert-manager, Flux, Karpenter, Istio have gates of their own, some with the same names as Kubernetes gates). When such a list names a gate that no Kubernetes release ever had, gatecheck takes it for another project's and does not judge it, so no other project's gate becomes a Kubernetes error. If the list is in fact a Kubernetes component's, the unknown name would stop that component: check it by hand. A list that names only other projects' gates is left alone without a note.";
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code(), self.name())
    }
}
