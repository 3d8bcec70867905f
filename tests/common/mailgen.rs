//! A small mail writer for the metamorphic tests: a decoded message ([`Mail`], built from the
//! library's own view of a fixture) written back out in another charset, transfer encoding,
//! layout or forward wrapper. Everything the library reads from a message (the sender fields,
//! the subject, Authentication-Results, the text and HTML bodies, links, attachments, attached
//! messages) is carried over, so a rewritten message means what the fixture meant.

use msorder::view::{Attachment, AuthField, Link, Mailbox, MessageView};

/// A message as the generator holds it: header fields as values, bodies as text.
#[derive(Clone, Debug)]
pub struct Mail {
    pub from: Option<Mailbox>,
    pub reply_to: Option<Mailbox>,
    pub return_path: Option<String>,
    pub date: Option<String>,
    pub message_id: Option<String>,
    pub auth: Vec<AuthField>,
    pub subject: String,
    /// The plain body, if there is one.
    pub text: Option<String>,
    /// The HTML body, if there is one.
    pub html: Option<Html>,
    pub attachments: Vec<Attachment>,
    pub attached: Vec<(Mail, Attach)>,
}

/// An HTML body: one block per line (as the library renders HTML), its links, and from which
/// line on it is a quotation.
#[derive(Clone, Debug, Default)]
pub struct Html {
    pub lines: Vec<String>,
    pub links: Vec<Link>,
    pub quote_from: Option<usize>,
}

/// How an attached message travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attach {
    /// `message/rfc822`, the message as it is.
    Rfc822,
    /// `message/rfc822` in base64.
    Rfc822Base64,
    /// An `.eml` file as `application/octet-stream`, base64.
    EmlOctetStream,
}

impl Mail {
    /// The generator's copy of a decoded message.
    pub fn from_view(v: &MessageView) -> Mail {
        let text_links = msorder::mime::text_links(&v.text).len();
        let html_links = v.links[..v.links.len().saturating_sub(text_links)].to_vec();
        let html = (!v.html_text.trim().is_empty()).then(|| Html {
            lines: v.html_text.lines().map(str::to_owned).collect(),
            links: html_links,
            quote_from: None,
        });
        Mail {
            from: v.from.clone(),
            reply_to: v.reply_to.clone(),
            return_path: v.return_path.clone(),
            date: v.date.as_deref().and_then(rfc5322_date),
            message_id: v.message_id.clone(),
            auth: v.auth.clone(),
            subject: v.subject.clone(),
            text: (!v.text.trim().is_empty()).then(|| v.text.clone()),
            html,
            attachments: v.attachments.clone(),
            attached: v
                .attached
                .iter()
                .map(|a| (Mail::from_view(a), Attach::Rfc822))
                .collect(),
        }
    }

    /// Apply a text transformation to every body line of this message (not to attached ones).
    pub fn map_lines(&mut self, f: &dyn Fn(&[String]) -> Vec<String>) {
        if let Some(text) = &self.text {
            let lines: Vec<String> = text.lines().map(str::to_owned).collect();
            self.text = Some(f(&lines).join("\n"));
        }
        if let Some(html) = &mut self.html
            && html.quote_from.is_none()
        {
            html.lines = f(&html.lines);
        }
    }

    /// The plain text a mail client would show or quote: the text body, else the HTML as lines
    /// (a label on its own line joined to its value), link targets in angle brackets.
    pub fn plain(&self) -> String {
        if let Some(t) = &self.text {
            return t.clone();
        }
        let Some(html) = &self.html else {
            return String::new();
        };
        let mut lines: Vec<String> = Vec::new();
        let mut i = 0;
        while i < html.lines.len() {
            let line = &html.lines[i];
            let next = html.lines.get(i + 1);
            if ends_with_colon(line)
                && let Some(next) = next
                && !ends_with_colon(next)
            {
                lines.push(format!("{line} {next}"));
                i += 2;
            } else {
                lines.push(line.clone());
                i += 1;
            }
        }
        for link in &html.links {
            let web = link.href.starts_with("http://") || link.href.starts_with("https://");
            if !web || link.text.trim() == link.href || link.text.trim().is_empty() {
                continue;
            }
            if let Some(line) = lines.iter_mut().find(|l| l.contains(link.text.trim())) {
                line.push_str(&format!(" <{}>", link.href));
            } else {
                lines.push(format!("{} <{}>", link.text.trim(), link.href));
            }
        }
        lines.join("\n")
    }

    /// The HTML a mail client would send: the HTML body, else the text as table rows.
    pub fn html_or_from_text(&self) -> Html {
        if let Some(h) = &self.html {
            return h.clone();
        }
        let text = self.text.clone().unwrap_or_default();
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let links = lines.iter().flat_map(|l| msorder::mime::text_links(l)).collect();
        Html {
            lines,
            links,
            quote_from: None,
        }
    }
}

fn ends_with_colon(s: &str) -> bool {
    s.ends_with(':') || s.ends_with('：')
}

/// RFC 3339 (as the view gives it) to an RFC 5322 date without the optional weekday.
fn rfc5322_date(s: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (date, rest) = s.split_once('T')?;
    let mut ymd = date.split('-');
    let (y, m, d) = (ymd.next()?, ymd.next()?, ymd.next()?);
    let time = rest.get(..8)?;
    let zone = match &rest[8..] {
        "Z" => "+0000".to_owned(),
        z => z.replace(':', ""),
    };
    let month = MONTHS.get(m.parse::<usize>().ok()?.checked_sub(1)?)?;
    Some(format!("{} {month} {y} {time} {zone}", d.trim_start_matches('0')))
}

// ---------------------------------------------------------------------------------------------
// Writing

/// The charset bodies and headers are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charset {
    Utf8,
    /// ISO-2022-JP under one of its labels.
    Jis(&'static str),
    /// Shift_JIS under one of its labels (`Shift_JIS`, `cp932`, `Windows-31J`).
    Sjis(&'static str),
    /// EUC-JP under one of its labels.
    EucJp(&'static str),
}

impl Charset {
    pub fn label(self) -> &'static str {
        match self {
            Charset::Utf8 => "UTF-8",
            Charset::Jis(l) | Charset::Sjis(l) | Charset::EucJp(l) => l,
        }
    }

    fn encoding(self) -> &'static encoding_rs::Encoding {
        match self {
            Charset::Utf8 => encoding_rs::UTF_8,
            Charset::Jis(_) => encoding_rs::ISO_2022_JP,
            Charset::Sjis(_) => encoding_rs::SHIFT_JIS,
            Charset::EucJp(_) => encoding_rs::EUC_JP,
        }
    }

    /// The text in this charset; `None` when it holds a character the charset can't represent.
    /// Shift_JIS and EUC-JP write `¥` as the byte 0x5C (JIS X 0201's yen sign, as encoders do),
    /// so a text that also has a backslash can't be written in them.
    pub fn encode(self, s: &str) -> Option<Vec<u8>> {
        let yen_is_5c = matches!(self, Charset::Sjis(_) | Charset::EucJp(_));
        if yen_is_5c && s.contains('\\') && s.contains('¥') {
            return None;
        }
        let (bytes, _, bad) = self.encoding().encode(s);
        if bad {
            return None;
        }
        let (back, bad) = self.encoding().decode_without_bom_handling(&bytes);
        let same = if yen_is_5c {
            back == s.replace('¥', "\\")
        } else {
            back == s
        };
        (!bad && same).then(|| bytes.into_owned())
    }
}

/// Content-Transfer-Encoding of text parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transfer {
    SevenBit,
    EightBit,
    QuotedPrintable,
    /// Base64 with lines of this many characters.
    Base64(usize),
}

/// How the subject and display names are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Words {
    /// RFC 2047 B words of at most this many characters each, on folded lines.
    B(usize),
    /// RFC 2047 Q words of at most this many characters each, on folded lines.
    Q(usize),
    /// ASCII words left as they are, the others as B words.
    Mixed,
    /// B words of this many bytes each, split inside characters as some encoders do.
    SplitBytes(usize),
    /// The bytes of the charset, unencoded.
    Raw,
}

/// The body layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Whatever parts the message has.
    AsIs,
    Plain,
    Html,
    Alternative,
}

/// How to write a message out.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub charset: Charset,
    pub transfer: Transfer,
    pub words: Words,
    pub crlf: bool,
    pub layout: Layout,
    pub markup: Markup,
    /// Plain parts as `format=flowed`.
    pub flowed: bool,
}

impl Default for Style {
    fn default() -> Style {
        Style {
            charset: Charset::Utf8,
            transfer: Transfer::EightBit,
            words: Words::B(75),
            crlf: false,
            layout: Layout::AsIs,
            markup: Markup::Table,
            flowed: false,
        }
    }
}

/// Write a message. Parts whose text the charset can't hold fall back to UTF-8; a 7bit body
/// that isn't ASCII falls back to quoted-printable (both what a mail client would do).
pub fn write(mail: &Mail, style: &Style) -> Vec<u8> {
    let mut out = Vec::new();
    let mut counter = 0;
    write_message(&mut out, mail, style, &mut counter);
    if style.crlf {
        let mut crlf = Vec::with_capacity(out.len() + out.len() / 30);
        for &b in &out {
            if b == b'\n' {
                crlf.push(b'\r');
            }
            crlf.push(b);
        }
        return crlf;
    }
    out
}

fn write_message(out: &mut Vec<u8>, mail: &Mail, style: &Style, counter: &mut usize) {
    if let Some(rp) = &mail.return_path {
        out.extend(format!("Return-Path: <{rp}>\n").bytes());
    }
    for a in &mail.auth {
        let name = if a.arc {
            "ARC-Authentication-Results"
        } else {
            "Authentication-Results"
        };
        out.extend(format!("{name}: {}\n", a.value.replace("; ", ";\n\t")).bytes());
    }
    if let Some(from) = &mail.from {
        out.extend_from_slice(b"From: ");
        out.extend(mailbox(from, style));
        out.push(b'\n');
    }
    if let Some(rt) = &mail.reply_to {
        out.extend_from_slice(b"Reply-To: ");
        out.extend(mailbox(rt, style));
        out.push(b'\n');
    }
    out.extend_from_slice(b"To: user@example.jp\n");
    out.extend_from_slice(b"Subject: ");
    out.extend(header_text(&mail.subject, style));
    out.push(b'\n');
    if let Some(d) = &mail.date {
        out.extend(format!("Date: {d}\n").bytes());
    }
    if let Some(id) = &mail.message_id {
        out.extend(format!("Message-ID: <{id}>\n").bytes());
    }
    out.extend_from_slice(b"MIME-Version: 1.0\n");
    write_body(out, mail, style, counter);
}

/// The parts of a message body, after its header's last field.
fn write_body(out: &mut Vec<u8>, mail: &Mail, style: &Style, counter: &mut usize) {
    let (text, html) = match style.layout {
        Layout::AsIs => (mail.text.clone(), mail.html.clone()),
        Layout::Plain => (Some(mail.plain()), None),
        Layout::Html => (None, Some(mail.html_or_from_text())),
        Layout::Alternative => (Some(mail.plain()), Some(mail.html_or_from_text())),
    };
    let mut parts: Vec<Vec<u8>> = Vec::new();
    let alternative = match (&text, &html) {
        (Some(t), Some(h)) => {
            let inner = vec![
                text_part(t, "plain", style),
                text_part(&html_in(h, style.markup), "html", style),
            ];
            Some(multipart("alternative", inner, counter))
        }
        (Some(t), None) => Some(text_part(t, "plain", style)),
        (None, Some(h)) => Some(text_part(&html_in(h, style.markup), "html", style)),
        (None, None) => None,
    };
    parts.extend(alternative);
    for a in &mail.attachments {
        parts.push(attachment_part(a));
    }
    for (inner, how) in &mail.attached {
        let mut raw = Vec::new();
        write_message(&mut raw, inner, style, counter);
        parts.push(attached_part(&raw, *how));
    }
    let whole = match parts.len() {
        0 => text_part("", "plain", style),
        1 => parts.pop().unwrap_or_default(),
        _ => multipart("mixed", parts, counter),
    };
    out.extend(whole);
}

/// A part: its header fields, a blank line, its body.
fn text_part(text: &str, subtype: &str, style: &Style) -> Vec<u8> {
    let flowed = style.flowed && subtype == "plain";
    let text = if flowed { flow(text) } else { text.to_owned() };
    let text = text.as_str();
    let (charset, bytes) = match style.charset.encode(text) {
        Some(b) => (style.charset, b),
        None => (Charset::Utf8, text.as_bytes().to_vec()),
    };
    let transfer = match style.transfer {
        Transfer::SevenBit if !bytes.is_ascii() => Transfer::QuotedPrintable,
        t => t,
    };
    let (cte, body) = transfer_encode(&bytes, transfer);
    // ISO-2022-JP is also sent with no charset at all (its escapes say what it is).
    let param = match charset.label() {
        "" => String::new(),
        label => format!("; charset=\"{label}\""),
    };
    let param = if flowed {
        format!("{param}; format=flowed")
    } else {
        param
    };
    let mut out =
        format!("Content-Type: text/{subtype}{param}\nContent-Transfer-Encoding: {cte}\n\n").into_bytes();
    out.extend(body);
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    out
}

/// RFC 3676 `format=flowed`: trailing white space dropped, lines that start with a space or
/// `From ` space-stuffed, long unquoted lines broken after a space (a soft line break).
pub fn flow(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end();
        if line.starts_with('>') {
            out.push(line.to_owned());
            continue;
        }
        let mut line = if line.starts_with(' ') || line.starts_with("From ") {
            format!(" {line}")
        } else {
            line.to_owned()
        };
        while line.chars().count() > 40 {
            let Some(at) = line
                .char_indices()
                .skip(20)
                .find(|&(i, c)| c == ' ' && i + 1 < line.len() && !line[i + 1..].starts_with(' '))
                .map(|(i, _)| i + 1)
            else {
                break;
            };
            let rest = line.split_off(at);
            out.push(line);
            // A continuation starting with a space would read as stuffed.
            line = if rest.starts_with(' ') || rest.starts_with("From ") {
                format!(" {rest}")
            } else {
                rest
            };
        }
        out.push(line);
    }
    out.join("\n")
}

fn transfer_encode(bytes: &[u8], t: Transfer) -> (&'static str, Vec<u8>) {
    match t {
        Transfer::SevenBit => ("7bit", bytes.to_vec()),
        Transfer::EightBit => ("8bit", bytes.to_vec()),
        Transfer::QuotedPrintable => ("quoted-printable", qp_encode(bytes)),
        Transfer::Base64(n) => ("base64", base64_lines(bytes, n)),
    }
}

fn multipart(subtype: &str, parts: Vec<Vec<u8>>, counter: &mut usize) -> Vec<u8> {
    *counter += 1;
    let boundary = format!("=_meta_{subtype}_{counter}");
    let mut out = format!("Content-Type: multipart/{subtype};\n\tboundary=\"{boundary}\"\n\n").into_bytes();
    for p in parts {
        out.extend(format!("--{boundary}\n").bytes());
        out.extend(p);
        if !out.ends_with(b"\n") {
            out.push(b'\n');
        }
    }
    out.extend(format!("--{boundary}--\n").bytes());
    out
}

fn attachment_part(a: &Attachment) -> Vec<u8> {
    let ct = if a.content_type.is_empty() {
        "application/octet-stream"
    } else {
        &a.content_type
    };
    let name = if a.name.is_empty() {
        String::new()
    } else {
        format!("; name=\"{}\"", a.name)
    };
    let disposition = if a.name.is_empty() {
        "attachment".to_owned()
    } else {
        format!("attachment; filename=\"{}\"", a.name)
    };
    let mut out = format!(
        "Content-Type: {ct}{name}\nContent-Transfer-Encoding: base64\nContent-Disposition: {disposition}\n\n"
    )
    .into_bytes();
    out.extend(base64_lines(b"%PDF-1.4\n% placeholder content\n%%EOF\n", 76));
    out
}

fn attached_part(raw: &[u8], how: Attach) -> Vec<u8> {
    let mut out = Vec::new();
    match how {
        Attach::Rfc822 => {
            out.extend_from_slice(b"Content-Type: message/rfc822\nContent-Disposition: attachment\n\n");
            out.extend_from_slice(raw);
        }
        Attach::Rfc822Base64 => {
            out.extend_from_slice(
                b"Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment\n\n",
            );
            out.extend(base64_lines(raw, 76));
        }
        Attach::EmlOctetStream => {
            out.extend_from_slice(
                b"Content-Type: application/octet-stream; name=\"original.eml\"\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=\"original.eml\"\n\n",
            );
            out.extend(base64_lines(raw, 76));
        }
    }
    out
}

/// How HTML is marked up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Markup {
    /// Table layout (see [`html_doc`]).
    Table,
    /// Each line ended by `<br>`, as clients write a typed message.
    Breaks,
    /// Table layout with every non-ASCII character as a numeric character reference.
    Entities,
    /// Table layout in the chrome of a newsletter template: a style sheet, a script, comments
    /// between the rows.
    Chrome,
}

/// An HTML document in one of the [`Markup`]s.
pub fn html_in(h: &Html, markup: Markup) -> String {
    match markup {
        Markup::Table => html_doc(h),
        Markup::Chrome => html_doc(h)
            .replacen(
                "<head>",
                "<head><style type=\"text/css\">td { font-family: 'Segoe UI'; } p:before { content: '0'; }</style>\
                 <script>var total = 100;</script>",
                1,
            )
            .replace("</tr>\n", "</tr><!-- row: total 999 -->\n"),
        Markup::Entities => html_doc(h)
            .chars()
            .enumerate()
            .map(|(i, c)| match (c.is_ascii(), i % 2) {
                (true, _) => c.to_string(),
                (false, 0) => format!("&#{};", c as u32),
                (false, _) => format!("&#x{:X};", c as u32),
            })
            .collect(),
        Markup::Breaks => {
            let mut used = vec![false; h.links.len()];
            let mut out = String::from("<html><body><div dir=\"ltr\">\n");
            for (i, line) in h.lines.iter().enumerate() {
                if Some(i) == h.quote_from {
                    out.push_str("<blockquote type=\"cite\">\n");
                }
                out.push_str(&linked(line.trim(), &h.links, &mut used));
                out.push_str("<br>\n");
            }
            if h.quote_from.is_some_and(|q| q < h.lines.len()) {
                out.push_str("</blockquote>\n");
            }
            for (l, _) in h.links.iter().zip(&used).filter(|(_, u)| !**u) {
                out.push_str(&format!("<a href=\"{}\">{}</a>", attr(&l.href), escape(&l.text)));
            }
            out.push_str("</div></body></html>\n");
            out
        }
    }
}

/// An HTML document: each line a table row, a line ending in a colon and the next one as the
/// label and value cells of one row, columns (runs of two or more spaces) as cells; links as
/// anchors around their text; lines from `quote_from` inside a blockquote.
pub fn html_doc(h: &Html) -> String {
    let mut used = vec![false; h.links.len()];
    let mut rows: Vec<String> = Vec::new();
    let mut i = 0;
    let quote_at = h.quote_from.unwrap_or(usize::MAX);
    let cell = |s: &str, used: &mut Vec<bool>| -> String { linked(s, &h.links, used) };
    let mut quoted_open = false;
    while i < h.lines.len() {
        if i >= quote_at && !quoted_open {
            rows.push("</table><blockquote type=\"cite\"><table>".into());
            quoted_open = true;
        }
        let line = h.lines[i].trim();
        if line.is_empty() {
            i += 1;
            continue;
        }
        let cells: Vec<String> = if let Some((label, value)) = split_label(line) {
            vec![format!("{label}"), value.to_owned()]
        } else if ends_with_colon(line)
            && let Some(next) = h
                .lines
                .get(i + 1)
                .filter(|n| !n.trim().is_empty() && !ends_with_colon(n))
            && i + 1 != quote_at
        {
            i += 1;
            vec![line.to_owned(), next.trim().to_owned()]
        } else {
            columns(line)
        };
        let tds: String = cells
            .iter()
            .map(|c| format!("<td>{}</td>", cell(c, &mut used)))
            .collect();
        rows.push(format!("<tr>{tds}</tr>"));
        i += 1;
    }
    if quoted_open {
        rows.push("</table></blockquote><table>".into());
    }
    let spare: String = h
        .links
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(l, _)| format!("<a href=\"{}\">{}</a>", attr(&l.href), escape(&l.text)))
        .collect();
    format!(
        "<html><head><meta charset=\"utf-8\"></head><body>\n<table cellpadding=\"0\" cellspacing=\"0\">\n{}\n</table>\n<p>{spare}</p>\n</body></html>\n",
        rows.join("\n")
    )
}

/// `label: value` with a short label and a value, split after the colon (not in a URL).
fn split_label(line: &str) -> Option<(String, &str)> {
    if line.contains("://") {
        return None;
    }
    let at = line.find([':', '：'])?;
    let colon_len = line[at..].chars().next()?.len_utf8();
    let label = &line[..at];
    let value = line[at + colon_len..].trim();
    let short = label.chars().count() <= 24 && !label.trim().is_empty();
    (short && !value.is_empty()).then(|| (format!("{}{}", label, &line[at..at + colon_len]), value))
}

fn columns(line: &str) -> Vec<String> {
    line.split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A cell's HTML: escaped text, with the first unused link whose text occurs in it as an anchor.
fn linked(s: &str, links: &[Link], used: &mut [bool]) -> String {
    for (k, l) in links.iter().enumerate() {
        let t = l.text.trim();
        if used[k] || t.is_empty() {
            continue;
        }
        if let Some(at) = s.find(t) {
            used[k] = true;
            let rest = linked(&s[at + t.len()..], links, used);
            return format!(
                "{}<a href=\"{}\">{}</a>{rest}",
                escape(&s[..at]),
                attr(&l.href),
                escape(t)
            );
        }
    }
    escape(s)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn attr(s: &str) -> String {
    escape(s).replace('"', "&quot;")
}

/// A display name and address.
fn mailbox(m: &Mailbox, style: &Style) -> Vec<u8> {
    let mut out = Vec::new();
    if !m.name.is_empty() {
        if m.name.is_ascii() {
            out.extend(format!("\"{}\" ", m.name.replace('"', "")).bytes());
        } else {
            out.extend(header_text(&m.name, style));
            out.push(b' ');
        }
    }
    out.extend(format!("<{}>", m.address).bytes());
    out
}

/// A header value in the style's words and charset (UTF-8 when the charset can't hold it).
pub fn header_text(s: &str, style: &Style) -> Vec<u8> {
    if s.is_ascii() && !matches!(style.words, Words::B(_) | Words::Q(_)) {
        return s.as_bytes().to_vec();
    }
    let charset = if style.charset.encode(s).is_some() {
        style.charset
    } else {
        Charset::Utf8
    };
    match style.words {
        Words::Raw => charset.encode(s).unwrap_or_else(|| s.as_bytes().to_vec()),
        Words::B(n) => words(s, charset, n, false).into_bytes(),
        Words::Q(n) => words(s, charset, n, true).into_bytes(),
        // Splitting bytes apart is only readable for a charset without shift state.
        Words::SplitBytes(n) if !matches!(charset, Charset::Jis(_)) => {
            let bytes = charset.encode(s).unwrap_or_else(|| s.as_bytes().to_vec());
            let label = charset.label();
            bytes
                .chunks(n.max(1))
                .map(|c| {
                    format!(
                        "=?{label}?B?{}?=",
                        String::from_utf8(base64_lines(c, usize::MAX))
                            .unwrap_or_default()
                            .trim_end()
                    )
                })
                .collect::<Vec<_>>()
                .join("\n ")
                .into_bytes()
        }
        Words::SplitBytes(_) => words(s, charset, 75, false).into_bytes(),
        Words::Mixed => {
            // ASCII words raw; a run of other words as one B word, with the space before the
            // next run inside the word (white space between two encoded words is dropped).
            let tokens: Vec<&str> = s.split(' ').collect();
            let mut out: Vec<String> = Vec::new();
            let mut k = 0;
            while k < tokens.len() {
                if tokens[k].is_ascii() {
                    out.push(tokens[k].to_owned());
                    k += 1;
                    continue;
                }
                let mut run = vec![tokens[k]];
                k += 1;
                while k < tokens.len() && !tokens[k].is_ascii() {
                    run.push(tokens[k]);
                    k += 1;
                }
                out.push(words(&run.join(" "), charset, 75, false));
            }
            out.join(" ").into_bytes()
        }
    }
}

/// Encoded words of at most `max` characters, split at character boundaries, each encoding a
/// whole run of characters (ISO-2022-JP words each start and end in ASCII), on folded lines.
fn words(s: &str, charset: Charset, max: usize, q: bool) -> String {
    let label = match charset.label() {
        "" => "ISO-2022-JP",
        label => label,
    };
    let prefix = format!("=?{label}?{}?", if q { 'Q' } else { 'B' });
    let encode = |chunk: &str| -> String {
        let bytes = charset.encode(chunk).unwrap_or_else(|| chunk.as_bytes().to_vec());
        let payload = if q {
            q_encode(&bytes)
        } else {
            String::from_utf8(base64_lines(&bytes, usize::MAX)).unwrap_or_default()
        };
        format!("{prefix}{}?=", payload.trim_end())
    };
    let mut out: Vec<String> = Vec::new();
    let mut chunk = String::new();
    for c in s.chars() {
        let mut longer = chunk.clone();
        longer.push(c);
        if !chunk.is_empty() && encode(&longer).len() > max {
            out.push(encode(&chunk));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() || out.is_empty() {
        out.push(encode(&chunk));
    }
    out.join("\n ")
}

fn q_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        match b {
            b' ' => out.push('_'),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'!' | b'*' | b'+' | b'-' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("={b:02X}")),
        }
    }
    out
}

/// Quoted-printable, lines of at most 76 characters, `=` and 8-bit bytes and trailing white
/// space encoded.
pub fn qp_encode(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if n > 0 {
            out.push(b'\n');
        }
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let mut width = 0;
        for (i, &b) in line.iter().enumerate() {
            let last = i + 1 == line.len();
            let token = if b == b'='
                || !(b == b' ' || b == b'\t' || b.is_ascii_graphic())
                || (last && (b == b' ' || b == b'\t'))
            {
                format!("={b:02X}")
            } else {
                (b as char).to_string()
            };
            if width + token.len() > 75 {
                out.extend_from_slice(b"=\n");
                width = 0;
            }
            width += token.len();
            out.extend(token.bytes());
        }
    }
    out
}

/// Base64 in lines of `width` characters.
pub fn base64_lines(bytes: &[u8], width: usize) -> Vec<u8> {
    let flat = msorder::compose::base64(bytes).into_bytes();
    let mut out = Vec::with_capacity(flat.len() + flat.len() / width.max(1) + 1);
    for line in flat.chunks(width.max(1)) {
        out.extend_from_slice(line);
        out.push(b'\n');
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Transformations of the body text

/// Which ASCII characters become full-width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    Digits,
    Colons,
    Hash,
    All,
}

/// Full-width digits, colons or `＃` in body lines, except in lines with a URL or an address
/// (where they would change where a link leads).
pub fn full_width(lines: &[String], w: Width) -> Vec<String> {
    lines
        .iter()
        .map(|l| {
            if l.contains("://") || l.contains('@') || l.contains("www.") {
                return l.clone();
            }
            l.chars()
                .map(|c| match c {
                    '0'..='9' if matches!(w, Width::Digits | Width::All) => {
                        char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c)
                    }
                    ':' if matches!(w, Width::Colons | Width::All) => '：',
                    '#' if matches!(w, Width::Hash | Width::All) => '＃',
                    c => c,
                })
                .collect()
        })
        .collect()
}

/// Labels of a quoted header block, whose order a mail client fixes.
const BLOCK_LABELS: &[&str] = &[
    "from",
    "date",
    "sent",
    "subject",
    "to",
    "cc",
    "差出人",
    "送信日時",
    "日付",
    "件名",
    "宛先",
];

fn label_of(line: &str) -> Option<String> {
    let (label, _) = split_label(line.trim())?;
    let label = label.trim_end_matches([':', '：']).trim().to_lowercase();
    Some(label)
}

/// Runs of consecutive `label: value` lines reversed (each field keeps its value; a quoted
/// header block keeps its order).
pub fn reorder(lines: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut run: Vec<String> = Vec::new();
    let mut block = false;
    let flush = |out: &mut Vec<String>, run: &mut Vec<String>, block: bool| {
        if !block {
            run.reverse();
        }
        out.append(run);
    };
    for l in lines {
        match label_of(l) {
            Some(label) => {
                block |= BLOCK_LABELS.contains(&label.as_str());
                run.push(l.clone());
            }
            None => {
                flush(&mut out, &mut run, block);
                block = false;
                out.push(l.clone());
            }
        }
    }
    flush(&mut out, &mut run, block);
    out
}

/// Extra white space: trailing spaces, doubled blank lines, blank lines around the body, more
/// space after a label's colon.
pub fn spaced(lines: &[String]) -> Vec<String> {
    let mut out = vec![String::new()];
    for l in lines {
        if l.trim().is_empty() {
            out.push(String::new());
            out.push("  ".into());
            continue;
        }
        let mut l = l.clone();
        if let Some(at) = l.find(": ").filter(|_| !l.contains("://")) {
            l.insert_str(at + 1, "  ");
        }
        l.push_str("  ");
        out.push(l);
    }
    out.push(String::new());
    out
}

// ---------------------------------------------------------------------------------------------
// Forward wrappers

/// Which mail client forwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Client {
    Gmail,
    /// Outlook with its `-----Original Message-----` separator.
    Outlook,
    /// Newer Outlook: a rule line and the bare `From:` block.
    OutlookBare,
    Apple,
    Thunderbird,
}

/// The client's UI language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ui {
    En,
    Ja,
}

/// How the forwarded text is quoted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quoting {
    None,
    /// `> ` before every line.
    Angle,
    /// `>` before every line, no space.
    Tight,
}

/// A forward wrapper.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wrap {
    Inline {
        client: Client,
        ui: Ui,
        quoting: Quoting,
        /// The forwarder's own signature (shop name and phone number) above the original.
        signature: bool,
    },
    Attached(Attach, Ui),
}

/// The forwarder: a person at a free-mail or shop address, authenticated by their provider.
fn forwarder(client: Option<Client>, ui: Ui) -> (Mailbox, Vec<AuthField>) {
    let (name, address) = match (client, ui) {
        (Some(Client::Outlook | Client::OutlookBare), Ui::Ja) => ("山田 太郎", "taro.yamada@outlook.jp"),
        (Some(Client::Outlook | Client::OutlookBare), Ui::En) => ("Taro Yamada", "taro.yamada@outlook.com"),
        (Some(Client::Apple), _) => ("Hanako Sato", "hanako.sato@icloud.com"),
        (Some(Client::Thunderbird), _) => ("鈴木 次郎", "jiro@shop.example.jp"),
        (_, Ui::Ja) => ("山田 一郎", "ichiro.yamada@gmail.com"),
        (_, Ui::En) => ("Ichiro Yamada", "ichiro.yamada@gmail.com"),
    };
    let domain = address.rsplit('@').next().unwrap_or("");
    let auth = AuthField {
        arc: false,
        value: format!(
            "mx.example.jp; dkim=pass header.d={domain}; spf=pass smtp.mailfrom={domain}; dmarc=pass header.from={domain}"
        ),
    };
    (
        Mailbox {
            name: name.into(),
            address: address.into(),
        },
        vec![auth],
    )
}

/// (year, month, day, hour, minute, second, zone) of an RFC 5322 date as [`rfc5322_date`] writes.
fn date_parts(d: &str) -> Option<(i32, u32, u32, u32, u32, u32, String)> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut it = d.split_whitespace();
    let day = it.next()?.parse().ok()?;
    let name = it.next()?;
    let month = MONTHS.iter().position(|m| *m == name)? as u32 + 1;
    let year = it.next()?.parse().ok()?;
    let mut hms = it.next()?.split(':').map(|x| x.parse::<u32>().ok());
    let (h, mi, s) = (hms.next()??, hms.next()??, hms.next()??);
    Some((
        year,
        month,
        day,
        h,
        mi,
        s,
        it.next().unwrap_or("+0000").to_owned(),
    ))
}

fn weekday(y: i32, m: u32, d: u32) -> usize {
    // Sakamoto's method; 0 = Sunday.
    const T: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if m < 3 { y - 1 } else { y };
    ((y + y / 4 - y / 100 + y / 400 + T[m as usize - 1] + d as i32).rem_euclid(7)) as usize
}

/// The quoted date as the client writes it.
fn quoted_date(date: &str, client: Client, ui: Ui) -> String {
    const DAYS: [&str; 7] = [
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
    ];
    const JA_DAYS: [&str; 7] = ["日", "月", "火", "水", "木", "金", "土"];
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let Some((y, m, d, h, mi, s, zone)) = date_parts(date) else {
        return date.to_owned();
    };
    let wd = weekday(y, m, d);
    let (h12, ampm) = (
        if h % 12 == 0 { 12 } else { h % 12 },
        if h < 12 { "AM" } else { "PM" },
    );
    let month = MONTHS[m as usize - 1];
    match (client, ui) {
        (Client::Gmail, Ui::En) => format!(
            "{}, {} {d}, {y} at {h12}:{mi:02} {ampm}",
            &DAYS[wd][..3],
            &month[..3]
        ),
        (Client::Gmail, Ui::Ja) => format!("{y}年{m}月{d}日({}) {h}:{mi:02}", JA_DAYS[wd]),
        (Client::Outlook | Client::OutlookBare, Ui::En) => {
            format!("{}, {month} {d}, {y} {h12}:{mi:02} {ampm}", DAYS[wd])
        }
        (Client::Outlook | Client::OutlookBare, Ui::Ja) => format!("{y}年{m}月{d}日 {h}:{mi:02}"),
        (Client::Apple, Ui::En) => format!("{month} {d}, {y} at {h}:{mi:02}:{s:02} GMT{zone}"),
        (Client::Apple, Ui::Ja) => format!("{y}年{m}月{d}日 {h}:{mi:02}:{s:02} GMT{zone}"),
        (Client::Thunderbird, _) => format!(
            "{}, {d} {} {y} {h:02}:{mi:02}:{s:02} {zone}",
            &DAYS[wd][..3],
            &month[..3]
        ),
    }
}

/// The separator line and the quoted header block a client writes above a forwarded message.
fn quoted_block(orig: &Mail, client: Client, ui: Ui) -> Vec<String> {
    let from = orig.from.as_ref().map(|m| match (m.name.is_empty(), client) {
        (true, _) => m.address.clone(),
        (false, Client::Outlook) => format!("{} [mailto:{}]", m.name, m.address),
        (false, _) => format!("{} <{}>", m.name, m.address),
    });
    let date = orig.date.as_deref().map(|d| quoted_date(d, client, ui));
    let to = "user@example.jp".to_owned();
    let ja = ui == Ui::Ja;
    let (sep, order): (&str, &[&str]) = match client {
        Client::Gmail => (
            "---------- Forwarded message ---------",
            &["from", "date", "subject", "to"],
        ),
        Client::Outlook => ("-----Original Message-----", &["from", "date", "to", "subject"]),
        Client::OutlookBare => (
            "________________________________",
            &["from", "date", "to", "subject"],
        ),
        Client::Apple if ja => ("転送されたメッセージ:", &["from", "subject", "date", "to"]),
        Client::Apple => ("Begin forwarded message:", &["from", "subject", "date", "to"]),
        Client::Thunderbird if ja => (
            "-------- 転送メッセージ --------",
            &["subject", "date", "from", "to"],
        ),
        Client::Thunderbird => (
            "-------- Forwarded Message --------",
            &["subject", "date", "from", "to"],
        ),
    };
    let label = |f: &str| -> &str {
        match (f, ja, client) {
            ("from", false, _) => "From:",
            ("from", true, _) => "差出人:",
            ("date", false, Client::Outlook | Client::OutlookBare) => "Sent:",
            ("date", false, _) => "Date:",
            ("date", true, Client::Outlook | Client::OutlookBare) => "送信日時:",
            ("date", true, _) => "日付:",
            ("subject", false, _) => "Subject:",
            ("subject", true, _) => "件名:",
            ("to", false, _) => "To:",
            _ => "宛先:",
        }
    };
    let mut lines = vec![sep.to_owned()];
    if client == Client::Apple {
        lines.push(String::new());
    }
    let gap = if client == Client::Thunderbird { " \t" } else { " " };
    for f in order {
        let value = match *f {
            "from" => from.clone(),
            "date" => date.clone(),
            "subject" => Some(orig.subject.clone()),
            _ => Some(to.clone()),
        };
        if let Some(v) = value {
            lines.push(format!("{}{gap}{v}", label(f)));
        }
    }
    lines.push(String::new());
    lines
}

/// An inline forward of `orig`: the forwarder's note, the client's quoted block and the
/// original's text; Gmail-like HTML with the original's HTML quoted; attachments carried along.
pub fn inline_forward(orig: &Mail, wrap: Wrap, prefix: &str) -> Mail {
    let Wrap::Inline {
        client,
        ui,
        quoting,
        signature,
    } = wrap
    else {
        return attached_forward(orig, wrap, prefix);
    };
    let (from, auth) = forwarder(Some(client), ui);
    let mut note: Vec<String> = match ui {
        Ui::En => vec!["Is this a real purchase? I only set up the new PC.".into()],
        Ui::Ja => vec!["新しいPCを設定しただけですが、これは本物の購入でしょうか？".into()],
    };
    if signature {
        note.extend([
            "".into(),
            "--".into(),
            "PCサポート みなと屋".into(),
            "TEL: 03-5555-0123".into(),
        ]);
    }
    note.push(String::new());
    let block = quoted_block(orig, client, ui);
    let q = match quoting {
        Quoting::None => "",
        Quoting::Angle => "> ",
        Quoting::Tight => ">",
    };
    let body: Vec<String> = block
        .iter()
        .cloned()
        .chain(orig.plain().lines().map(str::to_owned))
        .map(|l| {
            if l.is_empty() && !q.is_empty() {
                q.trim_end().to_owned()
            } else {
                format!("{q}{l}")
            }
        })
        .collect();
    let text = note.iter().cloned().chain(body).collect::<Vec<_>>().join("\n");
    let inner = orig.html_or_from_text();
    let mut lines: Vec<String> = note.iter().filter(|l| !l.is_empty()).cloned().collect();
    lines.extend(block.into_iter().filter(|l| !l.is_empty()));
    let quote_from = lines.len();
    lines.extend(inner.lines);
    let mut links = inner.links;
    if let Some(m) = &orig.from {
        links.insert(
            0,
            Link {
                href: format!("mailto:{}", m.address),
                text: m.address.clone(),
            },
        );
    }
    Mail {
        from: Some(from),
        reply_to: None,
        return_path: None,
        date: Some("20 Nov 2025 10:00:00 +0900".into()),
        message_id: Some("fwd.1@mail.example.jp".into()),
        auth,
        subject: format!("{prefix}{}", orig.subject),
        text: Some(text),
        html: Some(Html {
            lines,
            links,
            quote_from: Some(quote_from),
        }),
        attachments: orig.attachments.clone(),
        attached: orig.attached.clone(),
    }
}

/// A forward with the original attached.
pub fn attached_forward(orig: &Mail, wrap: Wrap, prefix: &str) -> Mail {
    let Wrap::Attached(how, ui) = wrap else {
        return inline_forward(orig, wrap, prefix);
    };
    let (from, auth) = forwarder(None, ui);
    let text = match ui {
        Ui::En => "Please see the attached mail. Is it genuine?",
        Ui::Ja => "添付のメールを確認してください。本物でしょうか？",
    };
    Mail {
        from: Some(from),
        reply_to: None,
        return_path: None,
        date: Some("20 Nov 2025 10:00:00 +0900".into()),
        message_id: Some("fwd.2@mail.example.jp".into()),
        auth,
        subject: format!("{prefix}{}", orig.subject),
        text: Some(text.into()),
        html: None,
        attachments: Vec::new(),
        attached: vec![(orig.clone(), how)],
    }
}

/// Wrap a message in a forward.
pub fn forward(orig: &Mail, wrap: Wrap, prefix: &str) -> Mail {
    match wrap {
        Wrap::Inline { .. } => inline_forward(orig, wrap, prefix),
        Wrap::Attached(..) => attached_forward(orig, wrap, prefix),
    }
}
