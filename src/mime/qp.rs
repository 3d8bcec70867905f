//! mail-parser's two quoted-printable decoders, byte for byte, with runs of plain bytes and
//! whole escapes read at once (they read byte by byte): `quoted_printable_decode`, which this
//! crate runs again on parts whose charset mail-parser could not know ([`strict`]), and
//! `decode_quoted_printable_mime`, which it runs on every quoted-printable part as it parses, and
//! which is run here instead on the text parts [`super::hollow`] takes out ([`read`]).
//! Their rules: `=` and two hex digits make a byte (white space and CR after the `=`, CR and LF
//! between the digits are skipped, a line end so met is kept); `=` ending a line joins it to the
//! next; white space ending a line is dropped; CR is dropped, and once one is seen every line
//! ends in CRLF; an `=` where an escape is open fails the whole. Another byte after an `=` or its
//! first digit fails the whole in the first; the second keeps it with them, and drops the line
//! end before the boundary, with one byte more when the content ends in an open `=`.

use mail_parser::decoders::quoted_printable::HEX_MAP;

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Plain,
    Eq,
    Hex1,
}

fn hex(b: u8) -> Option<u8> {
    u8::try_from(HEX_MAP[b as usize]).ok()
}

/// mail-parser's `quoted_printable_decode`: the MIME decoder's reading, failing where that one
/// keeps a stray escape as it stands.
pub(super) fn strict(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut decoder = Decoder::new(bytes.len());
    decoder.feed(bytes)?;
    (!decoder.kept_stray).then_some(decoder.buf)
}

/// A part's content as mail-parser's MIME decoder read it. The content of a text part that
/// [`super::hollow`] takes out is read once, when it is taken out (the reading tells whether
/// the decoder fails on it), and what both decoders make of it is taken from that reading.
#[derive(Clone)]
pub(super) struct Read(Decoder);

/// The content read by mail-parser's MIME decoder; None where it fails, at an `=` where an
/// escape is open.
pub(super) fn read(content: &[u8]) -> Option<Read> {
    let mut decoder = Decoder::new(content.len());
    decoder.feed(content)?;
    Some(Read(decoder))
}

impl Read {
    /// What [`strict`] makes of the content.
    pub(super) fn strict(&self) -> Option<Vec<u8>> {
        (!self.0.kept_stray).then(|| self.0.buf.clone())
    }

    /// What mail-parser's MIME decoder makes of content that holds no boundary delimiter:
    /// `line_end` is the line end after the content, before the delimiter line that ends the
    /// part, or None for content that runs to the end of a message read without a boundary.
    pub(super) fn mime(&self, line_end: Option<&[u8]>) -> Vec<u8> {
        let mut decoder = self.0.clone();
        if let Some(line_end) = line_end {
            // The delimiter's first `-` is read as content; at the second the boundary is
            // found, and the line end and that `-` are dropped (as release builds do, nothing
            // when fewer bytes were decoded).
            let _ = decoder.feed(line_end).and_then(|()| decoder.feed(b"-"));
            if let Some(len) = decoder.buf.len().checked_sub(decoder.crlf.len() + 1) {
                decoder.buf.truncate(len);
            }
        }
        decoder.buf
    }
}

/// Where the first `=`, LF or CR is, as `memchr3` finds it. Runs between them are short in
/// quoted-printable HTML (an escape every few bytes), where memchr3's setup costs more than
/// reading the first words eight bytes at a time; past them memchr3 reads on.
fn special_at(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // The high bit of a byte that is zero is set, and of no byte below it: so the lowest bit
    // set over the three is the first byte that is one of them.
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & (0x80 * ONES);
    let mut at = 0;
    while at < 32
        && let Some(Ok(word)) = bytes.get(at..at + 8).map(<[u8; 8]>::try_from)
    {
        let w = u64::from_le_bytes(word);
        let hit = zero(w ^ (u64::from(b'=') * ONES))
            | zero(w ^ (u64::from(b'\n') * ONES))
            | zero(w ^ (u64::from(b'\r') * ONES));
        if hit != 0 {
            return Some(at + hit.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    memchr::memchr3(b'=', b'\n', b'\r', &bytes[at..]).map(|i| at + i)
}

#[derive(Clone)]
struct Decoder {
    buf: Vec<u8>,
    /// An `=` or `=` and a digit before a byte that makes no escape was kept as it stands,
    /// where `quoted_printable_decode` fails.
    kept_stray: bool,
    state: State,
    hex1: u8,
    /// The byte read last.
    last: u8,
    /// White space pushed since the last other byte, dropped at a line end.
    ws_count: usize,
    crlf: &'static [u8],
}

impl Decoder {
    fn new(capacity: usize) -> Self {
        Decoder {
            buf: Vec::with_capacity(capacity),
            kept_stray: false,
            state: State::Plain,
            hex1: 0,
            last: 0,
            ws_count: 0,
            crlf: b"\n",
        }
    }

    /// Read on; None where the decoder fails.
    fn feed(&mut self, bytes: &[u8]) -> Option<()> {
        let mut i = 0;
        while i < bytes.len() {
            if self.state == State::Plain {
                let end = special_at(&bytes[i..]).map_or(bytes.len(), |at| i + at);
                if end > i {
                    let run = &bytes[i..end];
                    self.buf.extend_from_slice(run);
                    let trailing = run.iter().rev().take_while(|b| b.is_ascii_whitespace()).count();
                    self.ws_count = if trailing == run.len() {
                        self.ws_count + trailing
                    } else {
                        trailing
                    };
                    self.last = run[run.len() - 1];
                    i = end;
                    continue;
                }
                // An escaped byte, read as the three steps below read it.
                if let Some(&[b'=', a, b]) = bytes.get(i..i + 3)
                    && let (Some(high), Some(low)) = (hex(a), hex(b))
                {
                    self.buf.push(high << 4 | low);
                    self.ws_count = 0;
                    self.last = b;
                    i += 3;
                    continue;
                }
            }
            let ch = bytes[i];
            i += 1;
            match ch {
                b'=' if self.state == State::Plain => self.state = State::Eq,
                b'=' => return None,
                b'\n' => {
                    if self.state == State::Eq {
                        self.state = State::Plain;
                    } else {
                        self.buf.truncate(self.buf.len().saturating_sub(self.ws_count));
                        self.buf.extend_from_slice(self.crlf);
                    }
                    self.ws_count = 0;
                }
                b'\r' => self.crlf = b"\r\n",
                // Plain bytes are the runs above.
                _ if self.state == State::Eq => match hex(ch) {
                    Some(high) => {
                        self.hex1 = high;
                        self.state = State::Hex1;
                    }
                    None if ch.is_ascii_whitespace() => {}
                    None => {
                        self.state = State::Plain;
                        self.buf.extend_from_slice(&[b'=', ch]);
                        self.ws_count = 0;
                        self.kept_stray = true;
                    }
                },
                _ => {
                    self.state = State::Plain;
                    match hex(ch) {
                        Some(low) => self.buf.push(self.hex1 << 4 | low),
                        None => {
                            self.buf.extend_from_slice(&[b'=', self.last, ch]);
                            self.kept_stray = true;
                        }
                    }
                    self.ws_count = 0;
                }
            }
            self.last = ch;
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::parsers::MessageStream;

    /// mail-parser's decoder on `stream`; None where a debug build's overflow check stops it (a
    /// release build, as users run, goes on: `cargo test --release` compares those too).
    fn parsers(stream: &[u8], boundary: &[u8]) -> Option<(usize, Vec<u8>)> {
        std::panic::catch_unwind(|| {
            let (end, bytes) = MessageStream::new(stream).decode_quoted_printable_mime(boundary);
            (end, bytes.into_owned())
        })
        .ok()
    }

    /// Each byte at each offset of the words read, and runs past them.
    #[test]
    fn special_at_is_memchr3() {
        for len in [0, 1, 7, 8, 9, 31, 32, 33, 40, 64, 100] {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    // A second one after it, which the first must win over.
                    if at + 1 < len {
                        bytes[at + 1] = b'=';
                    }
                    let expected = memchr::memchr3(b'=', b'\n', b'\r', &bytes);
                    assert_eq!(special_at(&bytes), expected, "{len} {at} {b}");
                }
            }
            assert_eq!(special_at(&vec![b'x'; len]), None);
        }
    }

    proptest::proptest! {
        #[test]
        fn strict_is_mail_parsers(picks in proptest::collection::vec(0..21usize, 0..60)) {
            const BYTES: &[u8] = b"=\n\r \t\x0C1bB9fGx-\x1b\xa0=3D\r\n";
            let raw: Vec<u8> = picks.iter().map(|&i| BYTES[i]).collect();
            proptest::prop_assert_eq!(
                strict(&raw),
                mail_parser::decoders::quoted_printable::quoted_printable_decode(&raw),
                "{:?}", String::from_utf8_lossy(&raw)
            );
        }

        /// Content that the MIME decoder reads is read to its end, as [`Read::mime`] has it, both
        /// before a delimiter and to the end of a message; other content fails the part, and
        /// [`read`] fails on it.
        #[test]
        fn read_is_mail_parsers(
            picks in proptest::collection::vec(0..22usize, 0..60),
            crlf: bool,
        ) {
            const BYTES: &[u8] = b"=\n\r \t\x0C1aF9gx-\xa0\xc3=\r\n \x0B3D";
            let content: Vec<u8> = picks.iter().map(|&i| BYTES[i]).collect();
            let read = read(&content);
            // The one reading makes what the strict decoder makes too.
            proptest::prop_assert_eq!(
                read.as_ref().and_then(Read::strict),
                mail_parser::decoders::quoted_printable::quoted_printable_decode(&content)
            );
            if let Some((end, bytes)) = parsers(&content, b"") {
                if let Some(read) = &read {
                    proptest::prop_assert_eq!(end, content.len());
                    proptest::prop_assert_eq!(bytes, read.mime(None));
                } else {
                    proptest::prop_assert_eq!(end, usize::MAX);
                }
            }
            // The hollowed content never ends in CR before a lone LF: the CR goes with the line end.
            let line_end: &[u8] = if crlf { b"\r\n" } else { b"\n" };
            if let Some(read) = &read
                && (crlf || !content.ends_with(b"\r"))
            {
                let stream = [&content[..], line_end, b"--qq\r\nafter"].concat();
                if let Some((end, bytes)) = parsers(&stream, b"qq") {
                    proptest::prop_assert_eq!(end, content.len());
                    proptest::prop_assert_eq!(bytes, read.mime(Some(line_end)));
                }
            }
        }
    }
}
