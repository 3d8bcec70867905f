//! Repairs made to the raw bytes before mail-parser sees them.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::bytes::Regex;

/// Repairs made before mail-parser sees the bytes (borrowed when none is needed):
/// - old Mac mail with CR-only line ends would read as one endless header line;
/// - a boundary delimiter in the middle of a line ends the part there in mail-parser 0.11.9
///   (upstream #156), cutting order text: such a mid-line `--boundary` has its dashes replaced
///   by look-alike non-breaking hyphens, which a person reads the same.
pub(super) fn repaired(raw: &[u8]) -> Cow<'_, [u8]> {
    let mut out = with_line_feeds(raw);
    for at in mid_line_boundaries(&out) {
        out.to_mut().splice(at..at + 2, "\u{2011}\u{2011}".bytes());
    }
    out
}

/// CR-only line ends turned into LF.
pub(super) fn with_line_feeds(raw: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memchr(b'\n', raw).is_none() && memchr::memchr(b'\r', raw).is_some() {
        Cow::Owned(raw.iter().map(|&b| if b == b'\r' { b'\n' } else { b }).collect())
    } else {
        Cow::Borrowed(raw)
    }
}

/// Start offsets of `--boundary` delimiters not at a line start, last first (so that splicing
/// one keeps the others' offsets).
fn mid_line_boundaries(raw: &[u8]) -> Vec<usize> {
    static BOUNDARY: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(?i)boundary\s*=\s*"?([^";\s]{1,200})"?"#).unwrap());
    let mut found: Vec<usize> = Vec::new();
    let mut seen: Vec<&[u8]> = Vec::new();
    for cap in BOUNDARY.captures_iter(raw).take(1000) {
        let boundary = cap.get(1).map_or(&b""[..], |m| m.as_bytes());
        if seen.contains(&boundary) {
            continue;
        }
        seen.push(boundary);
        let delimiter = [b"--".as_slice(), boundary].concat();
        found.extend(memchr::memmem::find_iter(raw, &delimiter).filter(|&at| at > 0 && raw[at - 1] != b'\n'));
    }
    found.sort_unstable_by(|a, b| b.cmp(a));
    found.dedup();
    found
}
