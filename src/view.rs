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
    /// The first To recipient (for an inline forward's original, the quoted one).
    pub to: Option<Mailbox>,
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

/// Elements that start and end a line: table cells and rows, paragraphs, list items, headings.
/// One cell per line keeps a label and its value apart, which mail-parser's converter glues.
const BLOCK_ELEMENTS: &[&str] = &[
    "td",
    "th",
    "tr",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "caption",
    "p",
    "div",
    "br",
    "hr",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "center",
    "address",
    "title",
];

/// Render HTML as text for matching, streaming with lol_html (no DOM: HTML mail is rendered for
/// every candidate in a mailbox scan), and collect its links in the same pass. Text runs keep
/// their words with white space collapsed; each block element (above) goes on its own line;
/// script and style content is dropped; entities are decoded.
pub fn render_html(html: &str) -> (String, Vec<Link>) {
    use std::cell::RefCell;
    use std::rc::Rc;

    use lol_html::html_content::TextType;
    use lol_html::{HtmlRewriter, Settings, doc_text, element};

    /// What the handlers build: the text, the links, and whether text goes into the last link.
    #[derive(Default)]
    struct Rendered {
        text: String,
        links: Vec<Link>,
        in_link: bool,
    }

    let out = Rc::new(RefCell::new(Rendered::default()));
    let (text_out, element_out) = (out.clone(), out.clone());
    // One selector for every element, sorted out here by name: compiling and running a selector
    // per block element costs more than the comparison.
    let settings = Settings::new()
        .append_element_content_handler(element!("*", move |el| {
            let name = el.tag_name();
            let end: fn(&mut Rendered) = if name == "a" && el.has_attribute("href") {
                let mut rendered = element_out.borrow_mut();
                if rendered.links.len() < MAX_LINKS {
                    let href = el.get_attribute("href").unwrap_or_default();
                    rendered.links.push(Link {
                        href: decode_entities(href.trim()),
                        text: String::new(),
                    });
                    rendered.in_link = true;
                }
                |r| r.in_link = false
            } else if BLOCK_ELEMENTS.contains(&name.as_str()) {
                element_out.borrow_mut().text.push('\n');
                |r| r.text.push('\n')
            } else {
                return Ok(());
            };
            let end_out = element_out.clone();
            if let Some(handlers) = el.end_tag_handlers() {
                let on_end: lol_html::EndTagHandler<'static> = Box::new(move |_| {
                    end(&mut end_out.borrow_mut());
                    Ok(())
                });
                handlers.push(on_end);
            }
            Ok(())
        }))
        .append_document_content_handler(doc_text!(move |chunk| {
            if matches!(chunk.text_type(), TextType::Data | TextType::RCData) {
                let mut rendered = text_out.borrow_mut();
                push_collapsed(&mut rendered.text, chunk.as_str());
                if rendered.in_link
                    && let Some(link) = rendered.links.last_mut()
                {
                    push_collapsed(&mut link.text, chunk.as_str());
                }
            }
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    // Malformed HTML is still tokenised; an error here only cuts the text short.
    let _ = rewriter.write(html.as_bytes()).and_then(|()| rewriter.end());
    let rendered = std::mem::take(&mut *out.borrow_mut());
    let text = decode_entities(&rendered.text)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let links = rendered
        .links
        .into_iter()
        .map(|l| Link {
            text: decode_entities(l.text.trim()),
            ..l
        })
        .collect();
    (text, links)
}

/// Most links kept from one message.
const MAX_LINKS: usize = 500;

/// Append text with runs of white space (source line breaks included) as one space.
fn push_collapsed(out: &mut String, text: &str) {
    for (i, word) in text.split(|c: char| c.is_ascii_whitespace()).enumerate() {
        if i > 0 && !out.ends_with([' ', '\n']) {
            out.push(' ');
        }
        out.push_str(word);
    }
}

/// Bare URLs in plain text.
pub fn text_links(text: &str) -> Vec<Link> {
    static URL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(?i)(?-u:\b)https?://[^\s<>"'）」]+"#).unwrap());
    URL.find_iter(text)
        .take(MAX_LINKS)
        .map(|m| Link {
            href: m.as_str().to_owned(),
            text: m.as_str().to_owned(),
        })
        .collect()
}

fn decode_entities(s: &str) -> String {
    html_escape::decode_html_entities(s).into_owned()
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
        let (text, _) = render_html(html);
        assert!(!text.contains("注文番号:1234567890"), "{text}");
        assert!(text.contains("1234567890"));
    }

    #[test]
    fn links_and_hosts() {
        let (_, links) = render_html(
            r#"<p><A HREF="https://evil.example/x?a=1&amp;b=2">https://<b>account</b>.microsoft.com</a> more"#,
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
