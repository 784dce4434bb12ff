//! The questions gatecheck asks of the rules.

use crate::{Gate, Lock, Registry, Stage, StageSpec, Version};
use std::collections::HashMap;
use std::fmt;
use std::sync::{LazyLock, Mutex};

/// The embedded rule set: every gate, sorted by registry then name.
#[derive(Clone, Copy, Debug)]
pub struct Rules {
    gates: &'static [Gate],
    newest: Version,
}

/// A query that cannot be answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryError {
    /// The version is newer than the newest release the data covers.
    TooNew { asked: Version, newest: Version },
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::TooNew { asked, newest } => write!(
                f,
                "Kubernetes {asked} is newer than the newest release gatecheck knows ({newest}); \
                 upgrade gatecheck or use a target up to {newest}"
            ),
        }
    }
}

impl std::error::Error for QueryError {}

/// What a version makes of a gate name.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// No gate of that name ever existed in the registry.
    Unknown { suggestions: Vec<&'static str> },
    /// The gate exists, but only from a later version.
    NotYetIntroduced {
        gate: &'static Gate,
        introduced: Version,
    },
    /// The gate was removed; `last` is what it was in its final release.
    Removed {
        gate: &'static Gate,
        removed_in: Version,
        last: StageSpec,
    },
    /// The gate is recognised at that version with this spec.
    Known {
        gate: &'static Gate,
        spec: StageSpec,
    },
}

impl Status {
    /// The gate, unless the name is unknown.
    pub fn gate(&self) -> Option<&'static Gate> {
        match self {
            Status::Unknown { .. } => None,
            Status::NotYetIntroduced { gate, .. }
            | Status::Removed { gate, .. }
            | Status::Known { gate, .. } => Some(gate),
        }
    }
}

/// One way a gate changes between two versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    Introduced,
    Promoted,
    Deprecated,
    DefaultFlipped,
    Locked,
    Unlocked,
    Removed,
}

impl ChangeKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Introduced => "introduced",
            ChangeKind::Promoted => "promoted",
            ChangeKind::Deprecated => "deprecated",
            ChangeKind::DefaultFlipped => "default-flipped",
            ChangeKind::Locked => "locked",
            ChangeKind::Unlocked => "unlocked",
            ChangeKind::Removed => "removed",
        }
    }
}

/// How one gate differs between two versions.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub gate: &'static Gate,
    pub kinds: Vec<ChangeKind>,
    pub before: Option<StageSpec>,
    pub after: Option<StageSpec>,
}

impl Rules {
    /// The rules compiled into this binary.
    pub fn embedded() -> Rules {
        Rules {
            gates: crate::generated::GATES,
            newest: crate::generated::NEWEST,
        }
    }

    /// The newest Kubernetes minor release the data covers.
    pub fn newest(&self) -> Version {
        self.newest
    }

    /// Where a release's facts come from a development tree rather than from the release
    /// itself, what that tree is.
    pub fn development(&self, v: Version) -> Option<&'static str> {
        crate::generated::DEVELOPMENT
            .iter()
            .find(|(d, _)| *d == v)
            .map(|(_, what)| *what)
    }

    /// Every gate, sorted by registry, then name.
    pub fn gates(&self) -> &'static [Gate] {
        self.gates
    }

    fn check(&self, v: Version) -> Result<(), QueryError> {
        if v > self.newest {
            return Err(QueryError::TooNew {
                asked: v,
                newest: self.newest,
            });
        }
        Ok(())
    }

    fn registry(&self, registry: Registry) -> &'static [Gate] {
        let start = self.gates.partition_point(|g| g.registry < registry);
        let end = self.gates.partition_point(|g| g.registry <= registry);
        &self.gates[start..end]
    }

    /// The gate of that exact (case-sensitive) name in a registry.
    pub fn gate(&self, registry: Registry, name: &str) -> Option<&'static Gate> {
        crate::index::gate(registry, name)
    }

    /// The gate of that name in any registry, core gates first.
    pub fn find(&self, name: &str) -> Option<&'static Gate> {
        [Registry::Kubernetes, Registry::Kubeadm]
            .into_iter()
            .find_map(|r| self.gate(r, name))
    }

    /// What `version` makes of `name` in `registry`.
    pub fn status(
        &self,
        registry: Registry,
        name: &str,
        version: Version,
    ) -> Result<Status, QueryError> {
        self.status_with(registry, name, version, true)
    }

    /// As [`Rules::status`]; without `suggest`, an unknown name gets no suggestions (they cost
    /// an edit distance against every gate, which a file of thousands of unknown names cannot
    /// afford for each).
    pub fn status_with(
        &self,
        registry: Registry,
        name: &str,
        version: Version,
        suggest: bool,
    ) -> Result<Status, QueryError> {
        self.check(version)?;
        let Some(gate) = self.gate(registry, name) else {
            return Ok(Status::Unknown {
                suggestions: if suggest {
                    self.suggest(registry, name)
                } else {
                    Vec::new()
                },
            });
        };
        Ok(gate.status(version))
    }

    /// Every gate recognised at `version` in `registry`, with its spec there.
    pub fn known_at(
        &self,
        registry: Registry,
        version: Version,
    ) -> Result<Vec<(&'static Gate, StageSpec)>, QueryError> {
        self.check(version)?;
        Ok(self
            .registry(registry)
            .iter()
            .filter_map(|g| g.spec_at(version).map(|s| (g, s)))
            .collect())
    }

    /// What an upgrade from `from` to `to` changes, gate by gate, in `registry`.
    pub fn diff(
        &self,
        registry: Registry,
        from: Version,
        to: Version,
    ) -> Result<Vec<Change>, QueryError> {
        self.check(from)?;
        self.check(to)?;
        let mut changes = Vec::new();
        for gate in self.registry(registry) {
            let (before, after) = (gate.spec_at(from), gate.spec_at(to));
            let mut kinds = Vec::new();
            match (before, after) {
                (None, None) => {}
                (None, Some(_)) => {
                    // A gate that exists at `to` but not at `from` was introduced, unless it was
                    // removed in between and came back, which Kubernetes does not do.
                    kinds.push(ChangeKind::Introduced)
                }
                (Some(_), None) => kinds.push(ChangeKind::Removed),
                (Some(b), Some(a)) => {
                    if a.stage != b.stage {
                        kinds.push(if a.stage == Stage::Deprecated {
                            ChangeKind::Deprecated
                        } else {
                            ChangeKind::Promoted
                        });
                    }
                    if a.default != b.default {
                        kinds.push(ChangeKind::DefaultFlipped);
                    }
                    // A lock changes only between two releases that both settle it: where
                    // one does not (no source records it), only the evidence changed.
                    match (b.lock, a.lock) {
                        (Lock::Unlocked, Lock::Locked) => kinds.push(ChangeKind::Locked),
                        (Lock::Locked, Lock::Unlocked) => kinds.push(ChangeKind::Unlocked),
                        _ => {}
                    }
                }
            }
            if !kinds.is_empty() {
                changes.push(Change {
                    gate,
                    kinds,
                    before,
                    after,
                });
            }
        }
        Ok(changes)
    }

    /// Names in `registry` close to `name`: a case-insensitive match first, then the names
    /// within a small edit distance, nearest first. At most three.
    pub fn suggest(&self, registry: Registry, name: &str) -> Vec<&'static str> {
        // Copies of one file repeat their misspellings: each name is searched for once per run.
        type Seen = HashMap<(Registry, Box<str>), Vec<&'static str>>;
        static SEEN: LazyLock<Mutex<Seen>> = LazyLock::new(Mutex::default);
        const KEPT: usize = 4096;
        // A name longer than any gate's by half is near none: its search is a length test per
        // gate, and it is not kept (the readers cut names at 120 characters; this keeps the
        // memory bounded for any other caller too).
        if name.len() > 128 {
            return self.search_suggestions(registry, name);
        }
        let key = (registry, Box::<str>::from(name));
        if let Some(found) = SEEN.lock().ok().and_then(|seen| seen.get(&key).cloned()) {
            return found;
        }
        let found = self.search_suggestions(registry, name);
        if let Ok(mut seen) = SEEN.lock() {
            if seen.len() < KEPT {
                seen.insert(key, found.clone());
            }
        }
        found
    }

    /// [`Rules::suggest`] without its memory: an edit distance against every gate.
    fn search_suggestions(&self, registry: Registry, name: &str) -> Vec<&'static str> {
        let wanted = name.as_bytes();
        let limit = (name.len() / 4).clamp(2, 6);
        let mut rows = (Vec::new(), Vec::new());
        let words = camel_words(name);
        let counts = letter_counts(wanted);
        let mut scored: Vec<(usize, &'static str)> = self
            .registry(registry)
            .iter()
            .filter_map(|g| {
                let candidate = g.name.as_bytes();
                // No rule below accepts a name whose length differs by more than this.
                if candidate.len().abs_diff(wanted.len()) > limit.max(name.len() / 2) {
                    return None;
                }
                if candidate.eq_ignore_ascii_case(wanted) {
                    return Some((0, g.name));
                }
                // The same words in another order (a release blog's
                // ServiceAccountTokenForKubeletCredentialProviders for
                // KubeletServiceAccountTokenForCredentialProviders).
                if candidate.len() == wanted.len()
                    && words.len() > 1
                    && same_letters(candidate, wanted)
                    && camel_words(g.name) == words
                {
                    return Some((1, g.name));
                }
                // Names that keep the same start and end but reword the middle
                // (CronJobCreationAnnotation for CronJobsScheduledAnnotation) are near misses
                // up to half the name's length; others only up to `limit` edits.
                let same = |(a, b): (&u8, &u8)| a.eq_ignore_ascii_case(b);
                let prefix = wanted
                    .iter()
                    .zip(candidate)
                    .take_while(|p| same(*p))
                    .count();
                let suffix = wanted
                    .iter()
                    .rev()
                    .zip(candidate.iter().rev())
                    .take_while(|p| same(*p))
                    .count();
                let bound = if prefix >= 4 && suffix >= 5 {
                    limit.max(name.len() / 2)
                } else {
                    limit
                };
                if letter_bound(&counts, candidate) > bound {
                    return None;
                }
                // Bounded: a far-off name is given up on after a few rows of the table.
                let d = edit_distance_within(wanted, candidate, bound, &mut rows)?;
                Some((d, g.name))
            })
            .collect();
        scored.sort();
        scored.into_iter().take(3).map(|(_, n)| n).collect()
    }
}

/// Levenshtein distance over bytes, ignoring ASCII case (gate names are ASCII).
#[cfg(test)]
fn edit_distance(a: &str, b: &str) -> usize {
    let mut rows = (Vec::new(), Vec::new());
    edit_distance_within(a.as_bytes(), b.as_bytes(), usize::MAX, &mut rows).unwrap_or(usize::MAX)
}

/// Whether `a` is at most `bound` edits from `b` (bytes, ASCII case ignored): the one edit
/// distance of the workspace, for gate names here and for subcommand names in the CLI.
pub fn within_edits(a: &str, b: &str, bound: usize) -> bool {
    let mut rows = (Vec::new(), Vec::new());
    edit_distance_within(a.as_bytes(), b.as_bytes(), bound, &mut rows).is_some()
}

/// Letter counts of a name, case folded, in 32 buckets (digits share buckets with letters).
fn letter_counts(name: &[u8]) -> [i16; 32] {
    let mut counts = [0i16; 32];
    for c in name {
        let n = &mut counts[usize::from(c.to_ascii_lowercase() & 31)];
        *n = n.saturating_add(1);
    }
    counts
}

/// A lower bound of the edit distance between the name of `counts` and `candidate`, in one pass:
/// every edit moves at most one count up and one down, so the larger of the name's surplus and
/// its shortfall against the candidate's counts is a lower bound. Most far-off names stop here.
fn letter_bound(counts: &[i16; 32], candidate: &[u8]) -> usize {
    let mut diff = *counts;
    for c in candidate {
        let d = &mut diff[usize::from(c.to_ascii_lowercase() & 31)];
        *d = d.saturating_sub(1);
    }
    let (surplus, shortfall) = diff.iter().fold((0, 0), |(p, n), &d| {
        (p + d.max(0) as usize, n + (-d).max(0) as usize)
    });
    surplus.max(shortfall)
}

/// Whether two names are made of the same letters (ignoring case): words in another order are,
/// and this is much cheaper than splitting a candidate into words.
fn same_letters(a: &[u8], b: &[u8]) -> bool {
    let mut count = [0i32; 256];
    for &c in a {
        count[usize::from(c.to_ascii_lowercase())] += 1;
    }
    for &c in b {
        count[usize::from(c.to_ascii_lowercase())] -= 1;
    }
    count.iter().all(|&n| n == 0)
}

/// Levenshtein distance over bytes, ignoring ASCII case, or `None` as soon as it must exceed
/// `bound` (every value in a row of the table is a lower bound of the result), so that far-off
/// names cost little. `rows` is scratch space, reused across calls.
fn edit_distance_within(
    a: &[u8],
    b: &[u8],
    bound: usize,
    rows: &mut (Vec<usize>, Vec<usize>),
) -> Option<usize> {
    if a.len().abs_diff(b.len()) > bound {
        return None;
    }
    let (prev, cur) = rows;
    prev.clear();
    prev.extend(0..=b.len());
    cur.clear();
    cur.resize(b.len() + 1, 0);
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(!ca.eq_ignore_ascii_case(cb));
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > bound {
            return None;
        }
        std::mem::swap(prev, cur);
    }
    Some(prev[b.len()]).filter(|&d| d <= bound)
}

/// The words of a CamelCase name, lower-cased and sorted (`APIServerTracing` gives `api`,
/// `server`, `tracing`).
fn camel_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let chars: Vec<char> = name.chars().collect();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
        let prev_lower = i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
        if c.is_uppercase() && !current.is_empty() && (prev_lower || next_lower) {
            words.push(std::mem::take(&mut current).to_lowercase());
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current.to_lowercase());
    }
    words.sort();
    words
}

impl Gate {
    /// What `version` makes of this gate (never [`Status::Unknown`]): for a caller that has the
    /// gate already, without a second look-up by name.
    pub fn status(&'static self, version: Version) -> Status {
        if version < self.introduced() {
            return Status::NotYetIntroduced {
                gate: self,
                introduced: self.introduced(),
            };
        }
        if let Some(removed_in) = self.removed_in.filter(|r| version >= *r) {
            return Status::Removed {
                gate: self,
                removed_in,
                last: self.last_spec(),
            };
        }
        let spec = self.spec_at(version).expect("introduced and not removed");
        Status::Known { gate: self, spec }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reordered_words_are_suggested() {
        assert_eq!(
            super::camel_words("APIServerTracing"),
            ["api", "server", "tracing"]
        );
        let rules = super::Rules::embedded();
        let got = rules.suggest(
            crate::Registry::Kubernetes,
            "ServiceAccountTokenForKubeletCredentialProviders",
        );
        assert_eq!(
            got.first(),
            Some(&"KubeletServiceAccountTokenForCredentialProviders")
        );
    }

    use super::edit_distance;

    /// The letter-count bound never exceeds the edit distance (it only prunes), over many
    /// generated pairs of names and near misses.
    #[test]
    fn letter_bound_is_a_lower_bound() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let alphabet = b"aAbBcCdDeEzZ019Kk";
        for _ in 0..20_000 {
            let a: Vec<u8> = (0..next(12)).map(|_| alphabet[next(17) as usize]).collect();
            let mut b = a.clone();
            for _ in 0..next(5) {
                match next(3) {
                    0 if !b.is_empty() => {
                        b.remove(next(b.len() as u64) as usize);
                    }
                    1 => b.insert(
                        next(b.len() as u64 + 1) as usize,
                        alphabet[next(17) as usize],
                    ),
                    _ if !b.is_empty() => {
                        let i = next(b.len() as u64) as usize;
                        b[i] = alphabet[next(17) as usize];
                    }
                    _ => {}
                }
            }
            let (sa, sb) = (
                String::from_utf8(a.clone()).unwrap(),
                String::from_utf8(b.clone()).unwrap(),
            );
            let bound = super::letter_bound(&super::letter_counts(&a), &b);
            assert!(bound <= edit_distance(&sa, &sb), "{sa} {sb}: {bound}");
        }
    }

    #[test]
    fn bounded_distance_gives_up_beyond_the_bound() {
        use super::edit_distance_within;
        let mut rows = (Vec::new(), Vec::new());
        let mut within = |a: &str, b: &str, bound| {
            edit_distance_within(a.as_bytes(), b.as_bytes(), bound, &mut rows)
        };
        assert_eq!(within("kitten", "sitting", 3), Some(3));
        assert_eq!(within("kitten", "sitting", 2), None);
        assert_eq!(within("a", "abcdefgh", 3), None);
        assert_eq!(
            within("NodeSwap", "nodeswap", 0),
            Some(0),
            "case is ignored"
        );
    }

    #[test]
    fn a_lock_that_only_becomes_known_is_no_change() {
        use crate::{ChangeKind, Registry, Rules, Version};
        let rules = Rules::embedded();
        // Every release pair: a `locked` change is between two settled locks.
        for minor in 11..rules.newest().minor {
            let (from, to) = (Version::new(1, minor), Version::new(1, minor + 1));
            for c in rules.diff(Registry::Kubernetes, from, to).unwrap() {
                if c.kinds.contains(&ChangeKind::Locked) || c.kinds.contains(&ChangeKind::Unlocked)
                {
                    let (b, a) = (c.before.unwrap(), c.after.unwrap());
                    assert!(
                        b.lock.is_known() && a.lock.is_known(),
                        "{} {from}->{to}",
                        c.gate.name
                    );
                }
            }
        }
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("nodeswap", "nodeswap"), 0);
        assert_eq!(edit_distance("nodeswp", "nodeswap"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
