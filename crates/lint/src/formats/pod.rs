//! Static Pod manifests (and any Pod) whose containers run a Kubernetes component:
//! `--feature-gates` in `command`/`args`, in both `--feature-gates=A=true` and
//! `--feature-gates A=true` forms; repeated flags accumulate, the later key winning.

use super::{component_of_program, type_of, Format, Sink};
use gatecheck_yaml::Node;

pub struct StaticPod;

impl Format for StaticPod {
    fn name(&self) -> &'static str {
        "Pod"
    }
    fn detect(&self, doc: &Node) -> bool {
        type_of(doc).1 == "Pod"
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        let containers = doc
            .path(&["spec", "containers"])
            .and_then(Node::as_seq)
            .unwrap_or_default();
        for c in containers {
            let mut args: Vec<&Node> = Vec::new();
            for key in ["command", "args"] {
                args.extend(c.get(key).and_then(Node::as_seq).unwrap_or_default());
            }
            // The program is the first word of the command, or failing that the image name.
            let component = args
                .first()
                .and_then(|a| a.as_str())
                .and_then(component_of_program)
                .or_else(|| {
                    let image = c.get("image").and_then(Node::as_str)?;
                    component_of_program(image.rsplit('/').next()?)
                });
            if let Some(component) = component {
                sink.arg_list(&args, &[component]);
            }
        }
    }
}
