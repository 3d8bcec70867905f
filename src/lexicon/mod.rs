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
pub(crate) mod providers;

/// Every word table of one language.
pub(crate) struct Language {
    /// The language's BCP 47 code.
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
}

/// Every language msorder reads.
pub(crate) const LANGUAGES: &[&Language] = &[&en::LANGUAGE, &ja::LANGUAGE];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_entry_per_language() {
        let mut codes: Vec<_> = LANGUAGES.iter().map(|l| l.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), LANGUAGES.len());
    }
}
