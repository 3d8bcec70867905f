//! What the verdict reads, as typed values built once per decision from the order, the
//! authenticity result and the forwarders around the judged message. The analysis reports
//! findings as reason ids with evidence; this file is the one place that turns them into signs
//! the rules can name, so no rule depends on how a reason is shown to people.

use crate::auth::{AuthStatus, Authenticity};
use crate::order::{self, Amount, Order, ProductKind, Template};
use crate::reason::{Reason, ReasonId};
use crate::scope;
use crate::takeover;
use crate::view::{Mailbox, MessageView};

/// Declares [`Sign`] and its conversions from one table: each sign is named after the finding
/// (reason id) it stands for, so the mapping is checked by the compiler in both directions.
macro_rules! signs {
    ($($sign:ident: $doc:literal;)*) => {
        /// A sign that the mail is not what it claims to be, found on the judged message or on
        /// a forwarder around it that poses as Microsoft.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Sign { $(#[doc = $doc] $sign),* }

        /// The sign a finding stands for; `None` for findings that are context for people
        /// (checks passed, missing authentication, how the mail was forwarded).
        fn sign_of(id: ReasonId) -> Option<Sign> {
            match id {
                $(ReasonId::$sign => Some(Sign::$sign),)*
                _ => None,
            }
        }

        /// The finding a sign is shown as.
        fn id_of(sign: Sign) -> ReasonId {
            match sign { $(Sign::$sign => ReasonId::$sign),* }
        }
    };
}

signs! {
    SenderUnusual: "A Microsoft domain, but not the address order mails come from.";
    SenderNotMicrosoft: "Looks like Microsoft's order or bill, sent by someone else.";
    DisplayNameClaimsMicrosoft: "The display name claims Microsoft; the address is not Microsoft's.";
    FreemailSender: "Sent from free mail.";
    LookalikeDomain: "A domain imitating Microsoft's.";
    OnmicrosoftTenant: "Sent from an onmicrosoft.com tenant.";
    ReplyToForeign: "Replies or bounces go elsewhere.";
    AuthFail: "The trusted sender check failed.";
    HiddenCharacters: "Invisible characters inside words.";
    ConfusableLetters: "Letters of other scripts imitating Latin ones.";
    PhoneNumber: "A phone number to call.";
    CallbackWording: "Urging a call to cancel or get a refund.";
    Urgency: "Pressing to act within hours.";
    BusinessQuantity: "A business-sized quantity of licences.";
    ForeignLink: "Links to hosts that are not Microsoft's.";
    LinkTextMismatch: "A link whose text names another host.";
    InvoiceAttachment: "An invoice or document attached.";
}

/// A sign with the header or text it was found in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    /// What was found.
    pub sign: Sign,
    /// Where, for people.
    pub evidence: String,
}

/// The signs of a fake among an analysis' findings, in the order found.
pub fn signs_in(findings: &[Reason]) -> Vec<Seen> {
    findings
        .iter()
        .filter_map(|r| {
            sign_of(r.id).map(|sign| Seen {
                sign,
                evidence: r.evidence.clone(),
            })
        })
        .collect()
}

/// Who the judged message says it is from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sender {
    /// The From address, for people.
    pub address: String,
    /// It is the address Microsoft sends order mails from.
    pub order_sender: bool,
    /// It is on one of Microsoft's own domains, or is Microsoft's mail system.
    pub microsoft_domain: bool,
    /// The sender or the subject claims Microsoft ([`scope::header_claim`]).
    pub claims_microsoft: bool,
    /// The subject or the display name names a Microsoft brand.
    pub names_brand: bool,
}

/// What the order charges now, with the amount as shown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Now {
    /// No total could be read.
    #[default]
    Unread,
    /// Nothing.
    Zero(String),
    /// An amount above zero.
    Charged(String),
}

/// Why an order will charge later, with the text that says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Later {
    /// A line of renewal terms.
    Renewal(String),
    /// A later price (plan, renewal, next payment).
    Price(String),
    /// The products, when one is a subscription.
    Subscription(String),
}

impl Later {
    fn evidence(&self) -> &str {
        match self {
            Later::Renewal(s) | Later::Price(s) | Later::Subscription(s) => s,
        }
    }
}

/// What the body of a mail outside Microsoft's order form says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Content {
    /// The body names a Microsoft brand and the sender does not say it is someone else.
    pub claims_microsoft: bool,
    /// The subject or body speaks of billing.
    pub billing: bool,
}

/// Everything the verdict rules read about one judged message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signals {
    /// The judged message's subject, for people.
    pub subject: String,
    /// Its sender.
    pub sender: Sender,
    /// The trusted authentication result.
    pub auth: AuthStatus,
    /// What the body says, read only for mail outside Microsoft's order form (an order's body
    /// is read by the order extraction): `None` for an order.
    pub content: Option<Content>,
    /// The order subject template it follows, if any.
    pub template: Option<Template>,
    /// The body has order fields (an order-number label).
    pub order_fields: bool,
    /// What the order charges now.
    pub now: Now,
    /// Why it will charge later, if it will.
    pub later: Option<Later>,
    /// What kind of order it is.
    pub product: ProductKind,
    /// The products as written, for people.
    pub products: String,
    /// The payment method as written.
    pub payment: Option<String>,
    /// A product that is a gift card.
    pub gift_card: Option<String>,
    /// Signs of a fake, on the judged message and then on the forwarders posing as Microsoft.
    pub signs: Vec<Seen>,
    /// The other findings (checks passed, context), in the order found: for people only.
    pub context: Vec<Reason>,
}

impl Signals {
    /// The signals of `view`, holding `order`, judged as `auth`; `carried` are the signs of the
    /// forwarders around it that pose as Microsoft.
    pub fn build(view: &MessageView, order: &Order, auth: &Authenticity, carried: Vec<Seen>) -> Signals {
        let mut signs = signs_in(&auth.reasons);
        for seen in carried {
            // The first evidence of a sign is the one shown.
            if !signs.iter().any(|s| s.sign == seen.sign) {
                signs.push(seen);
            }
        }
        let display_name = view.from.as_ref().map_or("", |m| m.name.as_str());
        let kind = order.kind();
        let products = order.products.join(", ");
        let later = order
            .renewal
            .clone()
            .map(Later::Renewal)
            .or_else(|| order.later.as_ref().map(|a| Later::Price(a.shown())))
            .or_else(|| (kind == ProductKind::Subscription).then(|| Later::Subscription(products.clone())));
        let mut signals = Signals {
            subject: view.subject.clone(),
            sender: Sender {
                address: view.from.as_ref().map(|m| m.address.clone()).unwrap_or_default(),
                order_sender: auth.microsoft_sender,
                microsoft_domain: auth.microsoft_domain,
                claims_microsoft: auth.claims_microsoft,
                names_brand: scope::mentions_brand(&view.subject) || scope::mentions_brand(display_name),
            },
            auth: auth.status,
            content: None,
            template: order.template,
            order_fields: order.has_order_fields,
            now: now(order.total.as_ref()),
            later,
            product: kind,
            products,
            payment: order.payment.clone(),
            gift_card: order.products.iter().find(|p| takeover::is_gift_card(p)).cloned(),
            signs,
            context: auth
                .reasons
                .iter()
                .filter(|r| sign_of(r.id).is_none())
                .cloned()
                .collect(),
        };
        if !signals.in_order_form() {
            signals.content = Some(Content {
                claims_microsoft: body_claim_of(view),
                billing: order::speaks_of_billing(&view.folded_subject())
                    || order::speaks_of_billing(&view.folded_body()),
            });
        }
        signals
    }

    /// It follows Microsoft's order form: Microsoft's order subject, or its purchase or renewal
    /// subject from a sender claiming Microsoft, or order fields from Microsoft's order address.
    pub fn in_order_form(&self) -> bool {
        let microsoft_template = match self.template {
            Some(Template::JaOrder | Template::EnOrder) => true,
            // "Your purchase of … has been processed" is common wording; only Microsoft's counts.
            Some(Template::Purchase | Template::Renewal) => {
                self.sender.order_sender || self.sender.claims_microsoft
            }
            None => false,
        };
        microsoft_template || (self.order_fields && self.sender.order_sender)
    }

    /// Whether `sign` was found.
    pub fn has(&self, sign: Sign) -> bool {
        self.signs.iter().any(|s| s.sign == sign)
    }

    /// Whether any sign of a fake was found.
    pub fn warned(&self) -> bool {
        !self.signs.is_empty()
    }

    /// The analysis' findings for people: context, then the signs, in the order found.
    pub fn findings(&self) -> impl Iterator<Item = Reason> + '_ {
        let signs = self.signs.iter().map(|s| Reason {
            id: id_of(s.sign),
            evidence: s.evidence.clone(),
        });
        self.context.iter().cloned().chain(signs)
    }

    /// What the later charge rests on, for people.
    pub fn later_evidence(&self) -> &str {
        self.later.as_ref().map_or("", Later::evidence)
    }
}

fn now(total: Option<&Amount>) -> Now {
    match total {
        None => Now::Unread,
        Some(t) if t.is_zero() => Now::Zero(t.shown()),
        Some(t) => Now::Charged(t.shown()),
    }
}

/// Whether a message claims Microsoft by the scope rule (the quoted sender of an inline
/// original), in its headers or else its body: the body is read only when the headers don't.
pub fn claims_microsoft(view: &MessageView) -> bool {
    scope::header_claim(sender_of(view), &view.subject) || body_claim_of(view)
}

/// The body's claim alone, for a reader that needs no more (the scope rule's [`scope::body_claim`]).
pub(super) fn body_claim_of(view: &MessageView) -> bool {
    scope::body_claim(sender_of(view), &[&view.folded_text(), &view.folded_html()])
}

/// The sender the scope rule reads: From, else the quoted sender of an inline original.
fn sender_of(view: &MessageView) -> Option<&Mailbox> {
    view.from.as_ref().or(view.quoted.as_ref().map(|q| &q.from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sign_reads_back_as_its_finding() {
        for &id in ReasonId::ALL {
            if let Some(sign) = sign_of(id) {
                assert_eq!(id_of(sign), id);
            }
        }
        assert_eq!(sign_of(ReasonId::PhoneNumber), Some(Sign::PhoneNumber));
        assert_eq!(sign_of(ReasonId::AuthPass), None);
        assert_eq!(sign_of(ReasonId::TotalPositive), None);
    }

    #[test]
    fn findings_split_into_signs_and_context_in_the_order_found() {
        let auth = Authenticity {
            reasons: vec![
                Reason::new(ReasonId::AuthMissing, ""),
                Reason::new(ReasonId::PhoneNumber, "0120-961-234"),
                Reason::new(ReasonId::Urgency, "24 時間以内"),
            ],
            ..Authenticity::default()
        };
        let carried = vec![
            Seen {
                sign: Sign::PhoneNumber,
                evidence: "03-5555-0123".into(),
            },
            Seen {
                sign: Sign::DisplayNameClaimsMicrosoft,
                evidence: "Microsoft".into(),
            },
        ];
        let s = Signals::build(&MessageView::default(), &Order::default(), &auth, carried);
        let ids: Vec<_> = s.signs.iter().map(|s| s.sign).collect();
        assert_eq!(
            ids,
            [Sign::PhoneNumber, Sign::Urgency, Sign::DisplayNameClaimsMicrosoft]
        );
        assert_eq!(s.signs[0].evidence, "0120-961-234");
        let shown: Vec<_> = s.findings().map(|r| r.id).collect();
        assert_eq!(
            shown,
            [
                ReasonId::AuthMissing,
                ReasonId::PhoneNumber,
                ReasonId::Urgency,
                ReasonId::DisplayNameClaimsMicrosoft
            ]
        );
    }

    /// The body is read for the rules on mail outside the order form only.
    #[test]
    fn the_body_is_read_outside_the_order_form_only() {
        let view = MessageView {
            subject: "Microsoft の注文 #1234567890 が処理されました".into(),
            text: "Microsoft 365 のご請求".into(),
            ..MessageView::default()
        };
        let order = Order {
            template: Some(Template::JaOrder),
            ..Order::default()
        };
        let auth = Authenticity::default();
        assert_eq!(Signals::build(&view, &order, &auth, Vec::new()).content, None);
        let s = Signals::build(&view, &Order::default(), &auth, Vec::new());
        assert_eq!(
            s.content,
            Some(Content {
                claims_microsoft: true,
                billing: true
            })
        );
    }

    #[test]
    fn the_later_charge_rests_on_renewal_terms_then_a_price_then_a_subscription() {
        let amount = |v: &str| Amount {
            value: v.into(),
            currency: Some("JPY".into()),
        };
        let order = Order {
            products: vec!["Microsoft 365 Personal".into()],
            total: Some(amount("0")),
            later: Some(amount("21300")),
            renewal: Some("自動更新: オン".into()),
            ..Order::default()
        };
        let build =
            |o: &Order| Signals::build(&MessageView::default(), o, &Authenticity::default(), Vec::new());
        let s = build(&order);
        assert_eq!(s.now, Now::Zero("JPY 0".into()));
        assert_eq!(s.later, Some(Later::Renewal("自動更新: オン".into())));
        let s = build(&Order {
            renewal: None,
            ..order.clone()
        });
        assert_eq!(s.later, Some(Later::Price("JPY 21300".into())));
        let s = build(&Order {
            renewal: None,
            later: None,
            ..order.clone()
        });
        assert_eq!(
            s.later,
            Some(Later::Subscription("Microsoft 365 Personal".into()))
        );
        let s = build(&Order {
            products: vec!["Office Home 2024".into()],
            total: Some(amount("43980")),
            renewal: None,
            later: None,
            ..order
        });
        assert_eq!((s.now, s.later), (Now::Charged("JPY 43980".into()), None));
    }
}
