//! Deciding the label: which message the verdict is about (the mail itself, an attached original
//! or an inline-forwarded one), then genuine or not, then what the order costs.

use serde::Serialize;

use crate::auth::{self, AuthStatus, Authenticity, Trust};
use crate::forward;
use crate::order::{self, Order, ProductKind, Template};
use crate::reason::{Kind, Lang, Reason, ReasonId};
use crate::scope::{self, Claim};
use crate::text::fold;
use crate::view::MessageView;

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

    /// The label in words, for people.
    pub fn describe(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Label::Activation, Lang::En) => {
                "Office included with the PC was activated (0 yen): nothing to pay"
            }
            (Label::Activation, Lang::Ja) => "PC 付属の Office の受け取り（0 円）です。支払いはありません",
            (Label::Free, Lang::En) => "Free order from Microsoft: nothing to pay",
            (Label::Free, Lang::Ja) => "Microsoft の無料の注文です。支払いはありません",
            (Label::Trial, Lang::En) => "Free now, but it will be charged later unless cancelled",
            (Label::Trial, Lang::Ja) => "今は無料ですが、解約しないと後で課金されます",
            (Label::Charge, Lang::En) => "A real Microsoft charge",
            (Label::Charge, Lang::Ja) => "Microsoft による実際の課金です",
            (Label::Suspicious, Lang::En) => "Suspicious: probably a fake. Do not call, click or pay",
            (Label::Suspicious, Lang::Ja) => {
                "不審なメールです（偽物の可能性大）。電話・クリック・支払いをしないでください"
            }
            (Label::Unclear, Lang::En) => "Microsoft order mail, but the amount could not be read",
            (Label::Unclear, Lang::Ja) => "Microsoft の注文メールですが、金額を読み取れませんでした",
            (Label::Unrelated, Lang::En) => "Not a Microsoft order mail",
            (Label::Unrelated, Lang::Ja) => "Microsoft の注文メールではありません",
            (Label::Error, Lang::En) => "Could not read this mail",
            (Label::Error, Lang::Ja) => "このメールを読み取れませんでした",
        }
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
pub struct Decision {
    /// The label.
    pub label: Label,
    /// The message the label is about.
    pub subject: MessageView,
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
pub fn decide(outer: &MessageView, trust: &Trust) -> Decision {
    let (subject, origin, order) = pick_subject(outer);
    let inline = origin == Origin::Inline;
    let mut authenticity = auth::judge(&subject, inline, trust);
    if origin != Origin::Direct {
        carry_outer_warnings(outer, trust, &mut authenticity);
    }
    let mut reasons = Vec::new();
    match origin {
        Origin::Direct => {}
        Origin::Attached => reasons.push(Reason::new(ReasonId::AttachedForward, &outer.subject)),
        Origin::Inline => reasons.push(Reason::new(ReasonId::InlineForward, &outer.subject)),
    }
    reasons.extend(authenticity.reasons.iter().cloned());
    let label = label_for(&subject, &order, &authenticity, &mut reasons);
    crate::reason::tidy(&mut reasons);
    Decision {
        label,
        subject,
        origin,
        order,
        authentication: authenticity.status,
        reasons,
    }
}

/// An order mail inside a forward wins over the forward itself, whose subject (`Fwd: Microsoft の
/// 注文 …`) would otherwise look like a Microsoft order sent by a stranger.
fn pick_subject(outer: &MessageView) -> (MessageView, Origin, Order) {
    if let Some((inner, order)) = find_attached_order(outer) {
        return (inner.clone(), Origin::Attached, order);
    }
    if let Some(original) = forward::inline_original(outer)
        && let Some(order) = order_in(&original)
    {
        return (original, Origin::Inline, order);
    }
    let order = order::extract(outer);
    (outer.clone(), Origin::Direct, order)
}

fn find_attached_order(view: &MessageView) -> Option<(&MessageView, Order)> {
    view.attached
        .iter()
        .find_map(|inner| find_attached_order(inner).or_else(|| order_in(inner).map(|order| (inner, order))))
}

/// The order a message holds, if it looks like one at all: Microsoft's template, or order
/// fields in a mail the scope rule says claims Microsoft.
fn order_in(view: &MessageView) -> Option<Order> {
    let order = order::extract(view);
    (order.template.is_some() || (order.has_order_fields && claim_of(view).any())).then_some(order)
}

/// Where a message claims Microsoft, by the scope rule (the quoted sender of an inline original).
fn claim_of(view: &MessageView) -> Claim {
    let from = view.from.as_ref().or(view.quoted.as_ref().map(|q| &q.from));
    scope::claim(from, &view.subject, &[&view.text, &view.html_text])
}

/// A "forward" sent by someone posing as Microsoft is itself the fake: keep its warnings.
fn carry_outer_warnings(outer: &MessageView, trust: &Trust, into: &mut Authenticity) {
    let outer_auth = auth::judge(outer, false, trust);
    if outer_auth.claims_microsoft && !outer_auth.microsoft_sender {
        into.reasons.extend(
            outer_auth
                .reasons
                .into_iter()
                .filter(|r| r.id.kind() == Kind::Warn),
        );
    }
}

fn label_for(view: &MessageView, order: &Order, auth: &Authenticity, reasons: &mut Vec<Reason>) -> Label {
    let warned = reasons.iter().any(|r| r.id.kind() == Kind::Warn);
    let microsoft_template = match order.template {
        Some(Template::JaOrder | Template::EnOrder) => true,
        // "Your purchase of … has been processed" is common wording; only Microsoft's counts.
        Some(Template::Purchase | Template::Renewal) => auth.microsoft_sender || auth.claims_microsoft,
        None => false,
    };
    let is_order = microsoft_template || (order.has_order_fields && auth.microsoft_sender);
    if !is_order {
        return not_an_order(view, auth, warned, reasons);
    }
    reasons.push(Reason::new(ReasonId::OrderTemplate, &view.subject));
    let genuine = auth.microsoft_sender && auth.status != AuthStatus::Fail && !warned;
    if !genuine {
        if !reasons.iter().any(|r| r.id.kind() == Kind::Warn) {
            let from = view.from.as_ref().map(|m| m.address.as_str()).unwrap_or("");
            reasons.push(Reason::new(ReasonId::SenderNotMicrosoft, from));
        }
        return Label::Suspicious;
    }
    if let Some(payment) = &order.payment {
        reasons.push(Reason::new(ReasonId::PaymentInstrument, payment));
    }
    let Some(total) = &order.total else {
        reasons.push(Reason::new(ReasonId::TotalMissing, ""));
        return Label::Unclear;
    };
    let shown_total = format!("{} {}", total.currency.as_deref().unwrap_or(""), total.value);
    if !total.is_zero() {
        reasons.push(Reason::new(ReasonId::TotalPositive, shown_total));
        return Label::Charge;
    }
    reasons.push(Reason::new(ReasonId::TotalZero, shown_total));
    let kind = order.kind();
    if let Some(line) = &order.renewal {
        reasons.push(Reason::new(ReasonId::RenewalTerms, line));
        return Label::Trial;
    }
    if kind == ProductKind::Subscription {
        reasons.push(Reason::new(ReasonId::RenewalTerms, order.products.join(", ")));
        return Label::Trial;
    }
    if kind == ProductKind::PerpetualOffice {
        reasons.push(Reason::new(ReasonId::PerpetualOffice, order.products.join(", ")));
        if order.payment.is_none() {
            reasons.push(Reason::new(ReasonId::NoPaymentInstrument, ""));
        }
        return Label::Activation;
    }
    reasons.push(Reason::new(ReasonId::NotOfficeProduct, order.products.join(", ")));
    Label::Free
}

/// Findings that mean someone poses as Microsoft in the sender: on a mail whose headers claim
/// Microsoft, one of these makes it suspicious, order or not. (An onmicrosoft.com tenant is not
/// here: its bounces and notices are ordinary; it counts only when its name or subject says
/// Microsoft.)
const IMPERSONATION: &[ReasonId] = &[
    ReasonId::DisplayNameClaimsMicrosoft,
    ReasonId::LookalikeDomain,
    ReasonId::HiddenCharacters,
    ReasonId::ConfusableLetters,
];

/// Brand words written to slip past filters: suspicious wherever the mail claims Microsoft, body
/// included.
const DISGUISE: &[ReasonId] = &[
    ReasonId::LookalikeDomain,
    ReasonId::HiddenCharacters,
    ReasonId::ConfusableLetters,
];

/// Not in Microsoft's order form. Out of scope (no claim of Microsoft anywhere: another brand's
/// scam, a shop that says who it is): unrelated. In scope: suspicious when it poses as
/// Microsoft (an impersonation finding, a Microsoft bill from elsewhere, a Microsoft address
/// failing authentication, or a phone number to call about a bill); unrelated otherwise, which
/// is what Microsoft's own bounces, invoices, marketing and notices are.
fn not_an_order(view: &MessageView, auth: &Authenticity, warned: bool, reasons: &mut Vec<Reason>) -> Label {
    let claim = Claim {
        headers: auth.claims_microsoft,
        ..claim_of(view)
    };
    if claim.any() {
        let has = |id| reasons.iter().any(|r: &Reason| r.id == id);
        let billing =
            order::speaks_of_billing(&fold(&view.subject)) || order::speaks_of_billing(&fold(view.body()));
        let display_name = view.from.as_ref().map_or("", |m| m.name.as_str());
        let tenant_posing = has(ReasonId::OnmicrosoftTenant)
            && !auth.microsoft_domain
            && (scope::mentions_brand(&view.subject) || scope::mentions_brand(display_name));
        let impersonates = (claim.headers && (tenant_posing || IMPERSONATION.iter().any(|&id| has(id))))
            || DISGUISE.iter().any(|&id| has(id));
        let foreign_bill = claim.headers && !auth.microsoft_domain && billing && warned;
        let forged_microsoft = has(ReasonId::SenderUnusual) && auth.status == AuthStatus::Fail;
        let callback_scam = has(ReasonId::PhoneNumber) && (has(ReasonId::CallbackWording) || billing);
        if impersonates || foreign_bill || forged_microsoft || callback_scam {
            return Label::Suspicious;
        }
    }
    reasons.push(Reason::new(ReasonId::NotOrder, ""));
    Label::Unrelated
}
