//! The nesting guard. mail-parser 0.11.9 recurses once per `message/rfc822` level when it drops
//! a parsed tree (so trees are torn down iteratively here, and attached messages are read in
//! place, never copied to owned trees), and when it copies a message decoded from base64 or
//! quoted-printable it recurses and copies the decoded bytes once per level (so nesting and those
//! copies are bounded before parsing, by a scan of the raw bytes, and the parsed tree is counted
//! again).

use std::borrow::Cow;
use std::sync::LazyLock;

use mail_parser::parsers::MessageStream;
use mail_parser::{Message, PartType};
use regex::bytes::Regex;

use super::repair::repaired;
use super::{DecodeError, FULL};
use crate::text::hex_byte;

/// Most `message/rfc822` parts one message may hold. mail-parser recurses per nesting level both
/// when parsing and when dropping, so a chain of thousands overflows the stack; real forwards nest
/// a handful deep.
pub const MAX_EMBEDDED: usize = 64;

/// A message parsed by mail-parser, dropped without recursion: its own `Drop` recurses once per
/// nested message, which overflows the stack on a deep chain.
pub(super) struct Tree<'a>(pub(super) Message<'a>);

impl Drop for Tree<'_> {
    fn drop(&mut self) {
        let mut stack = vec![std::mem::take(&mut self.0)];
        while let Some(mut msg) = stack.pop() {
            for part in &mut msg.parts {
                if let PartType::Message(inner) = &mut part.body {
                    stack.push(std::mem::take(inner));
                }
            }
        }
    }
}

impl Tree<'_> {
    /// Embedded messages anywhere in the tree, counted without recursion.
    fn embedded(&self) -> usize {
        let mut count = 0;
        let mut stack = vec![&self.0];
        while let Some(msg) = stack.pop() {
            for part in &msg.parts {
                if let PartType::Message(inner) = &part.body {
                    count += 1;
                    stack.push(inner);
                }
            }
        }
        count
    }
}

/// Parse a whole message (headers alone are safe at any depth; only a full parse descends into
/// embedded messages). Nesting past [`MAX_EMBEDDED`] is an error whether the bound before parsing
/// sees it or only the parsed tree shows it.
pub(super) fn parse_tree(raw: &[u8]) -> Result<Option<Tree<'_>>, DecodeError> {
    check_bound(raw)?;
    parse_unbounded(raw)
}

/// The bound before parsing of [`parse_tree`].
fn check_bound(raw: &[u8]) -> Result<(), DecodeError> {
    check(
        raw,
        embedded_bound(raw, message_types(raw, None), ENCODED_LEVELS, false),
    )
}

/// A whole message repaired for mail-parser, and the bound before parsing on the repaired bytes.
/// The one pass that counts their message types finds the `boundary` parameters for the repair
/// too; only where the repair changes the bytes are they read again.
pub(super) fn repaired_bounded(raw: &[u8]) -> (Cow<'_, [u8]>, Result<(), DecodeError>) {
    let mut found = None;
    let repaired = repaired(raw, |bytes| {
        let mut starts = Vec::new();
        found = Some((bytes.len(), message_types(bytes, Some(&mut starts))));
        starts
    });
    let types = match found {
        // Each repair puts 6 bytes for 2.
        Some((len, types)) if len == repaired.len() => types,
        _ => message_types(&repaired, None),
    };
    let bound = check(&repaired, embedded_bound(&repaired, types, ENCODED_LEVELS, false));
    (repaired, bound)
}

/// The error the bound before parsing on `raw` calls for.
fn check(raw: &[u8], bound: Bound) -> Result<(), DecodeError> {
    if bound.messages > MAX_EMBEDDED {
        return Err(DecodeError::TooDeep(bound.messages));
    }
    if bound.copied > copy_budget(raw.len()) {
        return Err(DecodeError::TooLarge(bound.copied));
    }
    Ok(())
}

/// [`parse_tree`] without the bound before parsing. mail-parser builds unencoded nesting without
/// recursion, and the tree is counted and dropped without it, so this survives any depth of
/// that; nesting inside a base64 or quoted-printable part is copied recursively, once per level
/// (stack and memory), which only the bound before parsing keeps small.
pub(super) fn parse_unbounded(raw: &[u8]) -> Result<Option<Tree<'_>>, DecodeError> {
    let tree = FULL.parse(raw).map(Tree);
    match tree.as_ref().map_or(0, Tree::embedded) {
        n if n > MAX_EMBEDDED => Err(DecodeError::TooDeep(n)),
        _ => Ok(tree),
    }
}

/// Levels of transfer encoding mail-parser decodes embedded messages through.
const ENCODED_LEVELS: usize = 3;

/// An upper bound on the embedded messages mail-parser would build from these bytes: those in
/// the bytes, plus those inside base64 and quoted-printable bodies, which it decodes and parses
/// too (up to [`ENCODED_LEVELS`] deep). It only does so for a part that is a message: one typed
/// `message/rfc822` or `message/global`, or an untyped part of a `multipart/digest`. Bytes with
/// neither hold no encoded layer worth decoding (`.eml` attachments are bounded on their own
/// before [`attach`] parses them). A spelling this misses is still caught by [`parse_tree`].
/// `types` are the bytes' [`message_types`]; `word` says the bytes are known to hold an encoded
/// word's `=?`.
fn embedded_bound(raw: &[u8], (messages, digest): (usize, bool), levels: usize, word: bool) -> Bound {
    if levels == 0 || (messages == 0 && !digest) {
        return Bound { messages, copied: 0 };
    }
    let mention = if word {
        Mention::EncodedWord
    } else {
        qp_mention(raw)
    };
    let quoted = (mention != Mention::Nothing).then(|| qp_lenient(raw));
    let blocks = base64_blocks(raw, mention == Mention::EncodedWord);
    // A copy that changes nothing is the bytes themselves, bounded again at each level below:
    // their bounds are found from the lowest level up, on the same copy and blocks.
    let same = matches!(quoted, Some(Cow::Borrowed(_)));
    let mut below = Bound { messages, copied: 0 };
    for level in if same { 1 } else { levels }..=levels {
        let mut bound = Bound { messages, copied: 0 };
        let mut add = |len: usize, inner: Bound| {
            // The decoded part is copied once for itself and once per message inside it.
            let copies = len.saturating_mul(inner.messages.saturating_add(1));
            bound.messages = bound.messages.saturating_add(inner.messages);
            bound.copied = bound.copied.saturating_add(copies).saturating_add(inner.copied);
            bound.messages <= MAX_EMBEDDED
        };
        match &quoted {
            Some(Cow::Borrowed(_)) => _ = add(raw.len(), below),
            // The copy keeps every `=?`: a `=` before `?` is kept, and no escape takes a `=`.
            Some(Cow::Owned(copy)) => {
                let word = mention == Mention::EncodedWord;
                _ = add(
                    copy.len(),
                    embedded_bound(copy, message_types(copy, None), level - 1, word),
                );
            }
            None => {}
        }
        for block in &blocks {
            if !add(
                block.len(),
                embedded_bound(block, message_types(block, None), level - 1, false),
            ) {
                break;
            }
        }
        below = bound;
    }
    below
}

/// What [`embedded_bound`] finds: embedded messages, and bytes mail-parser would copy to unpack
/// the encoded ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Bound {
    messages: usize,
    copied: usize,
}

/// Most bytes the copies of encoded embedded messages may take for a message of `len` bytes, so
/// that a message takes at most a few times its size.
fn copy_budget(len: usize) -> usize {
    len.saturating_mul(2).saturating_add(32 << 20)
}

/// The first mention of quoted-printable in some bytes, the only case in which mail-parser
/// decodes them so: its name, or an encoded word (which may say either encoding in
/// Content-Transfer-Encoding, so it is a mention of base64 too).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mention {
    Nothing,
    QuotedPrintable,
    EncodedWord,
}

/// The bytes' [`Mention`].
fn qp_mention(raw: &[u8]) -> Mention {
    static QP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)quoted-printable|=\?").unwrap());
    match QP.find(raw) {
        None => Mention::Nothing,
        Some(found) if found.as_bytes()[0] == b'=' => Mention::EncodedWord,
        Some(_) => Mention::QuotedPrintable,
    }
}

/// Quoted-printable decoding of everything that looks like it: `=XX` and soft line breaks (an
/// `=` ending a line, white space after it included); borrowed when there is none.
fn qp_lenient(raw: &[u8]) -> Cow<'_, [u8]> {
    // Made at the first change; `raw[..from]` is in it.
    let mut out: Option<Vec<u8>> = None;
    let mut from = 0;
    let mut i = 0;
    while let Some(at) = memchr::memchr(b'=', &raw[i..]).map(|at| i + at) {
        let blank = raw[at + 1..]
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        let after = at + 1 + blank;
        let (end, byte) = match raw.get(after..) {
            Some([b'\n', ..]) => (after + 1, None),
            Some([b'\r', b'\n', ..]) => (after + 2, None),
            _ => match hex_byte(raw, at + 1) {
                Some(byte) => (at + 3, Some(byte)),
                None => {
                    // Kept as it is.
                    i = at + 1;
                    continue;
                }
            },
        };
        let out = out.get_or_insert_with(|| Vec::with_capacity(raw.len()));
        out.extend_from_slice(&raw[from..at]);
        out.extend(byte);
        (from, i) = (end, end);
    }
    match out {
        None => Cow::Borrowed(raw),
        Some(mut out) => {
            out.extend_from_slice(&raw[from..]);
            Cow::Owned(out)
        }
    }
}

/// The decoded runs of base64 lines in parts that mail-parser could parse as a message, in
/// order: parts typed `message/…` or not typed at all (a digest's default), in which `base64` (or
/// an encoded word) shows. Runs in parts of another type, images and documents, are skipped.
/// mail-parser's decoder skips white space and takes lines of any length, so a line counts when
/// it holds only what that decoder takes. Any line starting with `--` is taken for a part
/// delimiter and an unclear type for a message, so a misreading only ever decodes more. `word`
/// says the bytes are known to hold an encoded word.
fn base64_blocks(raw: &[u8], word: bool) -> Vec<Vec<u8>> {
    let mut mentions = Mentions { raw, searched: None };
    if !word && mentions.first_from(0).is_none() {
        return Vec::new();
    }
    let mut blocks = Vec::new();
    let mut run: Vec<u8> = Vec::new();
    let mut in_header = true;
    // Content types of the current part: some other than a message, some (maybe) a message;
    // and where the part began.
    let (mut other, mut message, mut part) = (false, false, 0);
    let mut lines = Lines {
        bytes: raw,
        at: 0,
        ended: false,
    };
    while let Some(line) = lines.next() {
        // Where the line ends: the mentions that start before it are in the part's lines so far
        // (a folded ` base64` that reads as base64 itself included).
        let line_end = (lines.at - 1).min(raw.len());
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if !in_header && b64_line(line) {
            run.extend_from_slice(line);
            run.push(b'\n');
            continue;
        }
        if !run.is_empty() {
            if (message || !other) && mentions.first_from(part).is_some_and(|at| at < line_end) {
                let (end, block) = MessageStream::new(&run).decode_base64_mime(b"");
                if end != usize::MAX {
                    blocks.push(block.into_owned());
                }
            }
            run.clear();
        }
        if line.starts_with(b"--") {
            (in_header, other, message, part) = (true, false, false, lines.at);
        } else if in_header && line.is_empty() {
            in_header = false;
            // Nothing in the body of a part that is not a message counts: its runs are
            // dropped, and its state lasts up to the next `--` line.
            if other && !message {
                lines.skip_part();
            }
        } else if let Some(is_other) = in_header.then(|| types_other(line)).flatten() {
            if is_other {
                other = true;
            } else {
                message = true;
            }
        }
    }
    blocks
}

/// For a Content-Type line, whether it types its part as something other than a message (an
/// empty or unclear value may be one).
fn types_other(line: &[u8]) -> Option<bool> {
    let value = line
        .get(..13)
        .filter(|name| name.eq_ignore_ascii_case(b"content-type:"))
        .map(|_| line[13..].trim_ascii())?;
    Some(!value.is_empty() && !contains_ignore_case(value, b"message"))
}

/// Where `base64` (in any letter case) or an encoded word's `=?` shows in some bytes: mail-parser
/// decodes encoded words in Content-Transfer-Encoding, so `=?…?=` may say base64. Neither holds a
/// line feed, so each lies within one line.
struct Mentions<'a> {
    raw: &'a [u8],
    /// Where the last search started, and the first mention it found.
    searched: Option<(usize, Option<usize>)>,
}

impl Mentions<'_> {
    /// The first mention that starts at `from` or after; `from` never goes back, so each byte is
    /// searched once.
    fn first_from(&mut self, from: usize) -> Option<usize> {
        static MENTION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i-u)base64|=\?").unwrap());
        match self.searched {
            Some((start, found)) if start <= from && found.is_none_or(|at| at >= from) => found,
            _ => {
                let found = MENTION.find_at(self.raw, from).map(|m| m.start());
                self.searched = Some((from, found));
                found
            }
        }
    }
}

/// Whether a line holds what mail-parser's base64 decoder takes: base64 letters, white space
/// and CR, and a `-` that is not part of a `--`.
fn b64_line(l: &[u8]) -> bool {
    l.iter().any(|&b| !matches!(b, b' ' | b'\t' | b'\r'))
        && l.iter().all(|&b| {
            b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b' ' | b'\t' | b'\r' | b'-')
        })
        && memchr::memmem::find(l, b"--").is_none()
}

/// The lines of `bytes` as `split(b'\n')` cuts them, then one empty line (which ends the last
/// run of [`base64_blocks`]).
struct Lines<'a> {
    bytes: &'a [u8],
    /// Where the next line starts; past the end once the last one is cut.
    at: usize,
    ended: bool,
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let Some(rest) = self.bytes.get(self.at..) else {
            return (!std::mem::replace(&mut self.ended, true)).then_some(&b""[..]);
        };
        let len = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        self.at += len + 1;
        Some(&rest[..len])
    }
}

impl Lines<'_> {
    /// Skip to the next line that starts with `--` (or to the closing empty line).
    fn skip_part(&mut self) {
        let Some(rest) = self.bytes.get(self.at..) else {
            return;
        };
        if !rest.starts_with(b"--") {
            self.at += memchr::memmem::find(rest, b"\n--").map_or(rest.len() + 1, |i| i + 1);
        }
    }
}

/// Whether `needle` (not empty) shows in `haystack` in any letter case; candidates are found by
/// their first byte.
fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    let first = needle[0];
    memchr::memchr2_iter(first.to_ascii_lowercase(), first.to_ascii_uppercase(), haystack).any(|at| {
        haystack
            .get(at..at + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    })
}

/// How many `message/rfc822` (and `message/global`) content types the bytes hold, in any letter
/// case, an upper bound on nesting depth; and whether they mention a `multipart/digest`. The
/// subtype is one token in mail-parser's grammar, but white space and comments may stand on
/// either side of the `/`, so each subtype found is checked back to its type across them. Where
/// `boundary` starts in any letter case is put in `boundaries` when given, in order.
fn message_types(raw: &[u8], mut boundaries: Option<&mut Vec<usize>>) -> (usize, bool) {
    #[derive(Clone, Copy)]
    enum Name {
        Message,
        Digest,
        Boundary,
    }
    // (type, name, where the name's anchor starts in it, what it is). A case-insensitive search
    // of the names would leave aho-corasick without its SIMD prefilter; every letter case of a
    // short anchor keeps it, and each hit is checked whole. The anchors' 25 variants keep it to
    // the slim Teddy (32 at most), which reads twice the bytes a step of the fat one. No anchor
    // starts with a byte another one ends with, so no hit hides another one.
    const NAMES: [(&[u8], &[u8], usize, Name); 4] = [
        (b"message", b"rfc822", 3, Name::Message),
        (b"message", b"global", 3, Name::Message),
        (b"multipart", b"digest", 0, Name::Digest),
        (b"", b"boundary", 4, Name::Boundary),
    ];
    static ANCHORS: LazyLock<(aho_corasick::AhoCorasick, Vec<usize>)> = LazyLock::new(|| {
        let mut anchors = Vec::new();
        let mut names = Vec::new();
        for (i, (_, name, at, _)) in NAMES.iter().enumerate() {
            let anchor = &name[*at..*at + 3];
            for mask in 0..1u32 << anchor.len() {
                let variant: Vec<u8> = anchor
                    .iter()
                    .enumerate()
                    .map(|(j, &b)| {
                        if mask >> j & 1 == 1 {
                            b.to_ascii_uppercase()
                        } else {
                            b
                        }
                    })
                    .collect();
                if !anchors.contains(&variant) {
                    anchors.push(variant);
                    names.push(i);
                }
            }
        }
        let finder = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(&anchors)
            .expect("literal anchors");
        (finder, names)
    });
    let (finder, names) = &*ANCHORS;
    let mut messages = 0;
    let mut digest = false;
    for hit in finder.find_iter(raw) {
        let (ctype, name, at, kind) = NAMES[names[hit.pattern().as_usize()]];
        let Some(start) = hit.start().checked_sub(at).filter(|&start| {
            raw.get(start..start + name.len())
                .is_some_and(|found| found.eq_ignore_ascii_case(name))
        }) else {
            continue;
        };
        match kind {
            Name::Boundary => boundaries.as_mut().map_or((), |b| b.push(start)),
            _ if !type_before(&raw[..start], ctype) => {}
            Name::Digest => digest = true,
            Name::Message => messages += 1,
        }
    }
    (messages, digest)
}

/// Whether `before` ends with `ctype` and a `/`, with what mail-parser's content-type grammar
/// skips around the `/`: white space, quotes, backslashes and (nested, escaped) comments. A
/// comment too long to follow back is taken for a match, so the count stays an upper bound.
fn type_before(before: &[u8], ctype: &[u8]) -> bool {
    match skip_back(before).map(|s| s.strip_suffix(b"/").map(skip_back)) {
        None | Some(Some(None)) => true,
        Some(None) => false,
        Some(Some(Some(s))) => {
            s.len() >= ctype.len() && s[s.len() - ctype.len()..].eq_ignore_ascii_case(ctype)
        }
    }
}

/// Longest comment [`type_before`] follows back.
const MAX_COMMENT: usize = 64 << 10;

/// `s` without what mail-parser skips at its end; None when a comment runs past [`MAX_COMMENT`].
fn skip_back(mut s: &[u8]) -> Option<&[u8]> {
    loop {
        while let Some((&last, rest)) = s.split_last()
            && (last.is_ascii_whitespace() || last == b'"' || last == b'\\')
        {
            s = rest;
        }
        let Some(rest) = s.strip_suffix(b")") else {
            return Some(s);
        };
        // Back to the `(` that opens it; a parenthesis after an odd run of backslashes is escaped.
        let mut depth = 1;
        let mut at = rest.len();
        while depth > 0 {
            if at == 0 {
                // Never opened: an ordinary character of the token.
                return Some(s);
            }
            if rest.len() - at > MAX_COMMENT {
                return None;
            }
            at -= 1;
            let c = rest[at];
            if c == b'(' || c == b')' {
                let escapes = rest[..at]
                    .iter()
                    .rev()
                    .take(MAX_COMMENT)
                    .take_while(|&&b| b == b'\\')
                    .count();
                if escapes % 2 == 0 {
                    depth += if c == b')' { 1 } else { -1 };
                }
            }
        }
        s = &rest[..at];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_parts_that_can_be_messages_are_decoded_for_the_bound() {
        // "From: a" in base64, in an image part, a message part, an untyped part.
        let part = |headers: &str| format!("--b\n{headers}\n\nRnJvbTogYQ==\n");
        let raw = [
            "Content-Type: multipart/mixed; boundary=b\n\n".to_owned(),
            part("Content-Type: image/png\nContent-Transfer-Encoding: base64"),
            part("Content-Type: Message/RFC822\nContent-Transfer-Encoding: base64"),
            part("Content-Transfer-Encoding: base64"),
            part("Content-Type:\n message/rfc822\nContent-Transfer-Encoding: base64"),
            "--b--\n".to_owned(),
        ]
        .concat();
        assert_eq!(base64_blocks(raw.as_bytes(), false).len(), 3);
    }

    #[test]
    fn message_types_in_any_case() {
        let raw = b"message/rfc822 MESSAGE/RFC822 MeSsAgE/gLoBaL message/rfc82 xmessage/rfc8222";
        assert_eq!(message_types(raw, None), (4, false));
        // White space and comments around the `/`, as mail-parser's grammar allows.
        let raw = b"message/ rfc822 message /rfc822 message/(x)rfc822 message(a(b))/\n (c) GLOBAL";
        assert_eq!(message_types(raw, None), (4, false));
        assert_eq!(
            message_types(b"https://example.com/global/ message/rfc822x/", None),
            (1, false)
        );
        assert_eq!(message_types(b"Content-Type: Multipart/Digest;", None), (0, true));
        assert_eq!(message_types(b"822 /global /digest", None), (0, false));
    }

    /// [`base64_blocks`] reading every line, the bodies of other parts too.
    fn blocks_line_by_line(raw: &[u8]) -> Vec<Vec<u8>> {
        let mut blocks = Vec::new();
        let mut run: Vec<u8> = Vec::new();
        let (mut in_header, mut other, mut message, mut base64) = (true, false, false, false);
        for line in raw.split(|&b| b == b'\n').chain(std::iter::once(&b""[..])) {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            base64 = base64
                || contains_ignore_case(line, b"base64")
                || memchr::memmem::find(line, b"=?").is_some();
            if !in_header && b64_line(line) {
                run.extend_from_slice(line);
                run.push(b'\n');
                continue;
            }
            if !run.is_empty() && (message || !other) && base64 {
                let (end, block) = MessageStream::new(&run).decode_base64_mime(b"");
                if end != usize::MAX {
                    blocks.push(block.into_owned());
                }
            }
            run.clear();
            if line.starts_with(b"--") {
                (in_header, other, message, base64) = (true, false, false, false);
            } else if in_header && line.is_empty() {
                in_header = false;
            } else {
                let typed = in_header.then(|| types_other(line)).flatten();
                other |= typed == Some(true);
                message |= typed == Some(false);
            }
        }
        blocks
    }

    proptest::proptest! {
        /// Skipping the bodies of parts that are not messages finds the blocks a reading of
        /// every line finds.
        #[test]
        fn base64_blocks_skip_only_what_counts_for_nothing(
            picks in proptest::collection::vec((0..18usize, proptest::bool::ANY), 0..40)
        ) {
            const LINES: &[&str] = &[
                "--b", "--b--", "", "Content-Type: image/png", "Content-Type: message/rfc822",
                "Content-Type:", "content-type: text/html", "Content-Transfer-Encoding: base64",
                "RnJvbTogYQ==", "RnJvbTog", "YQ==", "a b-c", "=?utf-8?b?QQ==?=", "-- x", "x BaSe64",
                "ba\u{17f}e64", "=", "?",
            ];
            let raw: String = picks
                .iter()
                .map(|&(i, crlf)| format!("{}{}", LINES[i], if crlf { "\r\n" } else { "\n" }))
                .collect();
            proptest::prop_assert_eq!(base64_blocks(raw.as_bytes(), false), blocks_line_by_line(raw.as_bytes()));
        }

        /// The pass that counts message types finds every `boundary` a folded copy shows.
        #[test]
        fn message_types_find_every_boundary(
            picks in proptest::collection::vec(0..12usize, 0..60)
        ) {
            const PIECES: &[&[u8]] = &[
                b"boundary", b"BoUnDaRy", b"boun", b"dary", b"dar", b"dig", b"digest", b"822",
                b"message/rfc822", b"bal", b"x", b"\xc4",
            ];
            let raw: Vec<u8> = picks.iter().flat_map(|&i| PIECES[i].iter().copied()).collect();
            let mut starts = Vec::new();
            let types = message_types(&raw, Some(&mut starts));
            proptest::prop_assert_eq!(types, message_types(&raw, None));
            proptest::prop_assert_eq!(starts, crate::mime::repair::tests::boundary_starts(&raw));
        }
    }

    /// The quoted-printable copy [`qp_lenient`] replaced: made whenever the bytes mention
    /// quoted-printable or an encoded word.
    fn qp_copied(raw: &[u8]) -> Option<Vec<u8>> {
        let regex = Regex::new(r"(?i)quoted-printable|=\?").unwrap();
        if !regex.is_match(raw) {
            return None;
        }
        let mut out = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            let run = memchr::memchr(b'=', &raw[i..]).unwrap_or(raw.len() - i);
            out.extend_from_slice(&raw[i..i + run]);
            i += run;
            if i == raw.len() {
                break;
            }
            let blank = raw[i + 1..]
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            let after = i + 1 + blank;
            match raw.get(after..) {
                Some([b'\n', ..]) => {
                    i = after + 1;
                    continue;
                }
                Some([b'\r', b'\n', ..]) => {
                    i = after + 2;
                    continue;
                }
                _ => {}
            }
            if let Some(byte) = hex_byte(raw, i + 1) {
                out.push(byte);
                i += 3;
                continue;
            }
            out.push(b'=');
            i += 1;
        }
        Some(out)
    }

    /// The [`embedded_bound`] it replaced: every level copies and reads its bytes anew, the
    /// blocks taken one by one until the messages pass [`MAX_EMBEDDED`].
    fn bound_level_by_level(raw: &[u8], (messages, digest): (usize, bool), levels: usize) -> Bound {
        let mut bound = Bound { messages, copied: 0 };
        if levels == 0 || (messages == 0 && !digest) {
            return bound;
        }
        let mut add = |block: &[u8]| {
            let inner = bound_level_by_level(block, message_types(block, None), levels - 1);
            let copies = block.len().saturating_mul(inner.messages.saturating_add(1));
            bound.messages = bound.messages.saturating_add(inner.messages);
            bound.copied = bound.copied.saturating_add(copies).saturating_add(inner.copied);
            bound.messages <= MAX_EMBEDDED
        };
        if let Some(quoted) = qp_copied(raw) {
            add(&quoted);
        }
        for block in blocks_line_by_line(raw) {
            if !add(&block) {
                break;
            }
        }
        bound
    }

    /// Pieces of messages for the bound's proptests: names of types and encodings, escapes,
    /// soft breaks, delimiters and base64 lines (some of them decoding to messages).
    fn bound_pieces() -> Vec<Vec<u8>> {
        let b64 = |s: &str| format!("{}\n", crate::compose::base64(s.as_bytes())).into_bytes();
        let mut pieces: Vec<Vec<u8>> = [
            "quoted-printable",
            "Quoted-Printable",
            "=?",
            "=3F",
            "?",
            "base64",
            "BASE64",
            "message/rfc822",
            "multipart/digest",
            "=3D",
            "=3d",
            "=",
            "3D",
            "=\n",
            "= \r\n",
            "=\t\n",
            " ",
            "\n",
            "\r\n",
            "\n\n",
            "--b\n",
            "--b--\n",
            "Content-Type: message/rfc822\n",
            "Content-Type: text/html\n",
            "Content-Type: multipart/digest; boundary=b\n",
            "Content-Transfer-Encoding: base64\n",
            "Content-Transfer-Encoding: quoted-printable\n",
            "message=2Frfc822",
            "=3D3F",
            "=3D\n",
            "RnJvbTogYQ==\n",
            "=?utf-8?b?QQ==?=",
            "6D",
            "=6",
            "=m",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
        pieces.push(b64("Content-Type: message/rfc822\n\nFrom: a\n"));
        pieces.push(b64(
            "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n",
        ));
        pieces.push(b64("Content-Type: multipart/digest\n\n=?x=3D\n"));
        pieces.push(b64(&format!(
            "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n{}",
            crate::compose::base64(b"Content-Type: message/rfc822\n\nx")
        )));
        pieces
    }

    proptest::proptest! {
        /// The bound reading each distinct copy once finds what copying and reading every level
        /// anew finds.
        #[test]
        fn bound_is_the_level_by_level_ones(
            picks in proptest::collection::vec(0..64usize, 0..60),
            levels in 0..5usize,
        ) {
            let pieces = bound_pieces();
            let raw: Vec<u8> = picks.iter().flat_map(|&i| pieces[i % pieces.len()].iter().copied()).collect();
            let types = message_types(&raw, None);
            proptest::prop_assert_eq!(
                embedded_bound(&raw, types, levels, false),
                bound_level_by_level(&raw, types, levels),
                "{:?}", String::from_utf8_lossy(&raw)
            );
        }

        /// The copy that borrows where nothing changes is the one made every time.
        #[test]
        fn qp_copy_is_the_full_ones(picks in proptest::collection::vec(0..64usize, 0..60)) {
            let pieces = bound_pieces();
            let raw: Vec<u8> = picks.iter().flat_map(|&i| pieces[i % pieces.len()].iter().copied()).collect();
            let copy = qp_copied(&raw);
            let lenient = (qp_mention(&raw) != Mention::Nothing).then(|| qp_lenient(&raw));
            proptest::prop_assert_eq!(copy.as_deref(), lenient.as_deref());
            // An encoded word's `=?` survives the copy.
            if let Some(copy) = copy && memchr::memmem::find(&raw, b"=?").is_some() {
                proptest::prop_assert!(memchr::memmem::find(&copy, b"=?").is_some());
            }
        }
    }

    /// `levels` message/rfc822 wrappers, each a base64 part of the one outside.
    fn base64_chain(levels: usize) -> Vec<u8> {
        let mut raw = b"Subject: x\n\nbody\n".to_vec();
        let mut chain = b"Content-Type: message/rfc822\n\n".repeat(levels);
        chain.append(&mut raw);
        let mut outer =
            b"From: a@example.com\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
                .to_vec();
        outer.extend_from_slice(crate::compose::base64(&chain).as_bytes());
        outer.push(b'\n');
        outer
    }

    #[test]
    fn deep_trees_are_an_error_even_past_the_bound_before_parsing() {
        // Unencoded: parsed without recursion, then counted and dropped without it.
        let mut deep = b"From: a@example.com\n".to_vec();
        deep.extend(b"Content-Type: message/rfc822\n\n".repeat(300_000));
        deep.extend_from_slice(b"Subject: x\n\nbody\n");
        assert!(matches!(
            parse_unbounded(&deep),
            Err(DecodeError::TooDeep(300_000))
        ));
        // In base64: too many copies to make, refused before parsing.
        assert!(matches!(
            parse_tree(&base64_chain(100_000)),
            Err(DecodeError::TooDeep(_))
        ));
        // A shallow one parses.
        assert_eq!(parse_unbounded(&base64_chain(3)).unwrap().unwrap().embedded(), 4);
    }
}
