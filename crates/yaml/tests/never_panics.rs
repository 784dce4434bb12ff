//! Property tests: the reader returns a tree or an error for any input, and positions it
//! reports always lie inside the input.

use proptest::prelude::*;

fn check(src: &str) {
    match gatecheck_yaml::parse(src) {
        Ok(docs) => {
            for d in docs {
                assert!(d.root.span.end.offset <= src.len());
                assert!(src.is_char_boundary(d.root.span.start.offset));
            }
        }
        Err(e) => assert!(e.pos.offset <= src.len() && e.pos.line >= 1),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text(src in "\\PC{0,200}") {
        check(&src);
    }

    #[test]
    fn yaml_like_text(src in "([a-zA-Z:\\-\\[\\]{},&*!|>'\" \\n#]|  ){0,300}") {
        check(&src);
    }
}
