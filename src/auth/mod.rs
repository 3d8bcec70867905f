//! Judging authenticity: who really sent the mail, whether the receiving provider verified it, and
//! whether its content carries the marks of a fake (phone numbers, look-alike letters, foreign
//! links). Works on a [`MessageView`]; knows nothing of order fields.
//!
//! One room per job: `results` (which Authentication-Results to trust), `sender` (From,
//! Reply-To, Return-Path, look-alike domains), `content` (disguised letters, phone numbers,
//! wording, quantities) and `links` (links and attachments); [`judge`] runs them in turn.
//!
//! The rules are data: `lexicon` says which senders, domains, servers and phrases count; the code
//! only applies them. Every input is hostile mail, so nothing here may panic.

mod content;
mod links;
mod results;
mod sender;

use crate::address::url_host;
use crate::reason::{Reason, ReasonId};
use crate::scope;
use crate::view::{Link, Mailbox, MessageView};

use links::unwrap_safelinks;
pub use results::trusted_status;
pub use sender::{
    is_freemail, is_lookalike_domain, is_microsoft_domain, is_microsoft_sender_domain, is_order_sender,
};

/// The receiving provider's verdict on the sender, from the trusted Authentication-Results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthStatus {
    /// SPF/DKIM/DMARC (or compauth) passed and nothing failed.
    Pass,
    /// A trusted result failed.
    Fail,
    /// No trusted result (none present, only untrusted ones, or an inline forward).
    #[default]
    None,
}

impl AuthStatus {
    /// The stable id, as JSON writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthStatus::Pass => "pass",
            AuthStatus::Fail => "fail",
            AuthStatus::None => "none",
        }
    }
}

/// Which Authentication-Results to believe.
#[derive(Clone, Debug, Default)]
pub struct Trust {
    /// authserv-ids the user trusts beyond the built-in providers (`--trust-authserv`).
    pub authserv_ids: Vec<String>,
}

/// What was found about the sender and the content.
#[derive(Clone, Debug, Default)]
pub struct Authenticity {
    /// The trusted authentication verdict.
    pub status: AuthStatus,
    /// The From address is the one Microsoft sends order mails from.
    pub microsoft_sender: bool,
    /// The From address is on one of Microsoft's own domains, or is Microsoft's mail system
    /// (`postmaster@outlook.com`, a tenant's bounce address).
    pub microsoft_domain: bool,
    /// The headers claim Microsoft ([`scope::header_claim`]).
    pub claims_microsoft: bool,
    /// Every finding, passed checks included.
    pub reasons: Vec<Reason>,
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

/// Judge a message. `inline` is true when the view was rebuilt from an inline forward: its
/// headers are gone, so authentication is `None` and only the quoted sender and the content count.
pub fn judge(view: &MessageView, inline: bool, trust: &Trust) -> Authenticity {
    let mut found = Findings::default();
    let from = sender_of(view);
    let subject = subject_of(view);
    // Each link with the host it really leads to (safelinks unwrapped); `None` for non-web links.
    let links: Vec<(Option<String>, &Link)> = view
        .links
        .iter()
        .take(500)
        .map(|l| {
            (
                url_host(&unwrap_safelinks(&l.href)).map(|h| h.trim_end_matches('.').to_owned()),
                l,
            )
        })
        .collect();

    let claims = headers_claim(view);
    let microsoft_sender = from_order_sender(view);
    let microsoft_domain = from.is_some_and(scope::microsoft_domain_sender);

    sender::sender_reasons(
        view,
        from,
        subject,
        claims,
        microsoft_sender,
        microsoft_domain,
        &mut found,
    );
    sender::lookalike_reasons(from, &links, &mut found);
    let status = if inline {
        AuthStatus::None
    } else {
        results::auth_reasons(&view.auth, trust, &mut found)
    };
    content::disguise_reasons(view, from, subject, &mut found);
    content::content_reasons(view, &mut found);
    links::link_reasons(&links, &mut found);
    links::attachment_reasons(view, &mut found);

    Authenticity {
        status,
        microsoft_sender,
        microsoft_domain,
        claims_microsoft: claims,
        reasons: found.into_sorted(),
    }
}

/// The authenticity of a message that claims nothing of Microsoft and comes from no order
/// address of its ([`headers_claim`], [`from_order_sender`]): the trusted result alone, none
/// for an inline original. No rule but the scope's reads more of such a message, and its
/// record says no more than a skipped one's.
pub fn status_only(view: &MessageView, inline: bool, trust: &Trust) -> Authenticity {
    Authenticity {
        status: if inline {
            AuthStatus::None
        } else {
            trusted_status(&view.auth, trust)
        },
        microsoft_sender: false,
        microsoft_domain: sender_of(view).is_some_and(scope::microsoft_domain_sender),
        claims_microsoft: false,
        reasons: Vec::new(),
    }
}

/// The sender a view is judged on: From, else (an inline original) the quoted sender.
fn sender_of(view: &MessageView) -> Option<&Mailbox> {
    view.from.as_ref().or(view.quoted.as_ref().map(|q| &q.from))
}

/// The subject a view is judged on: its own, else (an inline original without one) the quoted.
fn subject_of(view: &MessageView) -> &str {
    match (&view.quoted, view.subject.trim().is_empty()) {
        (Some(q), true) => q.subject.as_str(),
        _ => view.subject.as_str(),
    }
}

/// [`Authenticity::claims_microsoft`] of `view`: the scope rule on the sender and subject it is
/// judged on.
pub fn headers_claim(view: &MessageView) -> bool {
    scope::header_claim(sender_of(view), subject_of(view))
}

/// [`Authenticity::microsoft_sender`] of `view`, without judging the rest of it.
pub fn from_order_sender(view: &MessageView) -> bool {
    sender_of(view).is_some_and(is_order_sender)
}

/// Reasons as they are found: the first evidence of each id wins.
#[derive(Default)]
struct Findings(Vec<Reason>);

impl Findings {
    fn add(&mut self, id: ReasonId, evidence: impl AsRef<str>) {
        if !self.0.iter().any(|r| r.id == id) {
            self.0.push(Reason::new(id, evidence));
        }
    }

    fn has(&self, id: ReasonId) -> bool {
        self.0.iter().any(|r| r.id == id)
    }

    /// Passes first, then context, then warnings; the order found is kept within each kind.
    fn into_sorted(mut self) -> Vec<Reason> {
        crate::reason::tidy(&mut self.0);
        self.0
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::reason::Kind;
    use crate::view::{Attachment, AuthField, Mailbox};

    pub(crate) fn mailbox(name: &str, address: &str) -> Mailbox {
        Mailbox {
            name: name.into(),
            address: address.into(),
        }
    }

    #[test]
    fn status_ids_are_the_json_ones() {
        for status in [AuthStatus::Pass, AuthStatus::Fail, AuthStatus::None] {
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::Value::from(status.as_str())
            );
        }
    }

    pub(crate) fn ar(value: &str) -> AuthField {
        AuthField {
            arc: false,
            value: value.into(),
        }
    }

    pub(crate) fn link(href: &str, text: &str) -> Link {
        Link {
            href: href.into(),
            text: text.into(),
        }
    }

    pub(crate) const GMAIL_PASS: &str = "mx.google.com; dkim=pass header.i=@microsoft.com header.s=s1024-meo \
        header.b=\"abc;def\"; spf=pass (google.com: domain of azure-noreply@microsoft.com designates \
        40.107.1.2 as permitted sender) smtp.mailfrom=azure-noreply@microsoft.com; dmarc=pass \
        (p=REJECT sp=REJECT dis=NONE) header.from=microsoft.com";

    pub(crate) const OUTLOOK_PASS: &str = "spf=pass (sender IP is 40.107.1.2) smtp.mailfrom=microsoft.com; \
        dkim=pass (signature was verified) header.d=microsoft.com;dmarc=pass action=none \
        header.from=microsoft.com;compauth=pass reason=100";

    /// A genuine Japanese digital-attach notice as received by Gmail.
    pub(crate) fn genuine() -> MessageView {
        MessageView {
            from: Some(mailbox("Microsoft", "microsoft-noreply@microsoft.com")),
            return_path: Some("<azure-noreply@microsoft.com>".into()),
            subject: "Microsoft の注文 #1234567890 が処理されました".into(),
            auth: vec![
                AuthField {
                    arc: true,
                    value: format!("i=1; {GMAIL_PASS}"),
                },
                ar(GMAIL_PASS),
            ],
            text: "Microsoft の注文 #1234567890 が処理されました\n\
                   2025年4月12日にご購入いただきありがとうございます。\n\
                   予約注文を除き、購入したダウンロードは今すぐ利用できます。\n\
                   注文番号: 1234567890\n購入日: 2025/04/12 (2025-04-12)\n注文の詳細\n\
                   Office Home & Business 2024\n数量: 1\nUSD 0.00\n\
                   プロダクトキー: ABCDE-FGHIJ-KLMNO-PQRST-UVWXY\n"
                .into(),
            links: vec![
                link(
                    "https://go.microsoft.com/fwlink/?LinkId=12345",
                    "プライバシーに関する声明",
                ),
                link(
                    "https://account.microsoft.com/billing/orders",
                    "account.microsoft.com",
                ),
                link("https://go.microsoft.com/fwlink/?LinkId=2", "Office.com"),
                link("mailto:someone@example.com", "someone@example.com"),
            ],
            ..MessageView::default()
        }
    }

    pub(crate) fn ids(a: &Authenticity) -> Vec<ReasonId> {
        a.reasons.iter().map(|r| r.id).collect()
    }

    pub(crate) fn has(a: &Authenticity, id: ReasonId) -> bool {
        a.reasons.iter().any(|r| r.id == id)
    }

    pub(crate) fn evidence(a: &Authenticity, id: ReasonId) -> String {
        a.reasons
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.evidence.clone())
            .unwrap_or_default()
    }

    pub(crate) fn judge_default(v: &MessageView) -> Authenticity {
        judge(v, false, &Trust::default())
    }

    pub(crate) fn with_text(text: &str) -> MessageView {
        MessageView {
            text: text.into(),
            ..genuine()
        }
    }

    pub(crate) fn warns(a: &Authenticity) -> Vec<&Reason> {
        a.reasons
            .iter()
            .filter(|r| r.id.kind() == Kind::SignOfFake)
            .collect()
    }

    #[test]
    fn genuine_mail_passes_cleanly() {
        let a = judge_default(&genuine());
        assert_eq!(a.status, AuthStatus::Pass);
        assert!(a.microsoft_sender && a.claims_microsoft);
        assert!(warns(&a).is_empty(), "{:?}", a.reasons);
        assert_eq!(a.reasons[0].id, ReasonId::SenderMicrosoft);
        assert_eq!(a.reasons[1].id, ReasonId::AuthPass);
        assert!(evidence(&a, ReasonId::AuthPass).contains("dmarc=pass header.from=microsoft.com"));
    }

    #[test]
    fn missing_results_and_inline_forwards() {
        let a = judge_default(&MessageView {
            auth: vec![],
            ..genuine()
        });
        assert_eq!(a.status, AuthStatus::None);
        assert!(has(&a, ReasonId::AuthMissing));

        let a = judge(&genuine(), true, &Trust::default());
        assert_eq!(a.status, AuthStatus::None);
        assert!(a.microsoft_sender);
        assert!(!ids(&a).iter().any(|id| matches!(
            id,
            ReasonId::AuthPass | ReasonId::AuthFail | ReasonId::AuthMissing | ReasonId::AuthUntrustedIgnored
        )));
    }

    #[test]
    fn inline_view_uses_the_quoted_sender() {
        let v = MessageView {
            from: None,
            quoted: Some(crate::view::Quoted {
                from: mailbox("Microsoft", "microsoft-noreply@microsoft.com"),
                subject: "Microsoft の注文 #1234567890 が処理されました".into(),
                date: String::new(),
            }),
            subject: String::new(),
            ..genuine()
        };
        let a = judge(&v, true, &Trust::default());
        assert!(a.microsoft_sender && a.claims_microsoft);
    }

    #[test]
    fn reasons_are_ordered_and_unique() {
        let v = MessageView {
            text: "Call 1-855-574-9409 or 1-800-555-0199 within 24 hours".into(),
            links: vec![link("https://a.example/", "a"), link("https://b.example/", "b")],
            auth: vec![
                ar("spam-filter.example.jp; dmarc=pass"),
                ar("other.example.jp; dmarc=pass"),
            ],
            ..genuine()
        };
        let a = judge_default(&v);
        let kinds: Vec<Kind> = a.reasons.iter().map(|r| r.id.kind()).collect();
        let rank = |k: &Kind| match k {
            Kind::Pass => 0,
            Kind::Context => 1,
            Kind::NeedsAttention | Kind::SignOfFake => 2,
        };
        assert!(
            kinds.windows(2).all(|w| rank(&w[0]) <= rank(&w[1])),
            "{:?}",
            a.reasons
        );
        let mut seen = ids(&a);
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), a.reasons.len());
        assert_eq!(evidence(&a, ReasonId::PhoneNumber), "1-855-574-9409");
        assert!(evidence(&a, ReasonId::AuthUntrustedIgnored).starts_with("spam-filter"));
    }

    #[test]
    fn hostile_input_does_not_panic() {
        let junk = [
            "",
            ";",
            ";;;",
            "(",
            ")",
            "((((",
            "\"",
            "=",
            "==;=",
            "i=;",
            "i=1",
            "i=1;",
            "\\",
            "(\\",
            "ü(ü\"ü;ü=ü",
            "mx.google.com; dkim",
            "mx.google.com; =pass",
            "mx.google.com; /=",
            "xn--",
            "%",
            "%%4",
            "%e3%81",
            "https://",
            "http://@",
            "https://:80",
            "https://safelinks.protection.outlook.com/?url=%",
        ];
        for j in junk {
            let v = MessageView {
                from: Some(mailbox(j, j)),
                reply_to: Some(mailbox(j, j)),
                return_path: Some(j.into()),
                subject: j.into(),
                auth: vec![
                    ar(j),
                    AuthField {
                        arc: true,
                        value: j.into(),
                    },
                ],
                text: j.into(),
                html_text: j.into(),
                links: vec![link(j, j), link(&format!("https://{j}"), j)],
                attachments: vec![Attachment {
                    name: j.into(),
                    content_type: j.into(),
                }],
                ..MessageView::default()
            };
            let _ = judge_default(&v);
            let _ = judge(
                &v,
                true,
                &Trust {
                    authserv_ids: vec![j.into()],
                },
            );
        }
        let _ = judge_default(&MessageView::default());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn any_strings_are_judged(s in "\\PC{0,80}", t in "[-+()0-9 .;=a-z@xn]{0,60}") {
            let v = MessageView {
                from: Some(mailbox(&s, &t)),
                subject: s.clone(),
                auth: vec![ar(&t), ar(&s)],
                text: format!("{s}\n{t}"),
                links: vec![link(&format!("https://{t}/"), &s)],
                ..MessageView::default()
            };
            let _ = judge_default(&v);
        }
    }
}
