//! The scope rule: msorder judges mail that claims to come from Microsoft or to be about a
//! Microsoft order, bill or product. Everything else is `unrelated`, scams of other brands
//! included (an Amazon delivery lure, a McAfee invoice with a phone number).
//!
//! One rule for every path: [`crate::verdict`] asks it for `check` and `scan`, and the first look
//! ([`crate::first_look`]) asks the same functions over the headers and the raw body, so it can
//! skip only what the full decode would call `unrelated`.

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::memmem::Finder;
use regex::Regex;

use crate::address::{self, host_unicode};
use crate::auth::{is_freemail, is_lookalike_domain, is_microsoft_domain, is_microsoft_sender_domain};
use crate::lexicon::microsoft::TENANT_DOMAIN;

use crate::lexicon;
use crate::order;
use crate::text;
use crate::view::Mailbox;

/// Long brand words that make a mail claim to be Microsoft, matched in folded text anywhere
/// (`microsoft store`, `microsoft 365`, `microsoft account team` all contain the first), and also
/// with spaces and punctuation squeezed out (`Micro soft`).
pub static BRAND_WORDS: LazyLock<Vec<&str>> = LazyLock::new(|| lexicon::every(|l| l.brand_words));

/// Short brand words, matched on word boundaries (`xbox`, not `maxbox`); a space in them may be
/// missing (`office365`).
pub const SHORT_BRAND_WORDS: &[&str] = lexicon::microsoft::SHORT_BRAND_WORDS;

/// Tenants anyone can create (`contoso.onmicrosoft.com`): the host inside an address or a From
/// comment names no brand. As folded text, and with punctuation squeezed out.
const TENANT_HOST: &str = "onmicrosoft.com";
const TENANT_SQUEEZED: &str = "onmicrosoftcom";

/// Local parts of a mail system's own addresses: bounces and non-delivery reports. On Microsoft's
/// domains (outlook.com included) and tenants nobody can register them; Exchange Online also
/// writes `MicrosoftExchange<hex>@<tenant>.onmicrosoft.com`.
const SYSTEM_LOCAL_PARTS: &[&str] = &["postmaster", "mailer-daemon"];
const SYSTEM_LOCAL_PREFIXES: &[&str] = &["microsoftexchange"];

static BRANDS: LazyLock<Regex> = LazyLock::new(|| {
    let short: Vec<String> = SHORT_BRAND_WORDS
        .iter()
        .map(|w| regex::escape(w).replace(' ', " ?"))
        .collect();
    let pattern = format!(
        "{}|(?:^|[^a-z0-9])(?:{})(?:$|[^a-z0-9])",
        BRAND_WORDS.join("|"),
        short.join("|")
    );
    Regex::new(&pattern).expect("brand pattern is valid")
});

fn without<'a>(text: &'a str, tenant: &str) -> Cow<'a, str> {
    if text.contains(tenant) {
        Cow::Owned(text.replace(tenant, " "))
    } else {
        Cow::Borrowed(text)
    }
}

/// Whether text names Microsoft (brand words, however disguised: folded, and for the long
/// words also with spaces and punctuation squeezed out). `onmicrosoft` is no brand word.
pub fn mentions_brand(s: &str) -> bool {
    // ASCII folds to itself lowercased with tabs as spaces: text already so (hosts, most
    // addresses) is not copied.
    if s.bytes()
        .all(|b| b.is_ascii() && b != b'\t' && !b.is_ascii_uppercase())
    {
        mentions_brand_folded(s)
    } else {
        mentions_brand_folded(&text::fold(s))
    }
}

/// [`mentions_brand`] of text already folded (a view's folded bodies: folded once per message).
pub fn mentions_brand_folded(folded: &str) -> bool {
    if folded.trim().is_empty() {
        return false;
    }
    if names_long_word(folded) {
        return true;
    }
    // Collapsed and searched only when a short word can match: the copy and the search of a long
    // body are costly, and most bodies name none.
    let short_words_can_match = SHORT_WORD_STARTS
        .iter()
        .any(|start| start.find(folded.as_bytes()).is_some());
    if short_words_can_match && BRANDS.is_match(&without(&text::collapse_spaces(folded), TENANT_HOST)) {
        return true;
    }
    names_squeezed_word(folded)
}

/// A long brand word with its searchers, built once: most texts searched are short (names,
/// hosts, subjects), where building a searcher costs more than the search.
struct LongWord {
    word: &'static str,
    whole: Finder<'static>,
    first_letter: Finder<'static>,
}

static LONG_WORDS: LazyLock<Vec<LongWord>> = LazyLock::new(|| {
    BRAND_WORDS
        .iter()
        .map(|&word| {
            let first = word.chars().next().map_or(0, char::len_utf8);
            LongWord {
                word,
                whole: Finder::new(word),
                first_letter: Finder::new(&word[..first]),
            }
        })
        .collect()
});

/// The long brand words squeezed ([`BRAND_WORDS`] in the text's letters and digits alone,
/// [`text::alphanumerics`]) with tenant hosts cut, read on the folded text without squeezing
/// it: each place a word's first letter stands, the letters that follow are read over what
/// squeezing drops. A word counts where it meets no squeezed tenant host: every one is cut, as
/// no two can overlap.
fn names_squeezed_word(folded: &str) -> bool {
    let bytes = folded.as_bytes();
    LONG_WORDS.iter().any(
        |&LongWord {
             word,
             ref first_letter,
             ..
         }| {
            let after_first = first_letter.needle().len();
            let second = word[after_first..].chars().next();
            first_letter.find_iter(bytes).any(|at| {
                // An ASCII letter or digit right after the first letter is the next one squeezed:
                // most places the first letter stands are so told apart without reading on.
                let next = bytes.get(at + after_first).filter(|b| b.is_ascii_alphanumeric());
                next.is_none_or(|&b| Some(char::from(b)) == second)
                    && squeezed_from(&folded[at..])
                        .take(word.chars().count())
                        .eq(word.chars())
                    && !in_tenant(folded, at, word)
            })
        },
    )
}

/// The letters and digits of `s`, in order: the squeezed text read on.
fn squeezed_from(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().filter(|c| c.is_alphanumeric())
}

/// Whether `word`, squeezed from `folded` at `at`, meets a squeezed tenant host: one would lie
/// within as many letters before and after it as the host is long.
fn in_tenant(folded: &str, at: usize, word: &str) -> bool {
    let reach = TENANT_SQUEEZED.chars().count() - 1;
    let mut window: String = {
        let before: Vec<char> = folded[..at]
            .chars()
            .rev()
            .filter(|c| c.is_alphanumeric())
            .take(reach)
            .collect();
        before.into_iter().rev().collect()
    };
    let start = window.len();
    window.extend(squeezed_from(&folded[at..]).take(word.chars().count() + reach));
    let end = start + word.len();
    window
        .match_indices(TENANT_SQUEEZED)
        .any(|(host, _)| host < end && start < host + TENANT_SQUEEZED.len())
}

/// The first word of each short brand word: the collapsed text holds it wherever one of them
/// matches, and so does the folded text (collapsing and cutting tenant hosts make no letters).
static SHORT_WORD_STARTS: LazyLock<Vec<Finder<'static>>> = LazyLock::new(|| {
    SHORT_BRAND_WORDS
        .iter()
        .filter_map(|w| w.split_whitespace().next())
        .map(Finder::new)
        .collect()
});

/// [`BRANDS`]' long words on the collapsed text with tenant hosts cut, read on the folded text
/// itself: a word without white space is where it was once spaces are collapsed, and it counts
/// where it meets no tenant host that [`without`] cuts.
fn names_long_word(folded: &str) -> bool {
    let mut tenants: Option<Vec<(usize, usize)>> = None;
    LONG_WORDS.iter().any(|LongWord { word, whole, .. }| {
        whole.find_iter(folded.as_bytes()).any(|at| {
            let tenants = tenants.get_or_insert_with(|| {
                folded
                    .match_indices(TENANT_HOST)
                    .map(|(start, host)| (start, start + host.len()))
                    .collect()
            });
            let end = at + word.len();
            !tenants.iter().any(|&(start, stop)| start < end && at < stop)
        })
    })
}

/// A mail system's own address (`postmaster@outlook.com`, `postmaster@contoso.onmicrosoft.com`)
/// on Microsoft's domains or a tenant: its bounces are Microsoft's mail system speaking, display
/// name `Microsoft Outlook` and all.
pub fn is_microsoft_mail_system(m: &Mailbox) -> bool {
    // The local part first: hardly any sender is a mail system.
    is_mail_system(m) && {
        let domain = m.domain();
        address::on_suffix(&domain, TENANT_DOMAIN) || is_microsoft_domain(&m.registrable())
    }
}

/// A mail system's own address on any domain (`MAILER-DAEMON@…`, `postmaster@…`): what it sends
/// are bounces and reports, never forwards.
pub fn is_mail_system(m: &Mailbox) -> bool {
    let local = address::local_part(&m.address);
    SYSTEM_LOCAL_PARTS.contains(&local.as_str()) || SYSTEM_LOCAL_PREFIXES.iter().any(|p| local.starts_with(p))
}

/// The sender writes from one of Microsoft's own (not free-mail) domains, or is Microsoft's
/// mail system.
pub fn microsoft_domain_sender(m: &Mailbox) -> bool {
    let domain = m.domain();
    domain_sender(m, &domain, &address::registrable_domain(&domain))
}

/// [`microsoft_domain_sender`] of `m`, its domain and registrable domain worked out.
fn domain_sender(m: &Mailbox, domain: &str, reg: &str) -> bool {
    !domain.is_empty() && (is_microsoft_sender_domain(reg) || is_microsoft_mail_system(m))
}

/// The display name names the sender's own registrable domain (not free mail, where anyone
/// picks the name): the sender says who it is.
pub fn names_own_domain(m: &Mailbox) -> bool {
    let reg = m.registrable();
    if reg.is_empty() || is_freemail(&reg) {
        return false;
    }
    let label = text::alphanumerics(reg.split('.').next().unwrap_or(""));
    label.chars().count() >= 3
        && memchr::memmem::find(&text::folded_alphanumerics(&m.name), label.as_bytes()).is_some()
}

/// The headers claim Microsoft: the display name or the From domain names it, the From domain
/// is Microsoft's or a look-alike, or the subject names it. The subject does not count when it
/// only quotes another mail (a forward or a reply) or when the sender plainly says who it is: a
/// shop whose display name names its own domain (`Amazon.co.jp <…@amazon.co.jp>`) selling a
/// Microsoft product is not posing as Microsoft. A sender whose display name is an order or a
/// bill (`Your Order #865999`) is no person forwarding or replying: its `Fwd:`/`RE:` prefix is
/// a lure, and its subject counts.
pub fn header_claim(from: Option<&Mailbox>, subject: &str) -> bool {
    // Every test is pure: each is asked only when the answer still depends on it, the subject's
    // brand first (most subjects name none).
    let named_as_bill = || from.is_some_and(|m| order::speaks_of_billing(&text::fold_line(&m.name)));
    let quotes = || order::is_forward_subject(subject) && !named_as_bill();
    sender_claim(from) || (mentions_brand(subject) && !quotes() && !from.is_some_and(names_own_domain))
}

/// The sender's own claim, [`header_claim`] with no subject: the display name or the From domain
/// names Microsoft, or the domain is Microsoft's or a look-alike.
pub fn sender_claim(from: Option<&Mailbox>) -> bool {
    from.is_some_and(|m| {
        let domain = m.domain();
        let unicode = host_unicode(&domain);
        mentions_brand(&m.name) || mentions_brand(&unicode) || {
            // Worked out once for both tests.
            let reg = address::registrable_domain(&domain);
            is_lookalike_domain(&domain, &unicode, &reg) || domain_sender(m, &domain, &reg)
        }
    })
}

/// The body claims Microsoft: it names the brand, and the sender does not say it is someone else
/// (a PC maker explaining the 0-yen mail under its own name talks about Microsoft, it does not
/// pose as Microsoft). The bodies are folded.
pub fn body_claim(from: Option<&Mailbox>, bodies: &[&str]) -> bool {
    !from.is_some_and(names_own_domain) && bodies.iter().any(|b| mentions_brand_folded(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::tests::mailbox;

    #[test]
    fn brand_words() {
        assert!(mentions_brand("Xbox Game Pass") && mentions_brand("Office 365 team"));
        assert!(mentions_brand("Ｍｉｃｒｏ soft") && mentions_brand("マイクロソフト"));
        assert!(mentions_brand("M\u{E0139}icrosoft") && mentions_brand("\u{13B7}icrosoft"));
        assert!(mentions_brand("postmaster@contoso.onmicrosoft.com for Microsoft"));
        for s in [
            "Max Box",
            "officer 3650",
            "",
            "postmaster@kyotoneko.onmicrosoft.com",
            "kyotoneko.onmicrosoft.com",
            "(postmaster@example.onmicrosoft.com)",
        ] {
            assert!(!mentions_brand(s), "{s}");
        }
    }

    #[test]
    fn mail_systems() {
        for (name, addr) in [
            ("Microsoft Outlook", "postmaster@outlook.com"),
            ("Microsoft Outlook", "postmaster@kyotoneko.onmicrosoft.com"),
            (
                "",
                "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.onmicrosoft.com",
            ),
            ("", "<MAILER-DAEMON@hotmail.com>"),
        ] {
            let m = mailbox(name, addr);
            assert!(
                is_microsoft_mail_system(&m) && microsoft_domain_sender(&m),
                "{addr}"
            );
        }
        for addr in [
            "postmaster@example.jp",
            "billing@outlook.com",
            "postmaster@rnicrosoft.com",
            "user@contoso.onmicrosoft.com",
        ] {
            assert!(!is_microsoft_mail_system(&mailbox("", addr)), "{addr}");
        }
        assert!(!microsoft_domain_sender(&mailbox("Microsoft", "ms@outlook.com")));
        assert!(microsoft_domain_sender(&mailbox("", "billing@microsoft.com")));
    }

    #[test]
    fn the_senders_claim_is_the_header_claim_without_a_subject() {
        for (name, addr) in [
            ("Microsoft", "a@example.jp"),
            ("Your Order #1", "a@rnicrosoft.com"),
            ("Amazon.co.jp", "x@amazon.co.jp"),
            ("", "billing@microsoft.com"),
            ("Taro", "taro@gmail.com"),
        ] {
            let m = mailbox(name, addr);
            assert_eq!(
                sender_claim(Some(&m)),
                header_claim(Some(&m), ""),
                "{name} {addr}"
            );
        }
        assert!(!sender_claim(None) && !header_claim(None, ""));
    }

    #[test]
    fn header_claims() {
        let claims =
            |name: &str, addr: &str, subject: &str| header_claim(Some(&mailbox(name, addr)), subject);
        assert!(claims(
            "Microsoft 365 Billing",
            "billing.jp@gmail.com",
            "Your order"
        ));
        assert!(claims("Support", "no-reply@rnicrosoft.com", "hello"));
        assert!(claims(
            "",
            "msa@communication.microsoft.com",
            "Updates to our terms of use"
        ));
        assert!(claims("Billing", "b@evil.example", "Your Microsoft 365 renewal"));
        // Quoting a subject, a shop that names itself, a tenant address: no claim.
        assert!(!claims(
            "Taro",
            "taro@gmail.com",
            "Fwd: Microsoft の注文 #1234567890 が処理されました"
        ));
        assert!(!claims(
            "Amazon.co.jp",
            "auto-confirm@amazon.co.jp",
            "ご注文の確認 「Microsoft Office Home & Business 2024」"
        ));
        assert!(!claims("", "sales@contoso.onmicrosoft.com", "Quarterly figures"));
        assert!(!claims(
            "postmaster@example.onmicrosoft.com",
            "x@example.jp",
            "Undeliverable: lunch"
        ));
        assert!(!header_claim(None, ""));
        // A sender named as a bill quotes nothing with its prefix: the prefix is a lure.
        for subject in [
            "Fwd: Microsoft 365 Subscription Renewal Confirmation",
            "RE: Microsoft 365 Subscription Renewal Confirmation",
        ] {
            assert!(
                claims("Your Order #865999", "kellie@hotmail.com", subject),
                "{subject}"
            );
        }
    }

    #[test]
    fn any_mail_system() {
        for addr in [
            "MAILER-DAEMON",
            "<Postmaster@ezweb.ne.jp>",
            "mailer-daemon@example.jp",
        ] {
            assert!(is_mail_system(&mailbox("", addr)), "{addr}");
        }
        assert!(!is_mail_system(&mailbox("Mail", "taro@example.jp")));
    }

    /// The brand search as it was stated first: the collapsed text, then the squeezed one.
    fn mentions_brand_as_stated(folded: &str) -> bool {
        static BRANDS_SQUEEZED: LazyLock<aho_corasick::AhoCorasick> =
            LazyLock::new(|| text::phrase_set(&BRAND_WORDS));
        !folded.trim().is_empty()
            && (BRANDS.is_match(&without(&text::collapse_spaces(folded), TENANT_HOST))
                || BRANDS_SQUEEZED.is_match(&*without(&text::alphanumerics(folded), TENANT_SQUEEZED)))
    }

    /// What [`names_long_word`] rests on: the words and the tenant host are plain literals with
    /// no white space in them.
    #[test]
    fn long_brand_words_are_literals_without_spaces() {
        for word in BRAND_WORDS.iter() {
            assert!(regex::escape(word) == *word, "{word}");
        }
        for word in BRAND_WORDS.iter().chain([&TENANT_HOST]) {
            assert!(!word.contains(char::is_whitespace), "{word}");
        }
    }

    /// What [`names_squeezed_word`] rests on: the words are letters and digits only, and no two
    /// squeezed tenant hosts overlap (no end of one is the start of another), so `replace` cuts
    /// every one.
    #[test]
    fn squeezed_words_are_letters_and_tenant_hosts_never_overlap() {
        for word in BRAND_WORDS.iter().chain([&TENANT_SQUEEZED]) {
            assert!(
                !word.is_empty() && word.chars().all(char::is_alphanumeric),
                "{word}"
            );
        }
        for n in 1..TENANT_SQUEEZED.len() {
            assert_ne!(TENANT_SQUEEZED[..n], TENANT_SQUEEZED[TENANT_SQUEEZED.len() - n..]);
        }
        assert_eq!(text::alphanumerics(TENANT_HOST), TENANT_SQUEEZED);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        #[test]
        fn the_brand_search_reads_as_stated(
            s in "(microsoft|onmicrosoft\\.com|onmicrosoftcom|onmicrosoft|micro|soft|mi|crosoft|office|365|xbox|windows|defender|マイクロ|ソフト|マイクロソフト|on|com|m|x|a|1| |  |\n|\t|\\.|-|\u{3000}){0,14}"
        ) {
            proptest::prop_assert_eq!(mentions_brand_folded(&s), mentions_brand_as_stated(&s), "{:?}", s);
        }
    }

    proptest::proptest! {
        /// What lets [`mentions_brand`] skip the fold: the text it is skipped for folds to itself,
        /// and all other text is folded.
        #[test]
        fn mentions_brand_is_the_folded_search(s in "(microsoft|Microsoft|office 365|XBOX|[ -~]|\t|\r|é|Ｍ){0,12}") {
            proptest::prop_assert_eq!(mentions_brand(&s), mentions_brand_folded(&text::fold(&s)));
            if s.bytes().all(|b| b.is_ascii() && b != b'\t' && !b.is_ascii_uppercase()) {
                proptest::prop_assert_eq!(text::fold(&s), s);
            }
        }
    }

    #[test]
    fn body_claims() {
        let scam = mailbox("ASP111KJ8136", "someone@gmail.com");
        assert!(body_claim(
            Some(&scam),
            &[&text::fold("Dear Microsoft User, your order of $389.99")]
        ));
        assert!(body_claim(None, &["", &text::fold("Windows Defender renewal")]));
        // A PC maker that says who it is, explaining the mail under its own name.
        let maker = mailbox("Kumo PC サポート", "support@kumopc.example");
        assert!(!body_claim(
            Some(&maker),
            &[&text::fold("Microsoft から 0 円の注文メールが届きます")]
        ));
        // Another brand's scam names no Microsoft brand.
        assert!(!body_claim(
            Some(&scam),
            &[&text::fold("McAfee LifeLock renewal, call (252) 501-0099")]
        ));
        assert!(
            !header_claim(Some(&scam), "Order") && !body_claim(Some(&scam), &[&text::fold("Norton invoice")])
        );
    }
}
