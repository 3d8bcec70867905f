//! The words and facts msorder matches, as data (SpamAssassin's rule files are the model: a
//! pattern beside its description, lists as data, structure as code).
//!
//! One file per language holds every table written in that language; Microsoft's facts (senders,
//! domains, products) and the mail providers' (authserv-ids, free mail, forwarders) have their own
//! files. Tables that other stages derive (such as the first look's words) are computed from
//! these, so a new template can't fall outside them. A new language is one file and one line in
//! [`LANGUAGES`]. They are Rust data, checked at compile time: no user-editable rule file could
//! make phishing read as "activation".

mod en;
mod ja;
pub(crate) mod microsoft;
pub(crate) mod money;
pub(crate) mod pattern;
pub(crate) mod providers;

use crate::forward::QuotedField;
use crate::order::{Field, Template};

/// Every word table of one language. Everything is folded ([`crate::text::fold`]): lowercase,
/// NFKC, half-width.
pub(crate) struct Language {
    /// The language's BCP 47 code, which the tests name a table's language by.
    #[cfg_attr(not(test), allow(dead_code))]
    pub code: &'static str,

    // auth: content signals
    /// Wording that sends the reader to a phone or a "support" desk, folded.
    pub callback_phrases: &'static [&'static str],
    /// Pressure to act within hours, folded.
    pub urgency_phrases: &'static [&'static str],
    /// Labels before a count of licences or users (`quantity`, `数量`), folded; one starting
    /// with an ASCII letter is matched on a word boundary.
    pub seat_count_labels: &'static [&'static str],
    /// What a count of licences is counted in (`licenses`, `seats`, `ライセンス`), folded.
    pub seat_units: &'static [&'static str],
    /// Words that may stand between the count and its unit (`user`), folded.
    pub seat_unit_qualifiers: &'static [&'static str],
    /// Words before a number that make it a limit, not a count (`up to`, `最大`), folded.
    pub seat_limit_words: &'static [&'static str],

    // order: subjects
    /// Subject (and body title) templates: the template, its pattern on the folded subject with
    /// forward prefixes removed (group 1 is the order number or the product), and an example
    /// subject the tests hold it and the first look to.
    pub subject_templates: &'static [(Template, &'static str, &'static str)],
    /// What a title in one of Microsoft's own order templates (those with an order number)
    /// always holds, as its letters and digits folded (`yourmicrosoftorder`): in the body of a
    /// sender that says who it is, the brand claims nothing, so the first look looks for these.
    pub template_words: &'static [&'static str],
    /// Reply and forward prefixes before a subject (`fwd`, `転送`), before a colon.
    pub subject_prefixes: &'static [&'static str],
    /// Words of bills and orders, for mails that are not in Microsoft's order template.
    pub billing_words: &'static [&'static str],

    // order: fields
    /// Field labels at the start of a line; the longest one a line starts with wins.
    pub order_labels: &'static [(Field, &'static str)],

    // order: amounts
    /// Words before the masked last digits of a card (`ending in 1234`).
    pub masked_card_words: &'static [&'static str],

    // order: dates
    /// Month names (or their first three letters), January first; empty when the language
    /// writes months as numbers.
    pub month_names: &'static [&'static str],
    /// Year, month and day units of a date written with them (`2025年4月12日`); empty when none.
    pub date_units: &'static [&'static str],

    // order: renewal
    /// Words inside a line that put its amount in the future.
    pub later_markers: &'static [&'static str],
    /// Phrases that promise a later charge: trials, free periods, auto-renewing subscriptions.
    pub renewal_phrases: &'static [&'static str],
    /// Prices per period (`/year`, `/月`).
    pub periods: &'static [&'static str],

    // order: items
    /// Column headings of an order's item table.
    pub item_headings: &'static [&'static str],
    /// Publisher lines under an item, at the start of a cell.
    pub bylines: &'static [&'static str],
    /// Labels of an item's attributes (before a colon), whose value is no product.
    pub item_attributes: &'static [&'static str],
    /// Words that say the number after them is a quantity.
    pub quantity_words: &'static [&'static str],
    /// Marks that say so only glued to the number (`x1`).
    pub quantity_marks: &'static [&'static str],
    /// Words of a line that describes an item's term rather than names one.
    pub term_descriptors: &'static [&'static str],
    /// Signature and footer lines.
    pub signatures: &'static [&'static str],
    /// Lines that end the item rows of a details section.
    pub section_ends: &'static [&'static str],

    // forward: inline forwards
    /// Separator lines that open a forwarded block.
    pub forward_separators: &'static [&'static str],
    /// Quoted header labels and the field each fills.
    pub forward_labels: &'static [(&'static str, QuotedField)],
    /// Sender labels, matched ASCII-case-insensitively on the raw body.
    pub forward_sender_labels: &'static [&'static str],

    // scope: brand
    /// Brand words that make a mail claim to be Microsoft, anywhere in folded text.
    pub brand_words: &'static [&'static str],

    // takeover: gift cards
    /// Product words of gift cards and prepaid codes (spaces removed).
    pub gift_card_words: &'static [&'static str],
}

/// Every language msorder reads.
pub(crate) const LANGUAGES: &[&Language] = &[&en::LANGUAGE, &ja::LANGUAGE];

/// The entries of one table of every language, in registry order.
pub(crate) fn words<T: Copy + 'static>(table: impl Fn(&Language) -> &'static [T]) -> impl Iterator<Item = T> {
    LANGUAGES.iter().flat_map(move |l| table(l).iter().copied())
}

/// Words as a regex alternation (`a|b|c`), each escaped, in the order given.
pub(crate) fn alternation<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    words.into_iter().map(regex::escape).collect::<Vec<_>>().join("|")
}

/// One table of every language, in registry order, for building a matcher at first use.
pub(crate) fn every<T: Copy + 'static>(table: impl Fn(&Language) -> &'static [T]) -> Vec<T> {
    words(table).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold;

    #[test]
    fn one_entry_per_language() {
        let mut codes: Vec<_> = LANGUAGES.iter().map(|l| l.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), LANGUAGES.len());
    }

    /// A new language is one file and one registry line: every table a stage needs to read mail
    /// in it is filled, and every table is written folded, as it is matched.
    #[test]
    fn every_language_has_every_table() {
        for l in LANGUAGES {
            let required: [(&str, &[&str]); 19] = [
                ("subject_prefixes", l.subject_prefixes),
                ("template_words", l.template_words),
                ("billing_words", l.billing_words),
                ("masked_card_words", l.masked_card_words),
                ("later_markers", l.later_markers),
                ("renewal_phrases", l.renewal_phrases),
                ("periods", l.periods),
                ("item_headings", l.item_headings),
                ("bylines", l.bylines),
                ("item_attributes", l.item_attributes),
                ("quantity_words", l.quantity_words),
                ("term_descriptors", l.term_descriptors),
                ("signatures", l.signatures),
                ("section_ends", l.section_ends),
                ("forward_separators", l.forward_separators),
                ("forward_sender_labels", l.forward_sender_labels),
                ("brand_words", l.brand_words),
                ("gift_card_words", l.gift_card_words),
                (
                    "month_names or date_units",
                    if l.month_names.is_empty() {
                        l.date_units
                    } else {
                        l.month_names
                    },
                ),
            ];
            for (name, table) in required {
                assert!(!table.is_empty(), "{}: {name} is empty", l.code);
                // Sender labels are matched on the raw body, full-width spellings and all.
                if name != "forward_sender_labels" {
                    for w in table {
                        assert_eq!(fold(w), *w, "{}: {name} entry {w:?} is not folded", l.code);
                    }
                }
            }
            assert!(!l.subject_templates.is_empty(), "{}: no subject template", l.code);
            assert!(matches!(l.month_names.len(), 0 | 12), "{}: month names", l.code);
            assert!(matches!(l.date_units.len(), 0 | 3), "{}: date units", l.code);
            for (_, label) in l.order_labels {
                assert_eq!(fold(label), *label, "{}: label {label:?} is not folded", l.code);
                assert!(!label.is_empty(), "{}: an empty label", l.code);
            }
            for field in [
                Field::Number,
                Field::Date,
                Field::Total,
                Field::Payment,
                Field::Details,
            ] {
                assert!(
                    l.order_labels.iter().any(|(f, _)| *f == field),
                    "{}: no label for {field:?}",
                    l.code
                );
            }
            assert!(
                l.forward_labels.iter().any(|(_, f)| *f == QuotedField::From),
                "{}: no quoted sender label",
                l.code
            );
        }
    }

    fn first_look_passes(subject: &str, body: &str) -> bool {
        first_look_passes_from("Shop <shop@example.jp>", subject, body)
    }

    fn first_look_passes_from(from: &str, subject: &str, body: &str) -> bool {
        let raw = format!(
            "From: {from}\r\nSubject: {subject}\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
        );
        let glance = crate::mime::glance(raw.as_bytes()).expect("a plain message");
        crate::first_look::worth_decoding(&glance, raw.as_bytes())
    }

    /// The first look's words are derived from the lexicons: every template of every language
    /// is recognised from its example, in the subject, and a title template in the body; every
    /// brand word and quoted sender label in a body sends it to the full decode.
    #[test]
    fn the_first_look_covers_every_lexicon() {
        for l in LANGUAGES {
            for (template, _, example) in l.subject_templates {
                let found = crate::order::match_template(example);
                assert_eq!(found.map(|(t, _)| t), Some(*template), "{}: {example}", l.code);
                assert!(
                    first_look_passes(example, "hello"),
                    "{}: subject {example}",
                    l.code
                );
                if template.has_number() {
                    assert!(first_look_passes("hello", example), "{}: title {example}", l.code);
                    // From a sender that says who it is, too: its brand words claim nothing,
                    // a title in the template still counts.
                    let own = "KumoPC Support <support@kumopc.example>";
                    assert!(
                        first_look_passes_from(own, "hello", example),
                        "{}: title {example}",
                        l.code
                    );
                }
            }
            // Told apart from the brand alone: that is what a sender naming itself may write.
            assert!(!first_look_passes_from(
                "KumoPC Support <support@kumopc.example>",
                "hello",
                &format!("Office from {}", l.brand_words[0])
            ));
            for word in l.brand_words {
                assert!(
                    first_look_passes("hello", &format!("about {word} here")),
                    "{}: {word}",
                    l.code
                );
            }
            for label in l.forward_sender_labels {
                assert!(
                    first_look_passes("hello", &format!("{label} someone")),
                    "{}: {label}",
                    l.code
                );
            }
        }
    }

    /// Microsoft's own order templates (those with an order number): the language's code and
    /// template words beside each pattern.
    fn titles() -> impl proptest::strategy::Strategy<Value = (&'static str, &'static [&'static str], String)>
    {
        use proptest::strategy::Strategy;
        let titled: Vec<_> = words(|l| l.subject_templates)
            .zip(
                LANGUAGES
                    .iter()
                    .flat_map(|l| l.subject_templates.iter().map(move |_| *l)),
            )
            .filter(|((t, _, _), _)| t.has_number())
            .map(|((_, re, _), l)| (l.code, l.template_words, re))
            .collect();
        proptest::sample::select(titled).prop_flat_map(|(code, words, re)| {
            proptest::string::string_regex(re)
                .expect("a template pattern proptest can generate from")
                .prop_map(move |title| (code, words, title))
        })
    }

    proptest::proptest! {
        /// Every text one of Microsoft's own order templates matches holds one of its language's
        /// template words once folded and squeezed, so the first look, which looks for those in
        /// a self-named sender's body, misses no title.
        #[test]
        fn template_words_are_in_every_title((code, template_words, title) in titles()) {
            let squeezed = crate::text::folded_alphanumerics(&title);
            proptest::prop_assert!(
                template_words.iter().any(|w| memchr::memmem::find(&squeezed, w.as_bytes()).is_some()),
                "{}: {:?}", code, title
            );
        }
    }
}
