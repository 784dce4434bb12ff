//! Reading a file into settings and problems: the formats, MIME user data, flags files, a
//! repeated gate key, and the files that mention gates but were not read (GC020).

use super::model::Options;
use crate::findings::FindingKind;
use crate::formats::{self, Problem, Sink};
use crate::{flags, template, InputError};

/// Every setting and problem the readers find in one file.
pub(super) fn read<'a>(
    name: &str,
    src: &'a str,
    options: &Options,
) -> Result<Sink<'a>, InputError> {
    let mut sink = Sink::new(src);
    if let Some(parts) = crate::mime::parts(src) {
        read_mime(src, &parts, &mut sink);
    } else if formats::heredoc::is_hcl(name) || formats::heredoc::is_shell(name, src) {
        formats::heredoc::read(name, src, &mut sink);
    } else if formats::metrics::looks_like(src) {
        formats::metrics::read(src, options.component, &mut sink);
    } else if options.flags_file {
        read_flags_file(name, src, options, &mut sink)?;
    } else if let Some(masked) = crate::template::mask(src) {
        read_template(name, src, &masked, &mut sink)?;
    } else {
        let docs = match gatecheck_yaml::parse(src) {
            Ok(docs) => docs,
            // An envsubst or Terraform template (`${...}` only) that is not YAML until it is
            // rendered: said where it mentions feature gates, never an error.
            Err(e) if !e.limit && crate::template::has_markup(src) => {
                not_yaml_yet(name, src, &e, &mut sink);
                return Ok(sink);
            }
            Err(e) => {
                return Err(InputError {
                    message: format!("invalid YAML: {}", e.message),
                    line: Some(e.pos.line),
                    column: Some(e.pos.column),
                })
            }
        };
        for doc in &docs {
            crate::embed::read_doc(&doc.root, &mut sink, 0);
        }
    }
    not_read(src, &mut sink);
    Ok(sink)
}

/// MIME multipart user data: each part read where it is, with one budget for all of them; a
/// part that cannot be read is said, never passed.
fn read_mime(src: &str, parts: &[(crate::mime::Part, usize, usize)], sink: &mut Sink<'_>) {
    use crate::mime::Part;
    for &(kind, start, end) in parts {
        let body = &src[start..end];
        // What cannot be placed inside the part points at its first character.
        let first = start + (body.len() - body.trim_start().len());
        let unreadable = |sink: &mut Sink<'_>, why: &str| {
            sink.problem(Problem::span(
                FindingKind::NotRead,
                None,
                first,
                1,
                format!("this MIME part {why}: its feature gates were not checked"),
                "check it by hand, or keep the part uncompressed",
            ));
        };
        match kind {
            Part::Gzip => unreadable(sink, "is compressed (gzip), which gatecheck does not read"),
            Part::Base64 => {
                let decoded = crate::mime::base64(body).and_then(|b| String::from_utf8(b).ok());
                let Some(text) = decoded else {
                    unreadable(sink, "is not valid base64 text");
                    continue;
                };
                // Positions inside the decoded text have no place in the file: the part's.
                crate::embed::read_text_at(&text, first, sink);
            }
            Part::Yaml | Part::Script => crate::embed::read_region(src, start, end, "", sink),
        }
    }
}

/// A Go, Helm, Jinja or Terraform template, read around its markup (see [`template::mask`]):
/// what is written literally is judged where it is written. Where the rest is still not YAML,
/// a file that mentions feature gates says it could not be read; any other says nothing.
fn read_template(
    name: &str,
    src: &str,
    masked: &template::Masked,
    sink: &mut Sink<'_>,
) -> Result<(), InputError> {
    sink.template = true;
    sink.conditionals.extend_from_slice(&masked.conditionals);
    // The masked copy is memory the file's reading spends like its tree.
    sink.yaml_budget.charge_copy(masked.text.len());
    match gatecheck_yaml::parse_with_budget(&masked.text, &mut sink.yaml_budget) {
        Ok(docs) => {
            let mut nested = sink.nested(&masked.text);
            nested.template = true;
            nested.yaml_budget = sink.yaml_budget;
            for doc in &docs {
                crate::embed::read_doc(&doc.root, &mut nested, 0);
            }
            for p in &mut nested.problems {
                if p.kind == FindingKind::Template {
                    p.message = masked.unmask(src, &p.message, p.offset);
                }
            }
            sink.yaml_budget = nested.yaml_budget;
            sink.recognised |= nested.recognised;
            sink.fallback.kubernetes += nested.fallback.kubernetes;
            sink.fallback.foreign += nested.fallback.foreign;
            sink.absorb(nested, |o| o);
        }
        // Past what gatecheck reads: refused as any such file is.
        Err(e) if e.limit => {
            return Err(InputError {
                message: format!("invalid YAML: {}", e.message),
                line: Some(e.pos.line),
                column: Some(e.pos.column),
            })
        }
        // A shell script or flags file that is a template (cloud-init user data in a `.tftpl`):
        // its flags are judged where they are written.
        Err(_) if flag_lines(name, src, masked, sink) => {}
        Err(e) => not_yaml_yet(name, src, &e, sink),
    }
    Ok(())
}

/// A template that is still not YAML: said where it mentions feature gates; a template of an
/// application that sets no gate says nothing.
fn not_yaml_yet(name: &str, src: &str, e: &gatecheck_yaml::Error, sink: &mut Sink<'_>) {
    if crate::embed::mentions_gates(src) {
        sink.problem(Problem::span(
            FindingKind::Template,
            None,
            e.pos.offset.min(src.len()),
            1,
            format!("{name} is a template that is not YAML until it is rendered ({}): gatecheck cannot read its feature gates", e.message),
            "render it and check the result (for example `helm template ... | gatecheck --target X -`)",
        ));
    }
}

/// Reads the `--feature-gates` flags on a template's lines; whether any were found.
fn flag_lines(name: &str, src: &str, masked: &template::Masked, sink: &mut Sink<'_>) -> bool {
    if !src.contains("feature-gates") {
        return false;
    }
    let component = crate::embed::flags_component(name, src, None).ok();
    let mut nested = sink.nested(&masked.text);
    nested.template = true;
    crate::embed::read_flag_lines(&masked.text, component, &mut nested);
    let found = !nested.settings.is_empty() || !nested.problems.is_empty();
    sink.recognised |= nested.recognised;
    sink.fallback.kubernetes += nested.fallback.kubernetes;
    sink.fallback.foreign += nested.fallback.foreign;
    sink.absorb(nested, |o| o);
    found
}

/// Where the file mentions feature gates although nothing in it was read: no format claimed
/// it, and the content fallback placed no gate structure (neither Kubernetes' nor another
/// project's). Never a silent pass.
fn not_read(src: &str, sink: &mut Sink<'_>) {
    if sink.recognised
        || sink.fallback.kubernetes + sink.fallback.foreign > 0
        || sink
            .problems
            .iter()
            .any(|p| matches!(p.kind, FindingKind::Template | FindingKind::NotRead))
    {
        return;
    }
    let mention = [
        "featureGates",
        "feature-gates",
        "feature_gates",
        "FeatureGates",
    ]
    .iter()
    .filter_map(|m| src.find(m).map(|at| (at, m.len())))
    .min();
    if let Some((offset, len)) = mention {
        sink.problem(Problem::span(
            FindingKind::NotRead,
            None,
            offset,
            len,
            "this file mentions feature gates, but gatecheck does not know its kind and found no gate setting it could place: its gates were not checked",
            "check them by hand, or use --strict to fail on files gatecheck cannot read",
        ));
    }
}

/// A systemd drop-in, environment file or list of flags.
fn read_flags_file(
    name: &str,
    src: &str,
    options: &Options,
    sink: &mut Sink<'_>,
) -> Result<(), InputError> {
    let live = |line: &&str| !line.trim_start().starts_with('#');
    // A file picked up by its extension (.env, .conf) that sets no feature gates has nothing to
    // judge, whoever it belongs to.
    if !src
        .lines()
        .filter(live)
        .any(|l| !flags::scan_line(l).is_empty())
    {
        return Ok(());
    }
    let component = crate::embed::flags_component(name, src, options.component)?;
    crate::embed::read_flag_lines(src, Some(component), sink);
    Ok(())
}
