//! Repairs made to the raw bytes before mail-parser sees them.

use std::borrow::Cow;

/// Repairs made before mail-parser sees the bytes (borrowed when none is needed):
/// - old Mac mail with CR-only line ends would read as one endless header line;
/// - a boundary delimiter in the middle of a line ends the part there in mail-parser 0.11.9
///   (upstream #156), cutting order text: such a mid-line `--boundary` has its dashes replaced
///   by look-alike non-breaking hyphens, which a person reads the same.
///
/// `boundaries` is handed the bytes with line feeds and gives where `boundary` starts in them, in
/// any letter case, in order (the caller finds them in a pass over the bytes it makes anyway).
pub(super) fn repaired<'a>(raw: &'a [u8], boundaries: impl FnOnce(&[u8]) -> Vec<usize>) -> Cow<'a, [u8]> {
    let mut out = with_line_feeds(raw);
    let starts = boundaries(&out);
    for at in mid_line_boundaries(&out, &starts) {
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
fn mid_line_boundaries(raw: &[u8], starts: &[usize]) -> Vec<usize> {
    let mut found: Vec<usize> = Vec::new();
    let mut seen: Vec<&[u8]> = Vec::new();
    for boundary in boundary_values(raw, starts).take(1000) {
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

/// The values of `boundary=` parameters, found as the regex
/// `(?i)boundary\s*=\s*"?([^";\s]{1,200})"?` finds them (Unicode white space, up to 200
/// characters of valid UTF-8, each search going on after the last match), by hand: that regex
/// takes some 16 M instructions to build, more than `msorder check` spends on a mail. `starts`
/// are where `boundary` starts in any letter case, in order.
fn boundary_values<'a>(raw: &'a [u8], starts: &'a [usize]) -> impl Iterator<Item = &'a [u8]> {
    let mut starts = starts.iter().copied();
    // Where the last match ended.
    let mut from = 0;
    std::iter::from_fn(move || {
        for at in starts.by_ref() {
            if at < from {
                continue;
            }
            let mut i = skip_spaces(raw, at + 8);
            if raw.get(i) != Some(&b'=') {
                continue;
            }
            i = skip_spaces(raw, i + 1);
            if raw.get(i) == Some(&b'"') {
                i += 1;
            }
            let start = i;
            let mut chars = 0;
            while chars < 200
                && let Some((c, len)) = char_at(&raw[i..])
                && c != '"'
                && c != ';'
                && !c.is_whitespace()
            {
                i += len;
                chars += 1;
            }
            if chars == 0 {
                continue;
            }
            from = if raw.get(i) == Some(&b'"') { i + 1 } else { i };
            return Some(&raw[start..i]);
        }
        None
    })
}

/// Past the Unicode white space at `at`.
fn skip_spaces(raw: &[u8], mut at: usize) -> usize {
    while let Some((c, len)) = char_at(&raw[at..])
        && c.is_whitespace()
    {
        at += len;
    }
    at
}

/// The character that valid UTF-8 at the start of `bytes` encodes, and its length.
fn char_at(bytes: &[u8]) -> Option<(char, usize)> {
    let len = match *bytes.first()? {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    let c = std::str::from_utf8(bytes.get(..len)?).ok()?.chars().next()?;
    Some((c, len))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Where `boundary` starts in any letter case: with bit 5 set in every byte, that is where
    /// `boundary` starts (only its own letters map to its letters).
    pub(in crate::mime) fn boundary_starts(raw: &[u8]) -> Vec<usize> {
        let folded: Vec<u8> = raw.iter().map(|b| b | 0x20).collect();
        memchr::memmem::find_iter(&folded, b"boundary").collect()
    }

    proptest::proptest! {
        /// The hand search finds what the regex it replaces finds.
        #[test]
        fn boundary_values_are_the_regexs(
            picks in proptest::collection::vec(0..20usize, 0..40)
        ) {
            const PIECES: &[&[u8]] = &[
                b"boundary", b"BoUnDaRy", b"bound", b"=", b"\"", b";", b" ", b"\t", b"\n",
                b"\xc2\xa0", b"\xe3\x80\x80", b"\xc2\x85", b"\xff", b"\xe3\x80", b"abc",
                b"\xe2\x80\x91", b"b", b"y", b"\r", b"\xed\xa0\x80",
            ];
            static REGEX: std::sync::LazyLock<regex::bytes::Regex> = std::sync::LazyLock::new(|| {
                regex::bytes::Regex::new(r#"(?i)boundary\s*=\s*"?([^";\s]{1,200})"?"#).unwrap()
            });
            let raw: Vec<u8> = picks.iter().flat_map(|&i| PIECES[i].iter().copied()).collect();
            let expected: Vec<&[u8]> = REGEX.captures_iter(&raw).map(|c| c.get(1).unwrap().as_bytes()).collect();
            let starts = boundary_starts(&raw);
            let found: Vec<&[u8]> = boundary_values(&raw, &starts).collect();
            proptest::prop_assert_eq!(found, expected, "{:?}", String::from_utf8_lossy(&raw));
        }
    }

    #[test]
    fn long_values_stop_at_200_characters() {
        let raw = format!(
            "boundary = \"{}\"; boundary={}",
            "\u{e9}".repeat(250),
            "x".repeat(3)
        );
        let regex = regex::bytes::Regex::new(r#"(?i)boundary\s*=\s*"?([^";\s]{1,200})"?"#).unwrap();
        let expected: Vec<&[u8]> = regex
            .captures_iter(raw.as_bytes())
            .map(|c| c.get(1).unwrap().as_bytes())
            .collect();
        let starts = boundary_starts(raw.as_bytes());
        assert_eq!(
            boundary_values(raw.as_bytes(), &starts).collect::<Vec<_>>(),
            expected
        );
        assert_eq!(expected.len(), 2);
        // No letter outside ASCII folds to one of "boundary" in the regex's case-insensitive match.
        let folds = regex::Regex::new("(?i)^[boundary]$").unwrap();
        assert!(
            (0x80..=0x10ffff)
                .filter_map(char::from_u32)
                .all(|c| !folds.is_match(c.encode_utf8(&mut [0; 4])))
        );
    }
}
