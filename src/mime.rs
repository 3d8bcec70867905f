//! The one module that talks to `mail-parser` (pinned at 0.11.9 because 1.x needs a newer rustc).
//! It turns raw bytes into a [`MessageView`] and works around the 0.11.9 gaps:
//! - charsets it does not know (`cp932`, `ISO-2022-JP-MS`, `iso-2022-jp-2`, ISO-2022-JP with no
//!   label, "ISO-2022-JP" that is really UTF-8) are decoded again with `encoding_rs`;
//! - encoded words in those charsets are decoded by our own RFC 2047 decoder;
//! - deep `message/rfc822` nesting overflows its stack: dropping a parsed tree recurses once per
//!   level (so trees are torn down iteratively, and attached messages read in place, never
//!   copied to owned trees), and the copy it makes of a message decoded from base64 or
//!   quoted-printable recurses and copies the decoded bytes once per level (so nesting and those
//!   copies are bounded before parsing, and the parsed tree is counted again);
//! - its HTML-to-text glues table cells, so HTML goes through [`crate::view::render_html`].
//!
//! Moving to mail-parser 1.x should only touch this file.

use std::borrow::Cow;
use std::sync::LazyLock;

use encoding_rs::Encoding;
use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::decoders::quoted_printable::quoted_printable_decode;
use mail_parser::parsers::MessageStream;
use mail_parser::{
    Address, ContentType, HeaderName, Message, MessageParser, MessagePart, MimeHeaders, PartType,
};
use regex::bytes::Regex;

use crate::view::{Attachment, AuthField, Mailbox, MessageView, render_html, text_links};

/// Most `message/rfc822` parts one message may hold. mail-parser recurses per nesting level both
/// when parsing and when dropping, so a chain of thousands overflows the stack; real forwards nest
/// a handful deep.
pub const MAX_EMBEDDED: usize = 64;

/// Deepest attached message turned into a view (the outer message is depth 0).
const MAX_VIEW_DEPTH: usize = 4;

/// Why a message could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Zero bytes, or only white space.
    Empty,
    /// No header field that a mail message has.
    NotMail,
    /// Cut short: the header block or the last MIME part never ends.
    Truncated,
    /// More embedded messages than [`MAX_EMBEDDED`].
    TooDeep(usize),
    /// Embedded messages in base64 or quoted-printable parts that mail-parser would copy into
    /// more bytes than a message of its size may take (it copies a decoded part once per message inside it).
    TooLarge(usize),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Empty => write!(f, "empty message"),
            DecodeError::NotMail => write!(f, "not a mail message (no mail header fields)"),
            DecodeError::Truncated => write!(f, "truncated message (header block or MIME part cut short)"),
            DecodeError::TooDeep(n) => write!(
                f,
                "nesting too deep ({n} embedded message/rfc822 parts, limit {MAX_EMBEDDED})"
            ),
            DecodeError::TooLarge(n) => write!(
                f,
                "nesting too large ({} MiB of encoded embedded messages to unpack)",
                n >> 20
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

/// What the headers alone say, for the cheap first look over a mailbox.
#[derive(Clone, Debug, Default)]
pub struct Glance {
    /// From, Subject, Date and Message-ID; the body fields stay empty.
    pub view: MessageView,
    /// Top-level content type, lowercased `type/subtype`.
    pub content_type: String,
}

/// Read only the header fields the first look needs. A light scan splits the header block
/// (fields nobody reads, Received, DKIM-Signature and the X- ones, cost a `memchr` a line),
/// Authentication-Results are taken as they are, and mail-parser decodes just the few fields
/// shown. Fails as [`decode`] would on empty, non-mail and cut-off input.
pub fn glance(raw: &[u8]) -> Result<Glance, DecodeError> {
    static PARSER: LazyLock<MessageParser> = LazyLock::new(|| {
        MessageParser::new()
            .header_text(HeaderName::Subject)
            .header_address(HeaderName::From)
            .header_date(HeaderName::Date)
            .header_id(HeaderName::MessageId)
            .header_content_type(HeaderName::ContentType)
            .default_header_ignore()
    });
    // Boundaries don't matter to the headers; line ends do.
    let raw = with_line_feeds(raw);
    let raw = raw.as_ref();
    check_bytes(raw)?;
    let mut shown = Vec::new();
    let mut auth = Vec::new();
    let mut mail = false;
    for (name, field) in header_fields(raw) {
        let value = &field[memchr::memchr(b':', field).map_or(0, |colon| colon + 1)..];
        mail |= is_one_of(name, MAIL_FIELDS);
        if is_one_of(name, SHOWN_FIELDS) {
            shown.extend_from_slice(field);
            if !field.ends_with(b"\n") {
                shown.push(b'\n');
            }
        } else if let Some(field) = auth_field(name, value) {
            auth.push(field);
        }
    }
    if !mail {
        return Err(DecodeError::NotMail);
    }
    shown.push(b'\n');
    // None when no shown field is present (mail with only, say, Received and To).
    let msg = PARSER.parse_headers(&shown);
    let content_type = msg.as_ref().and_then(Message::content_type);
    if is_truncated(raw, content_type) {
        return Err(DecodeError::Truncated);
    }
    let mut view = MessageView {
        auth,
        ..MessageView::default()
    };
    if let Some(msg) = &msg {
        view.from = mailbox(msg, HeaderName::From, msg.from());
        view.subject = subject_of(msg);
        view.date = msg.date().map(|d| d.to_rfc3339());
        view.message_id = msg.message_id().map(str::to_owned);
    }
    Ok(Glance {
        view,
        content_type: content_type.map(content_type_str).unwrap_or_default(),
    })
}

/// The header fields [`glance`] has mail-parser decode.
const SHOWN_FIELDS: &[&str] = &["subject", "from", "date", "message-id", "content-type"];

/// Header fields of which every mail message has at least one; bytes with none are not mail.
const MAIL_FIELDS: &[&str] = &[
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "received",
    "return-path",
    "sender",
    "mime-version",
    "content-type",
];

fn is_one_of(name: &[u8], names: &[&str]) -> bool {
    names.iter().any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
}

/// The top-level header fields as (name, whole field with its continuation lines), split as
/// mail-parser splits them: a field runs on over lines that start with white space, its name
/// ends at the first colon (the name returned is trimmed, and starts the field), a line without
/// a colon is skipped, and the block ends at a blank line.
fn header_fields(raw: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut ends = memchr::memchr_iter(b'\n', raw)
        .map(|i| i + 1)
        .chain(Some(raw.len()))
        .peekable();
    let mut start = 0;
    std::iter::from_fn(move || {
        loop {
            let end = ends.next()?;
            let line = raw[start..end].trim_ascii_start();
            let field_start = end - line.len();
            start = end;
            if line.is_empty() {
                return None;
            }
            let Some(colon) = memchr::memchr(b':', line) else {
                continue;
            };
            // Continuation lines; the last offset is the data's end, which ends the block anyway.
            while let Some(&next) = ends.peek()
                && raw.get(start).is_some_and(|&b| b == b' ' || b == b'\t')
            {
                start = next;
                ends.next();
            }
            return Some((line[..colon].trim_ascii_end(), &raw[field_start..start]));
        }
    })
}

/// The parser for whole messages: the fields the view shows are parsed, the rest (Received,
/// DKIM-Signature, X-…) are skipped, keeping their offsets.
static FULL: LazyLock<MessageParser> = LazyLock::new(|| {
    MessageParser::new()
        .with_mime_headers()
        .with_date_headers()
        .with_address_headers()
        .with_message_ids()
        .header_id(HeaderName::ReturnPath)
        .header_text(HeaderName::Subject)
        .default_header_ignore()
});

/// Decode a whole message into a view.
pub fn decode(raw: &[u8]) -> Result<MessageView, DecodeError> {
    let raw = repaired(raw);
    let raw = raw.as_ref();
    check_bytes(raw)?;
    let msg = parse_tree(raw)?.ok_or(DecodeError::NotMail)?;
    if !has_mail_header(&msg.0) {
        return Err(DecodeError::NotMail);
    }
    if is_truncated(raw, msg.0.content_type()) {
        return Err(DecodeError::Truncated);
    }
    Ok(view_of(&msg.0, 0))
}

/// A message parsed by mail-parser, dropped without recursion: its own `Drop` recurses once per
/// nested message, which overflows the stack on a deep chain.
struct Tree<'a>(Message<'a>);

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
fn parse_tree(raw: &[u8]) -> Result<Option<Tree<'_>>, DecodeError> {
    let bound = embedded_bound(raw, ENCODED_LEVELS);
    if bound.messages > MAX_EMBEDDED {
        return Err(DecodeError::TooDeep(bound.messages));
    }
    if bound.copied > copy_budget(raw.len()) {
        return Err(DecodeError::TooLarge(bound.copied));
    }
    parse_unbounded(raw)
}

/// [`parse_tree`] without the bound before parsing. mail-parser builds unencoded nesting without
/// recursion, and the tree is counted and dropped without it, so this survives any depth of
/// that; nesting inside a base64 or quoted-printable part is copied recursively, once per level
/// (stack and memory), which only the bound before parsing keeps small.
fn parse_unbounded(raw: &[u8]) -> Result<Option<Tree<'_>>, DecodeError> {
    let tree = FULL.parse(raw).map(Tree);
    match tree.as_ref().map_or(0, Tree::embedded) {
        n if n > MAX_EMBEDDED => Err(DecodeError::TooDeep(n)),
        _ => Ok(tree),
    }
}

/// Repairs made before mail-parser sees the bytes (borrowed when none is needed):
/// - old Mac mail with CR-only line ends would read as one endless header line;
/// - a boundary delimiter in the middle of a line ends the part there in mail-parser 0.11.9
///   (upstream #156), cutting order text: such a mid-line `--boundary` has its dashes replaced
///   by look-alike non-breaking hyphens, which a person reads the same.
fn repaired(raw: &[u8]) -> Cow<'_, [u8]> {
    let mut out = with_line_feeds(raw);
    for at in mid_line_boundaries(&out) {
        out.to_mut().splice(at..at + 2, "\u{2011}\u{2011}".bytes());
    }
    out
}

/// CR-only line ends turned into LF.
fn with_line_feeds(raw: &[u8]) -> Cow<'_, [u8]> {
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

/// Levels of transfer encoding mail-parser decodes embedded messages through.
const ENCODED_LEVELS: usize = 3;

/// An upper bound on the embedded messages mail-parser would build from these bytes: those in
/// the bytes, plus those inside base64 and quoted-printable bodies, which it decodes and parses
/// too (up to [`ENCODED_LEVELS`] deep). It only does so for a part that is a message: one typed
/// `message/rfc822` or `message/global`, or an untyped part of a `multipart/digest`. Bytes with
/// neither hold no encoded layer worth decoding (`.eml` attachments are bounded on their own
/// before [`attach`] parses them). A spelling this misses is still caught by [`parse_tree`].
fn embedded_bound(raw: &[u8], levels: usize) -> Bound {
    let (messages, digest) = message_types(raw);
    let mut bound = Bound { messages, copied: 0 };
    if levels == 0 || (messages == 0 && !digest) {
        return bound;
    }
    let mut add = |block: &[u8]| {
        let inner = embedded_bound(block, levels - 1);
        // The decoded part is copied once for itself and once per message inside it.
        let copies = block.len().saturating_mul(inner.messages.saturating_add(1));
        bound.messages = bound.messages.saturating_add(inner.messages);
        bound.copied = bound.copied.saturating_add(copies).saturating_add(inner.copied);
        bound.messages <= MAX_EMBEDDED
    };
    if let Some(quoted) = qp_lenient(raw) {
        add(&quoted);
    }
    for_each_base64_block(raw, |block| add(&block));
    bound
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

/// Quoted-printable decoding of everything that looks like it: `=XX` and soft line breaks (an
/// `=` ending a line, white space after it included); None when the bytes mention no
/// quoted-printable encoding (or an encoded word), the only case in which mail-parser decodes
/// them so.
fn qp_lenient(raw: &[u8]) -> Option<Vec<u8>> {
    // An encoded word in Content-Transfer-Encoding may say quoted-printable too.
    static QP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)quoted-printable|=\?").unwrap());
    if !QP.is_match(raw) {
        return None;
    }
    let hex = |b: Option<u8>| b.and_then(|b| (b as char).to_digit(16)).map(|d| d as u8);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'=' {
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
            if let (Some(h), Some(l)) = (hex(raw.get(i + 1).copied()), hex(raw.get(i + 2).copied())) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    Some(out)
}

/// Hand `each` the decoded runs of base64 lines in parts that mail-parser could parse as a
/// message, until it returns false: parts typed `message/…` or not typed at all (a digest's
/// default), in which `base64` (or an encoded word) shows. Runs in parts of another type, images and documents, are
/// skipped. mail-parser's decoder skips white space and takes lines of any length, so a line
/// counts when it holds only what that decoder takes. Any line starting with `--` is taken
/// for a part delimiter and an unclear type for a message, so a misreading only ever decodes more.
fn for_each_base64_block(raw: &[u8], mut each: impl FnMut(Vec<u8>) -> bool) {
    // What mail-parser's decoder takes: base64 letters, white space and CR, and a `-` that is
    // not part of a `--`.
    fn b64_line(l: &[u8]) -> bool {
        l.iter().any(|&b| !matches!(b, b' ' | b'\t' | b'\r'))
            && l.iter().all(|&b| {
                b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b' ' | b'\t' | b'\r' | b'-')
            })
            && memchr::memmem::find(l, b"--").is_none()
    }
    // mail-parser decodes encoded words in Content-Transfer-Encoding: `=?…?=` may say base64.
    static BASE64: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)base64|=\?").unwrap());
    if !BASE64.is_match(raw) {
        return;
    }
    let mut run: Vec<u8> = Vec::new();
    let mut in_header = true;
    // Content types of the current part: some other than a message, some (maybe) a message;
    // and whether `base64` shows since the part began.
    let (mut other, mut message, mut base64) = (false, false, false);
    for line in raw.split(|&b| b == b'\n').chain(std::iter::once(&b""[..])) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        // Every line counts, a folded ` base64` that reads as base64 itself included.
        if !base64 {
            base64 = contains_ignore_case(line, b"base64") || memchr::memmem::find(line, b"=?").is_some();
        }
        if !in_header && b64_line(line) {
            run.extend_from_slice(line);
            run.push(b'\n');
            continue;
        }
        if !run.is_empty() {
            if (message || !other) && base64 {
                let (end, block) = MessageStream::new(&run).decode_base64_mime(b"");
                if end != usize::MAX && !each(block.into_owned()) {
                    return;
                }
            }
            run.clear();
        }
        if line.starts_with(b"--") {
            (in_header, other, message, base64) = (true, false, false, false);
        } else if in_header && line.is_empty() {
            in_header = false;
        } else if in_header && line.len() >= 13 && line[..13].eq_ignore_ascii_case(b"content-type:") {
            let value = line[13..].trim_ascii();
            if !value.is_empty() && !contains_ignore_case(value, b"message") {
                other = true;
            } else {
                message = true;
            }
        }
    }
}

fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

fn check_bytes(raw: &[u8]) -> Result<(), DecodeError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(DecodeError::Empty);
    }
    Ok(())
}

/// How many `message/rfc822` (and `message/global`) content types the bytes hold, in any letter
/// case, an upper bound on nesting depth; and whether they mention a `multipart/digest`. The
/// subtype is one token in mail-parser's grammar, but white space and comments may stand on
/// either side of the `/`, so each subtype found is checked back to its type across them.
fn message_types(raw: &[u8]) -> (usize, bool) {
    // (type, subtype, where the subtype's anchor starts in it). A case-insensitive search of the
    // names would leave aho-corasick without its SIMD prefilter; every letter case of a short
    // anchor keeps it, and each hit is checked whole.
    const NAMES: [(&[u8], &[u8], usize); 3] = [
        (b"message", b"rfc822", 3),
        (b"message", b"global", 2),
        (b"multipart", b"digest", 2),
    ];
    static ANCHORS: LazyLock<(aho_corasick::AhoCorasick, Vec<usize>)> = LazyLock::new(|| {
        let mut anchors = Vec::new();
        let mut names = Vec::new();
        for (i, (_, name, at)) in NAMES.iter().enumerate() {
            let anchor = &name[*at..];
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
        let which = names[hit.pattern().as_usize()];
        let (ctype, subtype, at) = NAMES[which];
        let whole = hit
            .start()
            .checked_sub(at)
            .filter(|&start| {
                raw.get(start..start + subtype.len())
                    .is_some_and(|found| found.eq_ignore_ascii_case(subtype))
            })
            .is_some_and(|start| type_before(&raw[..start], ctype));
        match (whole, which) {
            (false, _) => {}
            (true, 2) => digest = true,
            (true, _) => messages += 1,
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

fn has_mail_header(msg: &Message) -> bool {
    msg.parts.first().is_some_and(|p| {
        p.headers
            .iter()
            .any(|h| is_one_of(h.name.as_str().as_bytes(), MAIL_FIELDS))
    })
}

/// A cut-off file: it does not end in a newline, and either the header block never ends or a
/// multipart body lacks its closing boundary.
fn is_truncated(raw: &[u8], content_type: Option<&ContentType>) -> bool {
    if raw.ends_with(b"\n") || raw.ends_with(b"\r") {
        return false;
    }
    let no_body =
        memchr::memmem::find(raw, b"\n\n").is_none() && memchr::memmem::find(raw, b"\r\n\r\n").is_none();
    let open_multipart = content_type
        .filter(|ct| ct.ctype().eq_ignore_ascii_case("multipart"))
        .and_then(|ct| ct.attribute("boundary"))
        .is_some_and(|b| {
            let close = format!("--{b}--");
            memchr::memmem::find(raw, close.as_bytes()).is_none()
        });
    no_body || open_multipart
}

fn view_of(msg: &Message, depth: usize) -> MessageView {
    let mut view = MessageView {
        from: mailbox(msg, HeaderName::From, msg.from()),
        reply_to: mailbox(msg, HeaderName::ReplyTo, msg.reply_to()),
        to: mailbox(msg, HeaderName::To, msg.to()),
        return_path: msg.return_address().map(str::to_owned),
        subject: subject_of(msg),
        date: msg.date().map(|d| d.to_rfc3339()),
        message_id: msg.message_id().map(str::to_owned),
        auth: auth_fields(msg),
        ..MessageView::default()
    };
    // mail-parser lists an HTML-only body under text_body too; HTML is rendered below instead.
    for &id in &msg.text_body {
        if let Some(part) = msg.parts.get(id as usize)
            && matches!(part.body, PartType::Text(_))
            && let Some(text) = part_text(msg, part)
        {
            push_text(&mut view.text, &text);
        }
    }
    for &id in &msg.html_body {
        if let Some(part) = msg.parts.get(id as usize)
            && matches!(part.body, PartType::Html(_))
            && let Some(html) = part_text(msg, part)
        {
            let (text, links) = render_html(&html);
            push_text(&mut view.html_text, &text);
            view.links.extend(links);
        }
    }
    view.links.extend(text_links(&view.text));
    for &id in &msg.attachments {
        let Some(part) = msg.parts.get(id as usize) else {
            continue;
        };
        attach(&mut view, msg, part, depth);
    }
    view
}

fn attach(view: &mut MessageView, msg: &Message, part: &MessagePart, depth: usize) {
    let name = part.attachment_name().unwrap_or_default().to_owned();
    let content_type = part.content_type().map(content_type_str).unwrap_or_default();
    let eml = name.to_ascii_lowercase().ends_with(".eml");
    // Attached messages are parsed from borrowed bytes and read in place: copying one to an
    // owned tree would recurse once per level.
    let text;
    let bytes = match &part.body {
        PartType::Message(inner) => {
            if depth < MAX_VIEW_DEPTH {
                view.attached.push(view_of(inner, depth + 1));
            }
            return;
        }
        PartType::Binary(bytes) | PartType::InlineBinary(bytes)
            if eml || content_type.starts_with("message/") =>
        {
            Some(bytes.as_ref())
        }
        PartType::Text(_) | PartType::Html(_) if eml => {
            text = part_text(msg, part);
            text.as_deref().map(str::as_bytes)
        }
        _ => None,
    };
    let nested = bytes
        .and_then(|bytes| parse_tree(bytes).ok().flatten())
        .filter(|tree| has_mail_header(&tree.0));
    match nested {
        Some(inner) if depth < MAX_VIEW_DEPTH => view.attached.push(view_of(&inner.0, depth + 1)),
        Some(_) => {}
        None if !matches!(part.body, PartType::Multipart(_)) => {
            view.attachments.push(Attachment { name, content_type })
        }
        None => {}
    }
}

fn push_text(out: &mut String, text: &str) {
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(text);
}

fn content_type_str(ct: &ContentType) -> String {
    match ct.subtype() {
        Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
        None => ct.ctype().to_ascii_lowercase(),
    }
}

/// The first mailbox of an address field. mail-parser decodes a display name in a charset it
/// does not know (`=?cp932?B?…?=`, raw 8-bit Shift_JIS) to mojibake, which reads as look-alike
/// letters: such a name is decoded again from the raw field, as the subject is.
fn mailbox(msg: &Message, name: HeaderName, addr: Option<&Address>) -> Option<Mailbox> {
    let first = addr?.first()?;
    let redecoded = raw_field(msg, name)
        .filter(|raw| undecodable_by_parser(raw))
        .and_then(|raw| name_and_address(&decode_header_bytes(raw)));
    Some(redecoded.unwrap_or_else(|| Mailbox {
        name: first.name().map(fix_encoded_words).unwrap_or_default(),
        address: first.address().unwrap_or_default().trim().to_owned(),
    }))
}

/// The raw value of the message's first `name` field.
fn raw_field<'a>(msg: &'a Message, name: HeaderName) -> Option<&'a [u8]> {
    msg.parts
        .first()
        .and_then(|p| p.headers.iter().find(|h| h.name == name))
        .and_then(|h| {
            msg.raw_message
                .get(h.offset_start as usize..h.offset_end as usize)
        })
}

/// A raw field mail-parser misreads: 8-bit bytes that are not UTF-8, raw ISO-2022-JP (whose
/// JIS bytes include `<` and `"`, so even the address is misread), or an encoded word in a
/// charset label only [`CHARSET_ALIASES`] knows.
fn undecodable_by_parser(raw: &[u8]) -> bool {
    if raw.contains(&0x1b) {
        return true;
    }
    if !raw.is_ascii() {
        return std::str::from_utf8(raw).is_err();
    }
    let lower = raw.to_ascii_lowercase();
    CHARSET_ALIASES.iter().any(|(label, _)| {
        let word = format!("=?{label}?");
        lower.windows(word.len()).any(|w| w == word.as_bytes())
    })
}

/// The first mailbox of a decoded `Name <address>` field, the name unquoted; None without an
/// address in angle brackets.
fn name_and_address(field: &str) -> Option<Mailbox> {
    let (name, rest) = field.split_once('<')?;
    let (address, _) = rest.split_once('>')?;
    let name = name.trim();
    let name = name
        .strip_prefix('"')
        .and_then(|n| n.strip_suffix('"'))
        .unwrap_or(name);
    Some(Mailbox {
        name: name.trim().to_owned(),
        address: address.trim().to_owned(),
    })
}

fn subject_of(msg: &Message) -> String {
    let parsed = msg.subject().unwrap_or_default();
    if (parsed.contains("=?") || parsed.contains('\u{FFFD}') || parsed.contains('\u{1b}'))
        && let Some(raw) = raw_field(msg, HeaderName::Subject)
    {
        return decode_header_bytes(raw);
    }
    parsed.to_owned()
}

/// Encoded words that mail-parser left undecoded (charsets it does not know) in a display name.
fn fix_encoded_words(s: &str) -> String {
    if s.contains("=?") || s.contains('\u{1b}') {
        decode_header_bytes(s.as_bytes())
    } else {
        s.to_owned()
    }
}

fn auth_fields(msg: &Message) -> Vec<AuthField> {
    let Some(root) = msg.parts.first() else {
        return Vec::new();
    };
    root.headers
        .iter()
        .filter_map(|h| {
            let value = msg
                .raw_message
                .get(h.offset_start as usize..h.offset_end as usize)?;
            auth_field(h.name.as_str().as_bytes(), value)
        })
        .collect()
}

/// An (ARC-)Authentication-Results field from its name and raw value; None for other fields.
fn auth_field(name: &[u8], value: &[u8]) -> Option<AuthField> {
    let arc = if name.eq_ignore_ascii_case(b"authentication-results") {
        false
    } else if name.eq_ignore_ascii_case(b"arc-authentication-results") {
        true
    } else {
        return None;
    };
    Some(AuthField {
        arc,
        value: unfold(&String::from_utf8_lossy(value)),
    })
}

fn unfold(s: &str) -> String {
    s.split(['\r', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text of a text part, decoded again with encoding_rs when mail-parser could not know the
/// charset.
fn part_text<'a>(msg: &'a Message, part: &'a MessagePart) -> Option<Cow<'a, str>> {
    let parsed = match &part.body {
        PartType::Text(t) | PartType::Html(t) => t,
        _ => return None,
    };
    let charset = part
        .content_type()
        .and_then(|ct| ct.attribute("charset"))
        .map(|c| c.trim().to_ascii_lowercase());
    let raw = msg
        .raw_message
        .get(part.offset_body as usize..part.offset_end as usize)?;
    let needs_redecode = match charset.as_deref() {
        // ISO-2022-JP sent with no label: its escapes may sit under a transfer encoding.
        None => memchr::memchr(0x1b, &transfer_decode(raw, part)).is_some(),
        Some(label) if label.starts_with("iso-2022-jp") => {
            charset_decoder(label.as_bytes()).is_none() || !raw.is_ascii()
        }
        Some(label) => charset_decoder(label.as_bytes()).is_none() && encoding_for(label).is_some(),
    };
    let text = if needs_redecode {
        let bytes = transfer_decode(raw, part);
        Cow::Owned(decode_bytes(&bytes, charset.as_deref()))
    } else {
        Cow::Borrowed(parsed.as_ref())
    };
    let text = match charset.as_deref().and_then(encoding_for) {
        Some(e) if e == encoding_rs::SHIFT_JIS || e == encoding_rs::EUC_JP => yen_before_digits(text),
        _ => text,
    };
    let ct = part.content_type();
    let flowed = ct.is_some_and(|ct| {
        ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("plain"))
            && ct
                .attribute("format")
                .is_some_and(|f| f.trim().eq_ignore_ascii_case("flowed"))
    });
    if !flowed {
        return Some(text);
    }
    let delsp = ct
        .and_then(|ct| ct.attribute("delsp"))
        .is_some_and(|d| d.trim().eq_ignore_ascii_case("yes"));
    Some(Cow::Owned(unflow(&text, delsp)))
}

/// RFC 3676 `format=flowed` text as the lines a reader sees: a line ending in a space is
/// continued by the next one of the same quote depth (without that space when `delsp=yes`), and
/// the space stuffed before a line that starts with a space, `From ` or `>` is removed. Mail
/// clients break long lines so (Thunderbird, Apple Mail), which would cut item rows and
/// sentences in two.
fn unflow(text: &str, delsp: bool) -> String {
    let mut out = String::with_capacity(text.len());
    // The depth of the paragraph being joined, if the last line was flowed.
    let mut open: Option<usize> = None;
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let depth = line.bytes().take_while(|&b| b == b'>').count();
        let content = &line[depth..];
        let content = content.strip_prefix(' ').unwrap_or(content);
        match open {
            Some(d) if d == depth => {}
            Some(_) => {
                out.push('\n');
                out.push_str(&quote_prefix(depth));
            }
            None => {
                if !out.is_empty() || line.is_empty() {
                    out.push('\n');
                }
                out.push_str(&quote_prefix(depth));
            }
        }
        let soft = content.ends_with(' ') && content != "-- ";
        let content = if soft && delsp {
            &content[..content.len() - 1]
        } else {
            content
        };
        out.push_str(content);
        open = soft.then_some(depth);
    }
    // Lines were joined with '\n' before each one but the first.
    out.strip_prefix('\n').map(str::to_owned).unwrap_or(out)
}

fn quote_prefix(depth: usize) -> String {
    if depth == 0 {
        String::new()
    } else {
        format!("{} ", ">".repeat(depth))
    }
}

/// In Shift_JIS and EUC-JP the byte 0x5C is the yen sign of JIS X 0201 (Japanese systems show
/// it as `¥`, and encoders write U+00A5 as that byte), while decoders give a backslash: before
/// an amount (`\21,300`, `\ 0`, full-width digits too) it is a price, so it is read as `¥`.
fn yen_before_digits(text: Cow<'_, str>) -> Cow<'_, str> {
    let price = |at: usize| {
        text[at + 1..]
            .trim_start_matches(' ')
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    };
    if !memchr::memchr_iter(b'\\', text.as_bytes()).any(price) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut last = 0;
    for at in memchr::memchr_iter(b'\\', text.as_bytes()).filter(|&at| price(at)) {
        out.push_str(&text[last..at]);
        out.push('¥');
        last = at + 1;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

fn transfer_decode<'a>(raw: &'a [u8], part: &MessagePart) -> Cow<'a, [u8]> {
    let decoded = match part.encoding {
        mail_parser::Encoding::Base64 => base64_decode(raw),
        mail_parser::Encoding::QuotedPrintable => quoted_printable_decode(raw),
        mail_parser::Encoding::None => None,
    };
    decoded.map_or(Cow::Borrowed(raw), Cow::Owned)
}

/// Labels that encoding_rs does not know by these names, mapped to the encoding that reads them:
/// Microsoft's and the 2022 extensions are supersets whose Japanese part the WHATWG decoders
/// cover (NEC row 13 included).
const CHARSET_ALIASES: &[(&str, &str)] = &[
    ("cp932", "shift_jis"),
    ("ms932", "shift_jis"),
    ("windows-31j", "shift_jis"),
    ("x-sjis", "shift_jis"),
    ("shift_jisx0213", "shift_jis"),
    ("shift_jis-2004", "shift_jis"),
    ("iso-2022-jp-ms", "iso-2022-jp"),
    ("iso-2022-jp-1", "iso-2022-jp"),
    ("iso-2022-jp-2", "iso-2022-jp"),
    ("iso-2022-jp-3", "iso-2022-jp"),
    ("iso-2022-jp-2004", "iso-2022-jp"),
    ("csiso2022jp2", "iso-2022-jp"),
    ("x-windows-iso2022jp", "iso-2022-jp"),
    ("euc-jisx0213", "euc-jp"),
    ("cseucjp", "euc-jp"),
];

fn encoding_for(label: &str) -> Option<&'static Encoding> {
    let label = label.trim().trim_matches('"').to_ascii_lowercase();
    let alias = CHARSET_ALIASES
        .iter()
        .find(|(from, _)| *from == label)
        .map(|(_, to)| *to);
    Encoding::for_label(alias.unwrap_or(&label).as_bytes())
}

/// Decode bytes whose label is unknown, missing or wrong: UTF-8 when they are valid UTF-8 with
/// 8-bit bytes (bodies labelled ISO-2022-JP that are really UTF-8), ISO-2022-JP when escape
/// sequences are present, else the label's encoding, else UTF-8 with replacement.
pub fn decode_bytes(bytes: &[u8], label: Option<&str>) -> String {
    if !bytes.is_ascii()
        && let Ok(s) = std::str::from_utf8(bytes)
    {
        return s.to_owned();
    }
    let encoding = if memchr::memchr(0x1b, bytes).is_some() && bytes.is_ascii() {
        encoding_rs::ISO_2022_JP
    } else {
        label.and_then(encoding_for).unwrap_or(encoding_rs::UTF_8)
    };
    if encoding == encoding_rs::ISO_2022_JP {
        let bytes = without_redundant_escapes(bytes);
        return encoding.decode_without_bom_handling(&bytes).0.into_owned();
    }
    encoding.decode_without_bom_handling(bytes).0.into_owned()
}

/// ISO-2022-JP with every escape sequence that is directly followed by another one left out.
/// Encoded words each end in ASCII (`ESC ( B`), so joining adjacent words puts that escape right
/// before the next word's `ESC $ B`; the WHATWG decoder reads such a useless escape as an error
/// (U+FFFD), a reader's mail client does not.
fn without_redundant_escapes(bytes: &[u8]) -> Cow<'_, [u8]> {
    let is_escape = |at: usize| {
        matches!(
            bytes.get(at..at + 3),
            Some([0x1b, b'(', b'B' | b'J' | b'I'] | [0x1b, b'$', b'@' | b'B'])
        )
    };
    let redundant = |at: usize| is_escape(at) && bytes.get(at + 3) == Some(&0x1b);
    if !memchr::memchr_iter(0x1b, bytes).any(redundant) {
        return Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if redundant(i) {
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Cow::Owned(out)
}

/// Decode a raw header value: raw ISO-2022-JP escapes or 8-bit bytes, then RFC 2047 encoded
/// words in any charset encoding_rs knows. Adjacent words of one charset are joined before
/// decoding because encoders split multi-byte sequences across them.
pub fn decode_header_bytes(raw: &[u8]) -> String {
    static WORD: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=").unwrap());
    let raw = match raw.iter().position(|&b| b == b':') {
        Some(colon)
            if raw[..colon]
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'-') =>
        {
            &raw[colon + 1..]
        }
        _ => raw,
    };
    let text = unfold(&decode_bytes(raw, Some(raw_header_charset(raw))));
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut last = 0;
    let mut pending: Option<(String, Vec<u8>)> = None;
    for cap in WORD.captures_iter(bytes) {
        let whole = cap.get(0).expect("match");
        let between = &bytes[last..whole.start()];
        let charset = String::from_utf8_lossy(&cap[1])
            .split('*')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let payload = if cap[2].eq_ignore_ascii_case(b"b") {
            base64_decode(&cap[3]).unwrap_or_default()
        } else {
            q_decode(&cap[3])
        };
        let joins = pending.as_ref().is_some_and(|(cs, _)| *cs == charset)
            && between.iter().all(u8::is_ascii_whitespace);
        if joins {
            if let Some((_, buf)) = pending.as_mut() {
                buf.extend_from_slice(&payload);
            }
        } else {
            flush_word(&mut out, pending.take());
            if !(last > 0 && between.iter().all(u8::is_ascii_whitespace)) {
                out.push_str(&String::from_utf8_lossy(between));
            }
            pending = Some((charset, payload));
        }
        last = whole.end();
    }
    flush_word(&mut out, pending);
    out.push_str(&String::from_utf8_lossy(&bytes[last..]));
    out.trim().to_owned()
}

/// The charset of raw 8-bit Japanese in a header (no encoded word to name it): EUC-JP when the
/// bytes read as EUC-JP and every 8-bit byte is one EUC-JP uses for kana and kanji (0xA1..=0xFE,
/// or 0x8E before half-width kana), which Shift_JIS text, with its lead bytes 0x81..=0x9F, rarely
/// is; Shift_JIS otherwise.
fn raw_header_charset(raw: &[u8]) -> &'static str {
    let euc_bytes = raw.iter().all(|&b| !(0x80..0xA1).contains(&b) || b == 0x8E);
    let high = raw.iter().any(|&b| b >= 0x80);
    if high
        && euc_bytes
        && encoding_rs::EUC_JP
            .decode_without_bom_handling_and_without_replacement(raw)
            .is_some()
    {
        "euc-jp"
    } else {
        "shift_jis"
    }
}

fn flush_word(out: &mut String, word: Option<(String, Vec<u8>)>) {
    if let Some((charset, bytes)) = word {
        out.push_str(&decode_bytes(&bytes, Some(&charset)));
    }
}

fn q_decode(s: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match (
            s[i],
            s.get(i + 1).copied().and_then(hex),
            s.get(i + 2).copied().and_then(hex),
        ) {
            (b'=', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
            (b'_', ..) => out.push(b' '),
            (b, ..) => out.push(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_fields_are_split_like_mail_parser_splits_them() {
        let raw = b"Received: from a\r\n\tby b\r\nSUBJECT : one\r\n two\r\nnot a field\r\nX-Big: y\r\n\r\nFrom: body@example.com\r\n";
        let fields: Vec<_> = header_fields(raw).collect();
        assert_eq!(
            fields,
            [
                (&b"Received"[..], &b"Received: from a\r\n\tby b\r\n"[..]),
                (b"SUBJECT", b"SUBJECT : one\r\n two\r\n"),
                (b"X-Big", b"X-Big: y\r\n"),
            ]
        );
        // A last field without a line end, and one continued to the end of the data.
        let fields: Vec<_> = header_fields(b"To: x\nSubject: s").collect();
        assert_eq!(
            fields,
            [(&b"To"[..], &b"To: x\n"[..]), (b"Subject", b"Subject: s")]
        );
        let fields: Vec<_> = header_fields(b"To: x\n y").collect();
        assert_eq!(fields, [(&b"To"[..], &b"To: x\n y"[..])]);
    }

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
        let mut blocks = 0;
        for_each_base64_block(raw.as_bytes(), |_| {
            blocks += 1;
            true
        });
        assert_eq!(blocks, 3);
    }

    #[test]
    fn message_types_in_any_case() {
        let raw = b"message/rfc822 MESSAGE/RFC822 MeSsAgE/gLoBaL message/rfc82 xmessage/rfc8222";
        assert_eq!(message_types(raw), (4, false));
        // White space and comments around the `/`, as mail-parser's grammar allows.
        let raw = b"message/ rfc822 message /rfc822 message/(x)rfc822 message(a(b))/\n (c) GLOBAL";
        assert_eq!(message_types(raw), (4, false));
        assert_eq!(
            message_types(b"https://example.com/global/ message/rfc822x/"),
            (1, false)
        );
        assert_eq!(message_types(b"Content-Type: Multipart/Digest;"), (0, true));
        assert_eq!(message_types(b"822 /global /digest"), (0, false));
    }

    #[test]
    fn glance_agrees_with_decode() {
        let raw = b"Received: x\nX-A: 1\nSubject: =?UTF-8?B?5rOo5paH?=\nFrom: \"A\" <a@example.com>\nAuthentication-Results: mx.example.com; spf=pass\nContent-Type: text/plain\n\nbody\n";
        let first = glance(raw).unwrap();
        let spaced = glance(b"Subject: s\nAuthentication-Results : mx.example.com; spf=pass\n\n").unwrap();
        assert_eq!(spaced.view.auth[0].value, "mx.example.com; spf=pass");
        let view = decode(raw).unwrap();
        assert_eq!(first.view.subject, view.subject);
        assert_eq!(first.view.from, view.from);
        assert_eq!(first.view.auth, view.auth);
        assert_eq!(first.content_type, "text/plain");
        assert_eq!(glance(b"Received: only\n\nbody\n").unwrap().view.subject, "");
        assert_eq!(
            glance(b"X-Not: mail\n\nbody\n").unwrap_err(),
            DecodeError::NotMail
        );
    }

    #[test]
    fn rfc2047_split_words_join() {
        // "Microsoft の注文" in ISO-2022-JP, split in the middle of the kanji run.
        let subject =
            b"Subject: =?ISO-2022-JP?B?TWljcm9zb2Z0IBskQiROGyhC?=\r\n =?iso-2022-jp-ms?B?GyRCQ21KOBsoQg==?=";
        let text = decode_header_bytes(subject);
        assert_eq!(text, "Microsoft の注文");
        // UTF-8 split inside one character across two words of the same charset.
        assert_eq!(
            decode_header_bytes(b"=?UTF-8?B?5rOo5g==?= =?UTF-8?B?loc=?="),
            "注文"
        );
    }

    #[test]
    fn rfc2047_iso2022jp_words_each_complete() {
        // Each word shifts in and back out, as RFC 1468 encoders write them; one label that
        // mail-parser does not know, so our decoder joins them.
        let words: Vec<String> = ["転", "送", ": Microsoft の注文"]
            .iter()
            .map(|w| {
                format!(
                    "=?iso-2022-jp-ms?B?{}?=",
                    crate::compose::base64(&encoding_rs::ISO_2022_JP.encode(w).0)
                )
            })
            .collect();
        let text = decode_header_bytes(words.join("\r\n ").as_bytes());
        assert_eq!(text, "転送: Microsoft の注文");
        let mut raw = encoding_rs::ISO_2022_JP.encode("山").0.into_owned();
        raw.extend_from_slice(&encoding_rs::ISO_2022_JP.encode("田").0);
        assert_eq!(decode_bytes(&raw, Some("iso-2022-jp")), "山田");
    }

    #[test]
    fn raw_8bit_headers_in_shift_jis_or_euc_jp() {
        for (encoding, subject) in [
            (
                encoding_rs::SHIFT_JIS,
                "Microsoft の注文 #1234567890 が処理されました",
            ),
            (
                encoding_rs::EUC_JP,
                "Microsoft の注文 #1234567890 が処理されました",
            ),
            (encoding_rs::SHIFT_JIS, "転送: ご購入ありがとうございます"),
            (encoding_rs::EUC_JP, "転送: ご購入ありがとうございます"),
        ] {
            let mut raw = b"Subject: ".to_vec();
            raw.extend_from_slice(&encoding.encode(subject).0);
            assert_eq!(decode_header_bytes(&raw), subject, "{}", encoding.name());
        }
    }

    #[test]
    fn rfc2047_q_and_cp932() {
        let s = decode_header_bytes(b"=?utf-8?Q?Your_order_=E2=84=96?= done");
        assert_eq!(s, "Your order № done");
        let sjis = encoding_rs::SHIFT_JIS.encode("注文").0;
        let b64 = crate::compose::base64(&sjis);
        let s = decode_header_bytes(format!("=?cp932?B?{b64}?=").as_bytes());
        assert_eq!(s, "注文");
    }

    /// A display name in a charset mail-parser does not know, as an encoded word or as raw 8-bit
    /// Shift_JIS, reads as the name, not as mojibake (which would look like look-alike letters).
    #[test]
    fn display_names_in_unknown_charsets_are_decoded() {
        let sjis = encoding_rs::SHIFT_JIS.encode("佐藤 花子").0;
        let word = format!("=?cp932?B?{}?=", crate::compose::base64(&sjis));
        let mut raw8 = b"From: \"".to_vec();
        raw8.extend_from_slice(&sjis);
        raw8.extend_from_slice(b"\" <hanako@gmail.com>\r\nSubject: x\r\n\r\nhi\r\n");
        let encoded = format!("From: {word} <hanako@gmail.com>\r\nSubject: x\r\n\r\nhi\r\n");
        let mut jis = b"From: ".to_vec();
        jis.extend_from_slice(&encoding_rs::ISO_2022_JP.encode("佐藤 花子").0);
        jis.extend_from_slice(b" <hanako@gmail.com>\r\nSubject: x\r\n\r\nhi\r\n");
        for raw in [raw8, encoded.into_bytes(), jis] {
            for from in [decode(&raw).unwrap().from, glance(&raw).unwrap().view.from] {
                let from = from.expect("from");
                assert_eq!(
                    (from.name.as_str(), from.address.as_str()),
                    ("佐藤 花子", "hanako@gmail.com")
                );
            }
        }
        // Names mail-parser reads well are left as it read them.
        let raw = b"From: \"Shop, Tokyo\" <a@example.jp>\r\n\r\nhi\r\n";
        assert_eq!(decode(raw).unwrap().from.unwrap().name, "Shop, Tokyo");
    }

    #[test]
    fn decode_bytes_guesses() {
        assert_eq!(decode_bytes("注文".as_bytes(), Some("iso-2022-jp")), "注文");
        let jis = encoding_rs::ISO_2022_JP.encode("注文①").0;
        assert_eq!(decode_bytes(&jis, None), "注文①");
        let sjis = encoding_rs::SHIFT_JIS.encode("注文").0;
        assert_eq!(decode_bytes(&sjis, Some("cp932")), "注文");
    }

    #[test]
    fn errors() {
        assert_eq!(decode(b"").unwrap_err(), DecodeError::Empty);
        assert_eq!(decode(b" \n\n").unwrap_err(), DecodeError::Empty);
        assert_eq!(
            decode(b"\x00\x01\x02garbage\xff\xfe").unwrap_err(),
            DecodeError::NotMail
        );
        let cut = b"From: a@b\nSubject: x\nContent-Type: multipart/mixed; boundary=zz\n\n--zz\nContent-Type: text/plain\n\nhal";
        assert_eq!(decode(cut).unwrap_err(), DecodeError::Truncated);
        let mut deep = Vec::new();
        for _ in 0..100 {
            deep.extend_from_slice(b"Content-Type: message/rfc822\n\n");
        }
        deep.extend_from_slice(b"Subject: x\n\nbody\n");
        assert!(matches!(decode(&deep).unwrap_err(), DecodeError::TooDeep(100)));
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

    #[test]
    fn unlabelled_iso2022jp_under_a_transfer_encoding() {
        let jis = encoding_rs::ISO_2022_JP.encode("合計: ¥0").0;
        let qp: String = jis.iter().map(|b| format!("={b:02X}")).collect();
        for (cte, body) in [("base64", crate::compose::base64(&jis)), ("quoted-printable", qp)] {
            let raw =
                format!("Subject: s\nContent-Type: text/plain\nContent-Transfer-Encoding: {cte}\n\n{body}\n");
            assert_eq!(decode(raw.as_bytes()).unwrap().text.trim(), "合計: ¥0", "{cte}");
        }
    }

    #[test]
    fn yen_sign_at_0x5c_in_shift_jis_and_euc_jp() {
        for (label, encoding) in [
            ("Shift_JIS", encoding_rs::SHIFT_JIS),
            ("cp932", encoding_rs::SHIFT_JIS),
            ("EUC-JP", encoding_rs::EUC_JP),
        ] {
            // What encoders write for "合計: ¥21,300" (U+00A5 as 0x5C); a path keeps its backslash.
            let body = encoding.encode("合計: \\21,300 価格: \\ ０ C:\\Users").0;
            let mut raw = format!(
                "Subject: s\nContent-Type: text/plain; charset={label}\nContent-Transfer-Encoding: 8bit\n\n"
            )
            .into_bytes();
            raw.extend_from_slice(&body);
            raw.push(b'\n');
            assert_eq!(
                decode(&raw).unwrap().text.trim(),
                "合計: ¥21,300 価格: ¥ ０ C:\\Users",
                "{label}"
            );
        }
        let utf8 = b"Subject: s\nContent-Type: text/plain; charset=utf-8\n\nC:\\2025\n";
        assert_eq!(decode(utf8).unwrap().text.trim(), "C:\\2025");
    }

    #[test]
    fn format_flowed_is_unwrapped() {
        let text = "Item description Quantity \nPrice\n From here\nOffice Home & \nBusiness 2024\n> quoted \n> line\n-- \nsig";
        assert_eq!(
            unflow(text, false),
            "Item description Quantity Price\nFrom here\nOffice Home & Business 2024\n> quoted line\n-- \nsig"
        );
        assert_eq!(unflow("a \nb", true), "ab");
        assert_eq!(unflow("\nx\n\ny", false), "\nx\n\ny");
        let raw = b"Subject: s\nContent-Type: text/plain; charset=utf-8; format=flowed; delsp=no\n\nOffice Home & \nBusiness 2024\n";
        assert_eq!(decode(raw).unwrap().text.trim(), "Office Home & Business 2024");
        let fixed = b"Subject: s\nContent-Type: text/plain; charset=utf-8\n\nOffice Home & \nBusiness 2024\n";
        assert_eq!(
            decode(fixed).unwrap().text.trim(),
            "Office Home & \nBusiness 2024"
        );
    }

    #[test]
    fn plain_message() {
        let v = decode(b"Return-Path: <bounce@example.com>\nFrom: Microsoft <microsoft-noreply@microsoft.com>\nSubject: hi\nAuthentication-Results: mx.google.com;\n spf=pass\n\nbody text\n").unwrap();
        assert_eq!(v.return_path.as_deref(), Some("bounce@example.com"));
        assert_eq!(v.from.unwrap().address, "microsoft-noreply@microsoft.com");
        assert_eq!(v.subject, "hi");
        assert_eq!(v.text.trim(), "body text");
        assert_eq!(v.auth[0].value, "mx.google.com; spf=pass");
    }
}
