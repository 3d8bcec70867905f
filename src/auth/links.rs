//! Links and attachments: where a link really leads (safelinks unwrapped), whether that is
//! Microsoft's, whether the anchor text names another host, and invoice-like attachments.

use unicode_normalization::UnicodeNormalization;

use super::Findings;
use super::sender::{host_shown, is_microsoft_domain};
use crate::address::{self, host_unicode, on_suffix, url_host};
use crate::lexicon::microsoft::{MICROSOFT_HOSTS, SAFELINKS, USER_HOSTED};
use crate::reason::ReasonId;
use crate::text;
use crate::view::{Link, MessageView};

/// File name endings of invoices, calendar invites, documents and archives: Microsoft's order
/// mails carry no attachment, fake invoices do.
const ATTACHMENT_EXTS: &[&str] = &[
    ".pdf", ".ics", ".doc", ".docx", ".xls", ".xlsx", ".htm", ".html", ".shtml", ".svg", ".zip", ".rar",
    ".7z", ".iso", ".img", ".one",
];

/// Content types of the same, exact.
const ATTACHMENT_TYPES: &[&str] = &[
    "application/pdf",
    "text/calendar",
    "application/msword",
    "application/zip",
    "application/x-zip-compressed",
    "application/x-rar-compressed",
    "application/x-7z-compressed",
    "application/x-iso9660-image",
    "application/onenote",
];

/// Content-type prefixes of office documents (`application/vnd.openxmlformats-…`).
const ATTACHMENT_TYPE_PREFIXES: &[&str] = &["application/vnd."];

/// Saved messages: a forward as attachment, not an invoice.
const MESSAGE_ATTACHMENTS: &[&str] = &["application/vnd.ms-outlook", ".msg", ".eml"];

/// Whether a web host belongs to Microsoft and is not a place where anyone can publish.
pub fn is_microsoft_host(host: &str) -> bool {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    MICROSOFT_HOSTS.iter().any(|s| on_suffix(&host, s))
        || (!USER_HOSTED.iter().any(|s| on_suffix(&host, s))
            && is_microsoft_domain(&address::registrable_domain(&host)))
}

/// The real target of an Outlook safelinks URL (`…safelinks.protection.outlook.com/?url=…`);
/// other URLs unchanged.
pub fn unwrap_safelinks(href: &str) -> String {
    let mut url = href.trim().to_owned();
    for _ in 0..4 {
        let wrapped = url_host(&url).is_some_and(|h| on_suffix(&h, SAFELINKS));
        let Some(query) = url.split_once('?').map(|(_, q)| q.split('#').next().unwrap_or(q)) else {
            break;
        };
        let target = query.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            k.eq_ignore_ascii_case("url").then_some(v)
        });
        match target {
            Some(t) if wrapped => {
                url = String::from_utf8_lossy(&crate::text::unescape_hex(t.as_bytes(), b'%')).into_owned()
            }
            _ => break,
        }
    }
    url
}

/// The hosts of `links`, each once, in the order first met: the checks on a host are pure, and
/// a mail's links mostly lead to a few hosts again and again.
pub(super) fn distinct_hosts<'a>(links: &'a [(Option<String>, &Link)]) -> impl Iterator<Item = &'a str> {
    let mut seen = std::collections::HashSet::new();
    links
        .iter()
        .filter_map(|(h, _)| h.as_deref())
        .filter(move |h| seen.insert(*h))
}

pub(super) fn link_reasons(links: &[(Option<String>, &Link)], found: &mut Findings) {
    if let Some(host) = distinct_hosts(links).find(|h| !is_microsoft_host(h)) {
        found.add(ReasonId::ForeignLink, host_shown(host));
    }
    for (host, link) in links {
        let Some(host) = host else { continue };
        let Some(shown) = text_host(&link.text) else {
            continue;
        };
        let target = host_unicode(host);
        // `Office.com` leading to go.microsoft.com deceives no one.
        let both_microsoft = is_microsoft_host(&shown) && is_microsoft_host(host);
        if !both_microsoft && address::registrable_domain(&shown) != address::registrable_domain(&target) {
            found.add(
                ReasonId::LinkTextMismatch,
                format!("{} → {}", link.text.trim(), host_shown(host)),
            );
            break;
        }
    }
}

/// The host an anchor's text names, when the text looks like a URL or a host name (a dot, no
/// spaces, a known public suffix).
fn text_host(text: &str) -> Option<String> {
    let t = folded_link_text(text)?;
    if t.is_empty() || t.len() > 2000 || !t.contains('.') || t.chars().any(char::is_whitespace) {
        return None;
    }
    let host = if t.contains("://") {
        url_host(&unwrap_safelinks(&t))?
    } else {
        address::host_of(&t)?.to_owned()
    };
    let host = host_unicode(host.trim_end_matches('.'));
    let labels: Vec<&str> = host.split('.').collect();
    let tld = labels.last()?;
    let well_formed = labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
        && tld.chars().count() >= 2
        && tld.chars().all(char::is_alphabetic);
    let known = psl::suffix(host.as_bytes()).is_some_and(|s| s.is_known());
    (well_formed && known).then_some(host)
}

/// An anchor's text as [`text_host`] reads it: trimmed, NFKC, without invisible characters,
/// lowercased. `None` for text that names no host, told before any folding where it can be:
/// ASCII without a dot (ASCII is its own NFKC, holds no invisible character and keeps its dots
/// when lowercased, so it is only lowercased), and other text with white space or with nothing
/// to make a dot of (NFKC keeps each white space character as white space, and a dot comes only
/// from a character whose compatibility decomposition holds one: no composition takes in either).
fn folded_link_text(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_ascii() {
        return text.contains('.').then(|| text.to_ascii_lowercase());
    }
    if text.chars().any(char::is_whitespace) || !text.chars().any(makes_dot) {
        return None;
    }
    Some(folded_link_text_in_full(text))
}

/// Whether NFKC turns `c` into text with a dot: `.` itself, or a character such as `．` or `…`.
fn makes_dot(c: char) -> bool {
    let mut dot = c == '.';
    if !c.is_ascii() {
        unicode_normalization::char::decompose_compatible(c, |d| dot |= d == '.');
    }
    dot
}

/// [`folded_link_text`] of any text, the ASCII fast path not taken.
fn folded_link_text_in_full(text: &str) -> String {
    text.trim()
        .nfkc()
        .filter(|&c| !text::is_invisible(c))
        .collect::<String>()
        .to_lowercase()
}

pub(super) fn attachment_reasons(view: &MessageView, found: &mut Findings) {
    for a in view.attachments.iter().take(200) {
        let name = a.name.trim().to_lowercase();
        let ctype = a.content_type.trim().to_ascii_lowercase();
        if MESSAGE_ATTACHMENTS
            .iter()
            .any(|m| ctype == *m || name.ends_with(m))
        {
            continue;
        }
        let by_name = ATTACHMENT_EXTS.iter().any(|e| name.ends_with(e));
        let by_type = ATTACHMENT_TYPES.contains(&ctype.as_str())
            || ATTACHMENT_TYPE_PREFIXES.iter().any(|p| ctype.starts_with(p));
        if by_name || by_type {
            let shown = if a.name.trim().is_empty() {
                &a.content_type
            } else {
                &a.name
            };
            found.add(ReasonId::InvoiceAttachment, shown);
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::tests::*;
    use crate::view::Attachment;

    /// A text [`text_host`] can read a host from: a dot and no white space.
    fn hostlike(t: Option<String>) -> Option<String> {
        t.filter(|t| t.contains('.') && !t.chars().any(char::is_whitespace))
    }

    proptest::proptest! {
        /// The fast paths read every text that could name a host as the full folding does, and
        /// a text they drop has a dot and no white space no more once folded: no host either way.
        #[test]
        fn link_text_fast_path_agrees(s in "[ -~\t\u{200B}．Ａ\u{A0}\u{3000}\u{A8}…ａ注\u{2474}\u{2488}]{0,30}") {
            proptest::prop_assert_eq!(
                hostlike(folded_link_text(&s)),
                hostlike(Some(folded_link_text_in_full(&s)))
            );
        }
    }

    /// What lets [`folded_link_text`] drop text unfolded, character by character: a white space
    /// folds to white space, a dot comes only from a character [`makes_dot`], and no character
    /// decomposes canonically into a dot or a white space (no composition takes one in).
    #[test]
    fn dots_and_spaces_survive_folding() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let folded = folded_link_text_in_full(&format!("a{c}b"));
            if c.is_whitespace() {
                assert!(folded.chars().any(char::is_whitespace), "{c:?}");
            }
            assert_eq!(folded.contains('.'), makes_dot(c), "{c:?}");
            let mut parts = Vec::new();
            unicode_normalization::char::decompose_canonical(c, |d| parts.push(d));
            if parts.len() > 1 {
                assert!(!parts.iter().any(|&d| d == '.' || d.is_whitespace()), "{c:?}");
            }
        }
    }

    #[test]
    fn links() {
        let a = judge_default(&MessageView {
            links: vec![
                link("https://go.microsoft.com/x", "x"),
                link("https://evil.example/pay", "Pay"),
                link("http://other.example/", "other"),
            ],
            ..genuine()
        });
        assert_eq!(evidence(&a, ReasonId::ForeignLink), "evil.example");
        assert_eq!(
            a.reasons.iter().filter(|r| r.id == ReasonId::ForeignLink).count(),
            1
        );

        let safe = |target: &str| {
            format!("https://jpn01.safelinks.protection.outlook.com/?url={target}&data=05%7C02&reserved=0")
        };
        let a = judge_default(&MessageView {
            links: vec![link(&safe("https%3A%2F%2Fevil.example%2Fx"), "x")],
            ..genuine()
        });
        assert_eq!(evidence(&a, ReasonId::ForeignLink), "evil.example");
        let a = judge_default(&MessageView {
            links: vec![link(
                &safe("https%3A%2F%2Faccount.microsoft.com%2Fbilling"),
                "account.microsoft.com",
            )],
            ..genuine()
        });
        assert!(
            !has(&a, ReasonId::ForeignLink) && !has(&a, ReasonId::LinkTextMismatch),
            "{:?}",
            a.reasons
        );

        // Places under Microsoft's domains where anyone can publish.
        for href in [
            "https://forms.office.com/r/abc",
            "https://vm1.japaneast.cloudapp.azure.com/",
            "https://t.sharepoint.com/x",
            "https://a.blob.core.windows.net/x.html",
        ] {
            let a = judge_default(&MessageView {
                links: vec![link(href, "open")],
                ..genuine()
            });
            assert!(has(&a, ReasonId::ForeignLink), "{href}");
        }

        let a = judge_default(&MessageView {
            links: vec![],
            ..genuine()
        });
        assert!(!has(&a, ReasonId::ForeignLink));
        let a = judge_default(&MessageView {
            links: vec![link("mailto:x@evil.example", "mail")],
            ..genuine()
        });
        assert!(!has(&a, ReasonId::ForeignLink));
    }

    #[test]
    fn link_text_mismatch() {
        let mismatch = |href: &str, text: &str| {
            has(
                &judge_default(&MessageView {
                    links: vec![link(href, text)],
                    ..genuine()
                }),
                ReasonId::LinkTextMismatch,
            )
        };
        assert!(mismatch(
            "https://evil.example/x",
            "https://account.microsoft.com/billing"
        ));
        assert!(mismatch("https://evil.example/x", "account.microsoft.com"));
        assert!(mismatch("https://xn--microsft-sbh.com/", "microsoft.com"));
        assert!(!mismatch(
            "https://go.microsoft.com/fwlink",
            "account.microsoft.com"
        ));
        assert!(!mismatch("https://go.microsoft.com/fwlink", "Office.com"));
        assert!(!mismatch("https://evil.example/x", "USD 1,059.00"));
        assert!(!mismatch("https://evil.example/x", "invoice.pdf"));
        assert!(!mismatch("https://evil.example/x", "Click here."));
        assert!(!mismatch("https://shop.evil.example/x", "evil.example"));
        assert!(!mismatch("mailto:a@evil.example", "microsoft.com"));
    }

    #[test]
    fn attachments() {
        let with = |name: &str, ctype: &str| {
            judge_default(&MessageView {
                attachments: vec![Attachment {
                    name: name.into(),
                    content_type: ctype.into(),
                }],
                ..genuine()
            })
        };
        assert_eq!(
            evidence(
                &with("Invoice_8812.PDF", "application/octet-stream"),
                ReasonId::InvoiceAttachment
            ),
            "Invoice_8812.PDF"
        );
        assert_eq!(
            evidence(&with("", "text/calendar"), ReasonId::InvoiceAttachment),
            "text/calendar"
        );
        assert!(has(
            &with(
                "x",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            ),
            ReasonId::InvoiceAttachment
        ));
        assert!(has(&with("bill.zip", ""), ReasonId::InvoiceAttachment));
        assert!(!has(&with("logo.png", "image/png"), ReasonId::InvoiceAttachment));
        assert!(!has(
            &with("original.msg", "application/vnd.ms-outlook"),
            ReasonId::InvoiceAttachment
        ));
        assert!(!has(
            &with("original.eml", "application/octet-stream"),
            ReasonId::InvoiceAttachment
        ));
    }
}
