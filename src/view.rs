//! A decoded message as the later stages see it: the few headers that matter, the body as text,
//! links, attachments and any attached original. Built by [`crate::mime`]; nothing later touches
//! raw MIME.

use std::sync::LazyLock;

use regex::Regex;

use crate::text::registrable_domain;

/// A mailbox from an address header.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mailbox {
    /// Display name, decoded; empty when absent.
    pub name: String,
    /// The address as written (`local@domain`); may be empty or malformed on hostile input.
    pub address: String,
}

impl Mailbox {
    /// The domain part of the address, lowercased; empty when there is none.
    pub fn domain(&self) -> String {
        self.address
            .rsplit_once('@')
            .map(|(_, d)| d.trim_end_matches('>').trim().to_ascii_lowercase())
            .unwrap_or_default()
    }

    /// Registrable domain of the address (`example.jp` for `x@microsoft.com.example.jp`).
    pub fn registrable(&self) -> String {
        registrable_domain(&self.domain())
    }
}

/// One `Authentication-Results` or `ARC-Authentication-Results` field, in header order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthField {
    /// True for `ARC-Authentication-Results`.
    pub arc: bool,
    /// The unfolded field value.
    pub value: String,
}

/// A hyperlink found in the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// Where it leads.
    pub href: String,
    /// What it shows (text of the anchor; the URL itself for bare URLs).
    pub text: String,
}

/// A non-text part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// File name, if any.
    pub name: String,
    /// `type/subtype`, lowercased.
    pub content_type: String,
}

/// What an inline forward's quoted header block said about the original.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Quoted {
    /// The quoted sender.
    pub from: Mailbox,
    /// The quoted subject.
    pub subject: String,
    /// The quoted date, as written.
    pub date: String,
}

/// A message, decoded.
#[derive(Clone, Debug, Default)]
pub struct MessageView {
    /// From.
    pub from: Option<Mailbox>,
    /// Reply-To.
    pub reply_to: Option<Mailbox>,
    /// Return-Path address.
    pub return_path: Option<String>,
    /// Subject, decoded; empty when absent.
    pub subject: String,
    /// Date as RFC 3339.
    pub date: Option<String>,
    /// Message-ID without angle brackets.
    pub message_id: Option<String>,
    /// Authentication results, top-most first.
    pub auth: Vec<AuthField>,
    /// The plain-text body (all inline text parts).
    pub text: String,
    /// The HTML body rendered as text, one table cell per line.
    pub html_text: String,
    /// Links from the HTML and bare URLs from the text.
    pub links: Vec<Link>,
    /// Attachments other than attached messages.
    pub attachments: Vec<Attachment>,
    /// Messages attached to this one (`message/rfc822`, `.eml` files).
    pub attached: Vec<MessageView>,
    /// Set when this view was rebuilt from an inline forward's quoted block.
    pub quoted: Option<Quoted>,
}

impl MessageView {
    /// The body text to read fields from: the plain part when there is one, else the HTML.
    pub fn body(&self) -> &str {
        if self.text.trim().is_empty() {
            &self.html_text
        } else {
            &self.text
        }
    }
}

/// Render HTML as text for matching. Table cells each go on their own line (html2text's raw
/// mode), so a label and its value never run together as mail-parser's converter makes them.
pub fn html_to_text(html: &str) -> String {
    html2text::config::plain()
        .raw_mode(true)
        .link_footnotes(false)
        .string_from_read(html.as_bytes(), 200)
        .unwrap_or_else(|_| strip_tags(html))
}

/// Crude fallback when html2text refuses the input: drop tags, keep text.
fn strip_tags(html: &str) -> String {
    static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<[^>]*>").unwrap());
    TAG.replace_all(html, "\n").into_owned()
}

/// Links in HTML: `<a href="…">text</a>`.
pub fn html_links(html: &str) -> Vec<Link> {
    static ANCHOR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?is)<a\s[^>]*?href\s*=\s*["']?([^"'\s>]+)["']?[^>]*>(.*?)</a\s*>"#).unwrap()
    });
    static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<[^>]*>").unwrap());
    ANCHOR
        .captures_iter(html)
        .take(500)
        .map(|c| Link {
            href: decode_entities(&c[1]),
            text: decode_entities(TAG.replace_all(&c[2], " ").trim()),
        })
        .collect()
}

/// Bare URLs in plain text.
pub fn text_links(text: &str) -> Vec<Link> {
    static URL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"(?i)\bhttps?://[^\s<>"'）」]+"#).unwrap());
    URL.find_iter(text)
        .take(500)
        .map(|m| Link {
            href: m.as_str().to_owned(),
            text: m.as_str().to_owned(),
        })
        .collect()
}

fn decode_entities(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
}

/// Host of a URL, lowercased, without user info or port; `None` for non-web links.
pub fn url_host(url: &str) -> Option<String> {
    let url = url.trim();
    let scheme_end = url.find("://")?;
    if !matches!(url[..scheme_end].to_ascii_lowercase().as_str(), "http" | "https") {
        return None;
    }
    let rest = &url[scheme_end + 3..];
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?.split(':').next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_stay_apart() {
        let html = "<table><tr><td>注文番号:</td><td>1234567890</td></tr></table>";
        let text = html_to_text(html);
        assert!(!text.contains("注文番号:1234567890"), "{text}");
        assert!(text.contains("1234567890"));
    }

    #[test]
    fn links_and_hosts() {
        let links = html_links(
            r#"<p><A HREF="https://evil.example/x?a=1&amp;b=2">https://account.microsoft.com</a>"#,
        );
        assert_eq!(links[0].href, "https://evil.example/x?a=1&b=2");
        assert_eq!(links[0].text, "https://account.microsoft.com");
        assert_eq!(
            url_host("HTTPS://User@Go.Microsoft.com:443/x").as_deref(),
            Some("go.microsoft.com")
        );
        assert_eq!(url_host("mailto:a@b"), None);
        assert_eq!(text_links("see https://a.example/b, ok").len(), 1);
    }

    #[test]
    fn mailbox_domains() {
        let m = Mailbox {
            name: String::new(),
            address: "x@Mail.Microsoft.com.example.jp".into(),
        };
        assert_eq!(m.domain(), "mail.microsoft.com.example.jp");
        assert_eq!(m.registrable(), "example.jp");
    }
}
