//! Which message a verdict is about: the mail itself, an attached original or an inline-quoted
//! one, found by peeling forwards (field guide §5); delivery reports are not forwards.

use std::borrow::Cow;
use std::cell::{OnceCell, Ref, RefCell};

use super::Origin;
use super::signals::{Seen, body_claim_of, claims_microsoft, signs_in};
use crate::auth::{self, Authenticity, Trust};
use crate::forward;
use crate::order::{self, Order, Template};
use crate::scope;
use crate::view::{Attachment, Link, Mailbox, MessageView};

/// The message a verdict is about, found by peeling forwards.
pub(super) struct Picked<'a> {
    /// The message judged.
    pub subject: Cow<'a, MessageView>,
    /// Where it came from.
    pub origin: Origin,
    /// Its order fields.
    pub order: Order,
    /// Its authenticity.
    pub authenticity: Authenticity,
    /// Signs of a fake on the forwarders around it that pose as Microsoft, outermost first.
    pub carried: Vec<Seen>,
}

/// Forward layers peeled at most: each costs a copy of the body, and no real forward chain is
/// this deep.
const MAX_LAYERS: usize = 8;

/// A message met while peeling, with what the peeling learns about it made on first use and
/// kept: the layers are walked twice (for an order, then for the innermost original), and both
/// walks and the verdict ask the same layer for its quoted original, its order fields and its
/// authenticity, each costly on a long body.
struct Layer<'a> {
    /// The message; an inline original's links and attachments are filled in only once read
    /// (see [`Layer::links`]), hence the cell.
    view: RefCell<Cow<'a, MessageView>>,
    origin: Origin,
    /// The links the view's HTML gives ([`forward::outer_html_links`]), which its inline
    /// original's are cut from; given with an inline original.
    html_links: OnceCell<&'a [Link]>,
    /// The view's attachments, as the mail read or an attached message holds them: an inline
    /// original carries those of the forward it is quoted in.
    attachments: &'a [Attachment],
    /// Set once the view holds its links and attachments: an inline original is made without
    /// them, since only the few layers judged or picked read them (a delivery report's parts
    /// count only for a layer that attaches messages, which an inline original never does), and
    /// the peeling goes on from `html_links`.
    linked: OnceCell<()>,
    attached: OnceCell<Vec<Layer<'a>>>,
    inline: OnceCell<Option<Box<Layer<'a>>>>,
    template: OnceCell<Option<Template>>,
    order: OnceCell<Order>,
    authenticity: OnceCell<Authenticity>,
}

impl<'a> Layer<'a> {
    /// A message with its links.
    fn new(view: &'a MessageView, origin: Origin) -> Layer<'a> {
        let layer = Layer::bare(Cow::Borrowed(view), origin, OnceCell::new(), &view.attachments);
        let _ = layer.linked.set(());
        layer
    }

    /// An inline original, without its links and the `attachments` it carries: made with the
    /// HTML links they come from, so [`Layer::links`] can always fill them in.
    fn without_links(view: MessageView, html_links: &'a [Link], attachments: &'a [Attachment]) -> Layer<'a> {
        Layer::bare(
            Cow::Owned(view),
            Origin::Inline,
            OnceCell::from(html_links),
            attachments,
        )
    }

    fn bare(
        view: Cow<'a, MessageView>,
        origin: Origin,
        html_links: OnceCell<&'a [Link]>,
        attachments: &'a [Attachment],
    ) -> Layer<'a> {
        Layer {
            view: RefCell::new(view),
            origin,
            html_links,
            attachments,
            linked: OnceCell::new(),
            attached: OnceCell::new(),
            inline: OnceCell::new(),
            template: OnceCell::new(),
            order: OnceCell::new(),
            authenticity: OnceCell::new(),
        }
    }

    /// The message, for reading: its links only after [`Layer::links`].
    fn view(&self) -> Ref<'_, Cow<'a, MessageView>> {
        self.view.borrow()
    }

    /// Fill in the view's links and attachments, where they were left out.
    fn links(&self) {
        self.linked.get_or_init(|| {
            let html_links = self.html_links.get().copied().unwrap_or_default();
            let mut view = self.view.borrow_mut();
            let links = forward::links_of(html_links, &view.text);
            let view = view.to_mut();
            view.links = links;
            view.attachments = self.attachments.to_vec();
        });
    }

    /// The messages attached to it.
    fn attached(&self) -> &[Layer<'a>] {
        self.attached.get_or_init(|| match &*self.view() {
            Cow::Borrowed(view) => {
                let view: &'a MessageView = view;
                view.attached
                    .iter()
                    .map(|inner| Layer::new(inner, Origin::Attached))
                    .collect()
            }
            // The only view owned here is an inline original, rebuilt from text: it attaches
            // nothing.
            Cow::Owned(_) => Vec::new(),
        })
    }

    /// The original it quotes inline, if any.
    fn inline(&self) -> Option<&Layer<'a>> {
        self.inline
            .get_or_init(|| {
                let view = self.view();
                let html_links = *self.html_links.get_or_init(|| match &*view {
                    Cow::Borrowed(view) => forward::outer_html_links(view),
                    // Never reached: the only view owned here is an inline original, made with
                    // its HTML's links (Layer::without_links).
                    Cow::Owned(_) => &[],
                });
                let (original, html_links) = forward::peel_inline(&view, html_links)?;
                Some(Box::new(Layer::without_links(
                    original,
                    html_links,
                    self.attachments,
                )))
            })
            .as_deref()
    }

    /// Its order fields, order or not.
    fn order(&self) -> &Order {
        self.order.get_or_init(|| order::extract(&self.view()))
    }

    /// The template of Microsoft's order mails it is written in: its order's, where that was
    /// read, else found without reading the order.
    fn template(&self) -> Option<Template> {
        *self.template.get_or_init(|| match self.order.get() {
            Some(order) => order.template,
            None => order::template_of(&self.view()),
        })
    }

    /// Any rule but the scope's could fire on it: it is in a template of Microsoft's order
    /// mails, comes from their address, or claims Microsoft in its sender, subject or body.
    /// Every other rule asks one of these ([`super::rules`]).
    fn may_be_an_order_or_a_fake(&self) -> bool {
        let view = self.view();
        self.template().is_some()
            || auth::from_order_sender(&view)
            || auth::headers_claim(&view)
            || body_claim_of(&view)
    }

    /// Its authenticity; an inline original's headers are gone.
    fn authenticity(&self, trust: &Trust) -> &Authenticity {
        self.authenticity.get_or_init(|| {
            self.links();
            auth::judge(&self.view(), self.origin == Origin::Inline, trust)
        })
    }

    /// It looks like an order at all: Microsoft's template, or order fields in a mail the scope
    /// rule says claims Microsoft.
    fn holds_order(&self) -> bool {
        self.template().is_some() || (claims_microsoft(&self.view()) && self.order().has_order_fields)
    }

    /// The message itself, links and all, taken out of the layer (still lent where it was: a
    /// lent view has its links).
    fn take(&self) -> Cow<'a, MessageView> {
        self.links();
        self.view.replace(Cow::Owned(MessageView::default()))
    }
}

/// The verdict is about the innermost original of a forward (field guide §5), order or not:
/// the people in between are forwarders. An order mail inside a forward wins over the forward
/// itself, whose subject (`Fwd: Microsoft の注文 …`) would otherwise look like a Microsoft order
/// sent by a stranger; in a forward of a forward, the innermost order mail wins over the
/// forwarders in between. With no order anywhere, the innermost original is judged, unless a
/// forwarder on the way poses as Microsoft: then that "forward" is the fake and is judged itself.
pub(super) fn pick_subject<'a>(outer: &'a MessageView, trust: &Trust) -> Picked<'a> {
    let outer = Layer::new(outer, Origin::Direct);
    let peeling = Peeling {
        trust,
        claims: RefCell::default(),
    };
    let (picked, carried) = match innermost_order(&outer, &peeling, 0) {
        Some((picked, carried)) => (picked, behind(&outer, carried, &peeling)),
        None => (innermost_original(&outer, &peeling), Vec::new()),
    };
    // A message no rule but the scope's could fire on is `unrelated` whatever its order fields
    // and findings: neither is read, and its record says what a skipped one's does.
    let (order, authenticity) = if carried.is_empty() && !picked.may_be_an_order_or_a_fake() {
        let status_only = auth::status_only(&picked.view(), picked.origin == Origin::Inline, trust);
        (Order::default(), status_only)
    } else {
        (picked.order().clone(), picked.authenticity(trust).clone())
    };
    Picked {
        // Taken once read, so it keeps the folded forms made for the reading.
        subject: picked.take(),
        origin: picked.origin,
        order,
        authenticity,
        carried,
    }
}

/// The next layer down when `layer` forwards a message: an attached one (unless it is a
/// delivery report returning it), else an inline-quoted original.
fn forwarded_layer<'t, 'a>(layer: &'t Layer<'a>) -> Option<&'t Layer<'a>> {
    if !is_delivery_report(&layer.view())
        && let Some(inner) = layer.attached().first()
    {
        return Some(inner);
    }
    layer.inline()
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
fn innermost_original<'t, 'a>(outer: &'t Layer<'a>, peeling: &Peeling) -> &'t Layer<'a> {
    let mut current = outer;
    for _ in 0..MAX_LAYERS {
        if !posing_warnings(current, peeling).is_empty() {
            break;
        }
        match forwarded_layer(current) {
            Some(next) => current = next,
            None => break,
        }
    }
    current
}

/// What one peeling asks of every forwarder, with the answers that repeat kept: a reply chain
/// quotes the same few senders layer after layer.
struct Peeling<'t> {
    trust: &'t Trust,
    /// [`scope::sender_claim`] of each sender asked about.
    claims: RefCell<Vec<(Option<Mailbox>, bool)>>,
}

impl Peeling<'_> {
    /// [`scope::sender_claim`], asked once per sender.
    fn sender_claim(&self, from: Option<&Mailbox>) -> bool {
        let mut claims = self.claims.borrow_mut();
        if let Some((_, claim)) = claims.iter().find(|(seen, _)| seen.as_ref() == from) {
            return *claim;
        }
        let claim = scope::sender_claim(from);
        // A few are kept: a mail attaching many messages must not make the lookup quadratic.
        if claims.len() < MAX_LAYERS {
            claims.push((from.cloned(), claim));
        }
        claim
    }
}

/// The warnings `carried` from inside `forwarder`, seen through it: its own (if it poses as
/// Microsoft) go first.
fn behind(forwarder: &Layer, mut carried: Vec<Seen>, peeling: &Peeling) -> Vec<Seen> {
    let mut warnings = posing_warnings(forwarder, peeling);
    warnings.append(&mut carried);
    warnings
}

/// The innermost order mail inside `view`, with the warnings of the forwarders on the way: each
/// attached message, then the inline-quoted original, is peeled again before it is taken itself,
/// so attached and inline layers nest in any order. `None` when no layer holds an order.
fn innermost_order<'t, 'a>(
    view: &'t Layer<'a>,
    peeling: &Peeling,
    depth: usize,
) -> Option<(&'t Layer<'a>, Vec<Seen>)> {
    if depth >= MAX_LAYERS {
        return None;
    }
    let inline = std::iter::once_with(|| view.inline()).flatten();
    for layer in view.attached().iter().chain(inline) {
        if let Some((deeper, carried)) = innermost_order(layer, peeling, depth + 1) {
            return Some((deeper, behind(layer, carried, peeling)));
        }
        // A layer quoting an original inline is a forwarder: the order fields and brand words
        // in its body are the quote's, and the quote was no order. Asked first: the peeling
        // above has mostly found the quote already, and order fields cost more to read.
        if layer.inline().is_none() && layer.holds_order() {
            return Some((layer, Vec::new()));
        }
    }
    None
}

/// A forwarder's signs of a fake, when it poses as Microsoft: a "forward" whose sender claims to be
/// Microsoft (display name, look-alike domain) or whose subject is Microsoft's order subject
/// itself is the fake, so its warnings count. A forwarder that is plainly someone else (a
/// customer, a shop with its phone number in its signature, a subject rewritten to ask about the
/// mail) says nothing about the original: nothing is carried.
fn posing_warnings(forwarder: &Layer, peeling: &Peeling) -> Vec<Seen> {
    let poses = {
        let view = forwarder.view();
        // Judged in full only once it poses: most forwarders are plainly someone else. It poses by
        // the sender's own claim (the scope rule on the From header with no subject) or by its
        // subject.
        !auth::from_order_sender(&view)
            && (peeling.sender_claim(view.from.as_ref())
                || !marks_a_forward(&view.folded_subject()) && order::match_template(&view.subject).is_some())
    };
    if !poses {
        return Vec::new();
    }
    signs_in(&forwarder.authenticity(peeling.trust).reasons)
}

/// A forward or reply prefix anywhere in a subject (`Ticket 5521: Fwd: …`): it quotes another
/// mail's subject rather than being one.
fn marks_a_forward(folded_subject: &str) -> bool {
    folded_subject
        .split_whitespace()
        .any(|word| order::strip_prefixes(word).1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::ReasonId;
    use crate::verdict::{Decision, Label, decide};
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

    /// The decision about `view`, owning the message judged: a test may judge a view it makes
    /// in the same expression.
    fn judged(view: &MessageView) -> Decision<'static> {
        let d = decide(view, &Trust::default());
        Decision {
            label: d.label,
            rule: d.rule,
            subject: Cow::Owned(d.subject.into_owned()),
            origin: d.origin,
            order: d.order,
            authentication: d.authentication,
            reasons: d.reasons,
        }
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
            assert_eq!(
                d.subject.from.as_ref().unwrap().address,
                "microsoft-noreply@microsoft.com"
            );
            assert_eq!(d.subject.to.as_ref().unwrap().address, "taro@example.jp");
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

    /// A mail that claims nothing of Microsoft is `unrelated` with no finding but the scope's,
    /// as a mail the first look skips is: its order fields and signs are not read. Naming
    /// Microsoft brings them back, and the rules that read them.
    #[test]
    fn a_mail_claiming_nothing_is_unrelated_with_nothing_read() {
        let text = "Your invoice #4417 of USD 399.00 is due. Call +1 (888) 320-8274 to cancel.\n\
            Order number: 4417\nTotal: USD 399.00\nhttps://billing.example.net/pay\n";
        let d = judged(&forward("billing@example.net", "Invoice 4417", text));
        assert_eq!(d.label, Label::Unrelated);
        assert_eq!(d.rule, "not-an-order");
        let ids: Vec<ReasonId> = d.reasons.iter().map(|r| r.id).collect();
        assert_eq!(ids, [ReasonId::NotOrder]);
        assert!(d.order.total.is_none() && d.order.number.is_none());

        let claimed = text.replace("Your invoice", "Your Microsoft invoice");
        let d = judged(&forward("billing@example.net", "Invoice 4417", &claimed));
        assert_eq!(d.label, Label::Suspicious, "{:?}", d.reasons);
        assert!(d.reasons.iter().any(|r| r.id == ReasonId::PhoneNumber));
        assert_eq!(d.order.total.as_ref().map(|t| t.value.as_str()), Some("399.00"));
    }
}
