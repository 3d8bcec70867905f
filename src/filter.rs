//! `msorder filter`: one mail in, the same mail out with the verdict in two header fields at the
//! top, for delivery agents (procmail, maildrop) and servers (Sieve rules on the fields), like
//! `bogofilter -p` or `spamassassin -e`.
//!
//! The mail is written back byte for byte, but for the added fields and for `X-MSOrder-Label`
//! and `X-MSOrder-Reasons` fields it arrived with, which are dropped: anyone can write them, and
//! a rule must only ever see msorder's own.

use std::io::{self, Read, Write};

use crate::compose::{encode_words, field};
use crate::{Options, ReadError, Record, classify};

/// The fields msorder adds, lowercase.
const FIELDS: [&str; 2] = ["x-msorder-label", "x-msorder-reasons"];

/// Judge the mail read from `input` and write it, tagged, to `out`. A mail larger than
/// `max_size` is not judged (label `error`) but still passed through whole. Fails only when
/// reading or writing fails.
pub fn run(
    input: &mut impl Read,
    out: &mut impl Write,
    opts: &Options,
    max_size: usize,
) -> io::Result<Record> {
    let mut raw = Vec::new();
    input.take(max_size as u64 + 1).read_to_end(&mut raw)?;
    let too_large = raw.len() > max_size;
    let record = if too_large {
        Record::error("-", 1, ReadError::TooLarge { max_size })
    } else {
        // procmail hands filters the mbox `From ` line too; it is no part of the mail.
        classify("-", 1, &raw[envelope_end(&raw)..], opts)
    };
    out.write_all(&tagged(&raw, &record))?;
    if too_large {
        io::copy(input, out)?;
    }
    out.flush()?;
    Ok(record)
}

/// The mail with the verdict's fields first (after an mbox `From ` line, if it has one), in the
/// mail's own line ends.
pub fn tagged(raw: &[u8], record: &Record) -> Vec<u8> {
    let first_end = memchr::memchr(b'\n', raw);
    let crlf = first_end.is_none_or(|at| at > 0 && raw[at - 1] == b'\r');
    let envelope = envelope_end(raw);
    let mut fields = verdict_fields(record);
    if !crlf {
        fields = fields.replace("\r\n", "\n");
    }
    let mut out = Vec::with_capacity(raw.len() + fields.len());
    out.extend_from_slice(&raw[..envelope]);
    out.extend_from_slice(fields.as_bytes());
    out.extend_from_slice(&without_own_fields(&raw[envelope..]));
    out
}

/// Where the mail starts: after an mbox `From ` line, if it has one.
fn envelope_end(raw: &[u8]) -> usize {
    match memchr::memchr(b'\n', raw) {
        Some(at) if raw.starts_with(b"From ") => at + 1,
        _ => 0,
    }
}

/// `X-MSOrder-Label` and `X-MSOrder-Reasons`, ASCII, folded under 78 columns.
pub fn verdict_fields(record: &Record) -> String {
    let reasons: Vec<&str> = record.reasons.iter().map(|r| r.id.as_str()).collect();
    let reasons = if reasons.is_empty() {
        "none".to_owned()
    } else {
        reasons.join(", ")
    };
    field("X-MSOrder-Label", record.label.as_str()) + &field("X-MSOrder-Reasons", &encode_words(&reasons))
}

/// The header block without fields named as msorder's; the body as it is.
fn without_own_fields(mail: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(mail.len());
    let mut dropping = false;
    let mut rest = mail;
    while !rest.is_empty() {
        let len = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
        let (line, tail) = rest.split_at(len);
        if line == b"\n" || line == b"\r\n" {
            break;
        }
        if !line.starts_with(b" ") && !line.starts_with(b"\t") {
            let name = line.split(|&b| b == b':').next().unwrap_or_default();
            dropping = line.contains(&b':')
                && FIELDS
                    .iter()
                    .any(|f| name.trim_ascii().eq_ignore_ascii_case(f.as_bytes()));
        }
        if !dropping {
            out.extend_from_slice(line);
        }
        rest = tail;
    }
    out.extend_from_slice(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(raw: &[u8]) -> Record {
        classify("-", 1, raw, &Options::default())
    }

    #[test]
    fn mail_is_kept_byte_for_byte() {
        let raw = b"From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\nX-MSOrder-Label: in the body\r\n";
        let out = tagged(raw, &record(raw));
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("X-MSOrder-Label: unrelated\r\nX-MSOrder-Reasons: "),
            "{text}"
        );
        assert!(text.ends_with(std::str::from_utf8(raw).unwrap()), "{text}");
    }

    #[test]
    fn forged_fields_are_dropped_and_line_ends_followed() {
        let raw = b"From sender@example.com Sat Apr 12 06:14:03 2025\nX-MSOrder-Label: activation\n\tfolded\nFrom: a@example.com\nx-msorder-reasons: total-zero\n\nX-MSOrder-Label: body\n";
        let text = String::from_utf8(tagged(raw, &record(raw))).unwrap();
        assert!(text.starts_with("From sender@example.com Sat Apr 12 06:14:03 2025\nX-MSOrder-Label: "));
        assert!(!text.contains("activation") && !text.contains("folded") && !text.contains("total-zero"));
        assert!(
            text.ends_with("From: a@example.com\n\nX-MSOrder-Label: body\n"),
            "{text}"
        );
        assert!(!text.contains('\r'));
    }

    #[test]
    fn an_mbox_from_line_is_not_judged() {
        let mail = b"From: Microsoft <billing.dept@gmail.com>\nSubject: Your Microsoft order #4021937511 has been processed\n\nCall +1 888 555 0100 to cancel.\n";
        let with_line = [
            b"From billing.dept@gmail.com Sat Apr 12 06:14:03 2025\n".as_slice(),
            mail,
        ]
        .concat();
        let run_on = |raw: &[u8]| {
            let mut out = Vec::new();
            run(&mut &raw[..], &mut out, &Options::default(), 1 << 20).unwrap()
        };
        let (a, b) = (run_on(mail), run_on(&with_line));
        assert_eq!(a.label, b.label);
        assert_eq!(a.reasons, b.reasons);
        assert_eq!(a.subject, b.subject);
    }

    #[test]
    fn too_large_mail_passes_whole() {
        let raw = b"From: a@example.com\n\n".repeat(100);
        let mut out = Vec::new();
        let r = run(&mut &raw[..], &mut out, &Options::default(), 50).unwrap();
        assert_eq!(r.label, crate::Label::Error);
        assert!(out.ends_with(&raw));
        assert!(out.starts_with(b"X-MSOrder-Label: error\nX-MSOrder-Reasons: none\n"));
    }
}
