//! A decoded message as the later stages see it: the few headers that matter, the body as text,
//! links, attachments and any attached original. Built by [`crate::mime`]; nothing later touches
//! raw MIME.

// Where the helpers that build views used to live; their users import them from here.
pub use crate::mime::html::{render_html, text_links};
use crate::text::registrable_domain;
pub use crate::text::url_host;

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

#[cfg(test)]
mod tests {
    use super::*;

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
