//! How many bytes of YAML a node takes in the given files, and how big a node is: the figures
//! behind `MAX_NODES` (docs/performance.md).
//! `cargo run --release -p gatecheck-yaml --example count_nodes -- FILE...`

fn count(n: &gatecheck_yaml::Node<'_>) -> usize {
    1 + n.as_seq().map_or(0, |s| s.iter().map(count).sum())
        + n.as_map()
            .map_or(0, |m| m.iter().map(|(k, v)| count(k) + count(v)).sum())
}
fn main() {
    let (mut bytes, mut nodes) = (0, 0);
    for path in std::env::args().skip(1) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(docs) = gatecheck_yaml::parse(&text) else {
            continue;
        };
        bytes += text.len();
        nodes += docs.iter().map(|d| count(&d.root)).sum::<usize>();
    }
    println!(
        "{bytes} bytes, {nodes} nodes, {:.1} bytes a node, node {} bytes",
        bytes as f64 / nodes as f64,
        std::mem::size_of::<gatecheck_yaml::Node<'_>>()
    );
}
