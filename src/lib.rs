//! msorder: tell a harmless 0-yen Microsoft Office activation notice from a real charge or a fake.
//!
//! Data flows one way through the stages, one private module (or folder) each:
//! `input` (files, directories, Maildir, mbox, stdin) → `mime` (decode into a `view`, folded
//! once) → the first look (`first_look`, `skim`: skip only what the full path calls unrelated) →
//! `verdict` (forwards peeled, typed signals, named rules) reading `order` (recognise and
//! extract) and `auth` (authenticity) → `record` → `takeover` (patterns over a scan's records) →
//! [`output`] (one writer per format, every word in English and Japanese). The words and facts
//! matched live in `lexicon`, one file per language. An Outlook `.msg` is first turned into the
//! mail it stands for by `msg`; [`filter`] tags one mail for delivery agents. What could not be
//! read is a [`ReadError`], said in the reader's language.
//!
//! ```
//! let raw = b"From: a@example.com\nSubject: lunch\n\nsee you\n";
//! let record = msorder::classify("-", 1, raw, &msorder::Options::default());
//! assert_eq!(record.label, msorder::Label::Unrelated);
//! ```

#![warn(missing_docs)]

mod address;
// The pipeline's stages are private; what a caller needs is re-exported below.
mod auth;
// Exposed for the tests' mail generator and hostile-input tests, not as an interface.
#[doc(hidden)]
pub mod compose;
// Why an input could not be read, typed; its kinds are re-exported below.
pub mod error;
pub mod filter;
mod first_look;
mod forward;
pub mod input;
mod lexicon;
#[doc(hidden)]
pub mod mime;
#[doc(hidden)]
pub mod msg;
mod order;
pub mod output;
mod reason;
mod record;
pub mod scan;
mod scope;
mod skim;
mod takeover;
mod text;
mod verdict;
#[doc(hidden)]
pub mod view;

pub use auth::{AuthStatus, Trust};
pub use error::{IoKind, ReadError};
pub use input::{ReadOptions, messages};
pub use output::{ColorChoice, Format, RecordWriter, Style, write_check};
pub use reason::{Kind, Lang, Reason, ReasonId};
pub use record::{FIELDS, Field, Record};
pub use verdict::Label;

/// How to classify.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Which Authentication-Results to trust beyond the built-in providers.
    pub trust: Trust,
    /// Keep product keys unmasked.
    pub show_keys: bool,
    /// Skip the cheap first look and decode every message fully.
    pub decode_all: bool,
}

/// Classify one raw message. Never panics: a message that can't be read, or that trips a bug,
/// gives an `error` record.
pub fn classify(source: &str, index: usize, raw: &[u8], opts: &Options) -> Record {
    let run = || {
        let mut record = classify_inner(source, index, raw, opts);
        if !opts.show_keys {
            record.mask_keys();
        }
        record
    };
    std::panic::catch_unwind(run).unwrap_or_else(|_| Record::error(source, index, ReadError::Internal))
}

fn classify_inner(source: &str, index: usize, raw: &[u8], opts: &Options) -> Record {
    if !msg::is_msg(raw) {
        return classify_mail(source, index, raw, opts);
    }
    // An Outlook .msg is judged as the mail it stands for; when the judged message lost its
    // Internet headers the record says so, since nothing in it can vouch for the sender.
    match msg::to_rfc822(raw) {
        Ok(converted) => {
            let mut record = classify_mail(source, index, &converted.mail, opts);
            // The verdict of a forward is about the message inside it.
            let judged_without_headers = if record.forwarded {
                converted.embedded_without_headers
            } else {
                !converted.internet_headers
            };
            if judged_without_headers && record.error.is_none() {
                record.reasons.push(Reason::new(ReasonId::MsgWithoutHeaders, ""));
                reason::tidy(&mut record.reasons);
            }
            record
        }
        Err(e) => Record::error(source, index, e),
    }
}

fn classify_mail(source: &str, index: usize, raw: &[u8], opts: &Options) -> Record {
    let glance = match mime::glance(raw) {
        Ok(glance) => glance,
        Err(e) => return Record::error(source, index, e),
    };
    if !opts.decode_all && !first_look::worth_decoding(&glance, raw) {
        let status = auth::trusted_status(&glance.view.auth, &opts.trust);
        return Record::unrelated(source, index, &glance.view, status);
    }
    match mime::decode(raw) {
        Ok(view) => {
            let decision = verdict::decide(&view, &opts.trust);
            Record::from_decision(source, index, &view, decision, opts.show_keys)
        }
        Err(e) => Record::error(source, index, e),
    }
}
