//! msorder: tell a harmless 0-yen Microsoft Office activation notice from a real charge or a fake.
//!
//! Data flows one way through the stages, one module each:
//! [`input`] (files, directories, Maildir, mbox, stdin) → [`mime`] (decode into a [`view`]) →
//! [`forward`] (originals inside forwards) → [`order`] (recognise and extract) → [`auth`]
//! (authenticity) → [`verdict`] (the label) → [`record`] → [`output`] (CSV, JSONL, table, text).
//!
//! ```
//! let raw = b"From: a@example.com\nSubject: lunch\n\nsee you\n";
//! let record = msorder::classify("-", 1, raw, &msorder::Options::default());
//! assert_eq!(record.label, msorder::Label::Unrelated);
//! ```

#![warn(missing_docs)]

pub mod auth;
pub mod first_look;
pub mod forward;
pub mod input;
pub mod mime;
pub mod order;
pub mod output;
pub mod reason;
pub mod record;
pub mod scan;
pub mod scope;
pub mod text;
pub mod verdict;
pub mod view;

pub use auth::{AuthStatus, Trust};
pub use reason::{Lang, Reason, ReasonId};
pub use record::Record;
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
    let run = || classify_inner(source, index, raw, opts);
    std::panic::catch_unwind(run).unwrap_or_else(|_| {
        Record::error(
            source,
            index,
            "internal error while reading this message (please report it)",
        )
    })
}

fn classify_inner(source: &str, index: usize, raw: &[u8], opts: &Options) -> Record {
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
