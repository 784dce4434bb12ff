//! The `gatecheck` binary: arguments, file discovery and rendering. The work is in the
//! `gatecheck-lint` (files to findings) and `gatecheck-rules` (gate history) crates.

/// `eprintln!` with control characters escaped: these messages name files and quote the
/// configuration, which a pull request controls, and must not act on a terminal or a CI log.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        // Standard error that cannot be written (full, closed) cannot be told so: never a panic.
        let _ = writeln!(std::io::stderr(), "{}", crate::render::escape(&format!($($arg)*)));
    }};
}

/// A line of a subcommand's output (`explain`, `list`, `diff`), kept until the command is done
/// and then written at once: a failed write (a full disk, a closed pipe) is an error with exit 2,
/// never a panic.
macro_rules! out {
    () => {
        crate::output::line(String::new())
    };
    ($($arg:tt)*) => {
        crate::output::line(format!($($arg)*))
    };
}

mod alloc;
mod commands;
mod config;
mod dirents;
mod discover;
mod fixing;
mod gitignore;
mod input;
mod lint;
// musl's x86_64 memcpy replaced (the Linux release archives); its copy tested everywhere.
#[cfg(all(target_arch = "x86_64", any(test, gatecheck_memcpy)))]
mod memcpy;
mod node;
mod notes;
mod output;
mod parallel;
mod paths;
mod render;
mod walk;

use clap::{Parser, Subcommand, ValueEnum};
use gatecheck_rules::Version;
use std::path::PathBuf;
use std::process::ExitCode;

/// Finds feature-gate settings that will break or mislead the Kubernetes version you upgrade to.
///
/// gatecheck reads kubelet and kube-proxy configs, static Pod manifests, kubeadm, kind, kOps,
/// Cluster API, Talos and k3s/RKE2 configs, and flag files, and reports every gate that the
/// target version does not know, has removed, has locked, or will soon remove.
#[derive(Parser, Debug)]
#[command(
    name = "gatecheck",
    version,
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  gatecheck --target 1.33 kubelet-config.yaml\n  gatecheck --target 1.34 manifests/ --exclude '*-test.yaml'\n  cat kubeadm.yaml | gatecheck --target 1.36 -\n  gatecheck --target 1.33 --component kubelet /etc/default/kubelet\n  gatecheck --target 1.35 --node node-a/kubelet-config.yaml node-a/kubelet.env\n  gatecheck explain SidecarContainers\n  gatecheck diff 1.32 1.33\n\nExit codes: 0 no findings at or above --fail-on; 1 findings at or above it; 2 usage error or unreadable input."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    lint: LintArgs,
}

#[derive(clap::Args, Debug)]
pub struct LintArgs {
    /// Kubernetes version to check against: 1.33, v1.33, 1.33.4 or v1.33.0-rc.1. A patch
    /// release (1.28.3) is judged as that patch release where gates changed inside the minor;
    /// a bare minor is judged as its first patch release, with a note where later ones differ.
    #[arg(short, long, value_name = "VERSION", value_parser = parse_target)]
    target: Option<gatecheck_rules::Target>,
    /// The version the cluster runs now: judge the files at every minor release from the next one
    /// up to --target (an upgrade goes one minor at a time), say which step breaks, and list what
    /// changes for the components in the files (defaults that flip, new locks, deprecations,
    /// removals).
    #[arg(long, value_name = "VERSION", value_parser = parse_version)]
    from: Option<Version>,
    /// Files or directories to check (directories are searched recursively); `-` reads stdin.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Skip paths matching this glob, against the path relative to the directory searched
    /// (`charts/*` skips ./charts/x.yaml), the path as given, or the file or directory name
    /// (`*`, `**`, `?`, `[abc]`, `{yaml,yml}`; may be repeated).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Whose flags a flags file (systemd drop-in, /etc/default/kubelet) holds, when it cannot tell.
    #[arg(long, value_name = "COMPONENT", value_parser = parse_component)]
    component: Option<gatecheck_rules::Component>,
    /// The inputs are one node's configuration: merge the kubelet's settings across files as the
    /// kubelet does (its --feature-gates flags, e.g. in /etc/default/kubelet, override its config
    /// file key by key) before judging them. Without it, each file is judged on its own.
    #[arg(long)]
    node: bool,
    /// Fail the run (as errors) on inputs gatecheck could not fully read: a file that mentions
    /// feature gates in a shape gatecheck does not know (GC020), or a value left to a template
    /// (GC019). Without it they are reported as a warning and a notice.
    #[arg(long)]
    strict: bool,
    /// Accept the findings of an earlier `--format json` report (by file, code and gate): only new
    /// findings are reported and fail the run.
    #[arg(long, value_name = "REPORT.json")]
    baseline: Option<PathBuf>,
    /// When searching directories, skip what the .gitignore files ignore (with git's global and
    /// repository excludes), as git would; read by gatecheck, so git itself is not needed. Files
    /// named on the command line are always read.
    #[arg(long)]
    gitignore: bool,
    /// Do not read `.gatecheck.yaml` (found by walking up from the first input).
    #[arg(long)]
    no_config: bool,
    /// Exit 1 when a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Human)]
    format: LintFormat,
    /// Colour in human output: auto (a terminal, unless NO_COLOR is set and not empty;
    /// FORCE_COLOR or CLICOLOR_FORCE force it), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Apply every safe fix in place: remove settings the target no longer has or locks to the
    /// value set, where that value is the gate's default at the version running now (--from,
    /// else the gate's last default), so nothing changes before or after the upgrade. Comments,
    /// key order, quoting and indentation stay; files read through a template are never
    /// edited; each file is replaced atomically, and not at all if it changed since it was read
    /// or is a symlink. The report and the exit status are about what remains.
    #[arg(long)]
    fix: bool,
    /// With --fix or --diff: also the fixes that change what runs (removing a gate locked to the
    /// other value, or a setting equal to today's default).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print a unified diff of what --fix would change, and write nothing. Exit 1 when there
    /// is something to change.
    #[arg(long, conflicts_with = "fix")]
    diff: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Show a gate's history: stages, defaults and locks per version, components, KEP.
    Explain {
        /// The gate's name (case-sensitive), or a finding code such as GC003.
        name: String,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// List the gates a version recognises.
    List {
        #[arg(long, value_parser = parse_version)]
        version: Version,
        /// Only gates at this stage.
        #[arg(long, value_enum)]
        stage: Option<StageArg>,
        /// Only gates that concern this component.
        #[arg(long, value_parser = parse_component)]
        component: Option<gatecheck_rules::Component>,
        /// List kubeadm's own gates instead of the components'.
        #[arg(long)]
        kubeadm: bool,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to standard output.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to standard output: `gatecheck man > gatecheck.1`.
    Man,
    /// Show what an upgrade changes: gates introduced, promoted, deprecated, flipped, locked, removed.
    Diff {
        #[arg(value_parser = parse_version)]
        from: Version,
        #[arg(value_parser = parse_version)]
        to: Version,
        #[arg(long)]
        kubeadm: bool,
        /// Only gates that concern this component.
        #[arg(long, value_parser = parse_component)]
        component: Option<gatecheck_rules::Component>,
        /// Only gates these files set (any format gatecheck reads).
        #[arg(long, value_name = "PATH", num_args = 1..)]
        only_affecting: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// How lint results are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// Source excerpts with the gate underlined, and a summary line.
    Human,
    /// One JSON document (schema in the README).
    Json,
    /// GitHub Actions workflow commands: each finding becomes an annotation on the file and line.
    Github,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// A Markdown pull-request comment: a table of findings, and the upgrade notes with --from.
    Markdown,
    /// JUnit XML, one test case per file, for CI test tabs.
    Junit,
    /// GitLab Code Quality JSON (`artifacts: reports: codequality`), for the merge request widget.
    Gitlab,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StageArg {
    Alpha,
    Beta,
    Ga,
    Deprecated,
}

fn parse_target(s: &str) -> Result<gatecheck_rules::Target, String> {
    s.parse::<gatecheck_rules::Target>()
        .map_err(|e| e.to_string())
}

fn parse_version(s: &str) -> Result<Version, String> {
    s.parse::<Version>().map_err(|e| e.to_string())
}

fn parse_component(s: &str) -> Result<gatecheck_rules::Component, String> {
    gatecheck_rules::Component::parse(s).ok_or_else(|| {
        let all: Vec<&str> = gatecheck_rules::Component::ALL
            .iter()
            .map(|c| c.as_str())
            .collect();
        format!(
            "unknown component {s:?}; expected one of {}",
            all.join(", ")
        )
    })
}

/// Whether an environment variable is set to something (the no-color.org and force-color
/// conventions ignore an empty value).
fn env_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Rendering that does not depend on the environment when output is not a terminal (CI logs,
/// pipes, snapshot tests): Unicode, no colour, no hyperlinks, 100 columns.
fn install_renderer(choice: ColorChoice) {
    use std::io::IsTerminal;
    let tty = std::io::stdout().is_terminal();
    let color = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if env_set("FORCE_COLOR") || env_set("CLICOLOR_FORCE") => true,
        ColorChoice::Auto => tty && !env_set("NO_COLOR"),
    };
    render::human::set_plain(!tty && !color);
    let _ = miette::set_hook(Box::new(move |_| {
        let mut opts = miette::MietteHandlerOpts::new()
            .terminal_links(false)
            .unicode(true)
            .color(color);
        if !tty {
            opts = opts.width(100);
        }
        Box::new(opts.build())
    }));
}

/// `gatecheck explian X`: a first "path" that does not exist and is one or two letters away from
/// a subcommand is a typo, not a file.
fn subcommand_typo(paths: &[PathBuf]) -> Option<u8> {
    let first = paths.first()?.to_str()?;
    if std::path::Path::new(first).exists() || first == "-" || first.contains(['/', '.']) {
        return None;
    }
    let name = ["explain", "list", "diff", "completions", "man"]
        .into_iter()
        .find(|s| gatecheck_rules::within_edits(first, s, 2))?;
    say!("error: unrecognized subcommand '{first}'\n\n  tip: a similar subcommand exists: '{name}'\n\nFor more information, try '--help'.");
    Some(2)
}

/// A closed pipe (`gatecheck explain X | head`) ends gatecheck quietly, as it does other Unix
/// tools, instead of making `println!` panic. Rust ignores SIGPIPE by default.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: runs first in `main`, before any other thread exists; it only restores the
    // default disposition of one signal.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    alloc::tune();
    restore_default_sigpipe();
    // `--version` says which Kubernetes releases the data covers.
    let version: &'static str = Box::leak(
        format!(
            "{} (rules for Kubernetes up to {}; see `gatecheck explain GATE` for sources)",
            env!("CARGO_PKG_VERSION"),
            gatecheck_rules::Rules::embedded().newest()
        )
        .into_boxed_str(),
    );
    let matches = <Cli as clap::CommandFactory>::command()
        .version(version)
        .get_matches();
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    if cli.command.is_none() {
        if let Some(code) = subcommand_typo(&cli.lint.paths) {
            return ExitCode::from(code);
        }
    }
    install_renderer(cli.lint.color);
    let code = match cli.command {
        Some(Command::Explain { name, format }) => commands::explain(&name, format),
        Some(Command::List {
            version,
            stage,
            component,
            kubeadm,
            format,
        }) => commands::list(version, stage, component, kubeadm, format),
        Some(Command::Diff {
            from,
            to,
            kubeadm,
            component,
            only_affecting,
            format,
        }) => commands::diff(from, to, kubeadm, component, &only_affecting, format),
        Some(Command::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "gatecheck", &mut script);
            output::line(String::from_utf8_lossy(&script).trim_end().to_string());
            0
        }
        Some(Command::Man) => {
            let cmd = <Cli as clap::CommandFactory>::command().version(version);
            match clap_mangen::Man::new(cmd).render(&mut std::io::stdout()) {
                Ok(()) => 0,
                Err(e) => {
                    say!("error: {e}");
                    2
                }
            }
        }
        None => lint::run(cli.lint),
    };
    ExitCode::from(output::flush(code))
}
