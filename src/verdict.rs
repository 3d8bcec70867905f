//! Deciding the label: which message the verdict is about (the mail itself, an attached original
//! or an inline-forwarded one), then genuine or not, then what the order costs.

use std::borrow::Cow;

use serde::Serialize;

use crate::auth::{self, AuthStatus, Authenticity, Trust};
use crate::forward;
use crate::order::{self, Amount, Order, ProductKind, Template};
use crate::reason::{Kind, Reason, ReasonId};
use crate::scope::{self, Claim};
use crate::takeover;
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
    let Picked {
        subject,
        origin,
        order,
        carried,
    } = pick_subject(outer, trust);
    let inline = origin == Origin::Inline;
    let mut authenticity = auth::judge(&subject, inline, trust);
    authenticity.reasons.extend(carried);
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

/// The message a verdict is about, found by peeling forwards.
struct Picked {
    subject: MessageView,
    origin: Origin,
    order: Order,
    /// Warnings of the forwarders around it that pose as Microsoft, outermost first.
    carried: Vec<Reason>,
}

/// Forward layers peeled at most: each costs a copy of the body, and no real forward chain is
/// this deep.
const MAX_LAYERS: usize = 8;

/// The verdict is about the innermost original of a forward (field guide §5), order or not:
/// the people in between are forwarders. An order mail inside a forward wins over the forward
/// itself, whose subject (`Fwd: Microsoft の注文 …`) would otherwise look like a Microsoft order
/// sent by a stranger; in a forward of a forward, the innermost order mail wins over the
/// forwarders in between. With no order anywhere, the innermost original is judged, unless a
/// forwarder on the way poses as Microsoft: then that "forward" is the fake and is judged itself.
fn pick_subject(outer: &MessageView, trust: &Trust) -> Picked {
    if let Some(picked) = innermost_order(outer, trust, 0) {
        return picked.behind(outer, false, trust);
    }
    let (subject, origin) = innermost_original(outer, trust);
    Picked {
        order: order::extract(&subject),
        subject,
        origin,
        carried: Vec::new(),
    }
}

/// The next layer down when `view` forwards a message: an attached one (unless `view` is a
/// delivery report returning it), else an inline-quoted original.
fn forwarded_layer(view: &MessageView) -> Option<(MessageView, Origin)> {
    if !is_delivery_report(view)
        && let Some(inner) = view.attached.first()
    {
        return Some((inner.clone(), Origin::Attached));
    }
    forward::inline_original(view).map(|original| (original, Origin::Inline))
}

/// Content types that only a delivery or feedback report carries (RFC 3464, 5965, 8098).
const REPORT_PARTS: &[&str] = &[
    "message/delivery-status",
    "message/global-delivery-status",
    "message/feedback-report",
    "message/disposition-notification",
    "text/rfc822-headers",
];

/// A bounce or other report from a mail system: the message it attaches is the one it returns,
/// not one it forwards, and the report itself is what the mail is.
fn is_delivery_report(view: &MessageView) -> bool {
    view.from.as_ref().is_some_and(scope::is_mail_system)
        || view
            .attachments
            .iter()
            .any(|a| REPORT_PARTS.contains(&a.content_type.as_str()))
}

/// The innermost original behind plain forwarders, for a mail that holds no order: peeled one
/// layer at a time, stopping at a forwarder that poses as Microsoft (its pose is the fake).
fn innermost_original(outer: &MessageView, trust: &Trust) -> (MessageView, Origin) {
    let mut current = (outer.clone(), Origin::Direct);
    for _ in 0..MAX_LAYERS {
        let inline = current.1 == Origin::Inline;
        if !posing_warnings(&current.0, inline, trust).is_empty() {
            break;
        }
        match forwarded_layer(&current.0) {
            Some(next) => current = next,
            None => break,
        }
    }
    current
}

impl Picked {
    /// The same message seen through one more forwarder, whose warnings (if it poses as
    /// Microsoft) go before those of the forwarders inside it.
    fn behind(mut self, forwarder: &MessageView, inline: bool, trust: &Trust) -> Picked {
        let mut carried = posing_warnings(forwarder, inline, trust);
        carried.append(&mut self.carried);
        self.carried = carried;
        self
    }
}

/// The innermost order mail inside `view`: each attached message, then the inline-quoted
/// original, is peeled again before it is taken itself, so attached and inline layers nest in any
/// order. `None` when no layer holds an order.
fn innermost_order(view: &MessageView, trust: &Trust, depth: usize) -> Option<Picked> {
    if depth >= MAX_LAYERS {
        return None;
    }
    let attached = view
        .attached
        .iter()
        .map(|inner| (Cow::Borrowed(inner), Origin::Attached));
    let inline = std::iter::once_with(|| forward::inline_original(view))
        .flatten()
        .map(|original| (Cow::Owned(original), Origin::Inline));
    for (layer, origin) in attached.chain(inline) {
        if let Some(deeper) = innermost_order(&layer, trust, depth + 1) {
            return Some(deeper.behind(&layer, origin == Origin::Inline, trust));
        }
        // A layer quoting an original inline is a forwarder: the order fields and brand words
        // in its body are the quote's, and the quote was no order.
        if let Some(order) = order_in(&layer)
            && forward::inline_original(&layer).is_none()
        {
            return Some(Picked {
                subject: layer.into_owned(),
                origin,
                order,
                carried: Vec::new(),
            });
        }
    }
    None
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

/// A forwarder's warnings, when it poses as Microsoft: a "forward" whose sender claims to be
/// Microsoft (display name, look-alike domain) or whose subject is Microsoft's order subject
/// itself is the fake, so its warnings count. A forwarder that is plainly someone else (a
/// customer, a shop with its phone number in its signature, a subject rewritten to ask about the
/// mail) says nothing about the original: nothing is carried.
fn posing_warnings(forwarder: &MessageView, inline: bool, trust: &Trust) -> Vec<Reason> {
    let judged = auth::judge(forwarder, inline, trust);
    if judged.microsoft_sender {
        return Vec::new();
    }
    let sender_only = MessageView {
        from: forwarder.from.clone(),
        ..MessageView::default()
    };
    let sender_claims = auth::judge(&sender_only, true, trust).claims_microsoft;
    let subject_is_order =
        !marks_a_forward(&forwarder.subject) && order::match_template(&forwarder.subject).is_some();
    if !sender_claims && !subject_is_order {
        return Vec::new();
    }
    judged
        .reasons
        .into_iter()
        .filter(|r| r.id.kind() == Kind::SignOfFake)
        .collect()
}

/// A forward or reply prefix anywhere in a subject (`Ticket 5521: Fwd: …`): it quotes another
/// mail's subject rather than being one.
fn marks_a_forward(subject: &str) -> bool {
    fold(subject)
        .split_whitespace()
        .any(|word| order::strip_prefixes(word).1)
}

fn label_for(view: &MessageView, order: &Order, auth: &Authenticity, reasons: &mut Vec<Reason>) -> Label {
    let warned = reasons.iter().any(|r| r.id.kind() == Kind::SignOfFake);
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
        if !reasons.iter().any(|r| r.id.kind() == Kind::SignOfFake) {
            let from = view.from.as_ref().map(|m| m.address.as_str()).unwrap_or("");
            reasons.push(Reason::new(ReasonId::SenderNotMicrosoft, from));
        }
        return Label::Suspicious;
    }
    if let Some(payment) = &order.payment {
        reasons.push(Reason::new(ReasonId::PaymentInstrument, payment));
    }
    cost_label(order, reasons)
}

/// The label of a genuine order from what it costs. The total is what is charged now: above
/// zero is a `charge` (a plan paid today that auto-renews too); zero with a later price, renewal
/// terms or a subscription is a `trial`, in whatever order the mail states them; zero for a
/// perpetual Office edition is a digital-attach `activation`; any other zero is `free`.
fn cost_label(order: &Order, reasons: &mut Vec<Reason>) -> Label {
    let Some(total) = &order.total else {
        reasons.push(Reason::new(ReasonId::TotalMissing, ""));
        return Label::Unclear;
    };
    if !total.is_zero() {
        reasons.push(Reason::new(ReasonId::TotalPositive, total.shown()));
        if let Some(card) = order.products.iter().find(|p| takeover::is_gift_card(p)) {
            reasons.push(Reason::new(ReasonId::GiftCard, card));
        }
        return Label::Charge;
    }
    reasons.push(Reason::new(ReasonId::TotalZero, total.shown()));
    let kind = order.kind();
    let later = order
        .renewal
        .clone()
        .or_else(|| order.later.as_ref().map(Amount::shown))
        .or_else(|| (kind == ProductKind::Subscription).then(|| order.products.join(", ")));
    if let Some(evidence) = later {
        reasons.push(Reason::new(ReasonId::RenewalTerms, evidence));
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

#[cfg(test)]
mod tests {
    use super::*;

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

    fn label(o: &Order) -> (Label, Vec<ReasonId>) {
        let mut reasons = Vec::new();
        let label = cost_label(o, &mut reasons);
        (label, reasons.iter().map(|r| r.id).collect())
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

    use crate::view::Mailbox;

    const ORIGINAL: &str = "Microsoft の注文 #1234567890 が処理されました\n\n注文番号: 1234567890\n購入日: 2025/04/12\n\n\
        注文の詳細\nOffice Home & Business 2024\n数量: 1\n価格: USD 0.00\n\n合計: USD 0.00\n";

    fn mailbox(name: &str, address: &str) -> Option<Mailbox> {
        Some(Mailbox {
            name: name.into(),
            address: address.into(),
        })
    }

    /// A forwarder's mail with `text` as its body.
    fn forward(from: &str, subject: &str, text: &str) -> MessageView {
        MessageView {
            from: mailbox("", from),
            subject: subject.into(),
            text: text.into(),
            ..MessageView::default()
        }
    }

    fn gmail_block(from: &str, subject: &str) -> String {
        format!(
            "---------- Forwarded message ---------\nFrom: {from}\nDate: Sat, Apr 12, 2025 at 10:00 AM\nSubject: {subject}\nTo: <taro@example.jp>\n\n"
        )
    }

    fn outlook_ja_block(from: &str, subject: &str) -> String {
        format!("差出人: {from}\n送信日時: 2025年4月12日 10:30\n宛先: shop@example.jp\n件名: {subject}\n\n")
    }

    const SUBJECT: &str = "Microsoft の注文 #1234567890 が処理されました";
    const MICROSOFT: &str = "Microsoft <microsoft-noreply@microsoft.com>";

    /// The original as Microsoft sent it, with its headers (for attaching).
    fn original() -> MessageView {
        MessageView {
            from: mailbox("Microsoft", "microsoft-noreply@microsoft.com"),
            subject: SUBJECT.into(),
            text: ORIGINAL.into(),
            ..MessageView::default()
        }
    }

    fn judged(view: &MessageView) -> Decision {
        decide(view, &Trust::default())
    }

    #[test]
    fn inline_layers_are_peeled_to_the_innermost_original() {
        let customer = format!("見てください\n\n{}{ORIGINAL}", gmail_block(MICROSOFT, SUBJECT));
        let shop = format!(
            "--\nPC ショップ\nTEL: 03-5555-0123\n\n{}{}",
            outlook_ja_block("Customer <customer@gmail.com>", &format!("Fwd: {SUBJECT}")),
            customer
        );
        // Twice and three times nested, with `>` and `> >` quoting of the inner layers.
        let quoted = format!(
            "{}> {}",
            gmail_block("Shop <shop@example.jp>", &format!("FW: Fwd: {SUBJECT}")),
            shop.replace('\n', "\n> ")
        );
        for text in [shop, quoted] {
            let d = judged(&forward("staff@example.jp", &format!("FW: {SUBJECT}"), &text));
            assert_eq!(d.label, Label::Activation, "{:?}", d.reasons);
            assert_eq!(d.origin, Origin::Inline);
            assert_eq!(d.subject.from.unwrap().address, "microsoft-noreply@microsoft.com");
            assert_eq!(d.subject.to.unwrap().address, "taro@example.jp");
        }
    }

    #[test]
    fn attached_and_inline_layers_alternate() {
        // Inline inside attached: the attached mail is the customer's inline forward.
        let customer = MessageView {
            to: mailbox("", "shop@example.jp"),
            ..forward(
                "customer@gmail.com",
                &format!("Fwd: {SUBJECT}"),
                &format!("{}{ORIGINAL}", gmail_block(MICROSOFT, SUBJECT)),
            )
        };
        let outer = MessageView {
            attached: vec![customer.clone()],
            ..forward("shop@example.jp", "customer mail", "see attachment")
        };
        let d = judged(&outer);
        assert_eq!((d.label, d.origin), (Label::Activation, Origin::Inline));
        // Attached inside attached, and attached inside inline (the original carried along).
        let with_original = MessageView {
            attached: vec![original()],
            ..forward("customer@gmail.com", &format!("Fwd: {SUBJECT}"), "添付します")
        };
        let twice = MessageView {
            attached: vec![with_original],
            ..forward("shop@example.jp", "Fwd: customer", "")
        };
        let inline_outer = MessageView {
            attached: vec![original()],
            ..forward(
                "shop@example.jp",
                "Fwd: Fwd: order",
                &gmail_block("Customer <customer@gmail.com>", &format!("Fwd: {SUBJECT}")),
            )
        };
        for outer in [twice, inline_outer] {
            let d = judged(&outer);
            assert_eq!(
                (d.label, d.origin),
                (Label::Activation, Origin::Attached),
                "{:?}",
                d.reasons
            );
            assert_eq!(d.subject.subject, SUBJECT);
        }
    }

    #[test]
    fn forwarders_count_only_when_they_pose_as_microsoft() {
        let text = |sig: &str| format!("{sig}\n\n{}{ORIGINAL}", gmail_block(MICROSOFT, SUBJECT));
        // A rewritten subject naming Microsoft, a shop's phone number: still the original's verdict.
        let shop = forward(
            "shop@example.jp",
            "Microsoft の注文メールについて",
            &text("PC ショップ TEL: 03-5555-0123"),
        );
        assert_eq!(judged(&shop).label, Label::Activation);
        // A sender posing as Microsoft, or a subject that is the order's own: the forward is the fake.
        let posing = MessageView {
            from: mailbox("Microsoft サポート", "help@support-desk.example"),
            ..shop.clone()
        };
        let as_order = MessageView {
            subject: SUBJECT.into(),
            ..forward("someone@gmail.com", "", &text("お電話ください 050-1234-5678"))
        };
        for fake in [posing, as_order] {
            let d = judged(&fake);
            assert_eq!(d.label, Label::Suspicious, "{:?}", d.reasons);
        }
        // A fake innermost original stays a fake behind genuine forwarders.
        let fake_inner = forward(
            "staff@example.jp",
            "Fwd: Fwd: order",
            &format!(
                "{}hi\n\n{}{ORIGINAL}\nCall 0120-961-234 to cancel.",
                gmail_block("Customer <customer@gmail.com>", "Fwd: order"),
                gmail_block("Microsoft <billing@rnicrosoft.com>", SUBJECT)
            ),
        );
        assert_eq!(judged(&fake_inner).label, Label::Suspicious);
    }

    /// Quoted header blocks as mail clients write them (field guide §5): (from, subject) → block.
    const WRAPPERS: &[fn(&str, &str) -> String] = &[
        |f, s| {
            format!(
                "---------- Forwarded message ---------\nFrom: {f}\nDate: Sat, Apr 12, 2025 at 10:00 AM\nSubject: {s}\nTo: <a@example.jp>\n\n"
            )
        },
        |f, s| {
            format!(
                "---------- Forwarded message ---------\n差出人: {f}\nDate: 2025年4月12日(土) 10:00\nSubject: {s}\nTo: <a@example.jp>\n\n"
            )
        },
        |f, s| {
            format!(
                "-----Original Message-----\nFrom: {f}\nSent: Saturday, April 12, 2025 10:00 AM\nTo: a@example.jp\nSubject: {s}\n\n"
            )
        },
        |f, s| format!("差出人: {f}\n送信日時: 2025年4月12日 10:00\n宛先: a@example.jp\n件名: {s}\n\n"),
        |f, s| {
            format!(
                "Begin forwarded message:\n\nFrom: {f}\nSubject: {s}\nDate: April 12, 2025 at 10:00:00 GMT+9\nTo: a@example.jp\n\n"
            )
        },
        |f, s| {
            format!(
                "転送されたメッセージ:\n\n差出人: {f}\n件名: {s}\n日付: 2025年4月12日 10:00:00 JST\n宛先: a@example.jp\n\n"
            )
        },
        |f, s| {
            format!(
                "-------- Forwarded Message --------\nSubject: \t{s}\nDate: \tSat, 12 Apr 2025 10:00:00 +0900\nFrom: \t{f}\nTo: \ta@example.jp\n\n"
            )
        },
        |f, s| {
            format!(
                "-------- 転送メッセージ --------\n件名: {s}\n日付: Sat, 12 Apr 2025 10:00:00 +0900\n差出人: {f}\n宛先: a@example.jp\n\n"
            )
        },
    ];

    fn quoted(text: &str, prefix: &str) -> String {
        text.lines().map(|l| format!("{prefix}{l}\n")).collect()
    }

    #[test]
    fn every_forward_of_a_forward_keeps_the_originals_verdict() {
        let trial = ORIGINAL
            .replace("USD 0.00", "¥0")
            .replace("Office Home & Business 2024", "Microsoft 365 Personal")
            + "自動更新: オン\n更新日: 2026/04/12\n次回のお支払い: ¥21,300\n";
        let charge = ORIGINAL.replace("USD 0.00", "¥43,980") + "お支払い方法: Visa **1234\n";
        let fake = ORIGINAL.replace("USD 0.00", "¥39,800")
            + "キャンセルは 24 時間以内に 0120-961-234 までお電話ください。\n";
        let originals = [
            (
                "microsoft-noreply@microsoft.com",
                ORIGINAL.to_owned(),
                Label::Activation,
            ),
            ("microsoft-noreply@microsoft.com", trial, Label::Trial),
            ("microsoft-noreply@microsoft.com", charge, Label::Charge),
            ("order@rnicrosoft.com", fake, Label::Suspicious),
        ];
        let mut checked = 0;
        for (address, body, want) in &originals {
            let direct = judged(&MessageView {
                from: mailbox("Microsoft", address),
                ..forward("", SUBJECT, body)
            });
            let sender = format!("Microsoft <{address}>");
            assert_eq!(direct.label, *want, "{:?}", direct.reasons);
            for (inner, outer) in WRAPPERS.iter().flat_map(|i| WRAPPERS.iter().map(move |o| (i, o))) {
                for (quote, signature) in [
                    ("", ""),
                    ("> ", ""),
                    ("", "--\nPC ショップ\nTEL: 03-5555-0123\n"),
                    ("> > ", "Shop\nTEL: 03-5555-0123\n"),
                ] {
                    let customer = format!(
                        "見てください\n\n{}",
                        quoted(&format!("{}{body}", inner(&sender, SUBJECT)), quote)
                    );
                    let text = format!(
                        "FYI\n{signature}\n{}{customer}",
                        outer("Customer <customer@gmail.com>", &format!("Fwd: {SUBJECT}"))
                    );
                    let d = judged(&forward("shop@example.jp", &format!("FW: Fwd: {SUBJECT}"), &text));
                    let case = format!("{text}\n{:?}", d.reasons);
                    assert_eq!(d.label, *want, "{case}");
                    assert_eq!(d.origin, Origin::Inline, "{case}");
                    assert_eq!(d.order.number, direct.order.number, "{case}");
                    assert_eq!(d.order.total, direct.order.total, "{case}");
                    assert_eq!(d.order.products, direct.order.products, "{case}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, originals.len() * WRAPPERS.len() * WRAPPERS.len() * 4);
    }

    /// A forward is about its innermost original, order or not: a shop's signature with its
    /// phone number above a quoted mail that is no Microsoft order says nothing about it, and a
    /// forwarded fake outside the order template stays a fake.
    #[test]
    fn forwards_of_mails_that_are_no_order_are_judged_on_the_original() {
        let amazon = "Amazon.co.jp ご注文の確認 「Microsoft Office Home & Business 2024」";
        let amazon_body = "注文番号: 503-4418270-6652913\nMicrosoft Office Home & Business 2024\n数量: 1\n注文合計: ￥43,980\n";
        let fake = "Microsoft 365 Subscription Renewal Confirmation";
        let fake_body = "Your Microsoft 365 Family subscription has been renewed.\nInvoice ID: MS-865999\n\
            Amount charged: $449.00\nIf you did not request this renewal, reply with CANCEL.\n";
        let cases = [
            (
                "Amazon.co.jp <auto-confirm@amazon.co.jp>",
                amazon,
                amazon_body,
                Label::Unrelated,
            ),
            (
                "\"Your Order #865999\" <kellie@hotmail.com>",
                fake,
                fake_body,
                Label::Suspicious,
            ),
        ];
        for (from, subject, body, want) in cases {
            for wrap in WRAPPERS {
                let customer = format!("見てください\n\n{}{body}", wrap(from, subject));
                let shop = format!(
                    "--\nPC ショップ\nTEL: 03-5555-0123\n\n{}{customer}",
                    gmail_block("Customer <customer@gmail.com>", &format!("Fwd: {subject}"))
                );
                for text in [customer, shop] {
                    let d = judged(&forward("shop@example.jp", &format!("FW: {subject}"), &text));
                    assert_eq!(
                        (d.label, d.origin),
                        (want, Origin::Inline),
                        "{text}\n{:?}",
                        d.reasons
                    );
                    assert_eq!(d.subject.subject, subject);
                }
            }
        }
    }

    /// A bounce returns the message it attaches rather than forwarding it: the report is judged.
    #[test]
    fn a_bounce_is_no_forward() {
        let returned = MessageView {
            from: mailbox("Microsoft サポート", "help@support-desk.example"),
            subject: "Microsoft 365 の請求".into(),
            text: "お支払いが失敗しました。0120-961-234 までお電話ください。".into(),
            ..MessageView::default()
        };
        assert_eq!(judged(&returned).label, Label::Suspicious);
        let bounce = |from: &str, content_type: &str| MessageView {
            attached: vec![returned.clone()],
            attachments: vec![crate::view::Attachment {
                name: String::new(),
                content_type: content_type.into(),
            }],
            ..forward(
                from,
                "Undelivered Mail Returned to Sender",
                "The mail could not be delivered.",
            )
        };
        for b in [
            bounce("MAILER-DAEMON@mail.example.jp", "text/plain"),
            bounce("no-reply@dion.example.jp", "message/delivery-status"),
        ] {
            let d = judged(&b);
            assert_eq!(
                (d.label, d.origin),
                (Label::Unrelated, Origin::Direct),
                "{:?}",
                d.reasons
            );
        }
        // The same attachment from a person is a forward.
        let d = judged(&bounce("taro@example.jp", "text/plain"));
        assert_eq!((d.label, d.origin), (Label::Suspicious, Origin::Attached));
    }

    #[test]
    fn peeling_stops_after_a_bounded_number_of_layers() {
        let mut text = format!("{}{ORIGINAL}", gmail_block(MICROSOFT, SUBJECT));
        for _ in 0..MAX_LAYERS + 4 {
            text = format!("{}{text}", gmail_block("a@example.jp", "Fwd: x"));
        }
        // Too deep to reach the original: judged on what is reachable, and nothing panics.
        let d = judged(&forward("b@example.jp", "Fwd: x", &text));
        assert_ne!(d.label, Label::Activation);
    }
}
