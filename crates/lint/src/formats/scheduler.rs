//! `KubeSchedulerConfiguration`: it has no `featureGates` field, and the scheduler decodes
//! strictly, so such a field stops it (`strict decoding error: unknown field "featureGates"`).

use super::{type_of, Format, Problem, Sink};
use crate::findings::FindingKind;
use gatecheck_rules::Component;
use gatecheck_yaml::Node;

pub struct Scheduler;

impl Format for Scheduler {
    fn detect(&self, doc: &Node) -> bool {
        type_of(doc).1 == "KubeSchedulerConfiguration"
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        let Some((key, _)) = doc
            .as_map()
            .unwrap_or_default()
            .iter()
            .find(|(k, _)| k.as_str() == Some("featureGates"))
        else {
            return;
        };
        sink.problem(Problem::at(
            FindingKind::Misplaced,
            Some(Component::KubeScheduler),
            key,
            "KubeSchedulerConfiguration has no featureGates field: kube-scheduler fails with `strict decoding error: unknown field \"featureGates\"`",
            "move the gates to kube-scheduler's --feature-gates flag",
        ));
    }
}
