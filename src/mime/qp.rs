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

use std::borrow::Cow;

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
    pub(super) fn strict(&self) -> Option<&[u8]> {
        (!self.0.kept_stray).then_some(self.0.buf.as_slice())
    }

    /// What mail-parser's MIME decoder makes of content that holds no boundary delimiter:
    /// `line_end` is the line end after the content, before the delimiter line that ends the
    /// part, or None for content that runs to the end of a message read without a boundary.
    /// Mostly a prefix of the reading (its white space before the line end dropped), borrowed.
    pub(super) fn mime(&self, line_end: Option<&[u8]>) -> Cow<'_, [u8]> {
        let read = &self.0.buf;
        let Some(line_end) = line_end else {
            return Cow::Borrowed(read);
        };
        // The bytes read at the delimiter change the reading after `keep` only: a line end drops
        // white space back to `plain_from`, and the cut below takes at most three bytes more.
        // So only that tail is read again, not the whole decoded part copied.
        let keep = self.0.plain_from.min(read.len()).saturating_sub(3);
        let mut decoder = self.0.tail(keep);
        // The delimiter's first `-` is read as content; at the second the boundary is
        // found, and the line end and that `-` are dropped (as release builds do, nothing
        // when fewer bytes were decoded).
        let _ = decoder.feed(line_end).and_then(|()| decoder.feed(b"-"));
        if let Some(len) = (keep + decoder.buf.len()).checked_sub(decoder.crlf.len() + 1) {
            decoder.buf.truncate(len - keep);
        }
        let tail = decoder.buf;
        if read[keep..].starts_with(&tail) {
            Cow::Borrowed(&read[..keep + tail.len()])
        } else {
            Cow::Owned([&read[..keep], &tail[..]].concat())
        }
    }
}

struct Decoder {
    buf: Vec<u8>,
    /// An `=` or `=` and a digit before a byte that makes no escape was kept as it stands,
    /// where `quoted_printable_decode` fails.
    kept_stray: bool,
    state: State,
    hex1: u8,
    /// The byte read last, where an open escape was (the byte read last elsewhere is never
    /// looked at).
    last: u8,
    /// Where the plain bytes pushed since the last other byte start: their white space at the
    /// end is dropped at a line end.
    plain_from: usize,
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
            plain_from: 0,
            crlf: b"\n",
        }
    }

    /// The decoder as it stands, with only the bytes it made from `from` on.
    fn tail(&self, from: usize) -> Self {
        Decoder {
            buf: self.buf[from..].to_vec(),
            plain_from: self.plain_from - from,
            crlf: self.crlf,
            ..*self
        }
    }

    /// A line end read where no escape is open: the plain white space before it is dropped.
    fn line_end(&mut self) {
        let plain = &self.buf[self.plain_from..];
        let trailing = plain.iter().rev().take_while(|b| b.is_ascii_whitespace()).count();
        self.buf.truncate(self.buf.len() - trailing);
        self.buf.extend_from_slice(self.crlf);
        self.plain_from = self.buf.len();
    }

    /// Read on; None where the decoder fails.
    fn feed(&mut self, bytes: &[u8]) -> Option<()> {
        let mut i = 0;
        while i < bytes.len() {
            if self.state == State::Plain {
                // Plain bytes up to the next special one, found by a vectorised search and
                // copied at once.
                let rest = &bytes[i..];
                let run = memchr::memchr3(b'=', b'\n', b'\r', rest).unwrap_or(rest.len());
                self.buf.extend_from_slice(&rest[..run]);
                i += run;
                // The commonest specials, read as the steps below read them.
                if let Some(&[b'=', a, b, ..]) = bytes.get(i..)
                    && let (Some(high), Some(low)) = (hex(a), hex(b))
                {
                    self.buf.push(high << 4 | low);
                    self.plain_from = self.buf.len();
                    i += 3;
                    continue;
                }
                match &bytes[i..] {
                    // A soft line break.
                    [b'=', b'\n', ..] => {
                        self.plain_from = self.buf.len();
                        i += 2;
                        continue;
                    }
                    [b'\n', ..] => {
                        self.line_end();
                        i += 1;
                        continue;
                    }
                    [] => break,
                    _ => {}
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
                        self.plain_from = self.buf.len();
                    } else {
                        self.line_end();
                    }
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
                        self.plain_from = self.buf.len();
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
                    self.plain_from = self.buf.len();
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
            read_as_mail_parser(&content, crlf)?;
        }

        /// So too for longer runs of plain bytes, which are copied whole, with the specials
        /// at every offset.
        #[test]
        fn words_are_read_as_mail_parser(
            picks in proptest::collection::vec(0..PIECES.len(), 0..40),
            crlf: bool,
        ) {
            let content: Vec<u8> = picks.iter().flat_map(|&i| PIECES[i].bytes()).collect();
            read_as_mail_parser(&content, crlf)?;
        }
    }

    const PIECES: &[&str] = &[
        "a",
        "Order total",
        "<td style=",
        "x y z w v u t s r q",
        " ",
        "  \t",
        "=3D",
        "=C2=A0",
        "=\n",
        "=\r\n",
        "\n",
        "\r\n",
        "= \n",
        "=4",
        "=ZZ",
        "=4\n1",
        "\r",
        "\x0C",
        "é",
    ];

    /// The assertions of [`read_is_mail_parsers`] on `content`.
    fn read_as_mail_parser(content: &[u8], crlf: bool) -> Result<(), proptest::test_runner::TestCaseError> {
        let read = read(content);
        // The one reading makes what the strict decoder makes too.
        proptest::prop_assert_eq!(
            read.as_ref().and_then(Read::strict).map(<[u8]>::to_vec),
            mail_parser::decoders::quoted_printable::quoted_printable_decode(content)
        );
        if let Some((end, bytes)) = parsers(content, b"") {
            if let Some(read) = &read {
                proptest::prop_assert_eq!(end, content.len());
                proptest::prop_assert_eq!(&bytes[..], &*read.mime(None));
            } else {
                proptest::prop_assert_eq!(end, usize::MAX);
            }
        }
        // The hollowed content never ends in CR before a lone LF: the CR goes with the line end.
        let line_end: &[u8] = if crlf { b"\r\n" } else { b"\n" };
        if let Some(read) = &read
            && (crlf || !content.ends_with(b"\r"))
        {
            let stream = [content, line_end, b"--qq\r\nafter"].concat();
            if let Some((end, bytes)) = parsers(&stream, b"qq") {
                proptest::prop_assert_eq!(end, content.len());
                proptest::prop_assert_eq!(&bytes[..], &*read.mime(Some(line_end)));
            }
        }
        Ok(())
    }
}
