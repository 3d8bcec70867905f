//! The one place that talks to `mail-parser` (pinned at 0.11.9 because 1.x needs a newer rustc):
//! the parsers' settings and the two entry points, [`glance`] (headers for the first look) and
//! [`decode`] (a whole message into a [`MessageView`]). The jobs around it live beside it:
//! - [`repair`]: bytes mended before parsing (CR-only line ends, boundaries in mid-line);
//! - [`nesting`]: the bound on `message/rfc822` nesting before parsing and the iterative teardown
//!   after it (0.11.9 recurses once per level when it copies and when it drops a tree);
//! - [`tree`]: the parsed tree turned into a view (text and HTML parts, attachments, attached
//!   messages), [`headers`]: the header fields it shows;
//! - [`charset`]: labels mail-parser does not know (`cp932`, `ISO-2022-JP-MS`, `iso-2022-jp-2`,
//!   unlabelled ISO-2022-JP, "ISO-2022-JP" that is really UTF-8), decoded with `encoding_rs`;
//! - [`rfc2047`]: encoded words in those charsets;
//! - [`html`]: HTML to text, one table cell per line (mail-parser's converter glues cells).
//!
//! Moving to mail-parser 1.x should only touch this folder.

mod base64;
mod charset;
mod headers;
mod hollow;
pub(crate) mod html;
mod nesting;
mod qp;
mod repair;
mod rfc2047;
mod tree;

use std::borrow::Cow;
use std::sync::LazyLock;

use mail_parser::{ContentType, HeaderName, Message, MessageParser, MimeHeaders};

pub use charset::decode_bytes;
pub use html::text_links;
pub use nesting::MAX_EMBEDDED;
pub use rfc2047::decode_header_bytes;
pub(crate) use tree::unflow;

use crate::skim::TopHeader;
use crate::view::MessageView;
use headers::{auth_field, mailbox, rfc3339, subject_of};
use hollow::hollowed;
use nesting::{parse_unbounded, repaired_bounded};
use repair::with_line_feeds;
use tree::{content_type_str, view_of};

/// Why a message could not be decoded; said in words by [`crate::error::ReadError`].
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

/// What the headers alone say, for the cheap first look over a mailbox.
#[derive(Clone, Debug, Default)]
pub struct Glance {
    /// From, Subject, Date and Message-ID; the body fields stay empty.
    pub view: MessageView,
    /// Top-level content type, lowercased `type/subtype`.
    pub content_type: String,
    /// The top header block as the first look's walk reads it, where this read it alike.
    pub(crate) top: Option<TopHeader>,
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
    let repaired = with_line_feeds(raw);
    // Offsets into bytes of our own would not be the message's.
    let mut top = matches!(repaired, Cow::Borrowed(_)).then(TopHeader::default);
    let raw = repaired.as_ref();
    check_bytes(raw)?;
    let mut shown = Vec::new();
    let mut auth = Vec::new();
    let mut mail = false;
    // Where the last field ended: a field that starts elsewhere followed a line skipped.
    let mut next = 0;
    for (name, field, value) in header_fields(raw) {
        if let Some(read) = &mut top {
            let start = field.as_ptr() as usize - raw.as_ptr() as usize;
            let plain = start == next && crate::skim::plain_name(name);
            next = start + field.len();
            let slot = if name.eq_ignore_ascii_case(b"content-type") {
                Some(&mut read.content_type)
            } else if name.eq_ignore_ascii_case(b"content-transfer-encoding") {
                Some(&mut read.encoding)
            } else {
                None
            };
            if !plain || slot.is_some_and(|slot| slot.replace(next - value.len()..next).is_some()) {
                top = None;
            }
        }
        // The list is compared with the names only until one is found.
        mail = mail || is_one_of(name, MAIL_FIELDS);
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
        view.date = msg.date().map(rfc3339);
        view.message_id = msg.message_id().map(str::to_owned);
    }
    // The block ends at an empty line right after its last field.
    let top = top.and_then(|read| {
        let rest = &raw[next..];
        let blank = [&b"\n"[..], b"\r\n"]
            .into_iter()
            .find(|line| rest.starts_with(line))?;
        Some(TopHeader {
            head_end: next,
            body_start: next + blank.len(),
            ..read
        })
    });
    Ok(Glance {
        view,
        content_type: content_type.map(content_type_str).unwrap_or_default(),
        top,
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

/// The top-level header fields as (name, whole field with its continuation lines, value after
/// the colon), split as mail-parser splits them: a field runs on over lines that start with
/// white space, its name ends at the first colon (the name returned is trimmed, and starts the
/// field), a line without a colon is skipped, and the block ends at a blank line.
fn header_fields(raw: &[u8]) -> impl Iterator<Item = (&[u8], &[u8], &[u8])> {
    // Each line end is searched for from the line's own start (no iterator of line ends to keep
    // in step), the name's and the first line's with a word or more tested at once.
    let mut start = 0;
    std::iter::from_fn(move || {
        loop {
            // The line trimmed at its start: one of white space only ends the block.
            let field_start = start
                + raw[start..]
                    .iter()
                    .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\x0c'))
                    .count();
            let line = &raw[field_start..];
            if matches!(line.first(), None | Some(b'\n')) {
                return None;
            }
            // A name is short: eight bytes a step to its colon, which must be on this line, where
            // a memchr call costs more.
            let stop = crate::text::find_any(line, [b':', b'\n'], false);
            let Some(colon) = stop.filter(|&at| line[at] == b':') else {
                start = stop.map_or(raw.len(), |at| field_start + at + 1);
                continue;
            };
            // A third of first lines end within eight bytes of the colon.
            let after = field_start + colon;
            start = crate::text::find_byte(b'\n', &raw[after..]).map_or(raw.len(), |i| after + i + 1);
            while matches!(raw.get(start), Some(b' ' | b'\t')) {
                start = memchr::memchr(b'\n', &raw[start..]).map_or(raw.len(), |i| start + i + 1);
            }
            let field = &raw[field_start..start];
            return Some((line[..colon].trim_ascii_end(), field, &field[colon + 1..]));
        }
    })
}

/// The parser for whole messages: the fields the view shows are parsed, the rest (Received,
/// DKIM-Signature, X-…) are skipped, keeping their offsets.
pub(super) static FULL: LazyLock<MessageParser> = LazyLock::new(|| {
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
    // The bound before parsing is taken on the whole message, which mail-parser's would be.
    let (raw, bound) = repaired_bounded(raw);
    let raw = raw.as_ref();
    check_bytes(raw)?;
    bound?;
    let hollowed = hollowed(raw);
    let parsed = hollowed.as_ref().and_then(|h| {
        parse_unbounded(&h.bytes)
            .ok()
            .flatten()
            .filter(|tree| h.holds(&tree.0))
            .map(|tree| (tree, h))
    });
    let (msg, hollow) = match parsed {
        Some((tree, h)) => (tree, Some(h)),
        None => (parse_unbounded(raw)?.ok_or(DecodeError::NotMail)?, None),
    };
    if !has_mail_header(&msg.0) {
        return Err(DecodeError::NotMail);
    }
    if is_truncated(raw, msg.0.content_type()) {
        return Err(DecodeError::Truncated);
    }
    Ok(view_of(&msg.0, 0, hollow))
}

/// Whether [`decode`] gets past its bound on the nesting and copies a message could make
/// (`TooDeep`, `TooLarge`): that bound reads a digest's bytes whole, epilogue included, so the
/// first look reads a digest only where it holds.
pub fn within_bound(raw: &[u8]) -> bool {
    repaired_bounded(raw).1.is_ok()
}

fn check_bytes(raw: &[u8]) -> Result<(), DecodeError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(DecodeError::Empty);
    }
    Ok(())
}

pub(super) fn has_mail_header(msg: &Message) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_fields_are_split_like_mail_parser_splits_them() {
        let raw = b"Received: from a\r\n\tby b\r\nSUBJECT : one\r\n two\r\nnot a field\r\nX-Big: y\r\n\r\nFrom: body@example.com\r\n";
        let fields: Vec<_> = header_fields(raw).map(|(name, field, _)| (name, field)).collect();
        assert_eq!(
            fields,
            [
                (&b"Received"[..], &b"Received: from a\r\n\tby b\r\n"[..]),
                (b"SUBJECT", b"SUBJECT : one\r\n two\r\n"),
                (b"X-Big", b"X-Big: y\r\n"),
            ]
        );
        // A last field without a line end, and one continued to the end of the data.
        let fields: Vec<_> = header_fields(b"To: x\nSubject: s")
            .map(|(name, field, _)| (name, field))
            .collect();
        assert_eq!(
            fields,
            [(&b"To"[..], &b"To: x\n"[..]), (b"Subject", b"Subject: s")]
        );
        let fields: Vec<_> = header_fields(b"To: x\n y").collect();
        assert_eq!(fields, [(&b"To"[..], &b"To: x\n y"[..], &b" x\n y"[..])]);
        // The value starts after the first colon.
        let values: Vec<_> = header_fields(b"A : b: c\n\tx: y\n")
            .map(|(_, _, value)| value)
            .collect();
        assert_eq!(values, [&b" b: c\n\tx: y\n"[..]]);
    }

    /// The splitter [`header_fields`] replaced: a memchr for every line end, in step with the
    /// lines read, and one for each colon.
    fn header_fields_by_line_ends(raw: &[u8]) -> impl Iterator<Item = (&[u8], &[u8], &[u8])> {
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
                while let Some(&next) = ends.peek()
                    && raw.get(start).is_some_and(|&b| b == b' ' || b == b'\t')
                {
                    start = next;
                    ends.next();
                }
                let field = &raw[field_start..start];
                return Some((line[..colon].trim_ascii_end(), field, &field[colon + 1..]));
            }
        })
    }

    proptest::proptest! {
        /// Header-like bytes: fields, continuation lines, lines without a colon, white space only
        /// lines and blank lines, names and values longer than a word.
        #[test]
        fn header_fields_split_as_by_line_ends(raw in proptest::collection::vec(
            proptest::prop_oneof![
                8 => proptest::sample::select(b"aB-x".to_vec()),
                3 => proptest::sample::select(b": \t".to_vec()),
                2 => proptest::sample::select(b"\r\n\x0c".to_vec()),
            ],
            0..160,
        )) {
            // Where each piece is in the bytes, not only what it holds.
            let at = |piece: &[u8]| (piece.as_ptr() as usize - raw.as_ptr() as usize, piece.len());
            let split = |fields: &mut dyn Iterator<Item = (&[u8], &[u8], &[u8])>| {
                fields.map(|(n, f, v)| (at(n), at(f), at(v))).collect::<Vec<_>>()
            };
            proptest::prop_assert_eq!(
                split(&mut header_fields(&raw)),
                split(&mut header_fields_by_line_ends(&raw))
            );
        }
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
