//! The cheap first look: from the decoded headers and a scan of the raw body, decide whether a
//! message could get any label but `unrelated`. Everything else skips body decoding, which is
//! most of the cost of a scan.
//!
//! It may skip only what the full decode would call `unrelated`, so it asks the same rules:
//! the scope rule ([`scope::header_claim`], and its brand words [`scope::BRAND_WORDS`] and
//! [`scope::SHORT_BRAND_WORDS`] over the body), Microsoft's order sender and subject templates ([`order::match_template`]), and
//! the markers of attached and inline forwards ([`forward::SENDER_LABELS`]). The body is walked
//! part by part ([`crate::skim`]): base64 and quoted-printable text parts are undone, HTML is
//! searched as a renderer shows it, UTF-8 and windows-1252 text is read. Whatever it can't read
//! for certain (a MIME structure mail-parser could read otherwise, encoded words, character
//! references, other charsets' 8-bit bytes) is decoded in full: nothing in it can be ruled out.

use std::borrow::Cow;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::mime::Glance;
use crate::skim::{self, Piece};
use crate::{auth, forward, order, scope, text};

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

/// Entity references that stand for no letter or digit: dropped like markup, they hide nothing.
/// Any other (`&eacute;`, `&Mopf;`) could spell part of a word: the body is decoded.
const PLAIN_ENTITIES: &[&str] = &[
    "amp", "lt", "gt", "quot", "apos", "nbsp", "shy", "zwj", "zwnj", "ensp", "emsp", "thinsp", "copy", "reg",
    "trade", "hellip", "mdash", "ndash", "bull", "middot", "laquo", "raquo", "ldquo", "rdquo", "lsquo",
    "rsquo", "yen", "euro", "pound", "cent", "times", "deg", "para", "sect",
];

/// Transfer encodings the first look undoes itself ([`crate::skim`]): where they are named,
/// nothing is hidden from it.
const UNDONE: &[&str] = &["base64", "quoted-printable"];

/// The opaque words the first look cannot see through.
fn opaque() -> impl Iterator<Item = &'static &'static str> {
    OPAQUE_ANYWHERE.iter().filter(|w| !UNDONE.contains(w))
}

/// Everything that sends a body to the full decode, one scan: forwards, attached originals, and
/// bytes that are not the text.
static BODY_DECODES: LazyLock<AhoCorasick> = LazyLock::new(|| decodes(OPAQUE_BODY.iter()));
/// Markers that hide nothing in a text part's decoded content: mail-parser decodes no encoded
/// words in a body, and character references only in HTML, which [`skim::html_text`] decodes.
const LITERAL_IN_TEXT: &[&str] = &["=?", "&#"];

/// [`BODY_DECODES`] for a text part's decoded content.
static TEXT_DECODES: LazyLock<AhoCorasick> =
    LazyLock::new(|| decodes(OPAQUE_BODY.iter().filter(|w| !LITERAL_IN_TEXT.contains(w))));

/// Forward and attachment markers, opaque words, and the given body markers, one automaton.
fn decodes(body: impl Iterator<Item = &'static &'static str>) -> AhoCorasick {
    case_insensitive(
        ATTACHED_MARKERS
            .iter()
            .chain(forward::SENDER_LABELS.iter())
            .chain(opaque())
            .chain(body),
    )
}
static OPAQUE: LazyLock<AhoCorasick> = LazyLock::new(|| case_insensitive(opaque()));
/// The scope rule's brand words as they look squeezed (letters and digits only, lowercased).
/// Without word boundaries this matches more than the rule does (`maxbox`): such a body is
/// decoded, which costs time and never a verdict.
static SQUEEZED_BRANDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    let words: Vec<String> = scope::BRAND_WORDS
        .iter()
        .chain(scope::SHORT_BRAND_WORDS)
        .map(|w| w.replace(' ', ""))
        .collect();
    AhoCorasick::new(words).expect("literal patterns")
});

fn case_insensitive<'a>(words: impl Iterator<Item = &'a &'a str>) -> AhoCorasick {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
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
    if OPAQUE.is_match(&raw[..body_start]) {
        return true;
    }
    skim::any_piece(raw, &glance.content_type, &mut |piece| match piece {
        Piece::Raw(bytes) => text_matters(bytes),
        Piece::Text { bytes, charset, html } => {
            // Plain text is shown as it stands, references included.
            if TEXT_DECODES.is_match(&bytes) || (html && !plain_entities(&bytes)) {
                return true;
            }
            let Some(text) = as_text(&bytes, charset.as_deref()) else {
                return true;
            };
            // The view holds HTML as rendered; plain text as it stands, searched also without
            // what looks like markup, as a body of unknown type is.
            if !html {
                return names_brand(&fold_unless_ascii(&text));
            }
            skim::html_text(&text)
                .is_none_or(|shown| SQUEEZED_BRANDS.is_match(&squeezed(&fold_unless_ascii(&shown)).0))
        }
    })
}

/// Labels mail-parser reads as windows-1252 (the WHATWG reading of them too).
const CP1252_LABELS: &[&str] = &[
    "iso-8859-1",
    "windows-1252",
    "us-ascii",
    "ascii",
    "latin1",
    "cp1252",
    "iso8859-1",
];

/// A text part's content as the full decode reads it: UTF-8 (labelled so or not labelled) or
/// windows-1252; None for 8-bit bytes in another charset, left to the full decode.
fn as_text<'a>(bytes: &'a [u8], charset: Option<&str>) -> Option<Cow<'a, str>> {
    if bytes.is_ascii() {
        return std::str::from_utf8(bytes).ok().map(Cow::Borrowed);
    }
    match charset {
        None | Some("utf-8" | "utf8") => std::str::from_utf8(bytes).ok().map(Cow::Borrowed),
        Some(label) if CP1252_LABELS.contains(&label) => {
            Some(encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0)
        }
        Some(_) => None,
    }
}

/// Whether text as it stands could matter to the full decode: forward and attachment markers,
/// bytes that are not the text, or the brand however written.
fn text_matters(text: &[u8]) -> bool {
    if BODY_DECODES.is_match(text) || !plain_entities(text) {
        return true;
    }
    // Bytes that are the text: UTF-8, folded when not ASCII (folding is what turns look-alike
    // and full-width letters into a brand word).
    std::str::from_utf8(text).map_or(true, |text| names_brand(&fold_unless_ascii(text)))
}

/// Folded text ([`text::fold`]); ASCII needs none here, since the brand search lowercases.
fn fold_unless_ascii(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text::fold(text))
    }
}

/// Every `&name;` in the body stands for no letter.
fn plain_entities(body: &[u8]) -> bool {
    memchr::memchr_iter(b'&', body).all(|at| {
        let rest = &body[at + 1..body.len().min(at + 12)];
        match rest.iter().position(|&b| b == b';') {
            Some(end) if end > 0 && rest[..end].iter().all(u8::is_ascii_alphanumeric) => {
                let name = std::str::from_utf8(&rest[..end]).unwrap_or("");
                PLAIN_ENTITIES.iter().any(|p| p.eq_ignore_ascii_case(name))
            }
            // A lone `&` is text.
            _ => true,
        }
    })
}

/// The (folded) body could name the brand as the full decode renders it: squeezed to letters and
/// digits as it stands (`Micro soft`), and with markup and entity references dropped
/// (`Micro<b>soft</b>`, `X<b>box`, `Windows&nbsp;Defender`, `Micro<!-- -->soft`).
fn names_brand(text: &str) -> bool {
    let (kept, dropped) = squeezed(text);
    SQUEEZED_BRANDS.is_match(&kept) || SQUEEZED_BRANDS.is_match(&dropped)
}

/// `<` opens a tag only before a letter, `/`, `!` or `?`, as in the HTML tokenizer; otherwise it
/// is text (`a < b`).
fn opens_tag(rest: &str) -> bool {
    rest.as_bytes()
        .get(1)
        .is_some_and(|&b| b.is_ascii_alphabetic() || b"/!?".contains(&b))
}

/// Letters and digits (folded text is lowercase already): all of them, and those outside markup
/// (`<…>`, `<!--…-->`, `&name;`).
fn squeezed(text: &str) -> (String, String) {
    let mut kept = String::with_capacity(text.len() / 2);
    let mut dropped = String::with_capacity(text.len() / 2);
    let mut markup_end = 0;
    // Once a closer is missing it is missing for every later opener: no search is repeated, so
    // hostile input (`<<<<…`) stays linear.
    let (mut tag_closes, mut comment_closes) = (true, true);
    for (at, c) in text.char_indices() {
        if at >= markup_end && (c == '<' || c == '&') {
            let rest = &text[at..];
            let end = if rest.starts_with("<!--") && comment_closes {
                let end = rest.find("-->").map(|e| e + 3);
                comment_closes = end.is_some();
                end
            } else if c == '<' && tag_closes && opens_tag(rest) {
                let end = rest.find('>').map(|e| e + 1);
                tag_closes = end.is_some();
                end
            } else if c == '&' {
                rest.bytes().take(12).position(|b| b == b';').map(|e| e + 1)
            } else {
                None
            };
            if let Some(end) = end {
                markup_end = at + end;
            }
        }
        if c.is_alphanumeric() {
            let lower = c.to_ascii_lowercase();
            kept.push(lower);
            if at >= markup_end {
                dropped.push(lower);
            }
        }
    }
    (kept, dropped)
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
            "From: a@example.com\nSubject: hi\nContent-Type: text/html\n\n&#77;icrosoft\n",
            "From: a@example.com\nSubject: hi\nContent-Type: text/html\n\n&#77icrosoft\n",
            "From: a@example.com\nSubject: hi\nContent-Type: text/plain; charset=ISO-2022-JP\n\n\u{1b}$B%^%$%/%m%=%U%H\u{1b}(B\n",
        ] {
            assert!(worth(raw.as_bytes()), "{raw}");
        }
        assert!(worth(b"From: a@example.com\nSubject: hi\n\nok\xff\n"));
        assert!(worth(
            b"From: a@example.com\nSubject: hi\nContent-Type: text/html\n\n&eacute;&Mopf;icrosoft\n"
        ));
        assert!(worth(
            b"From: a@example.com\nSubject: hi\n\nMicro<!-- a > b -->soft\n"
        ));
    }

    #[test]
    fn unclosed_markup_is_text() {
        assert_eq!(squeezed("a < Micro<b>soft").1, "amicrosoft");
        assert_eq!(squeezed("a <Micro<b>soft").1, "asoft");
        assert_eq!(squeezed("<<<< x").0, "x");
        assert_eq!(squeezed("x <!-- y").1, "xy");
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
