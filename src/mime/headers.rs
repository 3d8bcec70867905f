//! The header fields a view shows, read from the parsed message: addresses, subject and
//! Authentication-Results. Fields mail-parser misreads (charsets it does not know, raw 8-bit or
//! ISO-2022-JP bytes) are decoded again from their raw bytes.

use mail_parser::{Address, DateTime, HeaderName, Message};

use super::charset::CHARSET_ALIASES;
use super::rfc2047::{decode_header_bytes, unfold};
use crate::view::{AuthField, Mailbox};

/// The first mailbox of an address field. mail-parser decodes a display name in a charset it
/// does not know (`=?cp932?B?…?=`, raw 8-bit Shift_JIS) to mojibake, which reads as look-alike
/// letters: such a name is decoded again from the raw field, as the subject is.
pub(super) fn mailbox(msg: &Message, name: HeaderName, addr: Option<&Address>) -> Option<Mailbox> {
    let first = addr?.first()?;
    let redecoded = raw_field(msg, name)
        .filter(|raw| undecodable_by_parser(raw))
        .and_then(|raw| name_and_address(&decode_header_bytes(raw)));
    Some(redecoded.unwrap_or_else(|| Mailbox {
        name: first.name().map(fix_encoded_words).unwrap_or_default(),
        address: first.address().unwrap_or_default().trim().to_owned(),
    }))
}

/// The raw value of the message's first `name` field.
fn raw_field<'a>(msg: &'a Message, name: HeaderName) -> Option<&'a [u8]> {
    msg.parts
        .first()
        .and_then(|p| p.headers.iter().find(|h| h.name == name))
        .and_then(|h| {
            msg.raw_message
                .get(h.offset_start as usize..h.offset_end as usize)
        })
}

/// A raw field mail-parser misreads: 8-bit bytes that are not UTF-8, raw ISO-2022-JP (whose
/// JIS bytes include `<` and `"`, so even the address is misread), or an encoded word in a
/// charset label only [`CHARSET_ALIASES`] knows.
fn undecodable_by_parser(raw: &[u8]) -> bool {
    if raw.contains(&0x1b) {
        return true;
    }
    if !raw.is_ascii() {
        return std::str::from_utf8(raw).is_err();
    }
    // Each `=?` is checked against the labels in place (labels hold no `?`).
    memchr::memmem::find_iter(raw, b"=?").any(|at| {
        let rest = &raw[at + 2..];
        CHARSET_ALIASES.iter().any(|(label, _)| {
            rest.get(label.len()) == Some(&b'?') && rest[..label.len()].eq_ignore_ascii_case(label.as_bytes())
        })
    })
}

/// The first mailbox of a decoded `Name <address>` field, the name unquoted; None without an
/// address in angle brackets.
fn name_and_address(field: &str) -> Option<Mailbox> {
    let (name, rest) = field.split_once('<')?;
    let (address, _) = rest.split_once('>')?;
    let name = name.trim();
    let name = name
        .strip_prefix('"')
        .and_then(|n| n.strip_suffix('"'))
        .unwrap_or(name);
    Some(Mailbox {
        name: name.trim().to_owned(),
        address: address.trim().to_owned(),
    })
}

pub(super) fn subject_of(msg: &Message) -> String {
    let parsed = msg.subject().unwrap_or_default();
    if (parsed.contains("=?") || parsed.contains('\u{FFFD}') || parsed.contains('\u{1b}'))
        && let Some(raw) = raw_field(msg, HeaderName::Subject)
    {
        return decode_header_bytes(raw);
    }
    parsed.to_owned()
}

/// Encoded words that mail-parser left undecoded (charsets it does not know) in a display name.
fn fix_encoded_words(s: &str) -> String {
    if s.contains("=?") || s.contains('\u{1b}') {
        decode_header_bytes(s.as_bytes())
    } else {
        s.to_owned()
    }
}

pub(super) fn auth_fields(msg: &Message) -> Vec<AuthField> {
    let Some(root) = msg.parts.first() else {
        return Vec::new();
    };
    root.headers
        .iter()
        .filter_map(|h| {
            let value = msg
                .raw_message
                .get(h.offset_start as usize..h.offset_end as usize)?;
            auth_field(h.name.as_str().as_bytes(), value)
        })
        .collect()
}

/// The date as mail-parser's `DateTime::to_rfc3339` writes it (`2024-05-01T09:30:00+09:00`, `Z`
/// for a zero offset), without `format!`, which took some 3,000 instructions a date.
pub(super) fn rfc3339(d: &DateTime) -> String {
    let mut out = String::with_capacity(25);
    push_padded(&mut out, d.year, 4);
    let fields = [
        ('-', d.month),
        ('-', d.day),
        ('T', d.hour),
        (':', d.minute),
        (':', d.second),
    ];
    let zone = if d.tz_hour == 0 && d.tz_minute == 0 {
        None
    } else {
        let sign = if d.tz_before_gmt { '-' } else { '+' };
        Some([(sign, d.tz_hour), (':', d.tz_minute)])
    };
    for (before, n) in fields.into_iter().chain(zone.into_iter().flatten()) {
        out.push(before);
        push_padded(&mut out, n.into(), 2);
    }
    if zone.is_none() {
        out.push('Z');
    }
    out
}

/// `n` in decimal, zero-padded to `width` digits as `{:0width$}` pads it.
fn push_padded(out: &mut String, n: u16, width: usize) {
    let mut digits = [b'0'; 5];
    let mut rest = n;
    let mut len = 0;
    while len == 0 || rest > 0 {
        digits[4 - len] = b'0' + (rest % 10) as u8;
        rest /= 10;
        len += 1;
    }
    for _ in len..width {
        out.push('0');
    }
    out.extend(digits[5 - len..].iter().map(|&b| char::from(b)));
}

/// An (ARC-)Authentication-Results field from its name and raw value; None for other fields.
pub(super) fn auth_field(name: &[u8], value: &[u8]) -> Option<AuthField> {
    let arc = if name.eq_ignore_ascii_case(b"authentication-results") {
        false
    } else if name.eq_ignore_ascii_case(b"arc-authentication-results") {
        true
    } else {
        return None;
    };
    Some(AuthField {
        arc,
        value: unfold(&crate::text::utf8_lossy(value)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn dates_are_written_as_mail_parser_writes_them(
            year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8,
            tz_before_gmt: bool, tz_hour in proptest::prop_oneof![0..3u8, proptest::num::u8::ANY],
            tz_minute in proptest::prop_oneof![0..3u8, proptest::num::u8::ANY],
        ) {
            let d = DateTime { year, month, day, hour, minute, second, tz_before_gmt, tz_hour, tz_minute };
            proptest::prop_assert_eq!(rfc3339(&d), d.to_rfc3339());
        }

        /// An encoded word in a charset only the aliases know is found wherever it stands, in
        /// any letter case.
        #[test]
        fn alias_words_are_found(picks in proptest::collection::vec(0..9usize, 0..12)) {
            const PIECES: &[&str] = &["=?", "cp932", "CP932?", "?", "x", "iso-2022-jp-2", "=", "?b?", " "];
            let raw: String = picks.iter().map(|&i| PIECES[i]).collect();
            let lower = raw.to_ascii_lowercase();
            let expected = CHARSET_ALIASES
                .iter()
                .any(|(label, _)| lower.contains(&format!("=?{label}?")));
            proptest::prop_assert_eq!(undecodable_by_parser(raw.as_bytes()), expected, "{}", raw);
        }
    }
}
