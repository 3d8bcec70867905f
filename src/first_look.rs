//! The cheap first look: from the decoded headers and a scan of the raw body, decide whether a
//! message could get any label but `unrelated`. Everything else skips body decoding, which is
//! most of the cost of a scan.
//!
//! It may skip only what the full decode would call `unrelated`, with the same record, so it
//! asks the same rules: the scope rule ([`scope::header_claim`], and its brand words
//! [`scope::BRAND_WORDS`] and [`scope::SHORT_BRAND_WORDS`] over the body, which count for no
//! sender naming its own domain), Microsoft's order sender and templates (the subject's,
//! [`order::match_template`], and a title's in the body), and the markers of attached and
//! inline forwards ([`forward::SENDER_LABELS`]). The body is walked
//! part by part ([`crate::skim`]): base64 and quoted-printable text parts are undone, HTML is
//! searched as a renderer shows it, UTF-8 and windows-1252 text is read. Whatever it can't read
//! for certain (a MIME structure mail-parser could read otherwise, encoded words, character
//! references, other charsets' 8-bit bytes) is decoded in full: nothing in it can be ruled out.

use std::borrow::Cow;
use std::sync::LazyLock;

use crate::mime::Glance;
use crate::skim::{self, Piece};
use crate::{auth, forward, lexicon, mime, order, scope, text};

mod markers;
use markers::Markers;

/// Where an attached original can hide (matched ASCII-case-insensitively): message parts
/// (`message/rfc822`, `message/global`), `.eml` files, and digests nested in a part (a
/// top-level one is walked, where the full decode's bound holds: [`mime::within_bound`]).
const ATTACHED_MARKERS: &[&str] = &["message/", ".eml", "multipart/digest"];

/// Anywhere in the body and the fields that type the top content ([`skim::Top::typing`]):
/// encodings that hide the text from a byte scan, and charsets whose bytes are not
/// ASCII-compatible (matched ASCII-case-insensitively).
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
/// Any other (`&eacute;`, `&Mopf;`, `&trade;`, which folds to `tm`) could spell part of a word:
/// the body is decoded. Matched as written: names are case-sensitive, and one no decoder knows
/// (`&Trade;`) is shown as its letters.
const PLAIN_ENTITIES: &[&str] = &[
    "amp", "lt", "gt", "quot", "apos", "nbsp", "shy", "zwj", "zwnj", "ensp", "emsp", "thinsp", "copy", "reg",
    "hellip", "mdash", "ndash", "bull", "middot", "laquo", "raquo", "ldquo", "rdquo", "lsquo", "rsquo",
    "yen", "euro", "pound", "cent", "times", "deg", "para", "sect",
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
static BODY_DECODES: LazyLock<Markers> = LazyLock::new(|| decodes(OPAQUE_BODY.iter()));
/// Markers that hide nothing in a text part's decoded content: mail-parser decodes no encoded
/// words in a body, and character references only in HTML, which [`skim::html_text`] decodes.
const LITERAL_IN_TEXT: &[&str] = &["=?", "&#"];

/// [`BODY_DECODES`] for a text part's decoded content.
static TEXT_DECODES: LazyLock<Markers> =
    LazyLock::new(|| decodes(OPAQUE_BODY.iter().filter(|w| !LITERAL_IN_TEXT.contains(w))));

/// Forward and attachment markers, opaque words, and the given body markers, one automaton.
fn decodes(body: impl Iterator<Item = &'static &'static str>) -> Markers {
    Markers::new(
        ATTACHED_MARKERS
            .iter()
            .chain(forward::SENDER_LABELS.iter())
            .chain(opaque())
            .chain(body)
            .copied(),
    )
}
static OPAQUE: LazyLock<Markers> = LazyLock::new(|| Markers::new(opaque().copied()));
/// The forward markers alone, for HTML as rendered: markup or a numeric reference can hide one
/// (`Fr<b>om:</b>`, `From&#58;`) where the raw bytes show none.
static SENDER_LABELS: LazyLock<Markers> =
    LazyLock::new(|| Markers::new(forward::SENDER_LABELS.iter().copied()));
/// The sender labels with a space (`from :`) as HTML can write them: the view renders any run of
/// white space as one space (`From\n:` is shown `From :`).
static SPACED_SENDER_LABELS: LazyLock<regex::Regex> = LazyLock::new(|| {
    let space: String = LABEL_SPACE.iter().map(|&b| format!(r"\x{b:02X}")).collect();
    let spaced: Vec<String> = forward::SENDER_LABELS
        .iter()
        .filter(|label| label.contains(' '))
        .map(|label| {
            let words: Vec<String> = label.split(' ').map(regex::escape).collect();
            words.join(&format!("[{space}]+"))
        })
        .collect();
    regex::Regex::new(&format!("(?i){}", spaced.join("|"))).expect("sender label pattern is valid")
});
/// White space as the view collapses it, between the words of [`SPACED_SENDER_LABELS`].
const LABEL_SPACE: &[u8] = b"\t\n\x0C\r ";

/// Whether `shown` has a `:` after white space, which every spaced sender label ends in (` :`):
/// without one the pattern need not run, and a colon is rarer than the letters it starts on.
fn may_show_spaced_label(shown: &[u8]) -> bool {
    memchr::memchr_iter(b':', shown).any(|at| at > 0 && LABEL_SPACE.contains(&shown[at - 1]))
}

/// The scope rule's brand words as they look squeezed (letters and digits only, lowercased).
/// Without word boundaries this matches more than the rule does (`maxbox`): such a body is
/// decoded, which costs time and never a verdict.
static SQUEEZED_BRANDS: LazyLock<Words> = LazyLock::new(|| {
    Words::new(
        scope::BRAND_WORDS
            .iter()
            .chain(scope::SHORT_BRAND_WORDS)
            .map(|w| w.replace(' ', "")),
    )
});

/// What a title in one of Microsoft's order templates holds, squeezed (the lexicons'
/// `template_words`). The body of a sender whose display name names its own domain claims
/// nothing by naming the brand ([`scope::body_claim`]), so only such a title in it matters.
static SQUEEZED_TEMPLATES: LazyLock<Words> = LazyLock::new(|| Words::new(TEMPLATE_WORDS.iter()));

/// The template words of every language, for [`SQUEEZED_TEMPLATES`] and [`SPELLING`].
static TEMPLATE_WORDS: LazyLock<Vec<&str>> = LazyLock::new(|| lexicon::every(|l| l.template_words));

/// A few words searched for in long texts, one SIMD substring search each: cheaper than an
/// automaton stepping through every byte, since the words are few.
struct Words(Vec<memchr::memmem::Finder<'static>>);

impl Words {
    fn new(words: impl IntoIterator<Item = impl AsRef<str>>) -> Words {
        Words(
            words
                .into_iter()
                .map(|w| memchr::memmem::Finder::new(w.as_ref().as_bytes()).into_owned())
                .collect(),
        )
    }

    fn is_match(&self, haystack: &[u8]) -> bool {
        self.0.iter().any(|word| word.find(haystack).is_some())
    }
}

/// True when the message needs a full decode.
pub fn worth_decoding(glance: &Glance, raw: &[u8]) -> bool {
    let view = &glance.view;
    let from = view.from.as_ref();
    if scope::header_claim(from, &view.subject)
        || from.is_some_and(auth::is_order_sender)
        || order::match_template(&view.subject).is_some()
        || glance.content_type.starts_with("message/")
        || (glance.content_type == "multipart/digest" && !mime::within_bound(raw))
    {
        return true;
    }
    // Without an empty line after the header block the walk can't be certain.
    let Some(top) = skim::Top::of(raw, glance.top.as_ref()) else {
        return true;
    };
    let head = top.head;
    // Other fields of the top block (Received, DKIM-Signature: most of its bytes) change nothing
    // in how the content reads, and the headers' claim is the same on both paths.
    if top.typing.iter().any(|value| OPAQUE.is_match(value)) {
        return true;
    }
    // What in the body could make the mail claim Microsoft, or be in one of its templates:
    // asked only of a body that is walked.
    let brands = if from.is_some_and(scope::names_own_domain) {
        &*SQUEEZED_TEMPLATES
    } else {
        &*SQUEEZED_BRANDS
    };
    // Whether a header so far could make plain text flowed: each part's comes before it. The
    // top header, long, is searched only for a part with a soft line break (rare).
    let mut part_flows = false;
    skim::any_piece(&top, &glance.content_type, &mut |piece| match piece {
        Piece::Raw(bytes) => {
            part_flows = part_flows || FORMAT.is_match(bytes);
            text_matters(bytes, brands)
        }
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
                let may_flow = || part_flows || FORMAT.is_match(head);
                return names_brand(&text, brands) || unflowed_matters(&text, may_flow);
            }
            skim::html_text(&text).is_none_or(|shown| {
                SENDER_LABELS.is_match(shown.as_bytes())
                    || (may_show_spaced_label(shown.as_bytes()) && SPACED_SENDER_LABELS.is_match(&shown))
                    || brands.is_match(&text::folded_alphanumerics(&shown))
            })
        }
    })
}

/// The parameter that makes plain text flowed (`format=flowed`): a parameter's name is never
/// encoded, so a part without it in its header is read as it stands.
static FORMAT: LazyLock<Markers> = LazyLock::new(|| Markers::new(["format"]));

/// Whether plain text the view may show unflowed ([`mime::unflow`]: a line ending in a space
/// joined to the next, with or without the space) shows a marker the text as it stands does not
/// (`Fro ⏎m:` is `From:`). Without such a line nothing is joined; `may_flow` says whether its
/// header could make it flowed.
fn unflowed_matters(text: &str, may_flow: impl FnOnce() -> bool) -> bool {
    let soft_break = |end: &[u8]| memchr::memmem::find(text.as_bytes(), end).is_some();
    (soft_break(b" \n") || soft_break(b" \r\n"))
        && may_flow()
        && [false, true]
            .iter()
            .any(|&delsp| TEXT_DECODES.is_match(mime::unflow(text, delsp).as_bytes()))
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

/// Single-byte charsets that mail-parser and encoding_rs read alike, byte for byte (the test
/// `single_byte_charsets_read_as_mail_parser_reads_them` checks each label; windows-1250,
/// -1251, -1253, -1254, -1257, iso-8859-7 and koi8-u differ, so are left to the full decode).
const SINGLE_BYTE_LABELS: &[&str] = &["windows-1256", "iso-8859-2", "iso-8859-5", "koi8-r"];

/// A text part's content as the full decode reads it: UTF-8 (labelled so or not labelled),
/// windows-1252 or one of [`SINGLE_BYTE_LABELS`]; None for 8-bit bytes in another charset,
/// left to the full decode.
fn as_text<'a>(bytes: &'a [u8], charset: Option<&str>) -> Option<Cow<'a, str>> {
    let utf8 = || simdutf8::basic::from_utf8(bytes).ok().map(Cow::Borrowed);
    match charset {
        // ASCII is UTF-8 too: one check tells both.
        None | Some("utf-8" | "utf8") => utf8(),
        _ if bytes.is_ascii() => utf8(),
        Some(label) if CP1252_LABELS.contains(&label) => {
            Some(encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0)
        }
        Some(label) if SINGLE_BYTE_LABELS.contains(&label) => {
            encoding_rs::Encoding::for_label(label.as_bytes())
                .map(|encoding| encoding.decode_without_bom_handling(bytes).0)
        }
        Some(_) => None,
    }
}

/// Whether text as it stands could matter to the full decode: forward and attachment markers,
/// bytes that are not the text, or the `brands` however written.
fn text_matters(text: &[u8], brands: &Words) -> bool {
    if BODY_DECODES.is_match(text) || !plain_entities(text) {
        return true;
    }
    // Bytes that are the text: UTF-8, folded when not ASCII (folding is what turns look-alike
    // and full-width letters into a brand word).
    simdutf8::basic::from_utf8(text).map_or(true, |text| names_brand(text, brands))
}

/// Every `&name;` in the body stands for no letter, or for letters that spell nothing
/// ([`other_letter`]).
fn plain_entities(body: &[u8]) -> bool {
    memchr::memchr_iter(b'&', body).all(|at| {
        // Up to the 11 letters of the longest name html_text drops, and its `;`.
        let rest = &body[at + 1..body.len().min(at + 13)];
        match rest.iter().position(|&b| b == b';') {
            Some(end) if end > 0 && rest[..end].iter().all(u8::is_ascii_alphanumeric) => {
                let name = &rest[..end];
                // What follows must join no character: ASCII, and no numeric reference (which
                // could be a combining mark).
                let next = &body[at + end + 2..];
                PLAIN_ENTITIES.iter().any(|plain| plain.as_bytes() == name)
                    || (next.first().is_none_or(u8::is_ascii)
                        && !next.starts_with(b"&#")
                        && std::str::from_utf8(name).is_ok_and(other_letter))
            }
            // A lone `&` is text.
            _ => true,
        }
    })
}

/// Characters of the brand words (squeezed), the template words and the forward markers.
static SPELLING: LazyLock<Vec<char>> = LazyLock::new(|| {
    let mut chars: Vec<char> = scope::BRAND_WORDS
        .iter()
        .chain(scope::SHORT_BRAND_WORDS)
        .chain(TEMPLATE_WORDS.iter())
        .chain(forward::SENDER_LABELS.iter())
        .flat_map(|w| w.chars())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    chars.sort_unstable();
    chars.dedup();
    chars
});

/// A named reference (`&eacute;`, `&ccedil;`) that the full decode reads, with the decoder it
/// uses, as one character that neither as it stands nor folded holds any character of a brand
/// word or a forward marker, and that joins no character before it (NFKC leaves it alone
/// whatever precedes it: a starter that composes with nothing). Left out of the text as the
/// first look leaves out markup, it can only join letters, never part them: a brand word it
/// hides is impossible, one it makes up costs a decode.
fn other_letter(name: &str) -> bool {
    use unicode_normalization::{IsNormalized, char::canonical_combining_class, is_nfkc_quick};
    let reference = format!("&{name};");
    let decoded = html_escape::decode_html_entities(&reference);
    let mut chars = decoded.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return false;
    };
    let spells = |c: char| SPELLING.binary_search(&c.to_ascii_lowercase()).is_ok();
    canonical_combining_class(c) == 0
        && is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes
        && !c.to_lowercase().any(spells)
        && !text::fold(decoded.as_ref()).chars().any(spells)
}

/// The body, folded, could name one of `brands` as the full decode renders it: squeezed to
/// letters and digits as it stands (`Micro soft`), and with markup and entity references dropped
/// (`Micro<b>soft</b>`, `X<b>box`, `Windows&nbsp;Defender`, `Micro<!-- -->soft`).
fn names_brand(text: &str, brands: &Words) -> bool {
    let markup = |text: &str| memchr::memchr2(b'<', b'&', text.as_bytes()).is_some();
    // ASCII needs no folding here, since the brand search lowercases. Other text is folded once
    // for both searches (its letters and digits are [`text::folded_alphanumerics`]), and looked
    // at for markup as folded (`＜` is `<`). With markup, one walk gives both squeezed texts.
    let squeezed = |text: &str| {
        let (letters, outside) = letters_outside_markup(text);
        brands.is_match(&letters) || brands.is_match(&outside)
    };
    if text.is_ascii() {
        return if markup(text) {
            squeezed(text)
        } else {
            brands.is_match(&text::folded_alphanumerics(text))
        };
    }
    let folded = text::fold(text);
    if markup(&folded) {
        squeezed(&folded)
    } else {
        brands.is_match(text::alphanumerics(&folded).as_bytes())
    }
}

/// `<` opens a tag only before a letter, `/`, `!` or `?`, as in the HTML tokenizer; otherwise it
/// is text (`a < b`).
fn opens_tag(rest: &[u8]) -> bool {
    rest.get(1)
        .is_some_and(|&b| b.is_ascii_alphabetic() || b"/!?".contains(&b))
}

/// Where markup ends, read as the view drops it. Once a closer is missing it is missing for
/// every later opener: no search is repeated, so hostile input (`<<<<…`) stays linear.
struct Markup {
    tag_closes: bool,
    comment_closes: bool,
}

impl Default for Markup {
    fn default() -> Self {
        Markup {
            tag_closes: true,
            comment_closes: true,
        }
    }
}

impl Markup {
    /// The length of the markup (`<…>`, `<!--…-->`, `&name;`) `rest` starts with, if any.
    fn len_at(&mut self, rest: &[u8]) -> Option<usize> {
        if rest.starts_with(b"<!--") && self.comment_closes {
            let end = memchr::memmem::find(rest, b"-->").map(|e| e + 3);
            self.comment_closes = end.is_some();
            end
        } else if rest.first() == Some(&b'<') && self.tag_closes && opens_tag(rest) {
            let end = memchr::memchr(b'>', rest).map(|e| e + 1);
            self.tag_closes = end.is_some();
            end
        } else if rest.first() == Some(&b'&') {
            rest.iter().take(12).position(|&b| b == b';').map(|e| e + 1)
        } else {
            None
        }
    }
}

/// The letters and digits of `text` (ASCII lowercased: folded text is lowercase already), and
/// those outside markup (`<…>`, `<!--…-->`, `&name;`), as UTF-8: one walk for both.
fn letters_outside_markup(text: &str) -> (Vec<u8>, Vec<u8>) {
    let bytes = text.as_bytes();
    let mut letters = Vec::with_capacity(bytes.len());
    let mut out = Vec::with_capacity(bytes.len());
    let mut markup_end = 0;
    let mut markup = Markup::default();
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        // ASCII that opens no markup, squeezed a word at a time: into both outside markup, into
        // the letters alone within it.
        let plain = text::find_any(&bytes[at..], [b'<', b'&'], true).unwrap_or(bytes.len() - at);
        if plain > 0 {
            let end = at + plain;
            let within = markup_end.clamp(at, end);
            text::push_ascii_alphanumerics(&mut letters, &bytes[at..end]);
            text::push_ascii_alphanumerics(&mut out, &bytes[within..end]);
            at = end;
            continue;
        }
        if b.is_ascii() {
            if at >= markup_end
                && let Some(end) = markup.len_at(&bytes[at..])
            {
                markup_end = at + end;
            }
            let letter = text::ASCII_ALPHANUMERIC[usize::from(b)];
            if letter != 0 {
                letters.push(letter);
                if at >= markup_end {
                    out.push(letter);
                }
            }
            at += 1;
        } else {
            // A lead byte: `text` is a str, so a whole character starts here.
            let c = text[at..].chars().next().unwrap_or_default();
            let len = c.len_utf8();
            if c.is_alphanumeric() {
                letters.extend_from_slice(&bytes[at..at + len]);
                if at >= markup_end {
                    out.extend_from_slice(&bytes[at..at + len]);
                }
            }
            at += len;
        }
    }
    (letters, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worth(raw: &[u8]) -> bool {
        worth_decoding(&crate::mime::glance(raw).unwrap(), raw)
    }

    /// A sender whose display name names its own domain claims nothing by the brand in its body:
    /// such a body is skipped, and the full decode writes the same record. A title in one of
    /// Microsoft's order templates, however written, still sends it to the full decode.
    #[test]
    fn a_self_named_sender_matters_only_by_a_title_in_a_template() {
        let mail = |body: &str| {
            format!(
                "From: KumoPC Support <support@kumopc.example>\nSubject: Office set-up\n\
                 Content-Type: text/html; charset=utf-8\n\n<p>{body}</p>\n"
            )
        };
        let written = |raw: &str, decode_all| {
            let opts = crate::Options {
                decode_all,
                ..crate::Options::default()
            };
            serde_json::to_value(crate::classify("m", 1, raw.as_bytes(), &opts)).unwrap()
        };
        for body in [
            "Micro<b>soft</b> Office is set up",
            "Xbox and Microsoft 365 help: call 0120-55-8721",
        ] {
            let raw = mail(body);
            assert!(!worth(raw.as_bytes()), "{body}");
            assert_eq!(written(&raw, false), written(&raw, true), "{body}");
        }
        for title in [
            "Microsoft の注文 #1234567890 が処理されました",
            "Ｍｉｃｒｏ<i>soft</i>のご注文 番号 1234567890",
            "Your <b>Microsoft</b> order&nbsp;#1234567890 has been processed",
        ] {
            assert!(worth(mail(title).as_bytes()), "{title}");
        }
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
            // Markup seen once folded.
            "Micro\u{FF1C}b\u{FF1E}soft é",
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
        // A quote after an `=` in a tag's name opens no value: the text after `>` is shown.
        for html in [
            "<a=\"</a>Microsoft order<a href=\"x\">",
            "<p =\">Microsoft order<a href=\"x\">",
        ] {
            let raw = format!("From: a@example.com\nSubject: hi\nContent-Type: text/html\n\n{html}\n");
            assert!(worth(raw.as_bytes()), "{html}");
        }
    }

    /// Flowed text is read as the view shows it: a label cut by a soft line break is one.
    #[test]
    fn flowed_text_is_read_joined() {
        let mail = |params: &str| {
            format!(
                "From: a@example.com\nSubject: hi\nContent-Type: text/plain; charset=utf-8{params}\n\nfyi\n\n\
                 Fro \nm: Support <billing@rnicrosoft.com>\nSubject: Your order\nDate: Mon, 1 Dec 2026\n\npay now\n"
            )
        };
        let decide = |raw: &str| {
            let view = crate::mime::decode(raw.as_bytes()).unwrap();
            crate::verdict::decide(&view, &Default::default()).label
        };
        let flowed = mail("; format=flowed; delsp=yes");
        assert!(worth(flowed.as_bytes()));
        assert_ne!(decide(&flowed), crate::verdict::Label::Unrelated);
        let fixed = mail("");
        assert!(!worth(fixed.as_bytes()));
        assert_eq!(decide(&fixed), crate::verdict::Label::Unrelated);
    }

    #[test]
    fn references_to_other_letters_are_read() {
        let html =
            |body: &str| format!("From: a@example.com\nSubject: hi\nContent-Type: text/html\n\n{body}\n");
        // Portuguese with its letters written as references: nothing to decode.
        assert!(!worth(
            html("Voc&ecirc; tem pontos a expirar: a&ccedil;&atilde;o &Uacute;nica").as_bytes()
        ));
        for body in [
            // A letter that folds to one a brand word holds (ı is i, º is o).
            "M&imath;crosoft",
            "Micr&ordm;soft",
            // Names html-escape reads otherwise than one character, or not at all.
            "&notit; x",
            "&microsoft;",
            // What follows could join the letter.
            "a&eacute;\u{301}",
            "a&eacute;&#769;",
            // A forward marker spelled with a reference, or split by markup.
            "From&#58; Support &lt;a@rnicrosoft.com&gt;",
            "Fr<b>om:</b> Support &lt;billing@rnicrosoft.com&gt;<br>Subject: Your order",
            "From\n: Support &lt;billing@rnicrosoft.com&gt;<br>Subject: Your order",
            // A reference that folds to letters, and a name no decoder knows, shown as letters.
            "Microsof&trade; account",
            "Microsof&Trade; account",
            // A brand word behind one.
            "&eacute;Microsoft",
            // A name of eleven letters (ℰ folds to e), and a reference a tag splits.
            "Offic&expectation; 365",
            "Micro&<b>amp;</b>soft",
        ] {
            assert!(worth(html(body).as_bytes()), "{body}");
        }
    }

    /// What the first look skips, the full decode calls `unrelated`.
    #[test]
    fn skipped_references_are_unrelated_in_full() {
        for body in [
            "<p>Voc&ecirc; tem 92.990 pontos. A&ccedil;&atilde;o &Uacute;nica: <a href=\"http://x.example/\">resgate</a></p>",
            // ô is no o: no brand word, for the full decode either.
            "Micr&ocirc;soft 365",
        ] {
            let raw = format!(
                "From: Livelo <a@example.com.br>\nSubject: pontos\nContent-Type: text/html; charset=utf-8\n\n{body}\n"
            );
            assert!(!worth(raw.as_bytes()), "{body}");
            let view = crate::mime::decode(raw.as_bytes()).unwrap();
            let decision = crate::verdict::decide(&view, &Default::default());
            assert_eq!(decision.label, crate::verdict::Label::Unrelated, "{body}");
        }
        let lookalike = "From: Livelo <a@example.com.br>\nSubject: pontos\nContent-Type: text/html; charset=utf-8\n\nM&imath;crosoft 365\n";
        let view = crate::mime::decode(lookalike.as_bytes()).unwrap();
        let decision = crate::verdict::decide(&view, &Default::default());
        assert_ne!(decision.label, crate::verdict::Label::Unrelated);
    }

    /// Mail the first look reads through (digests with typed parts, text elements without an
    /// end tag, `noscript`, RCDATA) is skipped only where the full decode calls it `unrelated`.
    #[test]
    fn text_elements_and_digests_are_read_as_in_full() {
        let html = |body: &str| {
            format!("From: Shop <a@example.com>\nSubject: sleep better\nContent-Type: text/html\n\n{body}\n")
        };
        let digest = |part: &str| {
            format!(
                "From: Shop <a@example.com>\nSubject: sleep better\nContent-Type: multipart/digest; boundary=\"b\"\n\n--b\n{part}\n--b--\n"
            )
        };
        let decide = |raw: &str| {
            let view = crate::mime::decode(raw.as_bytes()).unwrap();
            crate::verdict::decide(&view, &Default::default()).label
        };
        for raw in [
            digest("Content-Type: text/html; charset=utf-8\n\n<h2>Upgrade your sleep today!</h2>"),
            html("<style>p { color: red } <p>Upgrade your sleep"),
            html("<p>Upgrade</p><noscript><img src=x></noscript>"),
            html("<title>Sleep</title><p>Upgrade <script>x = 1;"),
        ] {
            assert!(!worth(raw.as_bytes()), "{raw}");
            assert_eq!(decide(&raw), crate::verdict::Label::Unrelated, "{raw}");
        }
        for raw in [
            // An untyped part of a digest is a message.
            digest("\nFrom: Microsoft <microsoft-noreply@microsoft.com>\nSubject: order\n\nx"),
            digest("Content-Type: text/plain\n\nYour Xbox order"),
            // RCDATA keeps its tags as text: "X<b>ox" is shown.
            html("<title>X<b>ox</title> Game Pass"),
            html("<p>Your order</p><noscript x=>Microsoft</noscript>"),
        ] {
            assert!(worth(raw.as_bytes()), "{raw}");
        }
        // Past the full decode's bound (here: 70 messages spelled in base64 after the closing
        // delimiter, which the bound reads and mail-parser doesn't): an error there, so decoded.
        let hidden = crate::compose::base64("Content-Type: message/rfc822\n".repeat(70).as_bytes());
        let deep = format!(
            "{}note: base64\n\n{hidden}\n",
            digest("Content-Type: text/plain\n\nhello")
        );
        assert!(crate::mime::decode(deep.as_bytes()).is_err());
        assert!(worth(deep.as_bytes()));
    }

    #[test]
    fn single_byte_charsets_read_as_mail_parser_reads_them() {
        let bytes: Vec<u8> = (0..=255).collect();
        let differ: Vec<&str> = SINGLE_BYTE_LABELS
            .iter()
            .copied()
            .filter(|label| {
                let theirs = mail_parser::decoders::charsets::map::charset_decoder(label.as_bytes())
                    .map(|decode| decode(&bytes));
                theirs.as_deref() != as_text(&bytes, Some(label)).as_deref()
            })
            .collect();
        assert!(differ.is_empty(), "{differ:?}");
    }

    proptest::proptest! {
        /// What [`names_brand`] searches in folded text with markup is what it searches in any
        /// other: the letters and digits of the folded text.
        #[test]
        fn folded_letters_are_those_of_the_folded_text(s in "([a-zA-Z0-9 <&;]|\\PC|\u{301}|Ⅻ|Ｍ){0,24}") {
            proptest::prop_assert_eq!(
                text::alphanumerics(&text::fold(&s)).into_bytes(),
                text::folded_alphanumerics(&s)
            );
        }
    }

    proptest::proptest! {
        /// UTF-8 is told as the standard library tells it, in text long enough for vector steps
        /// and with bytes that are not.
        #[test]
        fn utf8_read_as_std_reads_it(
            text in "\\PC{0,80}",
            ascii in 0usize..80,
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..80),
        ) {
            let bytes = [text.as_bytes(), "x".repeat(ascii).as_bytes(), &bytes].concat();
            let read = as_text(&bytes, None);
            proptest::prop_assert_eq!(read.as_deref(), std::str::from_utf8(&bytes).ok());
            let labelled = as_text(text.as_bytes(), Some("utf-8"));
            proptest::prop_assert_eq!(labelled.as_deref(), Some(text.as_str()));
        }
    }

    #[test]
    fn spaced_sender_labels_end_in_a_spaced_colon() {
        for label in forward::SENDER_LABELS.iter().filter(|label| label.contains(' ')) {
            assert!(label.ends_with(" :"), "{label}");
        }
    }

    proptest::proptest! {
        /// Text the spaced labels' pattern matches has a colon after white space.
        #[test]
        fn spaced_labels_show_a_colon_after_white_space(s in "([fFrRoOmM:\t\n\x0C\r ]|from|FROM|\\PC){0,24}") {
            if SPACED_SENDER_LABELS.is_match(&s) {
                proptest::prop_assert!(may_show_spaced_label(s.as_bytes()));
            }
        }
    }

    /// What the first look drops stands for no letter or digit, folded too.
    #[test]
    fn plain_entities_stand_for_no_letter() {
        for name in PLAIN_ENTITIES {
            let reference = format!("&{name};");
            let decoded = html_escape::decode_html_entities(&reference);
            assert_ne!(decoded, reference, "{name}");
            assert!(text::folded_alphanumerics(&decoded).is_empty(), "{name}");
        }
    }

    /// [`letters_outside_markup`] as it read ASCII byte by byte: the reference for it.
    fn letters_outside_markup_by_byte(text: &str) -> (Vec<u8>, Vec<u8>) {
        let bytes = text.as_bytes();
        let mut letters = Vec::new();
        let mut out = Vec::new();
        let mut markup_end = 0;
        let mut markup = Markup::default();
        let mut at = 0;
        while at < bytes.len() {
            let b = bytes[at];
            if b.is_ascii() {
                if at >= markup_end
                    && let Some(end) = markup.len_at(&bytes[at..])
                {
                    markup_end = at + end;
                }
                if b.is_ascii_alphanumeric() {
                    letters.push(b.to_ascii_lowercase());
                    if at >= markup_end {
                        out.push(b.to_ascii_lowercase());
                    }
                }
                at += 1;
            } else {
                let c = text[at..].chars().next().unwrap_or_default();
                let len = c.len_utf8();
                if c.is_alphanumeric() {
                    letters.extend_from_slice(&bytes[at..at + len]);
                    if at >= markup_end {
                        out.extend_from_slice(&bytes[at..at + len]);
                    }
                }
                at += len;
            }
        }
        (letters, out)
    }

    proptest::proptest! {
        #[test]
        fn letters_outside_markup_as_read_byte_by_byte(s in "([a-zA-Z0-9 <>!&;/-]|<b>|<!--|-->|&amp;|\\PC|Ⅻ|é){0,40}") {
            proptest::prop_assert_eq!(letters_outside_markup(&s), letters_outside_markup_by_byte(&s));
        }
    }

    #[test]
    fn unclosed_markup_is_text() {
        let outside_markup = |text| letters_outside_markup(text).1;
        assert_eq!(outside_markup("a < Micro<b>soft"), b"amicrosoft");
        assert_eq!(outside_markup("a <Micro<b>soft"), b"asoft");
        assert_eq!(outside_markup("<<<< x"), b"x");
        assert_eq!(outside_markup("x <!-- y"), b"xy");
        assert_eq!(outside_markup("Ⅻ é<b>ü</b>&amp;"), "Ⅻéü".as_bytes());
    }

    proptest::proptest! {
        /// The letters [`letters_outside_markup`] gives with those outside markup are the ones
        /// [`names_brand`] searches where there is no markup: of ASCII text as it stands, and
        /// of other text folded.
        #[test]
        fn letters_are_those_searched_without_markup(s in "([a-zA-Z0-9 <>!&;-]|\\PC|\u{301}|Ⅻ|Ｍ){0,24}") {
            if s.is_ascii() {
                proptest::prop_assert_eq!(letters_outside_markup(&s).0, text::folded_alphanumerics(&s));
            }
            let folded = text::fold(&s);
            proptest::prop_assert_eq!(
                letters_outside_markup(&folded).0,
                text::alphanumerics(&folded).into_bytes()
            );
        }
    }

    /// In the top header block only Content-Type and Content-Transfer-Encoding say how the
    /// content reads: an opaque word elsewhere in it hides nothing, one in them is decoded.
    #[test]
    fn only_the_top_typing_fields_can_hide_the_text() {
        let skipped = "From: a@example.com\nReceived: by x.example (charset utf-7, x-uuencode)\nX-Note: utf-16\nSubject: lunch\nContent-Type: text/plain\n\nMicro+AHM-oft\n";
        assert!(!worth(skipped.as_bytes()));
        let view = crate::mime::decode(skipped.as_bytes()).unwrap();
        let decision = crate::verdict::decide(&view, &Default::default());
        assert_eq!(decision.label, crate::verdict::Label::Unrelated);
        for typing in [
            "Content-Type: text/plain;\n charset=\"UTF-7\"",
            "Content-Type: text/plain; charset*=utf-16''x",
            "Content-Transfer-Encoding: x-uuencode",
        ] {
            let raw = format!("From: a@example.com\nSubject: lunch\n{typing}\n\nMicro+AHM-oft\n");
            assert!(worth(raw.as_bytes()), "{typing}");
        }
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
