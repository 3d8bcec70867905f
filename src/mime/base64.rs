//! mail-parser's MIME base64 decoder (`decode_base64_mime`), byte for byte, on the content of a
//! base64 text part that [`super::hollow`] takes out: base64 letters, `=` and white space only,
//! read four letters at once where they stand together (it reads byte by byte). Its rules: four
//! letters make three bytes; an `=` ends a group early, one letter giving its six bits as a byte,
//! two one byte, three two bytes; white space is skipped; letters left at the end are dropped.

/// A letter's six bits, or [`NOT_A_LETTER`].
static VALUE: [u8; 256] = {
    let mut table = [NOT_A_LETTER; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < alphabet.len() {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

const NOT_A_LETTER: u8 = 0xff;

/// What mail-parser's MIME decoder makes of `content`: bytes that are base64 letters, `=`, and
/// white space (space, tab, CR, LF), before the line end of a delimiter line or the end of a
/// message read without a boundary (neither adds a byte).
pub(super) fn decode(content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() / 4 * 3);
    let mut group = [0u8; 4];
    let mut held = 0;
    let mut i = 0;
    while i < content.len() {
        if held == 0
            && let Some(&[a, b, c, d]) = content.get(i..i + 4)
        {
            let (a, b, c, d) = (
                VALUE[a as usize],
                VALUE[b as usize],
                VALUE[c as usize],
                VALUE[d as usize],
            );
            if a | b | c | d < 64 {
                out.extend_from_slice(&[a << 2 | b >> 4, b << 4 | c >> 2, c << 6 | d]);
                i += 4;
                continue;
            }
        }
        let byte = content[i];
        i += 1;
        let value = VALUE[byte as usize];
        if value != NOT_A_LETTER {
            group[held] = value;
            held += 1;
            if held == 4 {
                let [a, b, c, d] = group;
                out.extend_from_slice(&[a << 2 | b >> 4, b << 4 | c >> 2, c << 6 | d]);
                held = 0;
            }
        } else if byte == b'=' {
            let [a, b, c, _] = group;
            match held {
                1 => out.push(a << 2),
                2 => out.push(a << 2 | b >> 4),
                3 => out.extend_from_slice(&[a << 2 | b >> 4, b << 4 | c >> 2]),
                _ => {}
            }
            held = 0;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::parsers::MessageStream;

    proptest::proptest! {
        /// Content a hollowed base64 text part may hold decodes as mail-parser decodes it, both
        /// before a delimiter line and to the end of a message.
        #[test]
        fn decode_is_mail_parsers(picks in proptest::collection::vec(0..16usize, 0..80), crlf: bool) {
            const PIECES: &[&str] =
                &["A", "z", "+", "/", "0", "9", "=", "==", "\n", "\r\n", " ", "\t", "\r", "QUJD", "8J+Yg", "ZW5k"];
            let content: String = picks.iter().map(|&i| PIECES[i]).collect();
            let content = content.as_bytes();
            let (end, bytes) = MessageStream::new(content).decode_base64_mime(b"");
            proptest::prop_assert_eq!(end, content.len());
            proptest::prop_assert_eq!(bytes.into_owned(), decode(content));
            // As taken out, content ends where the line end before the delimiter starts, so a
            // CR before that line end's LF is the line end's.
            if crlf || !content.ends_with(b"\r") {
                let line_end: &[u8] = if crlf { b"\r\n" } else { b"\n" };
                let stream = [content, line_end, b"--qq\r\nafter"].concat();
                let (end, bytes) = MessageStream::new(&stream).decode_base64_mime(b"qq");
                proptest::prop_assert_eq!(end, content.len());
                proptest::prop_assert_eq!(bytes.into_owned(), decode(content));
            }
        }
    }
}
