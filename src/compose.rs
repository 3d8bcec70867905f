//! Writing RFC 5322 header fields and MIME bodies: base64, RFC 2047 encoded words, folding.
//! Used where msorder itself writes mail text (the .msg adapter, the filter's added fields), so
//! what it writes is plain ASCII that any mail reader and mail-parser read back.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding, on one line.
pub fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Base64 in lines of 76 characters, each ending in CRLF, as a MIME body.
pub fn base64_body(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() / 3 * 4 + bytes.len() / 38 + 4);
    for line in bytes.chunks(57) {
        out.push_str(&base64(line));
        out.push_str("\r\n");
    }
    out
}

/// Text safe inside one header field: control characters (CR and LF above all, which would
/// start a new field) become spaces, so no value can add a field of its own.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Printable ASCII as it is; anything else as RFC 2047 `=?UTF-8?B?…?=` words, each short enough
/// for a folded line and never splitting a character.
pub fn encode_words(text: &str) -> String {
    let text = one_line(text);
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return text;
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        // 45 bytes of UTF-8 make 60 base64 characters: 72 with the word's frame.
        if chunk.len() + c.len_utf8() > 45 {
            words.push(format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())));
    }
    words.join(" ")
}

/// `Name: value` folded at spaces so that no line passes 78 columns, with CRLF line ends.
/// A single word longer than a line stays whole (it can't be split without changing it).
pub fn field(name: &str, value: &str) -> String {
    let mut out = format!("{name}:");
    let mut column = out.len();
    for word in value.split(' ').filter(|w| !w.is_empty()) {
        if column + 1 + word.len() > 78 && column > name.len() + 1 {
            out.push_str("\r\n");
            column = 0;
        }
        out.push(' ');
        out.push_str(word);
        column += 1 + word.len();
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_known_values() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_body(&[0u8; 60]).lines().count(), 2);
    }

    #[test]
    fn words_round_trip_through_the_decoder() {
        let text = "日本語の件名 with English and more 日本語 to make it long enough to split";
        let encoded = encode_words(text);
        assert!(encoded.is_ascii());
        assert!(encoded.split(' ').all(|w| w.len() <= 76));
        assert_eq!(crate::mime::decode_header_bytes(encoded.as_bytes()), text);
        assert_eq!(encode_words("a\r\nBcc: x"), "a  Bcc: x");
    }

    #[test]
    fn fields_fold_under_78_columns() {
        let value = (0..40)
            .map(|i| format!("reason-{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let f = field("X-MSOrder-Reasons", &value);
        assert!(f.split("\r\n").all(|l| l.len() <= 78), "{f}");
        assert!(
            f.split("\r\n")
                .skip(1)
                .all(|l| l.is_empty() || l.starts_with(' '))
        );
        assert_eq!(f.replace("\r\n", ""), format!("X-MSOrder-Reasons: {value}"));
    }
}
