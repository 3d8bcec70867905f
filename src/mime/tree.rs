//! The parsed tree turned into a [`MessageView`]: inline text parts (decoded again where
//! mail-parser could not know the charset), HTML parts rendered as text, attachments, and
//! attached messages, read in place down to [`MAX_VIEW_DEPTH`].

use std::borrow::Cow;
use std::cell::OnceCell;

use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::{ContentType, Encoding, HeaderName, Message, MessagePart, MimeHeaders, PartType};

use super::base64;
use super::charset::{decode_borrowed, decode_bytes, encoding_for, parsers_decode};
use super::has_mail_header;
use super::headers::{auth_fields, mailbox, rfc3339, subject_of};
use super::hollow::Hollowed;
use super::html::{render_html, text_links};
use super::nesting::parse_tree;
use super::qp;
use crate::view::{Attachment, MessageView};

/// Deepest attached message turned into a view (the outer message is depth 0).
pub(super) const MAX_VIEW_DEPTH: usize = 4;

/// The view of a parsed message; `hollow` is the copy it was parsed from, if it was.
pub(super) fn view_of(msg: &Message, depth: usize, hollow: Option<&Hollowed>) -> MessageView {
    let mut view = MessageView {
        from: mailbox(msg, HeaderName::From, msg.from()),
        reply_to: mailbox(msg, HeaderName::ReplyTo, msg.reply_to()),
        to: mailbox(msg, HeaderName::To, msg.to()),
        return_path: msg.return_address().map(str::to_owned),
        subject: subject_of(msg),
        date: msg.date().map(rfc3339),
        message_id: msg.message_id().map(str::to_owned),
        auth: auth_fields(msg),
        ..MessageView::default()
    };
    // mail-parser lists an HTML-only body under text_body too; HTML is rendered below instead.
    for &id in &msg.text_body {
        if let Some(part) = msg.parts.get(id as usize)
            && matches!(part.body, PartType::Text(_))
            && let Some(text) = part_text(msg, part, hollow)
        {
            push_text(&mut view.text, text);
        }
    }
    for &id in &msg.html_body {
        if let Some(part) = msg.parts.get(id as usize)
            && matches!(part.body, PartType::Html(_))
            && let Some(html) = part_text(msg, part, hollow)
        {
            let (text, links) = render_html(&html);
            push_text(&mut view.html_text, text.into());
            view.links.extend(links);
        }
    }
    view.links.extend(text_links(&view.text));
    for &id in &msg.attachments {
        let Some(part) = msg.parts.get(id as usize) else {
            continue;
        };
        attach(&mut view, msg, part, depth, hollow);
    }
    view
}

fn attach(
    view: &mut MessageView,
    msg: &Message,
    part: &MessagePart,
    depth: usize,
    hollow: Option<&Hollowed>,
) {
    let name = part.attachment_name().unwrap_or_default().to_owned();
    let content_type = part.content_type().map(content_type_str).unwrap_or_default();
    let eml = is_eml(&name);
    // Attached messages are parsed from borrowed bytes and read in place: copying one to an
    // owned tree would recurse once per level.
    let text;
    let bytes = match &part.body {
        PartType::Message(inner) => {
            if depth < MAX_VIEW_DEPTH {
                view.attached.push(view_of(inner, depth + 1, hollow));
            }
            return;
        }
        PartType::Binary(bytes) | PartType::InlineBinary(bytes)
            if is_attached_message(&name, &content_type) =>
        {
            Some(bytes.as_ref())
        }
        PartType::Text(_) | PartType::Html(_) if eml => {
            text = part_text(msg, part, hollow);
            text.as_deref().map(str::as_bytes)
        }
        _ => None,
    };
    let nested = bytes
        .and_then(|bytes| parse_tree(bytes).ok().flatten())
        .filter(|tree| has_mail_header(&tree.0));
    match nested {
        Some(inner) if depth < MAX_VIEW_DEPTH => view.attached.push(view_of(&inner.0, depth + 1, None)),
        Some(_) => {}
        None if !matches!(part.body, PartType::Multipart(_)) => {
            view.attachments.push(Attachment { name, content_type })
        }
        None => {}
    }
}

/// Whether a binary part is read as an attached message: one named `.eml` or typed `message/…`
/// (`content_type` as [`content_type_str`] gives it).
pub(super) fn is_attached_message(name: &str, content_type: &str) -> bool {
    is_eml(name) || content_type.starts_with("message/")
}

fn is_eml(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".eml")
}

/// The first text is moved in, not copied.
fn push_text(out: &mut String, text: Cow<'_, str>) {
    if out.is_empty() {
        *out = text.into_owned();
    } else {
        out.push('\n');
        out.push_str(&text);
    }
}

pub(super) fn content_type_str(ct: &ContentType) -> String {
    match ct.subtype() {
        Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
        None => ct.ctype().to_ascii_lowercase(),
    }
}

/// Text of a text part, decoded again with encoding_rs when mail-parser could not know the
/// charset; a part whose content the hollowed copy took out is decoded from that content.
fn part_text<'a>(
    msg: &'a Message,
    part: &'a MessagePart,
    hollow: Option<&'a Hollowed<'a>>,
) -> Option<Cow<'a, str>> {
    let parsed = match &part.body {
        PartType::Text(t) | PartType::Html(t) => t,
        _ => return None,
    };
    let charset = part
        .content_type()
        .and_then(|ct| ct.attribute("charset"))
        .map(|c| c.trim().to_ascii_lowercase());
    let taken = hollow.and_then(|h| h.taken(msg, part));
    let raw = match &taken {
        Some(taken) => taken.content,
        None => msg
            .raw_message
            .get(part.offset_body as usize..part.offset_end as usize)?,
    };
    // The transfer decoding, done once for both uses below; taken out quoted-printable content
    // was read already.
    let transferred = OnceCell::new();
    let transfer = || -> &[u8] {
        transferred.get_or_init(|| match taken.as_ref().and_then(|t| t.read) {
            Some(read) => Cow::Borrowed(read.strict().unwrap_or(raw)),
            None => transfer_decode(raw, part),
        })
    };
    let needs_redecode = match charset.as_deref() {
        // ISO-2022-JP sent with no label: its escapes may sit under a transfer encoding.
        None => has_escape(raw, part, transfer),
        Some(label) if label.starts_with("iso-2022-jp") => {
            charset_decoder(label.as_bytes()).is_none() || !raw.is_ascii()
        }
        Some(label) => charset_decoder(label.as_bytes()).is_none() && encoding_for(label).is_some(),
    };
    let text = if needs_redecode {
        let bytes = transfer();
        match transferred.get() {
            // Content that needs no transfer decoding is the text as it stands, mostly.
            Some(Cow::Borrowed(raw)) => decode_borrowed(raw, charset.as_deref()),
            _ => Cow::Owned(decode_bytes(bytes, charset.as_deref())),
        }
    } else if let Some(taken) = &taken {
        let bytes = match (part.encoding, taken.read) {
            (Encoding::QuotedPrintable, Some(read)) => read.mime(taken.line_end),
            (Encoding::None, _) => Cow::Borrowed(taken.content),
            _ => Cow::Owned(base64::decode(taken.content)),
        };
        parsers_text(part, bytes)
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

/// Decoded bytes of a text part as mail-parser makes them text: with its decoder for the
/// charset, else as UTF-8, invalid sequences replaced.
fn parsers_text<'a>(part: &MessagePart, bytes: Cow<'a, [u8]>) -> Cow<'a, str> {
    let decoder = part
        .content_type()
        .and_then(|ct| ct.attribute("charset"))
        .and_then(|c| charset_decoder(c.as_bytes()));
    match (decoder, bytes) {
        (Some(decoder), bytes) => Cow::Owned(parsers_decode(decoder, &bytes)),
        (None, Cow::Borrowed(bytes)) => crate::text::utf8_lossy(bytes),
        (None, Cow::Owned(bytes)) => Cow::Owned(
            String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        ),
    }
}

/// RFC 3676 `format=flowed` text as the lines a reader sees: a line ending in a space is
/// continued by the next one of the same quote depth (without that space when `delsp=yes`), and
/// the space stuffed before a line that starts with a space, `From ` or `>` is removed. Mail
/// clients break long lines so (Thunderbird, Apple Mail), which would cut item rows and
/// sentences in two.
pub(crate) fn unflow(text: &str, delsp: bool) -> String {
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

/// Whether the part's bytes hold an ESC byte once transfer-decoded (by `decoded`).
/// Quoted-printable makes one only of an ESC or of an `=1B` escape (mail-parser's decoder lets
/// white space and line ends sit inside one): without either there is nothing to decode to know.
fn has_escape<'b>(raw: &[u8], part: &MessagePart, decoded: impl FnOnce() -> &'b [u8]) -> bool {
    let qp = matches!(part.encoding, mail_parser::Encoding::QuotedPrintable);
    if qp && memchr::memchr(0x1b, raw).is_none() && !has_esc_escape(raw) {
        return false;
    }
    memchr::memchr(0x1b, decoded()).is_some()
}

/// An `=` and the hex digits `1B` with what mail-parser's quoted-printable decoder skips between
/// them: white space and CR after the `=`, CR and LF between the digits.
fn has_esc_escape(raw: &[u8]) -> bool {
    memchr::memchr_iter(b'=', raw).any(|at| {
        let mut i = at + 1;
        while raw
            .get(i)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\x0C' | b'\r'))
        {
            i += 1;
        }
        if raw.get(i) != Some(&b'1') {
            return false;
        }
        i += 1;
        while raw.get(i).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            i += 1;
        }
        matches!(raw.get(i), Some(b'b' | b'B'))
    })
}

fn transfer_decode<'a>(raw: &'a [u8], part: &MessagePart) -> Cow<'a, [u8]> {
    let decoded = match part.encoding {
        mail_parser::Encoding::Base64 => base64_decode(raw),
        mail_parser::Encoding::QuotedPrintable => qp::strict(raw),
        mail_parser::Encoding::None => None,
    };
    decoded.map_or(Cow::Borrowed(raw), Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mime::decode;

    proptest::proptest! {
        /// `has_esc_escape` sees every ESC that mail-parser's decoder makes.
        #[test]
        fn esc_escapes_are_seen(
            picks in proptest::collection::vec(0..16usize, 0..60)
        ) {
            const BYTES: &[u8] = b"=\n\r \t\x0C1bB9fGx-\x1b\xa0=";
            let raw: Vec<u8> = picks.iter().map(|&i| BYTES[i]).collect();
            let decoded = qp::strict(&raw);
            // An ESC comes out only of one, or of what `has_esc_escape` finds.
            let esc = decoded.is_some_and(|d| d.contains(&0x1b));
            proptest::prop_assert!(!esc || raw.contains(&0x1b) || has_esc_escape(&raw));
        }
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
}
