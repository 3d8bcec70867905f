//! Subject (and body title) templates, forward prefixes, and the words of bills.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use serde::Serialize;

use crate::lexicon;
use crate::lexicon::pattern::{Pattern, is_plain};
use crate::text::{fold_line, phrase_set};

/// Which subject (or title) template the mail follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Template {
    /// `Microsoft の注文 #N が処理されました`.
    JaOrder,
    /// `Your Microsoft order #N has been processed`, or the older `Your Microsoft order #N`.
    EnOrder,
    /// `Your purchase of <product> has been processed`.
    Purchase,
    /// `Your subscription to <product> has been renewed`.
    Renewal,
}

impl Template {
    /// True when the template carries the order number (group 1 of its pattern), not a product.
    pub(crate) fn has_number(self) -> bool {
        matches!(self, Template::JaOrder | Template::EnOrder)
    }
}

/// Subject templates of every language, tried in order on the folded subject with forward
/// prefixes removed. Group 1 is the order number or the product.
static TEMPLATES: LazyLock<Vec<(Template, Pattern)>> = LazyLock::new(|| {
    lexicon::every(|l| l.subject_templates)
        .into_iter()
        .map(|(t, re, _)| (t, Pattern::new(re)))
        .collect()
});

/// Every template as one pattern, to tell at once that text follows none (most body lines).
static ANY_TEMPLATE: LazyLock<Pattern> = LazyLock::new(|| {
    let each: Vec<String> = lexicon::words(|l| l.subject_templates)
        .map(|(_, re, _)| format!("(?:{re})"))
        .collect();
    Pattern::new(each.join("|"))
});

/// Forward prefixes of mail clients in languages msorder has no lexicon for (French `TR`, German
/// `WG` / `AW`, Nordic `SV` / `VS`, Spanish `RV`, Portuguese `ENC`): they reach mail in any
/// language. A language that gets a lexicon takes its own from here.
const OTHER_CLIENT_PREFIXES: &[&str] = &["tr", "wg", "aw", "sv", "vs", "rv", "enc"];

/// Reply and forward prefixes that mail clients put before a subject; `[Fwd: …]` is the bracketed
/// form of old clients.
static SUBJECT_PREFIX: LazyLock<Pattern> = LazyLock::new(|| {
    let words = lexicon::alternation(
        lexicon::words(|l| l.subject_prefixes).chain(OTHER_CLIENT_PREFIXES.iter().copied()),
    );
    Pattern::new(format!(
        r"^(?:\s*(?:\[?(?:{words})\s*(?:\[\d+\])?\s*:|\[fwd?:?))+\s*"
    ))
});

/// The characters other than white space that [`SUBJECT_PREFIX`] can start with: a bracket, or
/// the first of a prefix word.
static PREFIX_STARTS: LazyLock<Vec<char>> = LazyLock::new(|| {
    let words = lexicon::words(|l| l.subject_prefixes).chain(OTHER_CLIENT_PREFIXES.iter().copied());
    words.filter_map(|w| w.chars().next()).chain(['[']).collect()
});

/// Strip `Fwd:`, `FW:`, `転送:`, `RE:` … from a folded subject; returns the rest and whether
/// anything was stripped.
pub fn strip_prefixes(folded_subject: &str) -> (&str, bool) {
    // A prefix starts with white space (`\s` in either form), a bracket or a prefix word: most
    // subjects, words and body lines start with none, and need no regex.
    let may_start = folded_subject
        .chars()
        .next()
        .is_some_and(|c| c.is_whitespace() || PREFIX_STARTS.contains(&c));
    // Past its white space (`\s`, White_Space as `trim_start` reads it) a prefix is `[fw…` or
    // ends in a colon: text with neither (most words and lines) has none either.
    let may_be = || {
        folded_subject.trim_start().starts_with('[')
            || memchr::memchr(b':', folded_subject.as_bytes()).is_some()
    };
    if !may_start || !may_be() {
        return (folded_subject, false);
    }
    match SUBJECT_PREFIX.on(folded_subject).find(folded_subject) {
        Some(m) if m.end() > 0 => (folded_subject[m.end()..].trim_end_matches(']'), true),
        _ => (folded_subject, false),
    }
}

/// True when a (raw) subject starts with a reply or forward prefix: such a subject speaks for
/// the mail it quotes, not for its sender.
pub fn is_forward_subject(subject: &str) -> bool {
    strip_prefixes(&fold_line(subject)).1
}

/// Words of bills and orders (folded), for mails that are not in Microsoft's order template.
static BILLING: LazyLock<AhoCorasick> = LazyLock::new(|| phrase_set(&lexicon::every(|l| l.billing_words)));

/// True when folded text speaks of an order or a bill.
pub fn speaks_of_billing(folded: &str) -> bool {
    BILLING.is_match(folded)
}

/// Match a subject (raw) against the order templates.
pub fn match_template(subject: &str) -> Option<(Template, String)> {
    template_in(&fold_line(subject))
}

/// Match folded text, forward prefixes and all, against the order templates.
pub(super) fn template_in(folded: &str) -> Option<(Template, String)> {
    template_in_line(folded, false)
}

/// [`template_in`] of text known to be plain (`plain`, see [`is_plain`]) or not known to be:
/// what follows the prefixes is plain when all of it is.
pub(super) fn template_in_line(folded: &str, plain: bool) -> Option<(Template, String)> {
    let (rest, _) = strip_prefixes(folded);
    let plain = plain || is_plain(rest);
    if !ANY_TEMPLATE.get(plain).is_match(rest) {
        return None;
    }
    TEMPLATES
        .iter()
        .find_map(|(t, re)| re.get(plain).captures(rest).map(|c| (*t, c[1].to_owned())))
}

/// The product named by the subscription templates (those whose group 1 is no number), in the
/// subject's own case.
pub(super) static PRODUCT_IN_SUBJECT: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    lexicon::every(|l| l.subject_templates)
        .into_iter()
        .filter(|(t, _, _)| !t.has_number())
        .map(|(_, re, _)| Pattern::new(format!("(?i){re}")))
        .collect()
});

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Prefixes are stripped as the prefix pattern alone strips them, on any text.
        #[test]
        fn prefixes_are_the_patterns(s in "(fwd|fw|re|tr|enc|転送|返信|\\[|\\]|\\[2\\]|:|：|\u{3000}|\u{A0}| |\t|x|f|r|転|1){0,8}") {
            let by_pattern = match SUBJECT_PREFIX.on(&s).find(&s) {
                Some(m) if m.end() > 0 => (s[m.end()..].trim_end_matches(']'), true),
                _ => (&*s, false),
            };
            proptest::prop_assert_eq!(strip_prefixes(&s), by_pattern);
        }
    }

    /// Text opening with any character is stripped as the prefix pattern alone strips it.
    #[test]
    fn prefixes_after_every_first_character() {
        for first in (0..0x3100).filter_map(char::from_u32) {
            for rest in ["fwd: x", "[fwd: x]", ": x", "", "fwd x", " [fw x"] {
                let s = format!("{first}{rest}");
                let by_pattern = SUBJECT_PREFIX.on(&s).find(&s).is_some_and(|m| m.end() > 0);
                assert_eq!(strip_prefixes(&s).1, by_pattern, "{s:?}");
            }
        }
    }

    #[test]
    fn subject_templates() {
        let t = match_template;
        assert_eq!(
            t("Microsoft の注文 #1234567890 が処理されました"),
            Some((Template::JaOrder, "1234567890".into()))
        );
        assert_eq!(
            t("Fwd: Microsoft の注文 ＃１２３４５６７８９０ が処理されました")
                .unwrap()
                .1,
            "1234567890"
        );
        assert_eq!(
            t("転送: FW: Microsoftの注文#1234567890が処理されました")
                .unwrap()
                .0,
            Template::JaOrder
        );
        assert_eq!(
            t("Your Microsoft order #9876543210 has been processed")
                .unwrap()
                .0,
            Template::EnOrder
        );
        assert_eq!(t("Your Microsoft order #9876543210").unwrap().1, "9876543210");
        assert_eq!(
            t("Your purchase of Microsoft 365 Personal has been processed"),
            Some((Template::Purchase, "microsoft 365 personal".into()))
        );
        assert_eq!(
            t("Your subscription to Microsoft 365 Family has been renewed")
                .unwrap()
                .0,
            Template::Renewal
        );
        assert_eq!(
            t("Amazon.co.jp ご注文の確認 「Microsoft Office Home & Business 2024」"),
            None
        );
        assert_eq!(t("Your Amazon order #123-456 has shipped"), None);
    }

    proptest::proptest! {
        /// The joined pattern matches where one of the templates does, on any text.
        #[test]
        fn any_template_is_one_of_them(s in "(your|microsoft|order|purchase|subscription|of|to|has|been|processed|renewed|の|ご|注文|#|番号|no\\.|[0-9]{1,10}| |\t|x|٣){0,12}") {
            let plain = is_plain(&s);
            let each = TEMPLATES.iter().any(|(_, re)| re.get(plain).is_match(&s));
            proptest::prop_assert_eq!(ANY_TEMPLATE.get(plain).is_match(&s), each);
        }
    }

    #[test]
    fn forward_subjects() {
        assert!(is_forward_subject("Fwd: Microsoft の注文"));
        assert!(is_forward_subject("[Fwd: x]"));
        assert!(is_forward_subject("転送： x"));
        assert!(!is_forward_subject("Forward thinking at Microsoft"));
    }
}
