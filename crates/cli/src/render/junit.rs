//! `--format junit`: JUnit XML for CI test tabs. One test case per file; a file with an error
//! finding (or that could not be read) fails, and each finding is listed in its case.

use gatecheck_lint::{Finding, Severity};

fn xml(s: &str) -> String {
    super::escape(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One line per finding, escaped for XML text.
fn listing(findings: &[&Finding]) -> String {
    let lines: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{}:{}: {} {} {}",
                f.line,
                f.column,
                f.kind.code(),
                f.severity.as_str(),
                f.message
            )
        })
        .collect();
    xml(&lines.join("\n"))
}

pub fn document(
    files: &[String],
    findings: &[(String, Finding)],
    errors: &[(String, String)],
) -> String {
    let mut cases = String::new();
    let mut failures = 0;
    for file in files {
        let mine: Vec<&Finding> = findings
            .iter()
            .filter(|(f, _)| f == file)
            .map(|(_, f)| f)
            .collect();
        let error = errors.iter().find(|(f, _)| f == file).map(|(_, m)| m);
        let failing: Vec<&&Finding> = mine
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        cases.push_str(&format!(
            "  <testcase classname=\"gatecheck\" name=\"{}\">\n",
            xml(file)
        ));
        if let Some(message) = error {
            failures += 1;
            cases.push_str(&format!(
                "    <failure message=\"{}\" type=\"input\"/>\n",
                xml(message)
            ));
        } else if !failing.is_empty() {
            failures += 1;
            cases.push_str(&format!(
                "    <failure message=\"{} error finding(s)\" type=\"gatecheck\">{}</failure>\n",
                failing.len(),
                listing(&mine)
            ));
        } else if !mine.is_empty() {
            cases.push_str(&format!(
                "    <system-out>{}</system-out>\n",
                listing(&mine)
            ));
        }
        cases.push_str("  </testcase>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n<testsuite name=\"gatecheck\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">\n{cases}</testsuite>\n</testsuites>\n",
        files.len()
    )
}
