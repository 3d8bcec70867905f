//! Parts taken out before parsing. mail-parser base64-decodes every part, at some 36
//! instructions a byte, and most of the bytes of a mail with an image or a PDF are that
//! attachment, of which the view keeps only the name and type; it decodes quoted-printable text
//! at some 44 a byte, and the view decodes that and base64 text again where the charset is one
//! mail-parser does not know (UTF-8 among them); and it reads a text part without a transfer
//! encoding byte by byte to its boundary and makes lossy UTF-8 of it, which the view decodes
//! again where it is labelled UTF-8. So the parser is handed a copy without the content lines
//! of such parts (base64 parts, text parts), and the tree it builds is checked to be the one it
//! would have built from the whole message (else the whole message is parsed); the view decodes
//! the text parts taken out from their content, as mail-parser would have ([`super::qp`],
//! [`super::base64`]), a quoted-printable one from the reading that checked it here.
//!
//! Why the check is enough. A content run taken out starts right after a header block's blank
//! line and ends at the line end before a line starting with `--` (or, for a message that is one
//! text part, at the end). A base64 run holds only base64 letters, `=` and white space; a text
//! run is read by mail-parser's decoder without failing (checked before for quoted-printable;
//! without a transfer encoding it takes any byte) and holds no `--` and boundary of the tree
//! (checked after). mail-parser reads forward, and goes back only to where
//! a scan that failed started. Where the parsed copy has a part of the run's kind whose empty
//! body sits exactly where a run was taken out, the parser reached that point by ending a header
//! block there, which needs no byte past it, so it got there in the whole message too, in the
//! same state. Its decoder then reads the run without acting on any byte of it (a base64 run has
//! no `-` and no stray byte; a text run no delimiter and no failing `=`) and meets the same
//! delimiter (or, without a boundary, the same end). Every other scan looks for `--` and a
//! boundary, which a base64 run, with no `-` and line ends on both sides, and a text run, with
//! no delimiter, can neither hold nor cut in two unless a boundary holds a line end (checked); a
//! scan that crossed the run without failing would have carried the parser past the run's
//! place, so no other part's content covers it. The parts of both trees are then the same, but
//! for the content of the runs' parts and offsets past a run, which the copy reads consistently
//! (`raw_message` is the copy); the view reads the content of a text run from the message
//! ([`Hollowed::taken`]) and no other, unless the part is an attached message (`.eml`,
//! `message/…`), in which case the whole message is parsed.
//!
//! The copy also lacks the message's own header fields that the parser skips and the view does
//! not read: Received, DKIM-Signature and the X- ones, which are most of a header block and
//! cost the parser a hash and a byte loop each. The parser skips such a field to the line end
//! that no space or tab follows, which is where the cut ends ([`super::header_fields`] splits
//! fields as it does), so it reads the fields after it as it would have; Received is kept
//! where no other field says the bytes are mail.

use std::ops::Range;

use mail_parser::{Encoding, Message, MessagePart, MimeHeaders, PartType};

use super::qp;
use super::tree::{content_type_str, is_attached_message};
use super::{MAIL_FIELDS, header_fields, is_one_of};

/// A message without the content lines of its base64 parts and its text parts,
/// and without its unread header fields.
pub(super) struct Hollowed<'a> {
    /// The whole message.
    raw: &'a [u8],
    /// The bytes handed to the parser.
    pub(super) bytes: Vec<u8>,
    /// Where, in `bytes`, runs were taken out, in order.
    at: Vec<usize>,
    /// The runs taken out of `raw`, in the same order.
    runs: Vec<Run>,
}

struct Run {
    start: usize,
    end: usize,
    kind: Kind,
    /// A quoted-printable run as mail-parser's decoder read it, when it was checked to read
    /// without failing: the view takes the text from this reading.
    read: Option<qp::Read>,
}

/// What a run was taken out of.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The base64 content of a part that is not text, which the view does not read.
    Binary,
    /// The base64 content of a text part, which the view decodes itself.
    Base64Text,
    /// The quoted-printable content of a text part, which the view decodes itself.
    QuotedText,
    /// The content of a text part without a transfer encoding, which the view reads itself.
    PlainText,
}

/// Content runs smaller than this are left in: the copy costs more than decoding them.
const MIN_RUN: usize = 1024;

/// Header lines read looking for a part's blank line.
const MAX_HEAD_LINES: usize = 32;

/// Whether a base64 content run may hold `b`: the alphabet, `=` and white space (so not `-`).
/// Compares, not a table, so that a block is checked with vector instructions; in ranges that
/// take few of them (`/` and the digits are one, so are tab and LF).
fn in_run(b: u8) -> bool {
    (b | 0x20).wrapping_sub(b'a') < 26
        || b.wrapping_sub(b'/') < 11
        || b.wrapping_sub(b'\t') < 2
        || matches!(b, b'+' | b'=' | b' ' | b'\r')
}

/// How many bytes at the start of `bytes` a run may hold. Blocks are checked whole, without a
/// branch a byte.
fn run_len(bytes: &[u8]) -> usize {
    let mut len = 0;
    for block in bytes.chunks_exact(64) {
        if !block.iter().fold(true, |ok, &b| ok & in_run(b)) {
            break;
        }
        len += 64;
    }
    len + bytes[len..]
        .iter()
        .position(|&b| !in_run(b))
        .unwrap_or(bytes.len() - len)
}

/// The copy, or None when no part is worth taking out.
pub(super) fn hollowed(raw: &[u8]) -> Option<Hollowed<'_>> {
    let mut runs = Vec::new();
    // A message that is one text part: its content runs to the end, and a line in it that
    // starts with `--` delimits nothing.
    if let Some((head, start)) = part_head(raw, 0, usize::MAX)
        && head.text
    {
        if !head.base64 {
            runs.extend(text_run(raw, start, None, &mut 0, head.quoted_printable));
        } else if start + run_len(&raw[start..]) == raw.len() && raw.len() >= start + MIN_RUN {
            runs.push(Run {
                start,
                end: raw.len(),
                kind: Kind::Base64Text,
                read: None,
            });
        }
    }
    // What searches for the end of a text run may scan in all, which keeps hostile input linear.
    let mut search_budget = 2 * raw.len();
    let delimiter = memchr::memmem::Finder::new(b"\n--");
    let mut from = if runs.is_empty() { 0 } else { raw.len() };
    while let Some(found) = delimiter.find(&raw[from..]) {
        let line = from + found + 1;
        let head = memchr::memchr(b'\n', &raw[line..]).map_or(raw.len(), |i| line + i + 1);
        let run = part_head(raw, head, MAX_HEAD_LINES).and_then(|(part, start)| {
            if part.base64 && (part.binary || part.text) {
                base64_run(
                    raw,
                    start,
                    if part.text { Kind::Base64Text } else { Kind::Binary },
                )
            } else if part.text && !part.base64 {
                text_run(
                    raw,
                    start,
                    Some(raw[line..head].trim_ascii_end()),
                    &mut search_budget,
                    part.quoted_printable,
                )
            } else {
                None
            }
        });
        from = match run {
            Some(run) => {
                let end = run.end;
                runs.push(run);
                end
            }
            // From the delimiter line's line end: the next line may be a delimiter too (a
            // closing one is often followed by the outer part's).
            None => head - 1,
        };
        if from >= raw.len() {
            break;
        }
    }
    let unread = unread_fields(raw);
    if runs.is_empty() && unread.is_empty() {
        return None;
    }
    let removed: usize = runs
        .iter()
        .map(|r| r.end - r.start)
        .chain(unread.iter().map(Range::len))
        .sum();
    let mut bytes = Vec::with_capacity(raw.len() - removed);
    let mut at = Vec::with_capacity(runs.len());
    let mut kept = 0;
    // The header block comes before every run.
    for field in unread {
        bytes.extend_from_slice(&raw[kept..field.start]);
        kept = field.end;
    }
    for run in &runs {
        bytes.extend_from_slice(&raw[kept..run.start]);
        at.push(bytes.len());
        kept = run.end;
    }
    bytes.extend_from_slice(&raw[kept..]);
    Some(Hollowed { raw, bytes, at, runs })
}

/// Where the message's own header fields are that the parser skips and the view does not read
/// (Received, DKIM-Signature, X-…), each from its name at a line start to its last line end.
/// Received is left where it is the only field of [`MAIL_FIELDS`], which makes the bytes mail.
fn unread_fields(raw: &[u8]) -> Vec<Range<usize>> {
    let mut unread = Vec::new();
    let mut received = Vec::new();
    let mut mail = false;
    for (name, field, _) in header_fields(raw) {
        let start = field.as_ptr() as usize - raw.as_ptr() as usize;
        let cut = (start == 0 || raw[start - 1] == b'\n') && field.ends_with(b"\n");
        if name.eq_ignore_ascii_case(b"received") {
            if cut {
                received.push(start..start + field.len());
            }
        } else if cut
            && (name.eq_ignore_ascii_case(b"dkim-signature")
                || name.get(..2).is_some_and(|x| x.eq_ignore_ascii_case(b"x-")))
        {
            unread.push(start..start + field.len());
        } else {
            mail |= is_one_of(name, MAIL_FIELDS);
        }
    }
    if mail {
        unread.extend(received);
        unread.sort_unstable_by_key(|r| r.start);
    }
    unread
}

/// What a header block says of its part.
#[derive(Default)]
struct Head {
    /// Typed, and not text, multipart or a message.
    binary: bool,
    /// Typed `text/…`.
    text: bool,
    base64: bool,
    quoted_printable: bool,
}

/// The header block starting at `head`, read up to `max_lines` lines, and where its content
/// starts (after the blank line).
fn part_head(raw: &[u8], head: usize, max_lines: usize) -> Option<(Head, usize)> {
    let mut part = Head::default();
    let mut line_start = head;
    // Whether the line is in a Content-… field, the fields that name an attachment.
    let mut naming = false;
    for _ in 0..max_lines {
        let line_end = line_start + memchr::memchr(b'\n', raw.get(line_start..)?)? + 1;
        let line = &raw[line_start..line_end];
        if line == b"\n" || line == b"\r\n" {
            return Some((part, line_end));
        }
        // A delimiter is the loop's to find: so a content run is read for one block only,
        // which keeps hostile input linear.
        if line.starts_with(b"--") {
            return None;
        }
        if !matches!(line[0], b' ' | b'\t') {
            naming = line.get(..8).is_some_and(|n| n.eq_ignore_ascii_case(b"content-"));
        }
        // The fields read below are Content-… ones (most of a top header is not).
        if !naming {
            line_start = line_end;
            continue;
        }
        // An attached message would be parsed from its content (the tree is checked for it
        // anyway; this spares parsing twice). Only the fields that can name it are looked at:
        // the dots of a top header's Received and DKIM fields cost more than the rest of it.
        let eml = memchr::memchr_iter(b'.', line).any(|at| {
            line.get(at + 1..at + 4)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"eml"))
        });
        if eml {
            return None;
        }
        if let Some(value) = field_value(line, b"content-type:") {
            let kind = value.trim_ascii_start();
            let kind = &kind[..memchr::memchr(b'/', kind).unwrap_or(0)];
            part.text = kind.eq_ignore_ascii_case(b"text");
            part.binary = !kind.is_empty()
                && !["text", "multipart", "message"]
                    .iter()
                    .any(|t| kind.eq_ignore_ascii_case(t.as_bytes()));
        } else if let Some(value) = field_value(line, b"content-transfer-encoding:") {
            part.base64 = value.trim_ascii().eq_ignore_ascii_case(b"base64");
            part.quoted_printable = value.trim_ascii().eq_ignore_ascii_case(b"quoted-printable");
        }
        line_start = line_end;
    }
    None
}

/// The base64 content run starting at `start`: [`MIN_RUN`] bytes or more that end with a line
/// end before a line starting with `--`.
fn base64_run(raw: &[u8], start: usize, kind: Kind) -> Option<Run> {
    let stop = start + run_len(&raw[start..]);
    if stop == raw.len() || !raw[stop..].starts_with(b"--") || raw[stop - 1] != b'\n' {
        return None;
    }
    let end = if raw[stop - 2] == b'\r' {
        stop - 2
    } else {
        stop - 1
    };
    (end >= start + MIN_RUN).then_some(Run {
        start,
        end,
        kind,
        read: None,
    })
}

/// The content of a text part starting at `start`, up to the line end before the next line that
/// starts with `delimiter` (the line that opened the part), or to the end without one;
/// [`MIN_RUN`] bytes or more. Quoted-printable content (`quoted`) is one that mail-parser's
/// decoder reads without failing, with that reading. The search scans at most `budget` bytes,
/// which it takes from it.
fn text_run(
    raw: &[u8],
    start: usize,
    delimiter: Option<&[u8]>,
    budget: &mut usize,
    quoted: bool,
) -> Option<Run> {
    let end = match delimiter {
        None => raw.len(),
        Some(delimiter) => {
            let needle = [b"\n", delimiter].concat();
            // From the blank line's line end: content that starts with the delimiter is empty.
            let from = start - 1;
            let window = &raw[from..raw.len().min(from.saturating_add(*budget))];
            let found = memchr::memmem::find(window, &needle);
            *budget -= found.unwrap_or(window.len());
            let line_end = from + found?;
            if line_end > start && raw[line_end - 1] == b'\r' {
                line_end - 1
            } else {
                line_end
            }
        }
    };
    if end < start + MIN_RUN {
        return None;
    }
    if !quoted {
        return Some(Run {
            start,
            end,
            kind: Kind::PlainText,
            read: None,
        });
    }
    let read = qp::read(&raw[start..end])?;
    Some(Run {
        start,
        end,
        kind: Kind::QuotedText,
        read: Some(read),
    })
}

/// The value of a header line that starts with `name` (given with its colon), in any case.
fn field_value<'a>(line: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    line.get(..name.len())
        .filter(|start| start.eq_ignore_ascii_case(name))
        .map(|_| &line[name.len()..])
}

impl<'a> Hollowed<'a> {
    /// Whether the tree parsed from the copy is the whole message's (see the module's notes):
    /// each run's place is the empty body of a part of its kind that is no attached message
    /// (a base64 binary part, a text part of the run's transfer encoding), no boundary holds a
    /// line end, and no text run holds a delimiter.
    pub(super) fn holds(&self, msg: &Message) -> bool {
        let mut found = vec![false; self.at.len()];
        let mut boundaries = Vec::new();
        // Messages parsed in place share the copy's offsets; those decoded from base64 or
        // quoted-printable have bytes of their own, and no run inside.
        let mut stack = vec![msg];
        while let Some(msg) = stack.pop() {
            for part in &msg.parts {
                if let Some(boundary) = part.content_type().and_then(|ct| ct.attribute("boundary")) {
                    if boundary.contains(['\n', '\r']) {
                        return false;
                    }
                    boundaries.push(boundary);
                }
                let kind = match (&part.body, part.encoding) {
                    (PartType::Message(inner), Encoding::None) => {
                        stack.push(inner);
                        continue;
                    }
                    (PartType::Binary(_) | PartType::InlineBinary(_), Encoding::Base64) => Kind::Binary,
                    (PartType::Text(_) | PartType::Html(_), Encoding::Base64) => Kind::Base64Text,
                    (PartType::Text(_) | PartType::Html(_), Encoding::QuotedPrintable) => Kind::QuotedText,
                    (PartType::Text(_) | PartType::Html(_), Encoding::None) => Kind::PlainText,
                    _ => continue,
                };
                if part.offset_body != part.offset_end {
                    continue;
                }
                let Ok(run) = self.at.binary_search(&(part.offset_body as usize)) else {
                    continue;
                };
                // A part mail-parser could not type (`Content-Type: ;image/png`) is a
                // message in a digest: whole, it might have parsed as one.
                let Some(content_type) = part.content_type().filter(|_| !part.is_encoding_problem) else {
                    return false;
                };
                let name = part.attachment_name().unwrap_or_default();
                if found[run]
                    || self.runs[run].kind != kind
                    || is_attached_message(name, &content_type_str(content_type))
                {
                    return false;
                }
                found[run] = true;
            }
        }
        // The text decoders stop at `--` and the boundary wherever they show. Each
        // distinct boundary is searched in every such run: past a few times the message's bytes (a
        // hostile mail of many parts), the whole message is parsed instead.
        boundaries.sort_unstable();
        boundaries.dedup();
        let text_bytes: usize = self
            .runs
            .iter()
            .filter(|r| r.is_text())
            .map(|r| r.end - r.start)
            .sum();
        if boundaries.len().saturating_mul(text_bytes) > 4 * self.raw.len() {
            return false;
        }
        let delimiters: Vec<Vec<u8>> = boundaries
            .iter()
            .map(|b| [b"--", b.as_bytes()].concat())
            .collect();
        found.iter().all(|&f| f)
            && self.runs.iter().filter(|r| r.is_text()).all(|r| {
                let content = &self.raw[r.start..r.end];
                delimiters
                    .iter()
                    .all(|d| memchr::memmem::find(content, d).is_none())
            })
    }

    /// The content a text run took out of `part`, a part of a message read in place from the
    /// copy; None for other parts.
    pub(super) fn taken(&self, msg: &Message, part: &MessagePart) -> Option<Taken<'a, '_>> {
        let kind = match part.encoding {
            Encoding::Base64 => Kind::Base64Text,
            Encoding::QuotedPrintable => Kind::QuotedText,
            Encoding::None => Kind::PlainText,
        };
        if !std::ptr::eq(msg.raw_message.as_ref(), self.bytes.as_slice())
            || part.offset_body != part.offset_end
        {
            return None;
        }
        let run = &self.runs[self.at.binary_search(&(part.offset_body as usize)).ok()?];
        if run.kind != kind {
            return None;
        }
        let line_end = (run.end < self.raw.len()).then(|| {
            let len = if self.raw[run.end] == b'\r' { 2 } else { 1 };
            &self.raw[run.end..run.end + len]
        });
        Some(Taken {
            content: &self.raw[run.start..run.end],
            line_end,
            read: run.read.as_ref(),
        })
    }
}

impl Run {
    /// Whether it was taken out of a text part read to its delimiter, not of base64 content.
    fn is_text(&self) -> bool {
        matches!(self.kind, Kind::QuotedText | Kind::PlainText)
    }
}

/// What [`Hollowed::taken`] gives.
pub(super) struct Taken<'a, 'h> {
    pub(super) content: &'a [u8],
    /// The line end after the content, None where it runs to the end.
    pub(super) line_end: Option<&'a [u8]>,
    /// Quoted-printable content as mail-parser's decoder read it.
    pub(super) read: Option<&'h qp::Read>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mime::nesting::parse_unbounded;
    use crate::mime::nesting::repaired_bounded;
    use crate::mime::tree::view_of;

    /// The view of the whole message, parsed as it is.
    fn full_view(raw: &[u8]) -> String {
        let tree = parse_unbounded(raw).ok().flatten();
        format!("{:?}", tree.map(|t| view_of(&t.0, 0, None)))
    }

    /// The view of the hollowed copy, when it holds.
    fn hollow_view(raw: &[u8]) -> Option<String> {
        let hollowed = hollowed(raw)?;
        let tree = parse_unbounded(&hollowed.bytes).ok().flatten()?;
        hollowed
            .holds(&tree.0)
            .then(|| format!("{:?}", Some(view_of(&tree.0, 0, Some(&hollowed)))))
    }

    /// Base64 lines of `len` bytes, 76 letters a line.
    fn base64_lines(len: usize, eol: &str) -> String {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        let text = crate::compose::base64(&bytes);
        text.as_bytes()
            .chunks(76)
            .map(|l| format!("{}{eol}", std::str::from_utf8(l).unwrap()))
            .collect()
    }

    /// Quoted-printable lines of some `len` bytes: escapes, soft line breaks, white space at
    /// line ends, escapes that are not.
    fn qp_lines(len: usize, eol: &str) -> String {
        const PIECES: &[&str] = &[
            "Order total: =C2=A5 0 ",
            "<td class=3D\"x\">",
            "soft=",
            "trail  ",
            "odd =ZZ = x",
            "tab\t",
            "Caf=E9 =\r",
            "= space",
            "=4",
            "--",
        ];
        let mut text = String::new();
        let mut i = 0;
        while text.len() < len {
            text.push_str(PIECES[i % PIECES.len()]);
            text.push_str(PIECES[i * 7 % PIECES.len()]);
            text.push_str(eol);
            i += 1;
        }
        text
    }

    /// A part of kind `kind`, its content changed as `twist` says.
    fn part(kind: usize, twist: usize, eol: &str) -> String {
        let mut data = base64_lines(1200, eol);
        match twist {
            1 => data.insert(300, '!'),
            2 => data.insert_str(400, "--"),
            3 => data.insert(500, '-'),
            4 => data.insert_str(200, &format!("{eol}{eol}")),
            5 => data.insert_str(100, &format!("--b1{eol}")),
            _ => {}
        }
        let head = match twist {
            6 => format!(" {eol}"),
            7 => format!("X-Odd{eol}"),
            8 => "\r \n".to_owned(),
            _ => String::new(),
        };
        let text = |ct: &str, cte: &str| {
            let mut text = qp_lines(1300, eol);
            match twist {
                1 => text.insert_str(300, "=="),
                2 => text.insert_str(400, "--"),
                3 => text.insert(text.len() - eol.len(), '='),
                4 => text.insert_str(200, &format!("{eol}{eol}")),
                5 => text.insert_str(100, &format!("{eol}--b1{eol}")),
                9 => text.insert_str(600, "x--b1x"),
                10 => text.insert_str(text.len() - eol.len(), "=4"),
                11 => text.insert(700, '\r'),
                _ => {}
            }
            format!("Content-Type: {ct}{eol}{head}Content-Transfer-Encoding: {cte}{eol}{eol}{text}")
        };
        let quoted = |ct: &str| text(ct, "quoted-printable");
        let base64 = |ct: &str| {
            format!("Content-Type: {ct}{eol}{head}Content-Transfer-Encoding: base64{eol}{eol}{data}")
        };
        match kind {
            0 => format!("Content-Type: text/plain{eol}{eol}hello{eol}-- {eol}sig{eol}"),
            1 => format!(
                "Content-Type: text/html; charset=utf-8{eol}Content-Transfer-Encoding: quoted-printable{eol}{eol}<p>x=3Dy</p>{eol}"
            ),
            2 => base64("image/png; name=a.png"),
            3 => base64("application/pdf; name=\"=?utf-8?Q?order.eml?=\""),
            4 => base64("application/octet-stream; name*=utf-8''x%2Eeml"),
            5 => base64("message/rfc822"),
            6 => format!(
                "Content-Type: multipart/alternative; boundary=b1x{eol}{eol}--b1x{eol}{}--b1x--{eol}",
                base64("image/gif")
            ),
            7 => format!(
                "Content-Type: message/rfc822{eol}{eol}From: c@example.com{eol}Content-Type: multipart/mixed; boundary=in{eol}{eol}--in{eol}{}--in--{eol}",
                base64("video/mp4")
            ),
            8 => format!(
                "Content-Type: text/plain{eol}{eol}--b9{eol}{}--b9--{eol}",
                base64("image/jpeg")
            ),
            9 => base64("text/plain"),
            10 => quoted("text/html; charset=utf-8"),
            11 => quoted("text/plain; charset=windows-1252"),
            12 => quoted("text/html"),
            13 => base64("text/html; charset=utf-8"),
            14 => base64("text/plain; charset=windows-1252"),
            15 => text("text/html; charset=utf-8", "8bit"),
            16 => text("text/plain", "7bit"),
            _ => text("text/plain; charset=windows-1252", "binary"),
        }
    }

    /// Header fields the parser skips, some of them unread ones cut out of the copy.
    fn unread(pick: usize, eol: &str) -> String {
        match pick {
            0 => String::new(),
            1 => format!("Received: from a{eol}\tby b{eol}X-Spam: yes{eol}"),
            2 => format!("DKIM-Signature: v=1;{eol} b=abc{eol}x-ms-exchange: 1{eol} \t more{eol}"),
            _ => format!("Received: from c{eol} X-Lead: continued{eol}X-Odd{eol}: colon{eol} X-Late: 2{eol}"),
        }
    }

    fn message(parts: &[(usize, usize)], eol: &str, mid_line: bool) -> Vec<u8> {
        message_with(parts, eol, mid_line, "")
    }

    fn message_with(parts: &[(usize, usize)], eol: &str, mid_line: bool, fields: &str) -> Vec<u8> {
        let mut raw = format!(
            "From: a@example.com{eol}{fields}Subject: s{eol}Content-Type: multipart/mixed; boundary=\"b1\"{eol}{eol}preamble{eol}"
        );
        for &(kind, twist) in parts {
            raw.push_str(if mid_line { "x--b1" } else { "--b1" });
            raw.push_str(eol);
            raw.push_str(&part(kind, twist, eol));
        }
        raw.push_str(&format!("--b1--{eol}"));
        raw.into_bytes()
    }

    proptest::proptest! {
        /// Wherever the copy is taken, it gives the view the whole message gives.
        #[test]
        fn a_hollowed_view_is_the_whole_messages(
            parts in proptest::collection::vec((0..18usize, 0..12usize), 1..5),
            crlf: bool,
            mid_line: bool,
            fields in 0..4usize,
        ) {
            let eol = if crlf { "\r\n" } else { "\n" };
            let raw = message_with(&parts, eol, mid_line, &unread(fields, eol));
            let (raw, _) = repaired_bounded(&raw);
            if let Some(view) = hollow_view(&raw) {
                proptest::prop_assert_eq!(view, full_view(&raw));
            }
        }

        /// So too for a message that is one text part.
        #[test]
        fn a_hollowed_text_message_is_the_whole_one(
            kind in 9..18usize,
            twist in 0..12usize,
            crlf: bool,
            fields in 0..4usize,
        ) {
            let eol = if crlf { "\r\n" } else { "\n" };
            let fields = unread(fields, eol);
            let raw = format!("From: a@example.com{eol}{fields}Subject: s{eol}{}", part(kind, twist, eol));
            if let Some(view) = hollow_view(raw.as_bytes()) {
                proptest::prop_assert_eq!(view, full_view(raw.as_bytes()));
            }
        }
    }

    proptest::proptest! {
        /// The blocks end the run where the first byte a run may not hold is.
        #[test]
        fn run_len_is_the_first_other_byte(
            len in 0..200usize,
            at in 0..200usize,
            stray in proptest::sample::select(vec![b'-', b'!', 0u8, 0x80, b'@', b'[', b'`', b'{', b'.', b'\x0b']),
        ) {
            const RUN: &[u8] = b"Az09+/= \t\r\nqZ";
            let mut bytes: Vec<u8> = (0..len).map(|i| RUN[i % RUN.len()]).collect();
            if at < len {
                bytes[at] = stray;
            }
            let slow = bytes.iter().position(|&b| !in_run(b)).unwrap_or(bytes.len());
            proptest::prop_assert_eq!(run_len(&bytes), slow);
        }
    }

    /// Every byte against the alphabet as written.
    #[test]
    fn in_run_is_the_alphabet() {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \t\r\n";
        for b in 0..=255u8 {
            assert_eq!(in_run(b), alphabet.contains(&b), "{b}");
        }
    }

    /// A digest's part whose type mail-parser can't read is a message to it: not taken out.
    #[test]
    fn untyped_digest_parts_are_messages() {
        let inner = format!(
            "From: Microsoft <billing@example.com>\nSubject: Your order\n\n{}\n",
            "x".repeat(1500)
        );
        let lines: String = crate::compose::base64(inner.as_bytes())
            .as_bytes()
            .chunks(76)
            .map(|l| format!("{}\n", std::str::from_utf8(l).unwrap()))
            .collect();
        let raw = format!(
            "From: a@example.com\nSubject: s\nContent-Type: multipart/digest; boundary=\"b\"\n\n--b\nContent-Type: ;image/png\nContent-Transfer-Encoding: base64\n\n{lines}--b--\n"
        );
        assert!(hollowed(raw.as_bytes()).is_some());
        assert_eq!(hollow_view(raw.as_bytes()), None);
        let view = crate::mime::decode(raw.as_bytes()).unwrap();
        assert_eq!(view.attached.len(), 1);
    }

    /// Four parts of the given kinds, one alone, and one whose delimiter is in mid-line (not
    /// repaired here, it ends the part for the parser there): each taken out, the view unchanged.
    fn assert_taken_out(
        parts: &[(usize, usize)],
        single: (usize, usize),
        mid_line: (usize, usize),
        eol: &str,
    ) {
        let raw = message(parts, eol, false);
        assert_eq!(hollowed(&raw).unwrap().at.len(), parts.len());
        assert_eq!(hollow_view(&raw).unwrap(), full_view(&raw));
        let single = format!(
            "From: a@example.com{eol}Subject: s{eol}{}",
            part(single.0, single.1, eol)
        );
        assert_eq!(hollowed(single.as_bytes()).unwrap().at.len(), 1);
        assert_eq!(
            hollow_view(single.as_bytes()).unwrap(),
            full_view(single.as_bytes())
        );
        let raw = message(&[mid_line], eol, false);
        assert_eq!(hollowed(&raw).unwrap().at.len(), 1);
        assert_eq!(hollow_view(&raw), None);
    }

    #[test]
    fn quoted_printable_text_is_taken_out() {
        for eol in ["\n", "\r\n"] {
            assert_taken_out(&[(10, 0), (2, 0), (11, 0), (12, 3)], (11, 10), (10, 9), eol);
            // An `=` where an escape is open fails the part: left in.
            assert!(hollowed(&message(&[(10, 1)], eol, false)).is_none());
        }
    }

    #[test]
    fn text_without_a_transfer_encoding_is_taken_out() {
        for eol in ["\n", "\r\n"] {
            assert_taken_out(&[(15, 0), (2, 0), (16, 0), (17, 3)], (15, 0), (16, 9), eol);
        }
    }

    #[test]
    fn unread_header_fields_are_cut() {
        let raw = b"Received: a\n b\nX-A: 1\nFrom: x@example.com\n X-B: continued\n\tX-C: 2\nDKIM-Signature: d\n\nX-Body: 3\n";
        let copy = hollowed(raw).unwrap();
        assert_eq!(
            copy.bytes,
            b"From: x@example.com\n X-B: continued\n\tX-C: 2\n\nX-Body: 3\n"
        );
        assert_eq!(hollow_view(raw).unwrap(), full_view(raw));
        // Received is kept where it alone makes the bytes mail.
        let raw = b"Received: a\nX-A: 1\n\nbody\n";
        assert_eq!(hollowed(raw).unwrap().bytes, b"Received: a\n\nbody\n");
        assert_eq!(hollow_view(raw).unwrap(), full_view(raw));
        assert!(crate::mime::decode(raw).is_ok());
    }

    #[test]
    fn base64_text_is_taken_out() {
        for eol in ["\n", "\r\n"] {
            let raw = message(&[(9, 0), (13, 0), (2, 0), (14, 4)], eol, false);
            assert_eq!(hollowed(&raw).unwrap().at.len(), 4);
            assert_eq!(hollow_view(&raw).unwrap(), full_view(&raw));
            for kind in [9, 13, 14] {
                let single = format!("From: a@example.com{eol}Subject: s{eol}{}", part(kind, 0, eol));
                assert_eq!(hollowed(single.as_bytes()).unwrap().at.len(), 1);
                assert_eq!(
                    hollow_view(single.as_bytes()).unwrap(),
                    full_view(single.as_bytes())
                );
            }
            // A stray byte: the run ends before it and is not taken out.
            assert!(hollowed(&message(&[(13, 1)], eol, false)).is_none());
        }
    }

    #[test]
    fn plain_attachments_are_taken_out_and_attached_messages_are_not() {
        for eol in ["\n", "\r\n"] {
            let raw = message(&[(0, 0), (2, 0), (6, 0), (7, 0)], eol, false);
            let copy = hollowed(&raw).unwrap();
            assert_eq!(copy.at.len(), 3);
            assert!(copy.bytes.len() < raw.len() / 2);
            assert_eq!(hollow_view(&raw).unwrap(), full_view(&raw));
            // A part right after a closing delimiter.
            let raw = message(&[(6, 0), (2, 0)], eol, false);
            assert_eq!(hollowed(&raw).unwrap().at.len(), 2);
            assert_eq!(hollow_view(&raw).unwrap(), full_view(&raw));
            // Named `.eml` or typed `message/…` as written: left in.
            for kind in [3, 5] {
                let raw = message(&[(2, 0), (kind, 0)], eol, false);
                assert_eq!(hollowed(&raw).unwrap().at.len(), 1, "{kind}");
                assert_eq!(hollow_view(&raw).unwrap(), full_view(&raw), "{kind}");
            }
            // Named `.eml` only once decoded (RFC 2231): taken out, and the tree does not hold.
            let raw = message(&[(4, 0)], eol, false);
            assert_eq!(hollowed(&raw).unwrap().at.len(), 1);
            assert_eq!(hollow_view(&raw), None);
            // A stray byte: the run ends before it and is not taken out.
            assert!(hollowed(&message(&[(2, 1)], eol, false)).is_none());
        }
    }
}
