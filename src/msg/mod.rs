//! Outlook `.msg` files (an OLE2 compound file of MAPI properties, MS-OXMSG), turned into the
//! RFC 5322 message they stand for, so that the ordinary pipeline judges them as it judges an
//! `.eml`: one verdict whichever way a mail was saved.
//!
//! The header block is `PR_TRANSPORT_MESSAGE_HEADERS` when Outlook kept it (then authentication
//! is judged from it as usual); otherwise From, Subject and Date are written from the MAPI
//! properties, and the caller says that the Internet headers are gone. The body is the plain
//! text, the HTML, or the HTML or text inside the compressed RTF; attachments become MIME parts,
//! embedded messages `message/rfc822` parts (attached forwards), converted the same way.
//!
//! Everything is bounded by the input: streams may not add up to more than the file, nesting and
//! attachment counts are capped, and a broken file is an error, never a panic.

mod rtf;

use std::collections::HashMap;
use std::io::{Cursor, Read};

use crate::compose::{base64_body, encode_words, one_line};

/// The first bytes of every OLE2 compound file.
pub const MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Deepest chain of messages embedded in messages.
pub const MAX_DEPTH: usize = 8;
/// Most attachments read from one message.
pub const MAX_ATTACHMENTS: usize = 500;

/// Why a `.msg` can't be turned into a mail; said in words by [`crate::error::ReadError`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MsgError {
    /// Not a compound file that can be opened (the library's words).
    Unreadable(String),
    /// A compound file without MAPI properties.
    NotOutlook,
    /// A stream that can't be read: its path and the library's words.
    BrokenStream(String, String),
    /// Streams that add up to more than the file.
    StreamsTooLarge,
    /// A storage that can't be listed (the library's words).
    BrokenStorage(String),
    /// More than [`MAX_ATTACHMENTS`] attachments.
    TooManyAttachments,
    /// Messages embedded more than [`MAX_DEPTH`] deep.
    TooDeep,
}

/// Whether the bytes are a compound file (and so, for a mail tool, an Outlook message).
pub fn is_msg(raw: &[u8]) -> bool {
    raw.starts_with(&MAGIC)
}

/// A `.msg` as a mail.
#[derive(Debug)]
pub struct Converted {
    /// The RFC 5322 message.
    pub mail: Vec<u8>,
    /// Whether the header block is the mail's own (`PR_TRANSPORT_MESSAGE_HEADERS`); false when
    /// it was written from MAPI properties and so can't vouch for the sender.
    pub internet_headers: bool,
    /// Whether a message embedded in it (an attached forward) lacks its headers so.
    pub embedded_without_headers: bool,
}

/// Convert a `.msg` file's bytes.
pub fn to_rfc822(raw: &[u8]) -> Result<Converted, MsgError> {
    let cf = cfb::CompoundFile::open(Cursor::new(raw)).map_err(|e| MsgError::Unreadable(e.to_string()))?;
    let mut reader = Reader {
        cf,
        // A stream's sectors belong to it alone, so all streams together fit in the file.
        budget: raw.len(),
        embedded_without_headers: false,
    };
    if !reader.cf.is_stream("/__properties_version1.0") {
        return Err(MsgError::NotOutlook);
    }
    let (mail, internet_headers) = reader.message("", 0, None)?;
    Ok(Converted {
        mail,
        internet_headers,
        embedded_without_headers: reader.embedded_without_headers,
    })
}

struct Reader<'a> {
    cf: cfb::CompoundFile<Cursor<&'a [u8]>>,
    /// Bytes still allowed to be read from streams.
    budget: usize,
    embedded_without_headers: bool,
}

/// Fixed-size property values by tag (`id << 16 | type`).
struct Props(HashMap<u32, u64>);

const PT_LONG: u32 = 0x0003;
const PT_SYSTIME: u32 = 0x0040;

impl Props {
    fn long(&self, id: u32) -> Option<u32> {
        self.0.get(&(id << 16 | PT_LONG)).map(|&v| v as u32)
    }

    fn time(&self, id: u32) -> Option<u64> {
        self.0.get(&(id << 16 | PT_SYSTIME)).copied().filter(|&t| t != 0)
    }
}

impl Reader<'_> {
    /// A stream's bytes, or None when there is no such stream.
    fn stream(&mut self, path: &str) -> Result<Option<Vec<u8>>, MsgError> {
        if !self.cf.is_stream(path) {
            return Ok(None);
        }
        let mut data = Vec::new();
        let stream = self
            .cf
            .open_stream(path)
            .map_err(|e| MsgError::BrokenStream(path.to_owned(), e.to_string()))?;
        stream
            .take(self.budget as u64 + 1)
            .read_to_end(&mut data)
            .map_err(|e| MsgError::BrokenStream(path.to_owned(), e.to_string()))?;
        if data.len() > self.budget {
            return Err(MsgError::StreamsTooLarge);
        }
        self.budget -= data.len();
        Ok(Some(data))
    }

    fn props(&mut self, dir: &str, header: usize) -> Result<Props, MsgError> {
        let data = self
            .stream(&format!("{dir}/__properties_version1.0"))?
            .unwrap_or_default();
        let entries = data.get(header..).unwrap_or_default().chunks_exact(16);
        let le32 = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        Ok(Props(
            entries
                .map(|e| {
                    let value = u64::from(le32(&e[8..])) | u64::from(le32(&e[12..])) << 32;
                    (le32(e), value)
                })
                .collect(),
        ))
    }

    fn binary(&mut self, dir: &str, id: u32) -> Result<Option<Vec<u8>>, MsgError> {
        self.stream(&format!("{dir}/__substg1.0_{id:04X}0102"))
    }

    /// A string property: UTF-16 (`001F`) or 8-bit in the message's code page (`001E`).
    fn string(&mut self, dir: &str, id: u32, code_page: u32) -> Result<Option<String>, MsgError> {
        let text = if let Some(wide) = self.stream(&format!("{dir}/__substg1.0_{id:04X}001F"))? {
            let units: Vec<u16> = wide
                .chunks_exact(2)
                .map(|u| u16::from_le_bytes([u[0], u[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        } else if let Some(narrow) = self.stream(&format!("{dir}/__substg1.0_{id:04X}001E"))? {
            crate::mime::decode_bytes(&narrow, code_page_label(code_page))
        } else {
            return Ok(None);
        };
        let text = text.trim_end_matches('\0');
        Ok((!text.trim().is_empty()).then(|| text.to_owned()))
    }

    /// The message in storage `dir` as RFC 5322 bytes, and whether its headers are its own.
    fn message(
        &mut self,
        dir: &str,
        depth: usize,
        parent_cp: Option<u32>,
    ) -> Result<(Vec<u8>, bool), MsgError> {
        // The property stream's header is 32 bytes at the top, 24 in an embedded message.
        let props = self.props(dir, if depth == 0 { 32 } else { 24 })?;
        let rtf = self
            .binary(dir, 0x1009)?
            .and_then(|packed| rtf::decompress(&packed).ok());
        let code_page = props
            .long(0x3FFD)
            .or_else(|| props.long(0x3FDE).and_then(ansi_for_internet))
            .or_else(|| props.long(0x3FF1).and_then(ansi_for_locale))
            .or_else(|| rtf.as_deref().and_then(rtf::ansi_code_page))
            .or(parent_cp)
            .unwrap_or(1252);

        let transport = self.string(dir, 0x007D, code_page)?;
        let mut head = match &transport {
            Some(headers) => without_content_fields(headers),
            None => self.synthesised_header(dir, &props, code_page)?,
        };

        let class = self.string(dir, 0x001A, code_page)?.unwrap_or_default();
        let attachments = self.attachments(dir, depth, code_page)?;
        // An S/MIME message keeps the whole signed MIME entity as its one attachment.
        if class.to_ascii_lowercase().starts_with("ipm.note.smime")
            && let Some(Part::File { data, .. }) = attachments.iter().find(|p| p.is_mime_entity())
        {
            head.extend_from_slice(b"MIME-Version: 1.0\r\n");
            head.extend_from_slice(data);
            return Ok((head, transport.is_some()));
        }

        let text = self.string(dir, 0x1000, code_page)?;
        let html = match self.binary(dir, 0x1013)? {
            Some(bytes) => {
                let html_cp = props.long(0x3FDE).unwrap_or(code_page);
                Some(crate::mime::decode_bytes(&bytes, code_page_label(html_cp)))
            }
            None => self.string(dir, 0x1013, code_page)?,
        };
        let html = html.or_else(|| {
            rtf.as_deref()
                .filter(|r| rtf::is_html(r))
                .map(|r| rtf::to_text(r, rtf::Mode::Html))
        });
        let text = text.or_else(|| {
            rtf.as_deref()
                .filter(|r| !rtf::is_html(r))
                .map(|r| rtf::to_text(r, rtf::Mode::Text))
        });

        let boundary = format!("=_msorder_msg_{depth}");
        head.extend_from_slice(b"MIME-Version: 1.0\r\n");
        head.extend_from_slice(
            format!("Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n").as_bytes(),
        );
        let mut body = Vec::new();
        if text.is_some() || html.is_some() {
            body.push(alternative(text.as_deref(), html.as_deref(), depth));
        }
        body.extend(attachments.into_iter().map(Part::into_mime));
        for part in body {
            head.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            head.extend_from_slice(&part);
            head.extend_from_slice(b"\r\n");
        }
        head.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        Ok((head, transport.is_some()))
    }

    /// From, Subject, Date and Message-ID from MAPI properties, for a .msg without its headers.
    fn synthesised_header(&mut self, dir: &str, props: &Props, cp: u32) -> Result<Vec<u8>, MsgError> {
        let mut head = String::new();
        let name = match self.string(dir, 0x0C1A, cp)? {
            Some(name) => Some(name),
            None => self.string(dir, 0x0042, cp)?,
        };
        let mut address = None;
        // SMTP addresses first; the others may be Exchange names (`/O=…/CN=…`).
        for id in [0x5D01, 0x5D02, 0x0C1F, 0x0065] {
            if let Some(a) = self.string(dir, id, cp)?.map(|a| one_line(&a))
                && a.contains('@')
                && !a.starts_with('/')
            {
                address = Some(a.replace(['<', '>', '"', ' '], ""));
                break;
            }
        }
        let name = name.map(|n| encode_words(&n.replace(['"', '\\'], "'")));
        let from = match (name, address) {
            (Some(n), Some(a)) if !n.starts_with("=?") => Some(format!("\"{n}\" <{a}>")),
            (Some(n), Some(a)) => Some(format!("{n} <{a}>")),
            (None, Some(a)) => Some(format!("<{a}>")),
            (Some(n), None) => Some(format!("{n} <>")),
            (None, None) => None,
        };
        if let Some(from) = from {
            head.push_str(&format!("From: {from}\r\n"));
        }
        if let Some(subject) = self.string(dir, 0x0037, cp)? {
            head.push_str(&format!("Subject: {}\r\n", encode_words(&subject)));
        }
        if let Some(time) = props.time(0x0E06).or_else(|| props.time(0x0039)) {
            head.push_str(&format!("Date: {}\r\n", rfc2822_date(time)));
        }
        if let Some(id) = self.string(dir, 0x1035, cp)? {
            head.push_str(&format!("Message-ID: {}\r\n", one_line(&id)));
        }
        Ok(head.into_bytes())
    }

    fn attachments(&mut self, dir: &str, depth: usize, cp: u32) -> Result<Vec<Part>, MsgError> {
        let storage = if dir.is_empty() { "/" } else { dir };
        let mut names: Vec<String> = self
            .cf
            .read_storage(storage)
            .map_err(|e| MsgError::BrokenStorage(e.to_string()))?
            .filter(|e| e.is_storage() && e.name().starts_with("__attach_version1.0_#"))
            .map(|e| e.name().to_owned())
            .take(MAX_ATTACHMENTS + 1)
            .collect();
        if names.len() > MAX_ATTACHMENTS {
            return Err(MsgError::TooManyAttachments);
        }
        names.sort();
        let mut parts = Vec::new();
        for name in names {
            let at = format!("{dir}/{name}");
            let props = self.props(&at, 8)?;
            let embedded = format!("{at}/__substg1.0_3701000D");
            // Method 5 is an embedded message; 6 an OLE object, also a storage, not a mail.
            if self.cf.is_storage(&embedded) && props.long(0x3705) != Some(6) {
                if depth + 1 > MAX_DEPTH {
                    return Err(MsgError::TooDeep);
                }
                let (mail, headers) = self.message(&embedded, depth + 1, Some(cp))?;
                self.embedded_without_headers |= !headers;
                parts.push(Part::Message(mail));
                continue;
            }
            let mut filename = None;
            for id in [0x3707, 0x3704, 0x3001] {
                if filename.is_none() {
                    filename = self.string(&at, id, cp)?;
                }
            }
            let mime = self.string(&at, 0x370E, cp)?;
            let data = self.binary(&at, 0x3701)?.unwrap_or_default();
            parts.push(Part::File {
                name: filename.unwrap_or_default(),
                mime: mime.map(|m| one_line(&m)).unwrap_or_default(),
                data,
            });
        }
        Ok(parts)
    }
}

enum Part {
    File {
        name: String,
        mime: String,
        data: Vec<u8>,
    },
    Message(Vec<u8>),
}

impl Part {
    /// A file that is itself a MIME entity (S/MIME keeps the signed mail so).
    fn is_mime_entity(&self) -> bool {
        match self {
            Part::File { mime, data, .. } => {
                mime.eq_ignore_ascii_case("multipart/signed")
                    && data.len() > 13
                    && data[..13].eq_ignore_ascii_case(b"content-type:")
            }
            Part::Message(_) => false,
        }
    }

    fn into_mime(self) -> Vec<u8> {
        match self {
            Part::Message(mail) => {
                let mut out =
                    b"Content-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n".to_vec();
                out.extend_from_slice(&mail);
                out
            }
            Part::File { name, mime, data } => {
                let valid = mime.contains('/') && mime.bytes().all(|b| b.is_ascii_graphic());
                let mime = if valid {
                    mime.as_str()
                } else {
                    "application/octet-stream"
                };
                let name = encode_words(&name.replace(['"', '\\'], "_"));
                format!(
                    "Content-Type: {mime}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}",
                    base64_body(&data)
                )
                .into_bytes()
            }
        }
    }
}

/// The text and HTML bodies as one part: `multipart/alternative` when there are both.
fn alternative(text: Option<&str>, html: Option<&str>, depth: usize) -> Vec<u8> {
    let part = |kind: &str, body: &str| {
        format!(
            "Content-Type: text/{kind}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}",
            base64_body(body.as_bytes())
        )
    };
    match (text, html) {
        (Some(t), Some(h)) => {
            let b = format!("=_msorder_alt_{depth}");
            format!(
                "Content-Type: multipart/alternative; boundary=\"{b}\"\r\n\r\n--{b}\r\n{}\r\n--{b}\r\n{}\r\n--{b}--\r\n",
                part("plain", t),
                part("html", h)
            )
            .into_bytes()
        }
        (Some(t), None) => part("plain", t).into_bytes(),
        (None, Some(h)) => part("html", h).into_bytes(),
        (None, None) => Vec::new(),
    }
}

/// The transport headers without the fields that describe the original body, which the .msg
/// no longer holds in that form; lines end in CRLF.
fn without_content_fields(headers: &str) -> Vec<u8> {
    const DROPPED: &[&str] = &[
        "content-type",
        "content-transfer-encoding",
        "mime-version",
        "content-length",
    ];
    let mut out = String::new();
    let mut keep = true;
    for line in headers.lines() {
        if line.trim().is_empty() {
            break;
        }
        if !line.starts_with([' ', '\t']) {
            let name = line.split(':').next().unwrap_or("").trim().to_ascii_lowercase();
            keep = !DROPPED.contains(&name.as_str());
        }
        if keep {
            out.push_str(line.trim_end_matches('\r'));
            out.push_str("\r\n");
        }
    }
    out.into_bytes()
}

/// The `encoding_rs` label of a Windows code page.
fn code_page_label(cp: u32) -> Option<&'static str> {
    Some(match cp {
        932 => "shift_jis",
        936 => "gbk",
        949 => "euc-kr",
        950 => "big5",
        874 => "windows-874",
        1250 => "windows-1250",
        1251 => "windows-1251",
        1252 => "windows-1252",
        1253 => "windows-1253",
        1254 => "windows-1254",
        1255 => "windows-1255",
        1256 => "windows-1256",
        1257 => "windows-1257",
        1258 => "windows-1258",
        20127 => "us-ascii",
        20866 => "koi8-r",
        21866 => "koi8-u",
        28591 => "iso-8859-1",
        28592 => "iso-8859-2",
        28595 => "iso-8859-5",
        28597 => "iso-8859-7",
        28605 => "iso-8859-15",
        50220..=50222 => "iso-2022-jp",
        20932 | 51932 => "euc-jp",
        54936 => "gb18030",
        65001 => "utf-8",
        _ => return None,
    })
}

/// The Windows code page in which a store writes 8-bit strings of a mail whose Internet code
/// page is `cpid` (Japanese mail is ISO-2022-JP on the wire and cp932 in the store).
fn ansi_for_internet(cpid: u32) -> Option<u32> {
    Some(match cpid {
        932 | 50220..=50222 | 20932 | 51932 => 932,
        936 | 54936 | 52936 => 936,
        949 | 51949 => 949,
        950 => 950,
        20127 | 28591 | 28605 => 1252,
        28592 => 1250,
        28595 | 20866 | 21866 => 1251,
        28597 => 1253,
        874 | 1250..=1258 => cpid,
        _ => return None,
    })
}

/// The ANSI code page of a Windows locale id (`PR_MESSAGE_LOCALE_ID`), for the CJK ones.
fn ansi_for_locale(lcid: u32) -> Option<u32> {
    Some(match lcid & 0xFFFF {
        0x0411 => 932,
        0x0804 | 0x1004 => 936,
        0x0412 => 949,
        0x0404 | 0x0C04 | 0x1404 => 950,
        _ => return None,
    })
}

/// A FILETIME (100 ns since 1601) as an RFC 5322 date in UTC.
fn rfc2822_date(filetime: u64) -> String {
    let secs = (filetime / 10_000_000).saturating_sub(11_644_473_600);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Days to civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    format!(
        "{}, {day} {} {year} {:02}:{:02}:{:02} +0000",
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[(month - 1) as usize],
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filetime_dates() {
        // 2026-12-01 07:55:13 UTC.
        let unix = 1_796_111_713u64;
        assert_eq!(
            rfc2822_date((unix + 11_644_473_600) * 10_000_000),
            "Tue, 1 Dec 2026 07:55:13 +0000"
        );
    }

    #[test]
    fn content_fields_are_dropped_with_their_continuations() {
        let h = "Received: from a\r\n\tby b\r\nContent-Type: multipart/alternative;\r\n boundary=x\r\nSubject: s\r\n\r\n";
        assert_eq!(
            String::from_utf8(without_content_fields(h)).unwrap(),
            "Received: from a\r\n\tby b\r\nSubject: s\r\n"
        );
    }
}
