//! English: every table msorder matches that is written in English.

use super::Language;

pub(crate) const LANGUAGE: Language = Language {
    code: "en",
    // auth: content signals
    // Wording that sends the reader to a phone or a "support" desk (folded; `’` is read as `'`).
    // Kept specific: Microsoft's own renewal mails say "to cancel, go to account.microsoft.com", and
    // its security notices say "if you don't recognize this" (心当たりがない場合).
    callback_phrases: &[
        "call to cancel",
        "call us to cancel",
        "call us at",
        "call us on",
        "call us now",
        "call us immediately",
        "call our",
        "call the number",
        "call the toll",
        "call now",
        "please call",
        "give us a call",
        "contact our support",
        "contact our billing",
        "contact our helpline",
        "contact our help desk",
        "contact our customer",
        "contact support at",
        "contact us at +",
        "reach us at",
        "helpline",
        "help line",
        "toll free",
        "toll-free",
        "tollfree",
        "support number",
        "customer care number",
        "if you did not authorize",
        "if you didn't authorize",
        "if you did not make this",
        "if you didn't make this",
        "if you did not place this",
        "if you didn't place this",
        "did not authorize this",
        "didn't authorize this",
        "unauthorized transaction",
        "dispute this",
        "to dispute",
        "get a refund",
        "for a refund",
        "claim your refund",
        "claim a refund",
        "process your refund",
        "refund department",
    ],

    // Pressure to act within hours (folded). Bare "immediately" is left out: genuine mails say
    // downloads are available immediately.
    urgency_phrases: &[
        "within 1 hour",
        "within one hour",
        "within an hour",
        "within 12 hours",
        "within 24 hours",
        "within 24 hrs",
        "within 24hrs",
        "within 48 hours",
        "within 48 hrs",
        "within 72 hours",
        "within the next 24 hours",
        "in the next 24 hours",
        "call immediately",
        "contact us immediately",
        "act immediately",
        "respond immediately",
        "immediately call",
        "immediately contact",
        "immediate action",
        "act now",
        "urgent",
    ],

    // Labels before a count of licences or users (`Quantity: 10`), folded; matched on a word
    // boundary.
    seat_count_labels: &[
        "qty",
        "quantity",
        "number of licenses",
        "number of licences",
        "number of users",
        "number of seats",
    ],

    // What a count of licences is counted in (`25 licenses`, `10 seats`), folded.
    seat_units: &["licenses", "licences", "seats"],

    // A word that may stand between the count and its unit (`5 user licenses`), folded.
    seat_unit_qualifiers: &["user"],

    // Words before a number that make it a limit, not a count (`up to 5 licenses`), folded.
    seat_limit_words: &["up to"],
};
