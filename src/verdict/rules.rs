//! The verdict as a table of named rules over [`Signals`], tried in order: the first that fires
//! gives the label. A rule's condition may rely on the rules above it not having fired (the
//! cost rules only ever see a genuine order). What a rule tells people is beside it.

use super::Label;
use super::signals::{Now, Sign, Signals};
use crate::auth::AuthStatus;
use crate::order::ProductKind;
use crate::reason::{Reason, ReasonId};

/// One rule of the verdict.
pub struct Rule {
    /// Stable kebab-case name, for `--explain`.
    pub name: &'static str,
    /// The label it gives.
    pub label: Label,
    /// Whether it fires, given that no rule above it did.
    pub when: fn(&Signals) -> bool,
    /// The reasons it adds for people to the analysis' findings.
    pub because: fn(&Signals) -> Vec<Reason>,
}

/// Signs that someone poses as Microsoft in the sender: on a mail whose headers claim
/// Microsoft, one of these makes it suspicious, order or not. (An onmicrosoft.com tenant is not
/// here: its bounces and notices are ordinary; it counts only when its name or subject says
/// Microsoft.)
const IMPERSONATION: &[Sign] = &[
    Sign::DisplayNameClaimsMicrosoft,
    Sign::LookalikeDomain,
    Sign::HiddenCharacters,
    Sign::ConfusableLetters,
];

/// Brand words written to slip past filters: suspicious wherever the mail claims Microsoft, body
/// included.
const DISGUISE: &[Sign] = &[
    Sign::LookalikeDomain,
    Sign::HiddenCharacters,
    Sign::ConfusableLetters,
];

/// The rules, in the order they are tried. The first seven judge mail outside Microsoft's order
/// form: out of scope (no claim of Microsoft anywhere: another brand's scam, a shop that says
/// who it is) it is unrelated; in scope it is suspicious when it poses as Microsoft, unrelated
/// otherwise, which is what Microsoft's own bounces, invoices, marketing and notices are. The
/// rest judge an order: genuine or not, then what it costs. The last rule fires on whatever is
/// left.
pub const RULES: &[Rule] = &[
    Rule {
        name: "impersonation",
        label: Label::Suspicious,
        when: |s| outside_the_order_form(s) && s.sender.claims_microsoft && any(s, IMPERSONATION),
        because: nothing,
    },
    Rule {
        name: "posing-tenant",
        label: Label::Suspicious,
        when: |s| {
            outside_the_order_form(s)
                && s.sender.claims_microsoft
                && s.has(Sign::OnmicrosoftTenant)
                && !s.sender.microsoft_domain
                && s.sender.names_brand
        },
        because: nothing,
    },
    Rule {
        name: "disguised-brand",
        label: Label::Suspicious,
        when: |s| outside_the_order_form(s) && claims_microsoft(s) && any(s, DISGUISE),
        because: nothing,
    },
    Rule {
        name: "foreign-bill",
        label: Label::Suspicious,
        when: |s| {
            outside_the_order_form(s)
                && s.sender.claims_microsoft
                && !s.sender.microsoft_domain
                && billing(s)
                && s.warned()
        },
        because: nothing,
    },
    Rule {
        name: "forged-microsoft",
        label: Label::Suspicious,
        when: |s| {
            outside_the_order_form(s)
                && claims_microsoft(s)
                && s.has(Sign::SenderUnusual)
                && s.auth == AuthStatus::Fail
        },
        because: nothing,
    },
    Rule {
        name: "callback-scam",
        label: Label::Suspicious,
        when: |s| {
            outside_the_order_form(s)
                && claims_microsoft(s)
                && s.has(Sign::PhoneNumber)
                && (s.has(Sign::CallbackWording) || billing(s))
        },
        because: nothing,
    },
    Rule {
        name: "not-an-order",
        label: Label::Unrelated,
        when: outside_the_order_form,
        because: |_| vec![Reason::new(ReasonId::NotOrder, "")],
    },
    Rule {
        name: "fake-sender",
        label: Label::Suspicious,
        when: |s| !(s.sender.order_sender && s.auth != AuthStatus::Fail && !s.warned()),
        because: |s| {
            let mut reasons = vec![Reason::new(ReasonId::OrderTemplate, &s.subject)];
            if !s.warned() {
                reasons.push(Reason::new(ReasonId::SenderNotMicrosoft, &s.sender.address));
            }
            reasons
        },
    },
    Rule {
        name: "total-unread",
        label: Label::Unclear,
        when: |s| s.now == Now::Unread,
        because: |s| order_and(s, [Reason::new(ReasonId::TotalMissing, "")]),
    },
    Rule {
        name: "charged-now",
        label: Label::Charge,
        when: |s| matches!(s.now, Now::Charged(_)),
        because: |s| {
            let mut reasons = order_and(s, [Reason::new(ReasonId::TotalPositive, now_shown(s))]);
            reasons.extend(
                s.gift_card
                    .iter()
                    .map(|card| Reason::new(ReasonId::GiftCard, card)),
            );
            reasons
        },
    },
    Rule {
        name: "charges-later",
        label: Label::Trial,
        when: |s| s.later.is_some(),
        because: |s| zero_and(s, [Reason::new(ReasonId::RenewalTerms, s.later_evidence())]),
    },
    Rule {
        name: "digital-attach",
        label: Label::Activation,
        when: |s| s.product == ProductKind::PerpetualOffice,
        because: |s| {
            let mut reasons = zero_and(s, [Reason::new(ReasonId::PerpetualOffice, &s.products)]);
            if s.payment.is_none() {
                reasons.push(Reason::new(ReasonId::NoPaymentInstrument, ""));
            }
            reasons
        },
    },
    Rule {
        name: "free-item",
        label: Label::Free,
        when: |_| true,
        because: |s| zero_and(s, [Reason::new(ReasonId::NotOfficeProduct, &s.products)]),
    },
];

/// The first rule that fires.
pub fn first_match(s: &Signals) -> &'static Rule {
    // The last rule fires on anything, so the fallback is never taken.
    RULES
        .iter()
        .find(|r| (r.when)(s))
        .unwrap_or(&RULES[RULES.len() - 1])
}

fn outside_the_order_form(s: &Signals) -> bool {
    !s.in_order_form()
}

/// The headers or the body claim Microsoft.
fn claims_microsoft(s: &Signals) -> bool {
    s.sender.claims_microsoft || s.content.as_ref().is_some_and(|c| c.claims_microsoft)
}

/// The subject or the body speaks of billing.
fn billing(s: &Signals) -> bool {
    s.content.as_ref().is_some_and(|c| c.billing)
}

fn any(s: &Signals, signs: &[Sign]) -> bool {
    signs.iter().any(|&sign| s.has(sign))
}

fn nothing(_: &Signals) -> Vec<Reason> {
    Vec::new()
}

/// A genuine order's reasons: its template and payment method, then `more`.
fn order_and<const N: usize>(s: &Signals, more: [Reason; N]) -> Vec<Reason> {
    let mut reasons = vec![Reason::new(ReasonId::OrderTemplate, &s.subject)];
    reasons.extend(
        s.payment
            .iter()
            .map(|p| Reason::new(ReasonId::PaymentInstrument, p)),
    );
    reasons.extend(more);
    reasons
}

/// A genuine order's reasons when nothing is charged now, then `more`.
fn zero_and<const N: usize>(s: &Signals, more: [Reason; N]) -> Vec<Reason> {
    let mut reasons = order_and(s, [Reason::new(ReasonId::TotalZero, now_shown(s))]);
    reasons.extend(more);
    reasons
}

fn now_shown(s: &Signals) -> &str {
    match &s.now {
        Now::Zero(shown) | Now::Charged(shown) => shown,
        Now::Unread => "",
    }
}

#[cfg(test)]
mod tests;
