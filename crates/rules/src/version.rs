//! Kubernetes minor versions (`1.33`) and how users may write them.

use std::fmt;
use std::str::FromStr;

/// A Kubernetes minor release, such as 1.33. Patch levels and pre-release tags do not change
/// which feature gates exist, so they are accepted on input and dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u16,
    pub minor: u16,
}

impl Version {
    pub const fn new(major: u16, minor: u16) -> Self {
        Version { major, minor }
    }

    /// The minor release after this one.
    pub const fn next(self) -> Self {
        Version::new(self.major, self.minor + 1)
    }

    /// The minor release before this one, if there is one in the 1.x line.
    pub fn prev(self) -> Option<Self> {
        self.minor
            .checked_sub(1)
            .map(|m| Version::new(self.major, m))
    }
}

/// A version's text (`1.33`, or a target's `1.33.4`), made on the stack: versions are in most
/// findings' messages and in every JSON finding, and formatting two numbers through `write!`
/// cost more than the rest of a message.
#[derive(Clone, Copy)]
pub struct VersionText {
    /// "65535.65535.65535" at most.
    buf: [u8; 17],
    len: u8,
}

impl std::ops::Deref for VersionText {
    type Target = str;
    fn deref(&self) -> &str {
        // Only ASCII digits and a dot are written.
        std::str::from_utf8(&self.buf[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl Version {
    /// The version's text, `major.minor`.
    pub fn text(self) -> VersionText {
        let mut buf = [0u8; 17];
        let mut end = digits(&mut buf, 0, self.major);
        buf[end] = b'.';
        end = digits(&mut buf, end + 1, self.minor);
        VersionText {
            buf,
            len: end as u8,
        }
    }
}

impl Target {
    /// The target's text: `1.33`, or `1.33.4` with a patch release.
    pub fn text(self) -> VersionText {
        let mut text = self.version.text();
        if let Some(p) = self.patch {
            let at = usize::from(text.len);
            text.buf[at] = b'.';
            text.len = digits(&mut text.buf, at + 1, p) as u8;
        }
        text
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// Writes `n` in decimal into `buf` from `at`, returning where it ends.
fn digits(buf: &mut [u8; 17], at: usize, n: u16) -> usize {
    let len = n.checked_ilog10().map_or(1, |d| d as usize + 1);
    let mut rest = n;
    for i in (at..at + len).rev() {
        buf[i] = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    at + len
}

/// Why a version string was not understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionError {
    pub input: String,
    pub reason: String,
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid Kubernetes version {:?}: {} (expected a form such as 1.33, v1.33, 1.33.4 or v1.33.0-rc.1)",
            self.input, self.reason
        )
    }
}

impl std::error::Error for VersionError {}

impl FromStr for Version {
    type Err = VersionError;

    /// Accepts `1.33`, `v1.33`, `1.33.4` and `v1.33.0-rc.1`; all mean minor 1.33.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let err = |reason: &str| VersionError {
            input: input.to_string(),
            reason: reason.to_string(),
        };
        let s = input.trim();
        let s = s.strip_prefix('v').unwrap_or(s);
        if s.is_empty() {
            return Err(err("it is empty"));
        }
        // semver needs major.minor.patch; a bare minor gets a patch of 0.
        let dots = s
            .split(['-', '+'])
            .next()
            .unwrap_or("")
            .matches('.')
            .count();
        let full = match dots {
            1 => {
                let (core, rest) = s.split_at(s.find(['-', '+']).unwrap_or(s.len()));
                format!("{core}.0{rest}")
            }
            2 => s.to_string(),
            _ => return Err(err("it needs a major and a minor number")),
        };
        let v = semver::Version::parse(&full).map_err(|e| err(&e.to_string()))?;
        if v.major != 1 {
            return Err(err("Kubernetes releases are numbered 1.x"));
        }
        let minor = u16::try_from(v.minor).map_err(|_| err("the minor number is too large"))?;
        Ok(Version::new(1, minor))
    }
}

/// A release as a user names it: the minor, and the patch release when one is given
/// (`1.28.3`; a pre-release such as `1.33.0-rc.1` counts as patch 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Target {
    pub version: Version,
    pub patch: Option<u16>,
}

impl FromStr for Target {
    type Err = VersionError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let version: Version = input.parse()?;
        let s = input.trim();
        let s = s.strip_prefix('v').unwrap_or(s);
        let core = s.split(['-', '+']).next().unwrap_or("");
        let patch = core.split('.').nth(2).and_then(|p| p.parse::<u16>().ok());
        Ok(Target { version, patch })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_written_as_major_dot_minor() {
        for (major, minor) in [
            (0, 0),
            (1, 9),
            (1, 10),
            (1, 33),
            (9, 100),
            (u16::MAX, u16::MAX),
        ] {
            let v = Version::new(major, minor);
            assert_eq!(v.to_string(), format!("{major}.{minor}"));
            if major == 1 {
                assert_eq!(v.to_string().parse::<Version>().ok(), Some(v));
            }
        }
    }

    #[test]
    fn targets_keep_the_patch_release() {
        let t = |s: &str| s.parse::<Target>().unwrap();
        assert_eq!(t("1.28").patch, None);
        assert_eq!(t("v1.28.3").patch, Some(3));
        assert_eq!(t("1.33.0-rc.1").patch, Some(0));
        assert_eq!(t("1.28.3").version, Version::new(1, 28));
        assert_eq!(t("1.28.3").to_string(), "1.28.3");
        assert!("1.28.x".parse::<Target>().is_err());
    }

    #[test]
    fn targets_are_written_with_their_patch_release() {
        for (major, minor, patch) in [(1, 33, None), (1, 28, Some(0)), (1, 9, Some(10))]
            .into_iter()
            .chain([(u16::MAX, u16::MAX, Some(u16::MAX))])
        {
            let t = Target {
                version: Version::new(major, minor),
                patch,
            };
            let expected = match patch {
                Some(p) => format!("{major}.{minor}.{p}"),
                None => format!("{major}.{minor}"),
            };
            assert_eq!(&*t.text(), expected);
        }
    }

    #[test]
    fn accepted_spellings_all_mean_the_minor() {
        for s in [
            "1.33",
            "v1.33",
            "1.33.4",
            "v1.33.0-rc.1",
            " 1.33 ",
            "1.33.0+k3s1",
        ] {
            assert_eq!(s.parse::<Version>().unwrap(), Version::new(1, 33), "{s}");
        }
    }

    #[test]
    fn rejected_spellings_say_why() {
        for s in [
            "", "v", "1", "133", "1.x", "2.0", "1.33.4.5", "latest", "-1.3",
        ] {
            let e = s.parse::<Version>().unwrap_err();
            assert!(
                e.to_string().contains("invalid Kubernetes version"),
                "{s}: {e}"
            );
        }
    }

    #[test]
    fn ordering_is_numeric() {
        assert!(Version::new(1, 9) < Version::new(1, 10));
        assert_eq!(Version::new(1, 33).to_string(), "1.33");
        assert_eq!(Version::new(1, 33).next(), Version::new(1, 34));
    }
}
