//! One output record per message read: the fields every writer shows, in the documented order.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Serialize, Serializer};

use crate::auth::AuthStatus;
use crate::error::ReadError;
use crate::reason::{Reason, ReasonId};
use crate::verdict::{Decision, Label, Origin};
use crate::view::{Mailbox, MessageView};

/// A column of the record: the one list CSV, JSON and the tests go by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // each is the field of [`Record`] of the same name
pub enum Field {
    Source,
    Index,
    MessageId,
    Date,
    From,
    Subject,
    Label,
    OrderNumber,
    OrderDate,
    Products,
    Total,
    Currency,
    Payment,
    ProductKey,
    Forwarded,
    Authentication,
    Reasons,
    Error,
    LaterPrice,
    LaterCurrency,
}

impl Field {
    /// Every column, in output order (CSV header, JSON key order).
    pub const ALL: [Field; 20] = [
        Field::Source,
        Field::Index,
        Field::MessageId,
        Field::Date,
        Field::From,
        Field::Subject,
        Field::Label,
        Field::OrderNumber,
        Field::OrderDate,
        Field::Products,
        Field::Total,
        Field::Currency,
        Field::Payment,
        Field::ProductKey,
        Field::Forwarded,
        Field::Authentication,
        Field::Reasons,
        Field::Error,
        Field::LaterPrice,
        Field::LaterCurrency,
    ];

    /// The column's stable name (CSV header, JSON key).
    pub const fn as_str(self) -> &'static str {
        match self {
            Field::Source => "source",
            Field::Index => "index",
            Field::MessageId => "message_id",
            Field::Date => "date",
            Field::From => "from",
            Field::Subject => "subject",
            Field::Label => "label",
            Field::OrderNumber => "order_number",
            Field::OrderDate => "order_date",
            Field::Products => "products",
            Field::Total => "total",
            Field::Currency => "currency",
            Field::Payment => "payment",
            Field::ProductKey => "product_key",
            Field::Forwarded => "forwarded",
            Field::Authentication => "authentication",
            Field::Reasons => "reasons",
            Field::Error => "error",
            Field::LaterPrice => "later_price",
            Field::LaterCurrency => "later_currency",
        }
    }
}

/// Column names, in output order.
pub const FIELDS: [&str; Field::ALL.len()] = {
    let mut names = [""; Field::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = Field::ALL[i].as_str();
        i += 1;
    }
    names
};

/// The verdict on one message, ready to write.
#[derive(Clone, Debug, Serialize)]
pub struct Record {
    /// The input path as given (`-` for stdin).
    pub source: String,
    /// 1-based position in an mbox; 1 for single-message files.
    pub index: usize,
    /// Message-ID of the message read (the forward itself for forwarded mail).
    pub message_id: Option<String>,
    /// Date of the message judged, RFC 3339 (absent for inline forwards, whose date is free text).
    pub date: Option<String>,
    /// Sender of the message judged.
    pub from: Option<String>,
    /// Subject of the message judged.
    pub subject: Option<String>,
    /// The label.
    pub label: Label,
    /// Order number.
    pub order_number: Option<String>,
    /// Order date, `YYYY-MM-DD`.
    pub order_date: Option<String>,
    /// Products ordered.
    pub products: Vec<String>,
    /// Total as a plain decimal.
    pub total: Option<String>,
    /// ISO 4217 currency of the total.
    pub currency: Option<String>,
    /// Payment method.
    pub payment: Option<String>,
    /// Product key, masked to its last group unless asked otherwise.
    pub product_key: Option<String>,
    /// True when the verdict is about a message found inside a forward.
    pub forwarded: bool,
    /// The trusted authentication result.
    pub authentication: AuthStatus,
    /// Findings; serialised as their ids.
    #[serde(serialize_with = "reason_ids")]
    pub reasons: Vec<Reason>,
    /// Why the message could not be read; serialised as its English text.
    pub error: Option<ReadError>,
    /// A price charged later (plan or renewal price, next payment) as a plain decimal; never
    /// part of `total`, which is what is charged now.
    pub later_price: Option<String>,
    /// ISO 4217 currency of the later price.
    pub later_currency: Option<String>,
    /// The account the judged message was sent to (its first To address, lowercased), for the
    /// takeover pass of a scan; not an output column.
    #[serde(skip)]
    pub(crate) account: Option<String>,
    /// The verdict rule that gave the label (`src/verdict/rules.rs`), for `check --explain`;
    /// not an output column.
    #[serde(skip)]
    pub(crate) rule: Option<&'static str>,
}

fn reason_ids<S: Serializer>(reasons: &[Reason], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(reasons.iter().map(|r| r.id.as_str()))
}

/// `name <address>`, or the one of them there is, each trimmed; None when both are blank.
fn mailbox_text(m: &Mailbox) -> Option<String> {
    match (m.name.trim(), m.address.trim()) {
        ("", "") => None,
        ("", one) | (one, "") => Some(one.to_owned()),
        (name, addr) => Some([name, " <", addr, ">"].concat()),
    }
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// `ABCDE-FGHIJ-KLMNO-PQRST-6YFCG` -> `*****-*****-*****-*****-6YFCG`.
pub fn mask_key(key: &str) -> String {
    match key.rsplit_once('-') {
        Some((head, last)) => {
            let masked: String = head.chars().map(|c| if c == '-' { '-' } else { '*' }).collect();
            format!("{masked}-{last}")
        }
        None => "*".repeat(key.chars().count()),
    }
}

/// Product keys anywhere in `text` masked as [`mask_key`] masks them.
pub fn mask_keys_in(text: &str) -> std::borrow::Cow<'_, str> {
    // A key's characters, `(?i)[A-Z0-9]`, take in two letters beyond ASCII too, as Unicode
    // folds them to `s` and `k`: ſ and the Kelvin sign. The class with them costs more than
    // twice as much to build, so it is built only for text that has one (hardly any); on other
    // text the ASCII class matches where it does.
    static KEY: LazyLock<Regex> = LazyLock::new(|| Regex::new(&key_pattern("0-9A-Za-z")).unwrap());
    static FOLDED_KEY: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(&key_pattern(FOLDED_KEY_CLASS)).unwrap());
    // A key is 29 bytes or more with four dashes: most text has no place for one.
    let dashes = memchr::memchr_iter(b'-', text.as_bytes()).take(4).count();
    if text.len() < 29 || dashes < 4 {
        return text.into();
    }
    let key = if text.contains(FOLDED_BEYOND_ASCII) {
        &FOLDED_KEY
    } else {
        &KEY
    };
    key.replace_all(text, |c: &regex::Captures| mask_key(&c[0]))
}

/// The letters beyond ASCII that `(?i)[A-Z0-9]` matches.
const FOLDED_BEYOND_ASCII: [char; 2] = ['\u{17F}', '\u{212A}'];

/// `(?i)[A-Z0-9]` spelled out.
const FOLDED_KEY_CLASS: &str = "0-9A-Za-z\u{17F}\u{212A}";

/// Five groups of five key characters (of `class`), standing apart as words.
fn key_pattern(class: &str) -> String {
    format!(r"\b[{class}]{{5}}(?:-[{class}]{{5}}){{4}}\b")
}

impl Record {
    /// Mask product keys wherever the record shows text from the mail: the subject, the
    /// evidence of its reasons and the key itself (a key in a subject is as secret as in a body).
    pub fn mask_keys(&mut self) {
        let mask = |s: &mut String| {
            if let std::borrow::Cow::Owned(masked) = mask_keys_in(s) {
                *s = masked;
            }
        };
        self.subject.iter_mut().for_each(mask);
        self.product_key.iter_mut().for_each(mask);
        self.reasons.iter_mut().for_each(|r| mask(&mut r.evidence));
    }

    /// A record for a message or input that could not be read.
    pub fn error(source: &str, index: usize, error: impl Into<ReadError>) -> Record {
        Record {
            error: Some(error.into()),
            ..Record::empty(source, index)
        }
    }

    /// The name of the verdict rule that gave the label; `None` when no rule ran (an error, or
    /// a mail the first look set aside as unrelated).
    pub fn rule(&self) -> Option<&'static str> {
        self.rule
    }

    /// A record with nothing found, labelled `error` until told otherwise.
    pub(crate) fn empty(source: &str, index: usize) -> Record {
        Record {
            source: source.to_owned(),
            index,
            message_id: None,
            date: None,
            from: None,
            subject: None,
            label: Label::Error,
            order_number: None,
            order_date: None,
            products: Vec::new(),
            total: None,
            currency: None,
            payment: None,
            product_key: None,
            forwarded: false,
            authentication: AuthStatus::None,
            reasons: Vec::new(),
            error: None,
            later_price: None,
            later_currency: None,
            account: None,
            rule: None,
        }
    }

    /// A record for a message the first look found unrelated, from its headers alone.
    pub fn unrelated(source: &str, index: usize, view: &MessageView, authentication: AuthStatus) -> Record {
        Record {
            message_id: view.message_id.clone(),
            date: view.date.clone(),
            from: view.from.as_ref().and_then(mailbox_text),
            subject: non_empty(&view.subject),
            label: Label::Unrelated,
            authentication,
            reasons: vec![Reason::new(ReasonId::NotOrder, "")],
            ..Record::empty(source, index)
        }
    }

    /// A record for a decided message. `outer` is the message read; the decision may be about a
    /// message inside it.
    pub fn from_decision(
        source: &str,
        index: usize,
        outer: &MessageView,
        d: Decision,
        show_keys: bool,
    ) -> Record {
        let judged = &d.subject;
        let total = d.order.total.as_ref();
        let later = d.order.later.as_ref();
        Record {
            source: source.to_owned(),
            index,
            message_id: outer.message_id.clone(),
            date: judged.date.clone(),
            from: judged.from.as_ref().and_then(mailbox_text),
            subject: non_empty(&judged.subject),
            label: d.label,
            order_number: d.order.number.clone(),
            order_date: d.order.date.clone(),
            products: d.order.products.clone(),
            total: total.map(|t| t.value.clone()),
            currency: total.and_then(|t| t.currency.clone()),
            payment: d.order.payment.clone(),
            product_key: d
                .order
                .product_key
                .as_deref()
                .map(|k| if show_keys { k.to_owned() } else { mask_key(k) }),
            forwarded: d.origin != Origin::Direct,
            authentication: d.authentication,
            reasons: d.reasons,
            error: None,
            later_price: later.map(|t| t.value.clone()),
            later_currency: later.and_then(|t| t.currency.clone()),
            account: judged
                .to
                .as_ref()
                .map(|m| m.address.trim().to_lowercase())
                .filter(|a| !a.is_empty()),
            rule: Some(d.rule),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `(?i)[A-Z0-9]` matches, checked over every character: ASCII letters and digits and
    /// the two folded to them.
    #[test]
    fn the_folded_key_class_is_the_case_insensitive_one() {
        let folded = Regex::new(r"(?i)^[A-Z0-9]$").unwrap();
        let spelled = Regex::new(&format!("^[{FOLDED_KEY_CLASS}]$")).unwrap();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let s = c.to_string();
            assert_eq!(folded.is_match(&s), spelled.is_match(&s), "{c:?}");
            assert_eq!(
                folded.is_match(&s),
                c.is_ascii_alphanumeric() || FOLDED_BEYOND_ASCII.contains(&c),
                "{c:?}"
            );
        }
    }

    proptest::proptest! {
        /// Keys are masked as the case-insensitive pattern finds them, in any text.
        #[test]
        fn keys_are_masked_as_the_case_insensitive_pattern_finds_them(
            text in "([A-Fa-f0-9_é\u{17F}\u{212A}]{5}|-| |ABCDE-FGHIJ-KLMNO-PQRST-){0,14}",
        ) {
            let key = Regex::new(r"(?i)\b[A-Z0-9]{5}(?:-[A-Z0-9]{5}){4}\b").unwrap();
            let masked = key.replace_all(&text, |c: &regex::Captures| mask_key(&c[0]));
            proptest::prop_assert_eq!(mask_keys_in(&text), masked);
        }
    }

    proptest::proptest! {
        /// The sender cell is the name and address joined, trimmed, and None when blank.
        #[test]
        fn mailbox_text_is_the_joined_and_trimmed_pair(
            name in "[ a<>\u{3000}\t]{0,4}",
            address in "[ b@\u{3000}]{0,4}",
        ) {
            let joined = match (name.trim(), address.trim()) {
                ("", addr) => addr.to_owned(),
                (name, "") => name.to_owned(),
                (name, addr) => format!("{name} <{addr}>"),
            };
            let m = Mailbox { name, address };
            proptest::prop_assert_eq!(mailbox_text(&m), non_empty(&joined));
        }
    }

    #[test]
    fn masks_keys_inside_text() {
        assert_eq!(
            mask_keys_in("Key ABCDE-FGHIJ-KLMNO-PQRST-6YFCG for you"),
            "Key *****-*****-*****-*****-6YFCG for you"
        );
        assert_eq!(mask_keys_in("order 1234567890"), "order 1234567890");
        // The shortest key there is, with nothing around it.
        assert_eq!(
            mask_keys_in("ABCDE-FGHIJ-KLMNO-PQRST-6YFCG"),
            "*****-*****-*****-*****-6YFCG"
        );
        assert_eq!(
            mask_keys_in("ABCDE-FGHIJ-KLMNO-PQRST-6YFC"),
            "ABCDE-FGHIJ-KLMNO-PQRST-6YFC"
        );
    }

    #[test]
    fn masks_all_but_last_group() {
        assert_eq!(
            mask_key("ABCDE-FGHIJ-KLMNO-PQRST-6YFCG"),
            "*****-*****-*****-*****-6YFCG"
        );
    }

    #[test]
    fn json_key_order_matches_fields() {
        let json = serde_json::to_string(&Record::error("-", 1, ReadError::Internal)).unwrap();
        let at: Vec<usize> = FIELDS
            .iter()
            .map(|f| json.find(&format!("\"{f}\":")).unwrap())
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{json}");
    }
}
