//! The cheap first look: from the headers alone (decoded and folded) and one byte scan of the
//! body, decide whether a message could be a Microsoft order mail, a bill posing as one, or a
//! forward of either. Everything else skips body decoding, which is most of the cost of a scan.
//!
//! It must never drop a true order mail: every word of every subject template is in the tables,
//! as are forward prefixes and the markers of attached originals.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::mime::Glance;
use crate::text::{fold, phrase_set};

/// Words (folded) in a subject or sender that make a message worth decoding.
const HEADER_WORDS: &[&str] = &[
    "microsoft",
    "マイクロソフト",
    "office",
    "xbox",
    "windows",
    "defender",
    "order",
    "注文",
    "purchase",
    "購入",
    "invoice",
    "請求",
    "receipt",
    "領収",
    "billing",
    "payment",
    "支払",
    "subscription",
    "renew",
    "更新",
    "refund",
    "返金",
    "charge",
    "transaction",
    "決済",
    "fwd",
    "fw:",
    "転送",
    "forward",
];

/// Byte strings in the body that mark an attached forward, or an inline forward whose subject
/// was rewritten. Case variants are listed rather than matched case-insensitively, which keeps
/// the scan on aho-corasick's SIMD prefilter. A Microsoft mention in the body alone is no
/// reason: nearly all mail relayed by Microsoft's servers carries one, and much phishing.
const BODY_MARKERS: &[&str] = &[
    "message/rfc822",
    "Message/rfc822",
    "message/RFC822",
    "Message/RFC822",
    ".eml",
    ".EML",
    "Forwarded message",
    "Forwarded Message",
    "forwarded message",
    "Original Message",
    "original message",
    "転送されたメッセージ",
    "転送メッセージ",
    "元のメッセージ",
];

static HEADERS: LazyLock<AhoCorasick> = LazyLock::new(|| phrase_set(HEADER_WORDS));
static BODY: LazyLock<AhoCorasick> = LazyLock::new(|| phrase_set(BODY_MARKERS));

/// True when the message needs a full decode.
pub fn worth_decoding(glance: &Glance, raw: &[u8]) -> bool {
    let view = &glance.view;
    let from = view.from.as_ref().map_or([""; 2], |m| [&m.name, &m.address]);
    // The words hold no white space, so folding alone will do (no collapsing of runs).
    if [view.subject.as_str()]
        .iter()
        .chain(&from)
        .any(|h| HEADERS.is_match(&fold(h)))
    {
        return true;
    }
    let body_start = memchr::memmem::find(raw, b"\n\n")
        .or_else(|| memchr::memmem::find(raw, b"\r\n\r\n"))
        .unwrap_or(0);
    BODY.is_match(&raw[body_start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worth(raw: &[u8]) -> bool {
        worth_decoding(&crate::mime::glance(raw).unwrap(), raw)
    }

    #[test]
    fn order_subjects_pass() {
        assert!(worth(
            b"Subject: =?UTF-8?B?TWljcm9zb2Z0IOOBruazqOaWhyAjMTIzNDU2Nzg5MA==?=\n\nx\n"
        ));
        assert!(worth(b"Subject: hello\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\n"));
        assert!(worth(
            b"Subject: look\n\n---------- Forwarded message ---------\n"
        ));
    }

    #[test]
    fn ordinary_mail_is_skipped() {
        assert!(!worth(
            b"From: a@example.com\nSubject: lunch tomorrow?\n\nSee you at noon.\n"
        ));
    }
}
