//! Every word a person reads, one table per language: field names, headers, label descriptions
//! and next steps, reason sentences and their "not found" negations, the summary line.
//!
//! Each language is one [`Words`] value whose functions are exhaustive `match`es, so a missing
//! translation does not compile. A new language is one file and one arm in [`words`].

use crate::auth::AuthStatus;
use crate::error::ReadError;
use crate::reason::{Lang, ReasonId};
use crate::record::Field;
use crate::verdict::Label;

mod en;
mod ja;

/// The words of one language.
pub struct Words {
    /// Names of the record's columns (the `check` text and the Excel header).
    pub column: fn(Field) -> &'static str,
    /// A label in words.
    pub label: fn(Label) -> LabelWords,
    /// A reason in words.
    pub reason: fn(ReasonId) -> ReasonWords,
    /// An authentication status in words, with why when it is not known.
    pub auth: fn(AuthStatus) -> AuthWords,
    /// Names of the `check` text's own lines and headings.
    pub check: CheckWords,
    /// The table's header.
    pub table: TableWords,
    /// The Excel CSV's column with the verdict in words.
    pub verdict_column: &'static str,
    /// The summary line after a scan: messages read, then the counts.
    pub messages_read: fn(usize) -> String,
    /// A count of messages ("1 message", "2 通").
    pub messages: fn(usize) -> String,
    /// The HTML report's own headings and controls.
    pub report: ReportWords,
    /// Why an input or a message could not be read, in one line.
    pub error: fn(&ReadError) -> String,
}

/// The HTML report's headings, controls and notes.
#[allow(missing_docs)] // each names the element of the page it labels
pub struct ReportWords {
    pub title: &'static str,
    pub summary: &'static str,
    pub chart: &'static str,
    pub records: &'static str,
    pub count: &'static str,
    pub show: &'static str,
    pub all: &'static str,
    pub attention: &'static str,
    pub search: &'static str,
    pub sort_hint: &'static str,
    pub not_listed: &'static str,
    pub later: &'static str,
    pub no_records: &'static str,
}

/// A label for people.
pub struct LabelWords {
    /// A short name for a table cell.
    pub name: &'static str,
    /// One sentence: what the mail is.
    pub describe: &'static str,
    /// One plain next step.
    pub next_step: &'static str,
}

/// A reason for people.
pub struct ReasonWords {
    /// The sentence when found.
    pub sentence: &'static str,
    /// A few words for a table cell.
    pub short: &'static str,
    /// For a sign-of-a-fake check ([`ReasonId::checked`]): what its absence says, in negated
    /// words ("No phone number to call").
    pub not_found: Option<&'static str>,
}

/// An authentication status for people.
pub struct AuthWords {
    /// The status word.
    pub status: &'static str,
    /// Why, when no reason of the mail tells it.
    pub why: &'static str,
}

/// Names in the `check` text that are not record columns.
pub struct CheckWords {
    /// The verdict line.
    pub verdict: &'static str,
    /// Before a reason's evidence.
    pub evidence: &'static str,
    /// Heading of the signs of a fake.
    pub signs_of_fake: &'static str,
    /// Heading of what needs attention.
    pub needs_attention: &'static str,
    /// Heading of the context.
    pub context: &'static str,
    /// Heading of the passed checks.
    pub passed: &'static str,
    /// Heading of the checks that found nothing.
    pub not_found: &'static str,
    /// The next-step line.
    pub next_step: &'static str,
    /// The line naming the verdict rule that gave the label (with `--explain`).
    pub rule: &'static str,
    /// Around an explanation: ` (` and `)`, or Japanese full-width brackets.
    pub brackets: (&'static str, &'static str),
}

/// The table's column headings.
#[allow(missing_docs)] // each is the heading of the column of that name
pub struct TableWords {
    pub label: &'static str,
    pub total: &'static str,
    pub order: &'static str,
    pub subject: &'static str,
    pub reason: &'static str,
    pub source: &'static str,
}

/// The words of a language.
pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &en::WORDS,
        Lang::Ja => &ja::WORDS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::Kind;

    #[test]
    fn every_language_says_everything() {
        for lang in [Lang::En, Lang::Ja] {
            let w = words(lang);
            for &id in ReasonId::ALL {
                let r = (w.reason)(id);
                assert!(!r.sentence.is_empty() && !r.short.is_empty(), "{id:?}");
                // A negation exactly for the checks that may be listed as not found.
                let listable = id.kind() == Kind::SignOfFake
                    && (id.checked(&[]) || id.checked(&[ReasonId::SenderMicrosoft]));
                assert_eq!(r.not_found.is_some(), listable, "{lang:?} {id:?}");
            }
            for label in Label::ALL {
                let l = (w.label)(label);
                assert!(!l.name.is_empty() && !l.describe.is_empty() && !l.next_step.is_empty());
            }
            for field in Field::ALL {
                assert!(!(w.column)(field).is_empty());
            }
        }
    }

    #[test]
    fn no_url_in_what_people_read() {
        // The tool can vouch for no address: next steps name places, not links.
        for lang in [Lang::En, Lang::Ja] {
            let w = words(lang);
            for label in Label::ALL {
                let l = (w.label)(label);
                assert!(!l.next_step.contains("://") && !l.next_step.contains("www."));
            }
        }
    }
}
