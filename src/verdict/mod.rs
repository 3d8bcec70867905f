//! Deciding the label, in three steps: which message the verdict is about ([`peel`]: the mail
//! itself, an attached original or an inline-forwarded one), what is known about it
//! ([`signals`]: typed values built once from the order, the authenticity result and the
//! forwarders), and the first of the named [`rules`] that fires on them. The reasons shown to
//! people are rendered afterwards, from the signals and the rule.

mod peel;
mod rules;
mod signals;

use std::borrow::Cow;

use serde::Serialize;

use crate::auth::{AuthStatus, Trust};
use crate::order::Order;
use crate::reason::{self, Reason, ReasonId};
use crate::view::MessageView;
use rules::Rule;
use signals::Signals;

/// The verdict's label. The strings are stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    /// Genuine 0-yen claim of a perpetual Office edition (digital attach): benign.
    Activation,
    /// Genuine zero-price order of something else, with no later charge: benign.
    Free,
    /// Genuine order, zero now, renewing into a charge later.
    Trial,
    /// Genuine order with a total above zero.
    Charge,
    /// Looks like a Microsoft order or bill but is not genuine, or carries scam markers.
    Suspicious,
    /// Genuine Microsoft order mail whose total can't be read.
    Unclear,
    /// Not a Microsoft order mail.
    Unrelated,
    /// The message or input could not be read.
    Error,
}

impl Label {
    /// Every label, in report order.
    pub const ALL: [Label; 8] = [
        Label::Activation,
        Label::Free,
        Label::Trial,
        Label::Charge,
        Label::Suspicious,
        Label::Unclear,
        Label::Unrelated,
        Label::Error,
    ];

    /// The stable label string.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Activation => "activation",
            Label::Free => "free",
            Label::Trial => "trial",
            Label::Charge => "charge",
            Label::Suspicious => "suspicious",
            Label::Unclear => "unclear",
            Label::Unrelated => "unrelated",
            Label::Error => "error",
        }
    }

    /// True for labels a person should look at (exit status 1).
    pub fn needs_attention(self) -> bool {
        matches!(
            self,
            Label::Charge | Label::Trial | Label::Suspicious | Label::Unclear
        )
    }
}

/// How the message judged relates to the one read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The message itself.
    Direct,
    /// A message attached to it (`message/rfc822`, `.eml`).
    Attached,
    /// An original quoted inline in its body.
    Inline,
}

/// The decision about one readable message.
#[derive(Clone, Debug)]
pub struct Decision<'a> {
    /// The label.
    pub label: Label,
    /// The name of the verdict rule that gave it (kebab-case, stable), for `--explain`.
    pub rule: &'static str,
    /// The message the label is about: lent when it is the one read or attached to it, owned
    /// when it was rebuilt from an inline forward.
    pub subject: Cow<'a, MessageView>,
    /// Where that message came from.
    pub origin: Origin,
    /// Order fields (empty when it is no order).
    pub order: Order,
    /// The trusted authentication result.
    pub authentication: AuthStatus,
    /// Every finding, passes first.
    pub reasons: Vec<Reason>,
}

/// Decide the label of a decoded message.
// Kept out of line: profiles (callgrind's `--toggle-collect`) measure the verdict by this name.
#[inline(never)]
pub fn decide<'a>(outer: &'a MessageView, trust: &Trust) -> Decision<'a> {
    let peel::Picked {
        subject,
        origin,
        order,
        authenticity,
        carried,
    } = peel::pick_subject(outer, trust);
    let signals = Signals::build(&subject, &order, &authenticity, carried);
    let rule = rules::first_match(&signals);
    Decision {
        label: rule.label,
        rule: rule.name,
        reasons: explain(outer, origin, &signals, rule),
        subject,
        origin,
        order,
        authentication: authenticity.status,
    }
}

/// The reasons shown to people, rendered once the label is decided: how the judged message was
/// reached, the analysis' findings, then what the fired rule adds; passes first.
fn explain(outer: &MessageView, origin: Origin, signals: &Signals, rule: &Rule) -> Vec<Reason> {
    let mut reasons = Vec::new();
    match origin {
        Origin::Direct => {}
        Origin::Attached => reasons.push(Reason::new(ReasonId::AttachedForward, &outer.subject)),
        Origin::Inline => reasons.push(Reason::new(ReasonId::InlineForward, &outer.subject)),
    }
    reasons.extend(signals.findings());
    reasons.extend((rule.because)(signals));
    reason::tidy(&mut reasons);
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Authenticity;
    use crate::order::{Amount, Template};

    fn amount(value: &str, currency: &str) -> Option<Amount> {
        Some(Amount {
            value: value.into(),
            currency: Some(currency.into()),
        })
    }

    fn order(product: &str, total: Option<Amount>, later: Option<Amount>, renewal: Option<&str>) -> Order {
        Order {
            products: vec![product.into()],
            total,
            later,
            renewal: renewal.map(str::to_owned),
            ..Order::default()
        }
    }

    /// The label and reasons of `o` as a genuine order from Microsoft.
    fn label(o: &Order) -> (Label, Vec<ReasonId>) {
        let genuine = Authenticity {
            status: AuthStatus::Pass,
            microsoft_sender: true,
            microsoft_domain: true,
            claims_microsoft: true,
            reasons: Vec::new(),
        };
        let o = Order {
            template: Some(Template::JaOrder),
            ..o.clone()
        };
        let signals = Signals::build(&MessageView::default(), &o, &genuine, Vec::new());
        let rule = rules::first_match(&signals);
        let reasons = explain(&MessageView::default(), Origin::Direct, &signals, rule);
        (rule.label, reasons.iter().map(|r| r.id).collect())
    }

    /// Zero now plus a later price is a trial, whatever the product and wherever the price stood.
    #[test]
    fn zero_now_and_a_later_price_is_a_trial() {
        let o = order(
            "Office Home 2024",
            amount("0.00", "USD"),
            amount("21300", "JPY"),
            None,
        );
        let (l, ids) = label(&o);
        assert_eq!(l, Label::Trial);
        assert!(ids.contains(&ReasonId::RenewalTerms));
        let o = order("Minecraft", amount("0", "JPY"), None, Some("自動更新: オン"));
        assert_eq!(label(&o).0, Label::Trial);
        let o = order("Microsoft 365 Personal", amount("0", "JPY"), None, None);
        assert_eq!(label(&o).0, Label::Trial);
    }

    /// A plan paid today that renews is a charge: the later price does not make it a trial.
    #[test]
    fn paid_today_and_renewing_is_a_charge() {
        let o = order(
            "Microsoft 365 Personal",
            amount("2130", "JPY"),
            amount("2130", "JPY"),
            Some("自動更新"),
        );
        let (l, ids) = label(&o);
        assert_eq!(l, Label::Charge);
        assert!(ids.contains(&ReasonId::TotalPositive) && !ids.contains(&ReasonId::RenewalTerms));
    }

    #[test]
    fn zero_without_later_terms() {
        let o = order("Office Home & Business 2024", amount("0.00", "USD"), None, None);
        let (l, ids) = label(&o);
        assert_eq!(l, Label::Activation);
        assert!(ids.contains(&ReasonId::NoPaymentInstrument));
        let o = order("Solitaire", amount("0.00", "USD"), None, None);
        assert_eq!(label(&o).0, Label::Free);
    }

    /// A later price alone says nothing of what is charged now.
    #[test]
    fn a_later_price_is_never_the_total() {
        let o = order(
            "Microsoft 365 Personal",
            None,
            amount("21300", "JPY"),
            Some("更新日"),
        );
        assert_eq!(label(&o).0, Label::Unclear);
    }
}
