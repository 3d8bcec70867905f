//! Microsoft's facts: the addresses and domains it sends from, its hosts and products.

use crate::order::ProductKind;

// order: products
/// Product patterns (on folded text), most specific first.
pub(crate) const PRODUCTS: &[(ProductKind, &str)] = &[
    (
        ProductKind::PerpetualOffice,
        r"(?:microsoft\s+)?office\s+(?:home\s*(?:&|and|＆)\s*(?:business|student)|home|personal|professional(?:\s+plus)?|standard|ltsc\s+\w+)\s*20(?:1[0369]|2[14])",
    ),
    (
        ProductKind::Subscription,
        r"(?:microsoft|office)\s*365(?:\s+(?:personal|family|basic|premium|business\s+\w+|apps\s+for\s+\w+))?|xbox\s+game\s+pass(?:\s+\w+)?|pc\s+game\s+pass|copilot\s+pro",
    ),
];

// order: footer
/// Microsoft's name and address in the footer of its mails (folded): no product.
pub(crate) const FOOTER: &[&str] = &["microsoft corporation", "one microsoft way", "redmond, wa"];

// scope: short brand words
/// Short brand words (product names), matched on word boundaries (`xbox`, not `maxbox`); a space
/// in them may be missing (`office365`).
pub(crate) const SHORT_BRAND_WORDS: &[&str] = &["office 365", "windows defender", "xbox"];
