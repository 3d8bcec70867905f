//! Header values: RFC 2047 encoded words in any charset encoding_rs knows, raw 8-bit and
//! ISO-2022-JP bytes, unfolding.

use std::sync::LazyLock;

use mail_parser::decoders::base64::base64_decode;
use regex::bytes::Regex;

use super::charset::{decode_bytes, raw_header_charset};
use crate::text::unescape_hex;

pub(super) fn unfold(s: &str) -> String {
    // The line ends found by memchr2 (a split on a char set looks at each char).
    let mut out = String::with_capacity(s.len());
    let mut start = 0;
    for end in memchr::memchr2_iter(b'\r', b'\n', s.as_bytes()).chain(Some(s.len())) {
        let line = s[start..end].trim();
        if !line.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(line);
        }
        start = end + 1;
    }
    out
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

fn flush_word(out: &mut String, word: Option<(String, Vec<u8>)>) {
    if let Some((charset, bytes)) = word {
        out.push_str(&decode_bytes(&bytes, Some(&charset)));
    }
}

/// The `Q` encoding of an encoded word: `=XX` escapes, and `_` for a space.
fn q_decode(s: &[u8]) -> Vec<u8> {
    let spaced: Vec<u8> = s.iter().map(|&b| if b == b'_' { b' ' } else { b }).collect();
    unescape_hex(&spaced, b'=')
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Lines cut at CR and LF, trimmed of Unicode white space, the empty ones dropped.
        #[test]
        fn unfold_joins_trimmed_lines(picks in proptest::collection::vec(0..8usize, 0..40)) {
            const PIECES: &[&str] = &["\r", "\n", " ", "\t", "spf=pass", ";", "\u{a0}", "\u{3000}"];
            let s: String = picks.iter().map(|&i| PIECES[i]).collect();
            let expected = s
                .split(['\r', '\n'])
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            proptest::prop_assert_eq!(unfold(&s), expected);
        }
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
}
