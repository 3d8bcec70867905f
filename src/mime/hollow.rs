//! Binary attachments taken out before parsing. mail-parser base64-decodes every part, at some
//! 36 instructions a byte, and most of the bytes of a mail with an image or a PDF are that
//! attachment, of which the view keeps only the name and type. So the parser is handed a copy
//! without the content lines of such parts, and the tree it builds is checked to be the one it
//! would have built from the whole message (else the whole message is parsed).
//!
//! Why the check is enough. A content run taken out holds only base64 letters, `=` and white
//! space, starts right after a header block's blank line and ends at the line end before a line
//! starting with `--`. mail-parser reads forward, and goes back only to where a scan that failed
//! started. Where the parsed copy has a base64 part whose empty body sits exactly where a run
//! was taken out, the parser reached that point by ending a header block there, which needs no
//! byte past it, so it got there in the whole message too, in the same state. Its base64
//! decoder then reads the run without acting on any byte of it (no `-`, no stray byte) and
//! meets the same delimiter. Every other scan looks for `--` and a boundary, which a run, with
//! no `-` and line ends on both sides, can neither hold nor cut in two unless a boundary holds a
//! line end (checked); a scan that crossed the run without failing would have carried the parser
//! past the run's place, so no other part's content covers it. The parts of both trees are
//! then the same, but for the content of the runs' parts and offsets past a run, which the copy
//! reads consistently (`raw_message` is the copy); the view reads neither, unless the part is
//! an attached message (`.eml`, `message/…`), in which case the whole message is parsed.

use mail_parser::{Encoding, Message, MimeHeaders, PartType};

use super::tree::{content_type_str, is_attached_message};

/// A message without the content lines of its binary base64 parts.
pub(super) struct Hollowed {
    /// The bytes handed to the parser.
    pub(super) bytes: Vec<u8>,
    /// Where, in `bytes`, runs were taken out, in order.
    at: Vec<usize>,
}

/// Content runs smaller than this are left in: the copy costs more than decoding them.
const MIN_RUN: usize = 1024;

/// Header lines read looking for a part's blank line.
const MAX_HEAD_LINES: usize = 32;

/// Bytes a base64 content run may not hold (1): all but the alphabet, `=` and white space, so
/// `-` too.
static NOT_IN_RUN: [u8; 256] = {
    let mut table = [1; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \t\r\n";
    let mut i = 0;
    while i < alphabet.len() {
        table[alphabet[i] as usize] = 0;
        i += 1;
    }
    table
};

/// How many bytes at the start of `bytes` a run may hold. Blocks are checked whole, without a
/// branch a byte.
fn run_len(bytes: &[u8]) -> usize {
    let mut len = 0;
    for block in bytes.chunks_exact(32) {
        if block.iter().fold(0, |bad, &b| bad | NOT_IN_RUN[b as usize]) != 0 {
            break;
        }
        len += 32;
    }
    len + bytes[len..]
        .iter()
        .position(|&b| NOT_IN_RUN[b as usize] != 0)
        .unwrap_or(bytes.len() - len)
}

/// The copy, or None when no binary part is worth taking out.
pub(super) fn hollowed(raw: &[u8]) -> Option<Hollowed> {
    let delimiter = memchr::memmem::Finder::new(b"\n--");
    let mut runs = Vec::new();
    let mut from = 0;
    while let Some(found) = delimiter.find(&raw[from..]) {
        let line = from + found + 1;
        let head = memchr::memchr(b'\n', &raw[line..]).map_or(raw.len(), |i| line + i + 1);
        from = match binary_run(raw, head) {
            Some((start, end)) => {
                runs.push((start, end));
                end
            }
            None => head,
        };
        if from >= raw.len() {
            break;
        }
    }
    if runs.is_empty() {
        return None;
    }
    let removed: usize = runs.iter().map(|(start, end)| end - start).sum();
    let mut bytes = Vec::with_capacity(raw.len() - removed);
    let mut at = Vec::with_capacity(runs.len());
    let mut kept = 0;
    for (start, end) in runs {
        bytes.extend_from_slice(&raw[kept..start]);
        at.push(bytes.len());
        kept = end;
    }
    bytes.extend_from_slice(&raw[kept..]);
    Some(Hollowed { bytes, at })
}

/// The content run of the part whose header block starts at `head`, when the block says the
/// part is base64 of a type that is not text, multipart or a message, and the content is a run
/// of [`MIN_RUN`] bytes or more that ends with a line end before a line starting with `--`.
fn binary_run(raw: &[u8], head: usize) -> Option<(usize, usize)> {
    let (mut binary, mut base64) = (false, false);
    let mut line_start = head;
    for _ in 0..MAX_HEAD_LINES {
        let line_end = line_start + memchr::memchr(b'\n', raw.get(line_start..)?)? + 1;
        let line = &raw[line_start..line_end];
        if line == b"\n" || line == b"\r\n" {
            if !(binary && base64) {
                return None;
            }
            let start = line_end;
            let stop = start + run_len(&raw[start..]);
            if stop == raw.len() {
                return None;
            }
            if !raw[stop..].starts_with(b"--") || raw[stop - 1] != b'\n' {
                return None;
            }
            let end = if raw[stop - 2] == b'\r' {
                stop - 2
            } else {
                stop - 1
            };
            return (end >= start + MIN_RUN).then_some((start, end));
        }
        // A delimiter is the loop's to find: so a content run is read for one block only,
        // which keeps hostile input linear. An attached message would be parsed from its
        // content (the tree is checked for it anyway; this spares parsing twice).
        if line.starts_with(b"--") || line.windows(4).any(|w| w.eq_ignore_ascii_case(b".eml")) {
            return None;
        }
        if let Some(value) = field_value(line, b"content-type:") {
            let kind = value.trim_ascii_start();
            let kind = &kind[..memchr::memchr(b'/', kind).unwrap_or(0)];
            binary = !kind.is_empty()
                && !["text", "multipart", "message"]
                    .iter()
                    .any(|t| kind.eq_ignore_ascii_case(t.as_bytes()));
        } else if let Some(value) = field_value(line, b"content-transfer-encoding:") {
            base64 = value.trim_ascii().eq_ignore_ascii_case(b"base64");
        }
        line_start = line_end;
    }
    None
}

/// The value of a header line that starts with `name` (given with its colon), in any case.
fn field_value<'a>(line: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    line.get(..name.len())
        .filter(|start| start.eq_ignore_ascii_case(name))
        .map(|_| &line[name.len()..])
}

impl Hollowed {
    /// Whether the tree parsed from the copy is the whole message's (see the module's notes):
    /// each run's place is the empty body of a base64 binary part that is no attached message,
    /// and no boundary holds a line end.
    pub(super) fn holds(&self, msg: &Message) -> bool {
        let mut found = vec![false; self.at.len()];
        // Messages parsed in place share the copy's offsets; those decoded from base64 or
        // quoted-printable have bytes of their own, and no run inside.
        let mut stack = vec![msg];
        while let Some(msg) = stack.pop() {
            for part in &msg.parts {
                let content_type = part.content_type();
                if content_type
                    .and_then(|ct| ct.attribute("boundary"))
                    .is_some_and(|b| b.contains(['\n', '\r']))
                {
                    return false;
                }
                match &part.body {
                    PartType::Message(inner) if matches!(part.encoding, Encoding::None) => stack.push(inner),
                    PartType::Binary(_) | PartType::InlineBinary(_)
                        if matches!(part.encoding, Encoding::Base64)
                            && part.offset_body == part.offset_end =>
                    {
                        let Ok(run) = self.at.binary_search(&(part.offset_body as usize)) else {
                            continue;
                        };
                        // A part mail-parser could not type (`Content-Type: ;image/png`) is a
                        // message in a digest: whole, it might have parsed as one.
                        let Some(content_type) = content_type.filter(|_| !part.is_encoding_problem) else {
                            return false;
                        };
                        let name = part.attachment_name().unwrap_or_default();
                        if found[run] || is_attached_message(name, &content_type_str(content_type)) {
                            return false;
                        }
                        found[run] = true;
                    }
                    _ => {}
                }
            }
        }
        found.iter().all(|&f| f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mime::nesting::parse_unbounded;
    use crate::mime::repair::repaired;
    use crate::mime::tree::view_of;

    /// The view of the whole message, parsed as it is.
    fn full_view(raw: &[u8]) -> String {
        let tree = parse_unbounded(raw).ok().flatten();
        format!("{:?}", tree.map(|t| view_of(&t.0, 0)))
    }

    /// The view of the hollowed copy, when it holds.
    fn hollow_view(raw: &[u8]) -> Option<String> {
        let hollowed = hollowed(raw)?;
        let tree = parse_unbounded(&hollowed.bytes).ok().flatten()?;
        hollowed
            .holds(&tree.0)
            .then(|| format!("{:?}", Some(view_of(&tree.0, 0))))
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
            _ => base64("text/plain"),
        }
    }

    fn message(parts: &[(usize, usize)], eol: &str, mid_line: bool) -> Vec<u8> {
        let mut raw = format!(
            "From: a@example.com{eol}Subject: s{eol}Content-Type: multipart/mixed; boundary=\"b1\"{eol}{eol}preamble{eol}"
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
            parts in proptest::collection::vec((0..10usize, 0..12usize), 1..5),
            crlf: bool,
            mid_line: bool,
        ) {
            let raw = message(&parts, if crlf { "\r\n" } else { "\n" }, mid_line);
            let raw = repaired(&raw);
            if let Some(view) = hollow_view(&raw) {
                proptest::prop_assert_eq!(view, full_view(&raw));
            }
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

    #[test]
    fn plain_attachments_are_taken_out_and_attached_messages_are_not() {
        for eol in ["\n", "\r\n"] {
            let raw = message(&[(0, 0), (2, 0), (6, 0), (7, 0)], eol, false);
            let copy = hollowed(&raw).unwrap();
            assert_eq!(copy.at.len(), 3);
            assert!(copy.bytes.len() < raw.len() / 2);
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
