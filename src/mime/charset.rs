//! Charsets: labels that encoding_rs does not know by their names (Microsoft's and the
//! ISO-2022-JP extensions), and bytes whose label is missing or wrong.

use std::borrow::Cow;

use std::sync::LazyLock;

use encoding_rs::Encoding;
use mail_parser::decoders::charsets::DecoderFnc;
use mail_parser::decoders::charsets::map::charset_decoder;

use crate::text::ascii_run;

/// Labels that encoding_rs does not know by these names, mapped to the encoding that reads them:
/// Microsoft's and the 2022 extensions are supersets whose Japanese part the WHATWG decoders
/// cover (NEC row 13 included).
pub(super) const CHARSET_ALIASES: &[(&str, &str)] = &[
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

pub(super) fn encoding_for(label: &str) -> Option<&'static Encoding> {
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
    decode_borrowed(bytes, label).into_owned()
}

/// [`decode_bytes`], borrowing the bytes where they are the text as they stand (valid UTF-8
/// with 8-bit bytes).
pub(super) fn decode_borrowed<'a>(bytes: &'a [u8], label: Option<&str>) -> Cow<'a, str> {
    // simdutf8 checks 32 bytes a step where core's check reads 8-bit text byte by byte.
    if !bytes.is_ascii()
        && let Ok(s) = simdutf8::basic::from_utf8(bytes)
    {
        return Cow::Borrowed(s);
    }
    let encoding = if memchr::memchr(0x1b, bytes).is_some() && bytes.is_ascii() {
        encoding_rs::ISO_2022_JP
    } else {
        label.and_then(encoding_for).unwrap_or(encoding_rs::UTF_8)
    };
    if encoding == encoding_rs::ISO_2022_JP {
        let bytes = without_redundant_escapes(bytes);
        return Cow::Owned(encoding.decode_without_bom_handling(&bytes).0.into_owned());
    }
    encoding.decode_without_bom_handling(bytes).0
}

/// Text of `bytes` as mail-parser's charset `decoder` makes it. Its windows-1252 decoder (which
/// it also takes for ISO-8859-1 and US-ASCII) maps each byte through a table, pushing one char a
/// byte: here runs of ASCII, which it maps to itself, are found eight bytes at a time and copied
/// whole, and other bytes are read as it reads each alone.
pub(super) fn parsers_decode(decoder: DecoderFnc, bytes: &[u8]) -> String {
    static WINDOWS_1252: LazyLock<Option<(DecoderFnc, Vec<String>)>> = LazyLock::new(|| {
        let decoder = charset_decoder(b"windows-1252")?;
        Some((decoder, (0x80..=0xFF).map(|b| decoder(&[b])).collect()))
    });
    let Some((_, high)) = WINDOWS_1252
        .as_ref()
        .filter(|(windows_1252, _)| std::ptr::fn_addr_eq(decoder, *windows_1252))
    else {
        return decoder(bytes);
    };
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 8);
    let mut i = 0;
    while i < bytes.len() {
        let ascii = &bytes[i..i + ascii_run(&bytes[i..])];
        // ASCII, checked as UTF-8 (no unsafe) by simdutf8, which reads it 32 bytes a step.
        out.push_str(simdutf8::basic::from_utf8(ascii).unwrap_or_default());
        i += ascii.len();
        if let Some(&b) = bytes.get(i) {
            out.push_str(&high[usize::from(b - 0x80)]);
            i += 1;
        }
    }
    out
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

/// The charset of raw 8-bit Japanese in a header (no encoded word to name it): EUC-JP when the
/// bytes read as EUC-JP and every 8-bit byte is one EUC-JP uses for kana and kanji (0xA1..=0xFE,
/// or 0x8E before half-width kana), which Shift_JIS text, with its lead bytes 0x81..=0x9F, rarely
/// is; Shift_JIS otherwise.
pub(super) fn raw_header_charset(raw: &[u8]) -> &'static str {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte, and bytes in a row, read as mail-parser's decoders read them: its
    /// windows-1252 one (under each label it takes it for) and another.
    #[test]
    fn parsers_decode_is_mail_parsers() {
        let every: Vec<u8> = (0..=255).chain([b'a', 0x80, 0x80, b'b', 0xFF]).collect();
        for label in [
            "windows-1252",
            "ISO-8859-1",
            "us-ascii",
            "latin1",
            "iso-8859-2",
            "utf-16",
        ] {
            let decoder = charset_decoder(label.as_bytes()).unwrap();
            for bytes in [&every[..], b"", b"plain", &every[250..]] {
                assert_eq!(parsers_decode(decoder, bytes), decoder(bytes), "{label}");
            }
        }
    }

    proptest::proptest! {
        /// Long ASCII runs between 8-bit bytes, at every offset in a word, read as
        /// mail-parser's windows-1252 decoder reads them.
        #[test]
        fn parsers_decode_reads_runs_as_mail_parser(
            picks in proptest::collection::vec((0..4usize, 0..20usize), 0..30)
        ) {
            const HIGH: &[u8] = &[0x80, 0x9F, 0xE9, 0xFF];
            let bytes: Vec<u8> = picks
                .iter()
                .flat_map(|&(h, run)| (0..run).map(|i| b'a' + (i % 26) as u8).chain([HIGH[h]]))
                .collect();
            let decoder = charset_decoder(b"windows-1252").unwrap();
            proptest::prop_assert_eq!(parsers_decode(decoder, &bytes), decoder(&bytes));
        }
    }

    #[test]
    fn decode_bytes_guesses() {
        assert_eq!(decode_bytes("注文".as_bytes(), Some("iso-2022-jp")), "注文");
        let jis = encoding_rs::ISO_2022_JP.encode("注文①").0;
        assert_eq!(decode_bytes(&jis, None), "注文①");
        let sjis = encoding_rs::SHIFT_JIS.encode("注文").0;
        assert_eq!(decode_bytes(&sjis, Some("cp932")), "注文");
    }
}
