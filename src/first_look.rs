//! The cheap first look: from the decoded headers and a scan of the raw body, decide whether a
//! message could get any label but `unrelated`. Everything else skips body decoding, which is
//! most of the cost of a scan.
//!
//! It may skip only what the full decode would call `unrelated`, so it asks the same rules:
//! the scope rule ([`scope::header_claim`], and the brand words of [`scope::mentions_brand`] over
//! the body), Microsoft's order sender and subject templates ([`order::match_template`]), and
//! the markers of attached and inline forwards ([`forward::SENDER_LABELS`]). A body it can't read
//! as it stands (base64, quoted-printable, encoded words, character references, charsets whose
//! bytes are not text) is decoded: nothing in it can be ruled out.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::mime::Glance;
use crate::{auth, forward, order, scope};

/// Where an attached original can hide (matched ASCII-case-insensitively): message parts
/// (`message/rfc822`, `message/global`), `.eml` files, and digests whose parts are messages.
const ATTACHED_MARKERS: &[&str] = &["message/", ".eml", "multipart/digest"];

/// Anywhere in the message: encodings that hide the text from a byte scan, and charsets whose
/// bytes are not ASCII-compatible (matched ASCII-case-insensitively).
const OPAQUE_ANYWHERE: &[&str] = &[
    "base64",
    "quoted-printable",
    "uuencode",
    "x-uue",
    "binhex",
    "utf-7",
    "utf-16",
    "utf-32",
    "ucs-2",
    "ucs-4",
];

/// In the body: encoded words (names of attachments), numeric character references and the
/// escape that switches ISO-2022-JP into its two-byte sets.
const OPAQUE_BODY: &[&str] = &["=?", "&#", "\u{1b}"];

static ATTACHED_OR_FORWARDED: LazyLock<AhoCorasick> =
    LazyLock::new(|| case_insensitive(ATTACHED_MARKERS.iter().chain(forward::SENDER_LABELS)));
static OPAQUE: LazyLock<AhoCorasick> = LazyLock::new(|| case_insensitive(OPAQUE_ANYWHERE.iter()));
static OPAQUE_IN_BODY: LazyLock<AhoCorasick> = LazyLock::new(|| case_insensitive(OPAQUE_BODY.iter()));

fn case_insensitive<'a>(words: impl Iterator<Item = &'a &'a str>) -> AhoCorasick {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(words)
        .expect("literal patterns")
}

/// True when the message needs a full decode.
pub fn worth_decoding(glance: &Glance, raw: &[u8]) -> bool {
    let view = &glance.view;
    let from = view.from.as_ref();
    if scope::header_claim(from, &view.subject)
        || from.is_some_and(auth::is_order_sender)
        || order::match_template(&view.subject).is_some()
        || glance.content_type.starts_with("message/")
        || glance.content_type == "multipart/digest"
    {
        return true;
    }
    let body_start = memchr::memmem::find(raw, b"\n\n")
        .or_else(|| memchr::memmem::find(raw, b"\r\n\r\n"))
        .unwrap_or(0);
    let body = &raw[body_start..];
    let Some(text) = legible(raw, body) else {
        return true;
    };
    ATTACHED_OR_FORWARDED.is_match(body) || names_brand(text)
}

/// The body as text, when its bytes are the text (no transfer encoding, no character
/// references, UTF-8 or ASCII).
fn legible<'a>(raw: &[u8], body: &'a [u8]) -> Option<&'a str> {
    if OPAQUE.is_match(raw) || OPAQUE_IN_BODY.is_match(body) {
        return None;
    }
    std::str::from_utf8(body).ok()
}

/// The body names the brand as the full decode could render it: as it stands, and with markup
/// and entity references dropped or turned into spaces (`Micro<b>soft</b>`, `X<b>box`,
/// `Windows&nbsp;Defender`).
fn names_brand(text: &str) -> bool {
    scope::mentions_brand(text) || scope::mentions_brand(&without_markup(text, "")) || {
        scope::mentions_brand(&without_markup(text, " "))
    }
}

/// Tags (`<…>`) and entity references (`&name;`) replaced by `with`.
fn without_markup(text: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(['<', '&']) {
        out.push_str(&rest[..at]);
        let close = if rest.as_bytes()[at] == b'<' { '>' } else { ';' };
        match rest[at..].find(close) {
            // An entity reference is short; a lone `&` is text.
            Some(end) if close == '>' || end <= 32 => {
                out.push_str(with);
                rest = &rest[at + end + 1..];
            }
            _ => {
                out.push_str(&rest[at..=at]);
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worth(raw: &[u8]) -> bool {
        worth_decoding(&crate::mime::glance(raw).unwrap(), raw)
    }

    #[test]
    fn order_subjects_pass() {
        assert!(worth(
            b"Subject: =?UTF-8?B?TWljcm9zb2Z0IOOBruazqOaWhyAjMTIzNDU2Nzg5MA==?=\n\nx\n"
        ));
        assert!(worth(b"Subject: hello\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\n"));
        assert!(worth(
            b"Subject: look\n\n---------- Forwarded message ---------\nFrom: x <x@example.jp>\n"
        ));
    }

    #[test]
    fn bodies_naming_microsoft_are_decoded_however_written() {
        for body in [
            "Dear Microsoft User, your order",
            "<b>Micro</b>soft Defender",
            "X<b>box</b> Game Pass",
            "Windows&nbsp;Defender",
            "M\u{E0139}icro soft 365",
            "\u{13B7}icrosoft",
        ] {
            let raw = format!("From: a@example.com\nSubject: GGT457BV95526\n\n{body}\n");
            assert!(worth(raw.as_bytes()), "{body}");
        }
        // Bytes that are not the text: nothing can be ruled out.
        for raw in [
            "From: a@example.com\nSubject: hi\nContent-Transfer-Encoding: base64\n\nTWljcm9zb2Z0\n",
            "From: a@example.com\nSubject: hi\nContent-Transfer-Encoding: Quoted-Printable\n\nMicro=\nsoft\n",
            "From: a@example.com\nSubject: hi\n\n&#77;icrosoft\n",
            "From: a@example.com\nSubject: hi\nContent-Type: text/plain; charset=ISO-2022-JP\n\n\u{1b}$B%^%$%/%m%=%U%H\u{1b}(B\n",
        ] {
            assert!(worth(raw.as_bytes()), "{raw}");
        }
        assert!(worth(b"From: a@example.com\nSubject: hi\n\nok\xff\n"));
    }

    #[test]
    fn other_brands_scams_are_skipped() {
        assert!(!worth(
            b"From: Billing <b@evil.example>\nSubject: Your McAfee renewal\n\nCall (252) 501-0099 to cancel.\n"
        ));
        assert!(!worth(
            b"From: a@example.com\nSubject: Amazon delivery\n\n<p>Your parcel is waiting</p>\n"
        ));
    }

    #[test]
    fn ordinary_mail_is_skipped() {
        assert!(!worth(
            b"From: a@example.com\nSubject: lunch tomorrow?\n\nSee you at noon.\n"
        ));
    }
}
