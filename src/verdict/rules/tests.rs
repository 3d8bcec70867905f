//! Each rule tested on signals, not mails: a case it fires on, and a neighbouring case (one
//! signal changed) that goes to another rule.

use super::*;
use crate::order::Template;
use crate::verdict::signals::{Content, Later, Seen, Sender};

/// A genuine digital-attach notice: Microsoft's order address and template, zero now, an
/// Office edition, no payment method.
fn genuine() -> Signals {
    Signals {
        subject: "Microsoft の注文 #1234567890 が処理されました".into(),
        sender: Sender {
            address: "microsoft-noreply@microsoft.com".into(),
            order_sender: true,
            microsoft_domain: true,
            claims_microsoft: true,
            names_brand: true,
        },
        auth: AuthStatus::Pass,
        content: None,
        template: Some(Template::JaOrder),
        order_fields: true,
        now: Now::Zero("USD 0.00".into()),
        later: None,
        product: ProductKind::PerpetualOffice,
        products: "Office Home & Business 2024".into(),
        payment: None,
        gift_card: None,
        signs: Vec::new(),
        context: Vec::new(),
    }
}

/// A mail outside the order form whose sender's name claims Microsoft, from elsewhere, with
/// nothing else found.
fn notice() -> Signals {
    Signals {
        subject: "Microsoft アカウントのお知らせ".into(),
        sender: Sender {
            address: "help@support-desk.example".into(),
            microsoft_domain: false,
            order_sender: false,
            ..genuine().sender
        },
        auth: AuthStatus::None,
        template: None,
        order_fields: false,
        now: Now::Unread,
        product: ProductKind::Other,
        products: String::new(),
        content: Some(Content {
            claims_microsoft: true,
            billing: false,
        }),
        ..genuine()
    }
}

/// `s` with a body that speaks of billing.
fn billed(s: Signals) -> Signals {
    let content = s.content.clone().map(|c| Content { billing: true, ..c });
    Signals { content, ..s }
}

fn with(s: Signals, signs: &[Sign]) -> Signals {
    let signs = signs
        .iter()
        .map(|&sign| Seen {
            sign,
            evidence: String::new(),
        })
        .collect();
    Signals { signs, ..s }
}

fn fired(s: &Signals) -> &'static str {
    first_match(s).name
}

fn sender(s: Signals, f: impl FnOnce(&mut Sender)) -> Signals {
    let mut s = s;
    f(&mut s.sender);
    s
}

/// Headers that don't claim Microsoft, a body that does.
fn body_only(s: Signals) -> Signals {
    sender(s, |m| {
        m.claims_microsoft = false;
        m.names_brand = false;
    })
}

fn zero_with_later() -> Signals {
    Signals {
        later: Some(Later::Price("JPY 21300".into())),
        ..genuine()
    }
}

macro_rules! rule_tests {
    ($($module:ident: $rule:literal fires on $case:expr; not on $near:expr => $other:literal;)*) => {
        $(mod $module {
            use super::*;

            #[test]
            fn fires() {
                assert_eq!(fired(&$case), $rule);
            }

            #[test]
            fn a_neighbouring_case_goes_to_another_rule() {
                assert_eq!(fired(&$near), $other);
            }
        })*

        #[test]
        fn every_rule_has_its_tests() {
            let tested = [$($rule),*];
            assert_eq!(tested.len(), RULES.len());
            for rule in RULES {
                assert!(tested.contains(&rule.name), "{}", rule.name);
            }
        }
    };
}

rule_tests! {
    impersonation: "impersonation"
        fires on with(notice(), &[Sign::DisplayNameClaimsMicrosoft]);
        // The same finding without a claim in the headers is no pose.
        not on with(body_only(notice()), &[Sign::DisplayNameClaimsMicrosoft]) => "not-an-order";
    posing_tenant: "posing-tenant"
        fires on with(notice(), &[Sign::OnmicrosoftTenant]);
        // A tenant whose name and subject don't say Microsoft: an ordinary tenant's notice.
        not on with(sender(notice(), |m| m.names_brand = false), &[Sign::OnmicrosoftTenant])
            => "not-an-order";
    disguised_brand: "disguised-brand"
        fires on with(body_only(notice()), &[Sign::HiddenCharacters]);
        // No claim of Microsoft anywhere: out of scope.
        not on Signals { content: Some(Content::default()), ..with(body_only(notice()), &[Sign::HiddenCharacters]) }
            => "not-an-order";
    foreign_bill: "foreign-bill"
        fires on billed(with(notice(), &[Sign::FreemailSender]));
        // Microsoft's own invoice notices speak of billing too.
        not on billed(with(sender(notice(), |m| m.microsoft_domain = true), &[Sign::ReplyToForeign]))
            => "not-an-order";
    forged_microsoft: "forged-microsoft"
        fires on Signals {
            auth: AuthStatus::Fail,
            ..with(sender(notice(), |m| m.microsoft_domain = true), &[Sign::SenderUnusual])
        };
        not on with(sender(notice(), |m| m.microsoft_domain = true), &[Sign::SenderUnusual])
            => "not-an-order";
    callback_scam: "callback-scam"
        fires on with(body_only(notice()), &[Sign::PhoneNumber, Sign::CallbackWording]);
        // A phone number alone, with no bill and no call to action: a shop's signature.
        not on with(body_only(notice()), &[Sign::PhoneNumber]) => "not-an-order";
    not_an_order: "not-an-order"
        fires on notice();
        // Microsoft's order subject from elsewhere is an order posed by a stranger.
        not on Signals { template: Some(Template::JaOrder), ..notice() } => "fake-sender";
    fake_sender: "fake-sender"
        fires on sender(genuine(), |m| m.order_sender = false);
        not on genuine() => "digital-attach";
    total_unread: "total-unread"
        fires on Signals { now: Now::Unread, ..genuine() };
        not on genuine() => "digital-attach";
    charged_now: "charged-now"
        // A plan paid today that renews is a charge.
        fires on Signals { now: Now::Charged("JPY 2130".into()), ..zero_with_later() };
        not on zero_with_later() => "charges-later";
    charges_later: "charges-later"
        fires on zero_with_later();
        not on genuine() => "digital-attach";
    digital_attach: "digital-attach"
        fires on genuine();
        not on Signals { product: ProductKind::Other, ..genuine() } => "free-item";
    free_item: "free-item"
        fires on Signals { product: ProductKind::Other, products: "Solitaire".into(), ..genuine() };
        not on Signals {
            product: ProductKind::Subscription,
            later: Some(Later::Subscription("Microsoft 365 Personal".into())),
            ..genuine()
        } => "charges-later";
}

#[test]
fn names_are_unique_kebab_case() {
    for (i, rule) in RULES.iter().enumerate() {
        assert!(RULES[..i].iter().all(|r| r.name != rule.name), "{}", rule.name);
        assert!(rule.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'));
    }
}

/// "Your purchase of … has been processed" is anyone's wording: an order only from a sender
/// claiming Microsoft or from Microsoft's order address.
#[test]
fn a_purchase_subject_is_an_order_only_when_it_claims_microsoft() {
    let purchase = Signals {
        template: Some(Template::Purchase),
        ..notice()
    };
    assert_eq!(fired(&purchase), "fake-sender");
    let stranger = sender(purchase, |m| m.claims_microsoft = false);
    assert_eq!(fired(&body_only(stranger)), "not-an-order");
}

/// Any sign of a fake, or a failed sender check, makes Microsoft's address no proof.
#[test]
fn a_genuine_order_needs_a_clean_sender() {
    for s in [
        with(genuine(), &[Sign::Urgency]),
        Signals {
            auth: AuthStatus::Fail,
            ..genuine()
        },
    ] {
        assert_eq!(fired(&s), "fake-sender");
    }
    let inline = Signals {
        auth: AuthStatus::None,
        ..genuine()
    };
    assert_eq!(fired(&inline), "digital-attach");
}

fn because(s: &Signals) -> Vec<ReasonId> {
    (first_match(s).because)(s).iter().map(|r| r.id).collect()
}

#[test]
fn a_fake_sender_is_named_only_when_nothing_else_was_found() {
    let plain = sender(genuine(), |m| m.order_sender = false);
    assert_eq!(
        because(&plain),
        [ReasonId::OrderTemplate, ReasonId::SenderNotMicrosoft]
    );
    assert_eq!(
        because(&with(plain, &[Sign::FreemailSender])),
        [ReasonId::OrderTemplate]
    );
}

#[test]
fn a_genuine_order_tells_what_it_costs() {
    use ReasonId::*;
    assert_eq!(
        because(&genuine()),
        [OrderTemplate, TotalZero, PerpetualOffice, NoPaymentInstrument]
    );
    let paid = Signals {
        now: Now::Charged("JPY 5000".into()),
        payment: Some("Visa **1234".into()),
        gift_card: Some("Xbox ギフトカード".into()),
        ..genuine()
    };
    assert_eq!(
        because(&paid),
        [OrderTemplate, PaymentInstrument, TotalPositive, GiftCard]
    );
    assert_eq!(
        because(&zero_with_later()),
        [OrderTemplate, TotalZero, RenewalTerms]
    );
    assert_eq!(because(&notice()), [NotOrder]);
    assert!(because(&with(notice(), &[Sign::LookalikeDomain])).is_empty());
}
