//! A decoded message as the later stages see it: the few headers that matter, the body as text,
//! links, attachments and any attached original. Built by [`crate::mime`]; nothing later touches
//! raw MIME.

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::address::registrable_domain;
use crate::text::fold;

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
        crate::address::domain(&self.address)
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
#[derive(Debug, Default)]
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
    /// The subject and bodies folded for matching, made once on first use.
    pub folded: Folded,
}

/// A view's text folded for matching ([`crate::text::fold`]), each form made on first use and
/// kept: every stage (order, auth, scope, verdict) matches on folded text, and a forward takes a
/// view through them several times. Lazily, because not every form of every view is read (an
/// attached message that is no layer of the verdict, the HTML of a mail with a plain part).
/// Each form remembers the text it was made from (where it lives and its length), so a view
/// whose field is replaced after a read (`MessageView { text, ..view.clone() }`) folds the new
/// text instead of answering with the old one.
#[derive(Default)]
pub struct Folded {
    subject: OnceLock<(Source, String)>,
    text: OnceLock<(Source, String)>,
    html_text: OnceLock<(Source, String)>,
}

/// Where a folded form's text lived, and its length.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Source(usize, usize);

impl Source {
    fn of(s: &str) -> Source {
        Source(s.as_ptr() as usize, s.len())
    }
}

/// The folded form of `source`, made and kept on the first call.
fn folded<'a>(cell: &'a OnceLock<(Source, String)>, source: &str) -> Cow<'a, str> {
    let (from, folded) = cell.get_or_init(|| (Source::of(source), fold(source)));
    if *from == Source::of(source) {
        Cow::Borrowed(folded)
    } else {
        Cow::Owned(fold(source))
    }
}

/// A copy of a form made for `old`, for the same text at `new`.
fn moved(cell: &OnceLock<(Source, String)>, old: &str, new: &str) -> OnceLock<(Source, String)> {
    let copy = OnceLock::new();
    if let Some((from, folded)) = cell.get()
        && *from == Source::of(old)
    {
        let _ = copy.set((Source::of(new), folded.clone()));
    }
    copy
}

impl std::fmt::Debug for Folded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Folded").finish_non_exhaustive()
    }
}

/// A clone keeps the folded forms, moved to the clone's own copies of the text.
impl Clone for MessageView {
    fn clone(&self) -> Self {
        let mut view = MessageView {
            from: self.from.clone(),
            reply_to: self.reply_to.clone(),
            return_path: self.return_path.clone(),
            subject: self.subject.clone(),
            date: self.date.clone(),
            message_id: self.message_id.clone(),
            auth: self.auth.clone(),
            text: self.text.clone(),
            html_text: self.html_text.clone(),
            links: self.links.clone(),
            attachments: self.attachments.clone(),
            attached: self.attached.clone(),
            quoted: self.quoted.clone(),
            to: self.to.clone(),
            folded: Folded::default(),
        };
        let old = &self.folded;
        view.folded = Folded {
            subject: moved(&old.subject, &self.subject, &view.subject),
            text: moved(&old.text, &self.text, &view.text),
            html_text: moved(&old.html_text, &self.html_text, &view.html_text),
        };
        view
    }
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

    /// The subject, folded.
    pub fn folded_subject(&self) -> Cow<'_, str> {
        folded(&self.folded.subject, &self.subject)
    }

    /// The plain-text body, folded.
    pub fn folded_text(&self) -> Cow<'_, str> {
        folded(&self.folded.text, &self.text)
    }

    /// The HTML body rendered as text, folded.
    pub fn folded_html(&self) -> Cow<'_, str> {
        folded(&self.folded.html_text, &self.html_text)
    }

    /// [`MessageView::body`], folded.
    pub fn folded_body(&self) -> Cow<'_, str> {
        if self.text.trim().is_empty() {
            self.folded_html()
        } else {
            self.folded_text()
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

    #[test]
    fn folded_forms_are_the_fields_folded() {
        let v = MessageView {
            subject: "Ｍｉｃｒｏ\u{200B}soft の注文".into(),
            html_text: "ＴＯＴＡＬ\n￥０".into(),
            ..MessageView::default()
        };
        assert_eq!(v.folded_subject(), fold(&v.subject));
        assert_eq!(v.folded_text(), "");
        assert_eq!(v.folded_body(), "total\n¥0");
        let with_text = MessageView {
            text: "Ｑｔｙ 1".into(),
            ..v.clone()
        };
        assert_eq!(with_text.folded_body(), "qty 1");
        assert_eq!(with_text.folded_html(), v.folded_html());
        // Read before the text was replaced, and after.
        let mut replaced = with_text.clone();
        assert_eq!(replaced.folded_text(), "qty 1");
        replaced.text = "ＳＵＢＴＯＴＡＬ".into();
        assert_eq!(replaced.folded_text(), "subtotal");
    }
}
