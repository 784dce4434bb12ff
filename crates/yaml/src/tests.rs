//! The YAML reader's unit tests: positions, YAML 1.1 booleans, limits.

use super::*;

#[test]
fn positions_are_one_based_and_byte_offsets_exact() {
    let src = "a: 1\nfeatureGates:\n  Ünïcode: true\n  Next: off\n";
    let docs = parse(src).unwrap();
    let gates = docs[0].root.get("featureGates").unwrap().as_map().unwrap();
    let (k, v) = &gates[1];
    assert_eq!(k.as_str(), Some("Next"));
    assert_eq!(k.span.start.offset, src.find("Next").unwrap());
    // Verbatim scalars borrow from the source; escaped ones own their text.
    assert!(matches!(k.as_scalar().unwrap().text, Cow::Borrowed(_)));
    let d = parse("a: \"x\\ty\"\n").unwrap();
    assert_eq!(d[0].root.get("a").unwrap().as_str(), Some("x\ty"));
    assert_eq!(&src[k.span.start.offset..k.span.end.offset], "Next");
    assert_eq!(&src[v.span.start.offset..v.span.end.offset], "off");
    assert_eq!(v.as_yaml11_bool(), Some(false));
}

#[test]
fn quoted_booleans_are_strings() {
    let docs = parse("a: \"true\"\nb: 'yes'\nc: !!bool true\nd: yes\n").unwrap();
    let r = &docs[0].root;
    assert_eq!(r.get("a").unwrap().as_yaml11_bool(), None);
    assert_eq!(r.get("b").unwrap().as_yaml11_bool(), None);
    assert_eq!(r.get("c").unwrap().as_yaml11_bool(), Some(true));
    assert_eq!(r.get("d").unwrap().as_yaml11_bool(), Some(true));
}

#[test]
fn multi_document_streams_and_empty_input() {
    assert!(parse("").unwrap().is_empty());
    assert!(parse("# only a comment\n").unwrap().is_empty());
    let docs = parse("a: 1\n---\nb: 2\n---\n").unwrap();
    assert_eq!(docs.len(), 3);
    assert!(docs[2].root.is_null());
    assert_eq!(docs[1].root.get("b").unwrap().span.start.offset, 12);
}

#[test]
fn malformed_yaml_reports_a_position() {
    let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
    assert!(err.pos.line >= 1, "{err}");
    let err = parse("a:\n\t- b\n").unwrap_err();
    assert_eq!(err.pos.line, 2, "{err}");
}

#[test]
fn deep_nesting_is_refused() {
    let src = "[".repeat(MAX_DEPTH + 5);
    let err = parse(&src).unwrap_err();
    assert!(err.message.contains("nesting"), "{err}");
}

#[test]
fn a_huge_document_is_refused_without_blaming_aliases() {
    let src: String = (0..MAX_NODES).map(|i| format!("k{i}: v\n")).collect();
    let err = parse(&src).unwrap_err();
    assert!(err.message.contains("more than 500000 nodes"), "{err}");
    assert!(!err.message.contains("alias"), "{err}");
}

#[test]
fn alias_bombs_are_refused() {
    let mut src = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        src.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let err = parse(&src).unwrap_err();
    assert!(err.message.contains("alias bomb"), "{err}");
}

#[test]
fn a_shared_budget_is_spent_once() {
    // Ten streams of 9,000 alias copies each: fine alone, refused together.
    let one = "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n";
    assert!(parse(one).is_ok());
    let mut budget = Budget::default();
    let results: Vec<bool> = (0..20)
        .map(|_| parse_with_budget(one, &mut budget).is_ok())
        .collect();
    assert!(results[0]);
    assert!(!results[19], "the shared budget runs out");
}

#[test]
fn aliases_have_their_own_smaller_budget() {
    // 5 levels of 10 copies: 111,111 nodes, well under MAX_NODES, over MAX_ALIASED_NODES.
    let mut src = String::from("a0: &a0 x\n");
    for i in 1..=5 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        src.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let err = parse(&src).unwrap_err();
    assert!(err.message.contains("aliases expand"), "{err}");
    assert_eq!(
        err.pos.line, 6,
        "reported at the alias that crosses the budget"
    );
    // Ordinary use of aliases is fine.
    let docs = parse("base: &b {A: true}\nx: *b\ny: *b\n").unwrap();
    assert_eq!(
        docs[0].root.get("y").unwrap().get("A").unwrap().as_str(),
        Some("true")
    );
}

#[test]
fn merge_keys_follow_go_yaml() {
    let docs = parse("base: &b {A: true, B: false}\nm:\n  <<: *b\n  B: true\n").unwrap();
    let m = docs[0].root.get("m").unwrap();
    assert_eq!(m.get("A").unwrap().as_yaml11_bool(), Some(true));
    assert_eq!(m.get("B").unwrap().as_yaml11_bool(), Some(true));
    assert_eq!(m.as_map().unwrap().len(), 2);
}

#[test]
fn duplicate_keys_are_kept_and_last_wins() {
    let docs = parse("a: 1\na: 2\n").unwrap();
    assert_eq!(docs[0].root.as_map().unwrap().len(), 2);
    assert_eq!(docs[0].root.get("a").unwrap().as_str(), Some("2"));
}

/// The node's size is what [`crate::MAX_NODES`] bounds the tree's memory by.
#[test]
fn a_node_is_56_bytes() {
    assert!(std::mem::size_of::<crate::Node>() <= 56);
}

#[test]
fn a_copy_of_the_text_counts_against_the_node_budget() {
    let src = format!("[{}]", "a, ".repeat(20));
    assert!(parse(&src).is_ok());
    let mut budget = Budget::default();
    budget.charge_copy((MAX_NODES - 10) * std::mem::size_of::<Node<'_>>());
    let e = parse_with_budget(&src, &mut budget).unwrap_err();
    assert!(e.limit);
    assert!(
        e.message.contains("more than 10 nodes") && e.message.contains("template copy"),
        "{}",
        e.message
    );
}
