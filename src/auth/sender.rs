//! The sender: From, Reply-To and Return-Path, the display name, Microsoft's own senders and
//! domains, free mail, and look-alike domains.

use std::sync::LazyLock;

use super::Findings;
use super::links::distinct_hosts;
use crate::address::{self, host_unicode, on_suffix};
use crate::lexicon::microsoft::{MICROSOFT_DOMAINS, ORDER_SENDERS, TENANT_DOMAIN};
use crate::lexicon::providers::{FORWARDER_RETURN_PATHS, FREEMAIL};
use crate::order;
use crate::reason::ReasonId;
use crate::scope;
use crate::text;
use crate::view::{Link, Mailbox, MessageView};

/// Whether a registrable domain is one of Microsoft's (links: free-mail ones included).
pub fn is_microsoft_domain(registrable: &str) -> bool {
    // The table is lowercase: compared without lowercasing a copy.
    let registrable = registrable.trim_end_matches('.');
    MICROSOFT_DOMAINS
        .iter()
        .any(|d| d.eq_ignore_ascii_case(registrable))
}

/// Whether mail from this registrable domain is Microsoft speaking: a Microsoft domain that is
/// not also free mail (anyone can write from outlook.com).
pub fn is_microsoft_sender_domain(registrable: &str) -> bool {
    is_microsoft_domain(registrable) && !is_freemail(registrable)
}

/// Whether a registrable domain is a free-mail service.
pub fn is_freemail(registrable: &str) -> bool {
    let reg = registrable.trim_end_matches('.').to_ascii_lowercase();
    let first = reg.split('.').next().unwrap_or("");
    FREEMAIL.iter().any(|f| match f.strip_suffix(".*") {
        Some(name) => first == name && reg.len() > name.len(),
        None => reg == *f,
    })
}

/// The From address is the one Microsoft sends order mails from.
pub fn is_order_sender(m: &Mailbox) -> bool {
    ORDER_SENDERS.contains(&address::addr_spec(&m.address).as_str())
}

pub(super) fn sender_reasons(
    view: &MessageView,
    from: Option<&Mailbox>,
    subject: &str,
    claims: bool,
    microsoft_sender: bool,
    microsoft_domain: bool,
    found: &mut Findings,
) {
    let addr = from.map(|m| address::addr_spec(&m.address)).unwrap_or_default();
    let domain = from.map(Mailbox::domain).unwrap_or_default();
    let reg = from.map(Mailbox::registrable).unwrap_or_default();
    if microsoft_sender {
        found.add(ReasonId::SenderMicrosoft, &addr);
    } else if microsoft_domain {
        found.add(ReasonId::SenderUnusual, &addr);
    } else if claims {
        found.add(
            ReasonId::SenderNotMicrosoft,
            if addr.is_empty() {
                "(no sender address)"
            } else {
                addr.as_str()
            },
        );
    }
    let name = from.map(|m| m.name.as_str()).unwrap_or("");
    if scope::mentions_brand(name) && !microsoft_domain {
        found.add(ReasonId::DisplayNameClaimsMicrosoft, format!("{name} <{addr}>"));
    }
    if !domain.is_empty()
        && is_freemail(&reg)
        && !microsoft_domain
        && (claims || order::speaks_of_billing(&text::fold_line(subject)))
    {
        found.add(ReasonId::FreemailSender, &addr);
    }
    let reply_to = view
        .reply_to
        .as_ref()
        .map(|m| address::addr_spec(&m.address))
        .unwrap_or_default();
    // A Return-Path rewritten by the recipient's own forwarding says nothing about the sender.
    let return_path = address::addr_spec(view.return_path.as_deref().unwrap_or(""));
    let forwarded = FORWARDER_RETURN_PATHS.iter().any(|p| return_path.contains(p));
    let return_path = if forwarded { "" } else { return_path.as_str() };
    // Tenants anyone can create; the bounce address often gives them away when From is forged.
    for a in [addr.as_str(), reply_to.as_str(), return_path] {
        if on_suffix(&address::domain(a), TENANT_DOMAIN) {
            found.add(ReasonId::OnmicrosoftTenant, a);
        }
    }
    if microsoft_domain {
        for other in [reply_to.as_str(), return_path] {
            let other_sender = Mailbox {
                name: String::new(),
                address: other.to_owned(),
            };
            if !address::domain(other).is_empty()
                && other != addr
                && !scope::microsoft_domain_sender(&other_sender)
            {
                found.add(ReasonId::ReplyToForeign, other);
            }
        }
    }
}

/// A host that imitates Microsoft without being Microsoft's: `microsoft-support-jp.com`,
/// `microsoft.com.example.jp`, `rnicrosoft.com`, `micros0ft.net`, an IDN `micrоsoft.com`.
/// onmicrosoft.com tenants have their own reason.
pub fn is_lookalike(host: &str) -> bool {
    let host = host.trim().trim_end_matches('.').to_lowercase();
    lookalike(&host, &host_unicode(&host), &address::registrable_domain(&host))
}

/// [`is_lookalike`] of a From domain (`address::domain`) whose IDN labels decoded
/// ([`host_unicode`]) and registrable domain `reg` are known: an ASCII domain as that gives it is
/// already trimmed and lowercased, so neither is worked out again.
pub fn is_lookalike_domain(domain: &str, unicode: &str, reg: &str) -> bool {
    if domain.is_ascii() && domain.trim().trim_end_matches('.').len() == domain.len() {
        lookalike(domain, unicode, reg)
    } else {
        is_lookalike(domain)
    }
}

/// [`is_lookalike`] of a host trimmed and lowercased, whose IDN labels decoded are `unicode` and
/// registrable domain is `reg`.
fn lookalike(host: &str, unicode: &str, reg: &str) -> bool {
    if host.is_empty() || host.len() > 253 {
        return false;
    }
    if is_microsoft_domain(reg) || on_suffix(host, TENANT_DOMAIN) {
        return false;
    }
    let suffix_len = psl::suffix_str(host).map_or(0, |s| s.split('.').count());
    let own = unicode.split('.').count().saturating_sub(suffix_len.max(1));
    unicode
        .split('.')
        .take(own)
        .any(|label| names_microsoft(label) || label.split('-').any(imitates_microsoft))
}

/// Whether a host label, folded, holds "microsoft": an ASCII label folds to itself lowercased
/// (its tabs turned into spaces, which make no letter), so it is searched without the copy.
fn names_microsoft(label: &str) -> bool {
    const WORD: &[u8] = b"microsoft";
    if label.is_ascii() {
        label
            .as_bytes()
            .windows(WORD.len())
            .any(|w| w.eq_ignore_ascii_case(WORD))
    } else {
        text::fold(label).contains("microsoft")
    }
}

static MICROSOFT_SKELETON: LazyLock<String> =
    LazyLock::new(|| unicode_security::skeleton("microsoft").collect());

/// The skeleton of each ASCII character.
static ASCII_SKELETONS: LazyLock<Vec<String>> = LazyLock::new(|| {
    (0..128u8)
        .map(|b| unicode_security::skeleton(char::from(b).encode_utf8(&mut [0; 4])).collect())
        .collect()
});

/// One word of a host label that reads as "microsoft": same skeleton (`rnicrosoft`) or within
/// two edits (`micros0ft`, `microsfot`).
fn imitates_microsoft(piece: &str) -> bool {
    let n = piece.chars().count();
    if !(7..=11).contains(&n) {
        return false;
    }
    if piece.is_ascii() {
        // Told without a copy (host labels are mostly ASCII): the skeleton is the characters'
        // skeletons one after another, no ASCII one holding a mark that could move (see the
        // tests), and the piece folds to itself lowercased, tabs as spaces: no letter either way.
        let mut rest = MICROSOFT_SKELETON.as_str();
        let same_skeleton = piece.bytes().all(|b| {
            rest.strip_prefix(ASCII_SKELETONS[usize::from(b)].as_str())
                .map(|r| rest = r)
                .is_some()
        }) && rest.is_empty();
        same_skeleton
            || unmatched_in_microsoft(piece.chars().map(|c| c.to_ascii_lowercase())) <= 2
                && strsim::damerau_levenshtein(&text::fold(piece), "microsoft") <= 2
    } else {
        unicode_security::skeleton(piece).eq(MICROSOFT_SKELETON.chars()) || {
            let folded = text::fold(piece);
            unmatched_in_microsoft(folded.chars()) <= 2
                && strsim::damerau_levenshtein(&folded, "microsoft") <= 2
        }
    }
}

/// How many characters of `s` find no match among those of "microsoft", each letter of it
/// matched once: every edit (insertion, deletion, substitution, transposition) takes at most one
/// of them away, so the Damerau-Levenshtein distance is never smaller, and most words are told
/// apart without working it out.
fn unmatched_in_microsoft(s: impl Iterator<Item = char>) -> usize {
    let mut left = [0u8; 26];
    for b in "microsoft".bytes() {
        left[usize::from(b - b'a')] += 1;
    }
    let mut unmatched = 0;
    for c in s {
        match c.is_ascii_lowercase().then(|| usize::from(c as u8 - b'a')) {
            Some(letter) if left[letter] > 0 => left[letter] -= 1,
            _ => unmatched += 1,
        }
    }
    unmatched
}

pub(super) fn lookalike_reasons(
    from: Option<&Mailbox>,
    links: &[(Option<String>, &Link)],
    found: &mut Findings,
) {
    let sender = from.map(Mailbox::domain).filter(|d| is_lookalike(d));
    let link = distinct_hosts(links).find(|h| is_lookalike(h));
    if let Some(host) = sender.as_deref().or(link) {
        found.add(ReasonId::LookalikeDomain, host_shown(host));
    }
}

/// A host for people: its IDN labels decoded next to the punycode.
pub(super) fn host_shown(host: &str) -> String {
    let unicode = host_unicode(host);
    if unicode == host {
        host.to_owned()
    } else {
        format!("{unicode} ({host})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A From domain with its registrable domain is judged as the host alone.
        #[test]
        fn lookalike_domains_are_lookalike_hosts(
            s in "(x@|@|microsoft|rnicrosoft|micros0ft|onmicrosoft|xn--|com|co\\.jp|[.\\- ]|М|Ü|a|\\.\\.| \\.){0,8}"
        ) {
            let domain = address::domain(&s);
            let reg = address::registrable_domain(&domain);
            proptest::prop_assert_eq!(
                is_lookalike_domain(&domain, &host_unicode(&domain), &reg),
                is_lookalike(&domain)
            );
        }
    }

    proptest::proptest! {
        /// Labels and their pieces are told as by folding them and working out the skeleton.
        #[test]
        fn labels_are_told_as_folded(
            s in "(microsoft|rnicrosoft|MICROSOFT|m|i|c|r|o|s|f|t|n|l|0|1|I|O|M|rn|\t| |é|о|ı|vv|ｍ|\u{200B}){0,11}"
        ) {
            let imitates = {
                let n = s.chars().count();
                (7..=11).contains(&n) && {
                    let skeleton: String = unicode_security::skeleton(&s).collect();
                    let folded = text::fold(&s);
                    skeleton == *MICROSOFT_SKELETON || strsim::damerau_levenshtein(&folded, "microsoft") <= 2
                }
            };
            proptest::prop_assert_eq!(imitates_microsoft(&s), imitates);
            proptest::prop_assert_eq!(names_microsoft(&s), text::fold(&s).contains("microsoft"));
        }
    }

    /// What lets [`imitates_microsoft`] put an ASCII word's skeleton together from its
    /// characters': none of theirs holds a character that NFD could move past another.
    #[test]
    fn ascii_skeletons_hold_no_marks() {
        for skeleton in ASCII_SKELETONS.iter() {
            assert!(
                skeleton
                    .chars()
                    .all(|c| unicode_normalization::char::canonical_combining_class(c) == 0),
                "{skeleton:?}"
            );
        }
    }

    /// What lets [`is_microsoft_domain`] compare without lowercasing: the table is lowercase.
    #[test]
    fn microsoft_domains_are_lowercase() {
        for d in MICROSOFT_DOMAINS {
            assert_eq!(d.to_ascii_lowercase(), *d);
        }
    }

    proptest::proptest! {
        /// What lets [`imitates_microsoft`] skip the distance: it is never below the bound.
        #[test]
        fn unmatched_bounds_the_distance(s in "[microsftabnq0é]{0,12}") {
            proptest::prop_assert!(strsim::damerau_levenshtein(&s, "microsoft") >= unmatched_in_microsoft(s.chars()));
        }
    }
    use crate::auth::Authenticity;
    use crate::auth::tests::*;

    /// The genuine mail from another sender, with another subject and no links.
    fn judge_from(name: &str, addr: &str, subject: &str) -> Authenticity {
        judge_default(&MessageView {
            from: Some(mailbox(name, addr)),
            subject: subject.into(),
            links: vec![],
            ..genuine()
        })
    }

    #[test]
    fn sender_rules() {
        let from = judge_from;
        let a = from(
            "Microsoft account team",
            "account-security-noreply@accountprotection.microsoft.com",
            "Security alert",
        );
        assert!(has(&a, ReasonId::SenderUnusual) && !has(&a, ReasonId::DisplayNameClaimsMicrosoft));
        assert!(!a.microsoft_sender && a.claims_microsoft);

        let a = from(
            "Microsoft 365 Billing",
            "billing.jp@gmail.com",
            "Your order #865999",
        );
        for id in [
            ReasonId::SenderNotMicrosoft,
            ReasonId::DisplayNameClaimsMicrosoft,
            ReasonId::FreemailSender,
        ] {
            assert!(has(&a, id), "{id:?} {:?}", a.reasons);
        }
        assert_eq!(evidence(&a, ReasonId::SenderNotMicrosoft), "billing.jp@gmail.com");

        let a = from("Microsoft Store", "MS-Store@Outlook.com", "hello");
        assert!(has(&a, ReasonId::DisplayNameClaimsMicrosoft) && has(&a, ReasonId::FreemailSender));
        assert!(!has(&a, ReasonId::SenderUnusual));

        // Free mail with a billing subject but no brand.
        let a = from("Billing", "someone@yahoo.co.jp", "ご請求のお知らせ");
        assert!(has(&a, ReasonId::FreemailSender) && !has(&a, ReasonId::SenderNotMicrosoft));
        let a = from("Billing", "someone@gmx.de", "Invoice 42");
        assert!(has(&a, ReasonId::FreemailSender));

        // A friend writing about lunch: nothing.
        let a = judge_default(&MessageView {
            from: Some(mailbox("Taro", "taro@gmail.com")),
            subject: "lunch".into(),
            text: "see you".into(),
            auth: vec![],
            links: vec![],
            ..MessageView::default()
        });
        assert!(warns(&a).is_empty() && !a.claims_microsoft, "{:?}", a.reasons);

        // Brand words need word boundaries when short, survive spacing when long.
    }

    #[test]
    fn quoting_a_subject_is_not_posing_as_microsoft() {
        // A friend forwarding the order mail.
        for subject in [
            "Fwd: Microsoft の注文 #1234567890 が処理されました",
            "FW: Your Microsoft order #1234567890 has been processed",
            "転送： Microsoft の注文 #1234567890",
            "[Fwd: Your Microsoft order]",
        ] {
            let a = judge_from("Ichiro Yamada", "user@gmail.com", subject);
            assert!(!a.claims_microsoft, "{subject}");
            assert!(!has(&a, ReasonId::SenderNotMicrosoft), "{subject}");
        }
        // A shop that says who it is, selling a Microsoft product.
        let a = judge_from(
            "Amazon.co.jp",
            "auto-confirm@amazon.co.jp",
            "Amazon.co.jp ご注文の確認 「Microsoft Office Home & Business 2024」",
        );
        assert!(!a.claims_microsoft && !has(&a, ReasonId::SenderNotMicrosoft));
        // Still a claim: a name that is not the domain, free mail, or a brand in the name.
        let a = judge_from("Mstore", "orders@mstore-receipt.com", "Your Microsoft order #1");
        assert!(a.claims_microsoft && has(&a, ReasonId::SenderNotMicrosoft));
        let a = judge_from(
            "Gmail Billing",
            "gmail.billing@gmail.com",
            "Microsoft 365 renewal",
        );
        assert!(a.claims_microsoft && has(&a, ReasonId::SenderNotMicrosoft));
        let a = judge_from("Microsoft", "x@gmail.com", "Fwd: Your Microsoft order");
        assert!(a.claims_microsoft && has(&a, ReasonId::DisplayNameClaimsMicrosoft));
    }

    #[test]
    fn onmicrosoft_tenants() {
        let a = judge_default(&MessageView {
            from: Some(mailbox("Microsoft", "admin@contoso123.onmicrosoft.com")),
            ..genuine()
        });
        assert!(has(&a, ReasonId::OnmicrosoftTenant) && has(&a, ReasonId::SenderNotMicrosoft));
        assert!(!has(&a, ReasonId::LookalikeDomain));
        // Forged From, tenant bounce address.
        let a = judge_default(&MessageView {
            return_path: Some("<x@t1.onmicrosoft.com>".into()),
            ..genuine()
        });
        assert!(has(&a, ReasonId::OnmicrosoftTenant) && has(&a, ReasonId::ReplyToForeign));
    }

    #[test]
    fn lookalike_domains() {
        for host in [
            "microsoft-support-jp.com",
            "mail.microsoft.com.example.jp",
            "rnicrosoft.com",
            "micros0ft.net",
            "microsfot.co.jp",
            "xn--microsft-sbh.com",
            "login.secure-micr0soft-billing.com",
            "\u{13B7}icrosoft.com",
        ] {
            assert!(is_lookalike(host), "{host}");
        }
        for host in [
            "microsoft.com",
            "go.microsoft.com",
            "example.jp",
            "contoso.com",
            "microsite.jp",
            "t.onmicrosoft.com",
            "outlook.com",
            "",
            ".",
        ] {
            assert!(!is_lookalike(host), "{host}");
        }
        let a = judge_default(&MessageView {
            from: Some(mailbox("Support", "no-reply@rnicrosoft.com")),
            ..genuine()
        });
        assert!(
            a.claims_microsoft && has(&a, ReasonId::LookalikeDomain) && has(&a, ReasonId::SenderNotMicrosoft)
        );
        assert_eq!(evidence(&a, ReasonId::LookalikeDomain), "rnicrosoft.com");

        let v = MessageView {
            links: vec![link("https://xn--microsft-sbh.com/login", "Sign in")],
            ..genuine()
        };
        let a = judge_default(&v);
        assert!(has(&a, ReasonId::LookalikeDomain) && has(&a, ReasonId::ForeignLink));
        assert!(evidence(&a, ReasonId::LookalikeDomain).contains("xn--microsft-sbh.com"));
    }

    #[test]
    fn reply_to_and_return_path() {
        let a = judge_default(&MessageView {
            reply_to: Some(mailbox("", "refunds@gmail.com")),
            ..genuine()
        });
        assert_eq!(evidence(&a, ReasonId::ReplyToForeign), "refunds@gmail.com");
        let a = judge_default(&MessageView {
            return_path: Some("<bounce@evil.example>".into()),
            ..genuine()
        });
        assert!(has(&a, ReasonId::ReplyToForeign));
        // Rewritten by the user's own forwarding: not the sender's choice.
        for rp in [
            "<bounces+SRS=k1=AB@contoso.onmicrosoft.com>",
            "<me+caf_=me2=example.jp@gmail.com>",
            "<SRS0=abcd=XY=microsoft.com=azure-noreply@fwd.example>",
            "",
            "<>",
        ] {
            let a = judge_default(&MessageView {
                return_path: Some(rp.into()),
                ..genuine()
            });
            assert!(
                !has(&a, ReasonId::ReplyToForeign) && !has(&a, ReasonId::OnmicrosoftTenant),
                "{rp}"
            );
        }
        // Only when From is Microsoft's.
        let a = judge_default(&MessageView {
            from: Some(mailbox("Taro", "taro@example.jp")),
            reply_to: Some(mailbox("", "x@gmail.com")),
            ..genuine()
        });
        assert!(!has(&a, ReasonId::ReplyToForeign));
    }
}
