//! Recognising a Microsoft order mail and extracting its fields: order number, date, products,
//! total, payment and product key. Everything is matched on folded text ([`crate::text::fold`]),
//! so full-width digits, `＃`, `：` and `￥` need no special cases here.
//!
//! Word boundaries in the patterns are ASCII (`(?-u:\b)`): Japanese text runs straight into
//! digits (`注文日2025/04/12`), which a Unicode `\b` would not split, and an ASCII one keeps the
//! regex crate on its DFA for non-ASCII text, several times faster.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::sync::LazyLock;

use crate::forward::split_lines;
use crate::lexicon;
use crate::lexicon::pattern::{Pattern, is_plain};
use crate::view::MessageView;

mod amount;
mod dates;
mod items;
mod renewal;
mod template;

pub use amount::Amount;
use amount::{BRANDS, PRICE_FIELDS, Prices, Role, amounts_in, find_amounts, payment_in, role_of};
use dates::{day_first, find_date, find_date_in};
pub use items::{ProductKind, product_kind};
use items::{first_cell, item_rows, products, shown_line};
use renewal::{LATER, RENEWAL};
pub use template::{Template, is_forward_subject, match_template, speaks_of_billing, strip_prefixes};
use template::{template_in, template_in_line};

/// Fields read from an order mail.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Order {
    /// Subject template, when the subject or the body title follows one.
    pub template: Option<Template>,
    /// Order number (digits).
    pub number: Option<String>,
    /// Order date, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Product names as written.
    pub products: Vec<String>,
    /// What is charged now.
    pub total: Option<Amount>,
    /// A price charged later: the plan or renewal price, the next payment. Never the total.
    pub later: Option<Amount>,
    /// Payment method as written (`Visa **1234`).
    pub payment: Option<String>,
    /// Product key (25 characters in five groups), unmasked.
    pub product_key: Option<String>,
    /// The line that speaks of a renewal or later charge, if any.
    pub renewal: Option<String>,
    /// True when the body has an order-number label: an order, whatever the subject.
    pub has_order_fields: bool,
}

impl Order {
    /// The kind of the order as a whole: perpetual Office when any product is one and none is a
    /// subscription.
    pub fn kind(&self) -> ProductKind {
        let kinds: Vec<ProductKind> = self.products.iter().map(|p| product_kind(p)).collect();
        if kinds.contains(&ProductKind::Subscription) {
            ProductKind::Subscription
        } else if kinds.contains(&ProductKind::PerpetualOffice) {
            ProductKind::PerpetualOffice
        } else {
            ProductKind::Other
        }
    }
}

/// Field labels, matched at the start of a folded line; the value follows on the same line
/// (after an optional colon) or on the next one (HTML table cells).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    Number,
    /// `Order 1234567890` (the English Store receipt: no `#`, no colon): a label only with the
    /// digits right after it, and too common a word to make a mail an order by itself.
    NumberAfterWord,
    Date,
    /// The amount charged now, said outright (`Charged today`, `今回のお支払い`).
    ChargedNow,
    /// A total line (`Total`, `合計`): the amount now unless the line speaks of later.
    Total,
    /// The price cell of an item row (`価格`, `Price`).
    ItemPrice,
    /// A price or date that comes later: plan price, renewal price or date, next payment.
    Later,
    /// A part of the total that is not it: subtotal, tax, VAT, discount.
    Part,
    Payment,
    Key,
    Details,
}

/// Field labels of every language, in registry order, by their first byte: a line is held only
/// to the labels it can start with (every body line is asked, and hardly any is a label).
static LABELS: LazyLock<Vec<Vec<(Field, &str)>>> = LazyLock::new(|| {
    let mut by_first = vec![Vec::new(); 256];
    for (field, label) in lexicon::every(|l| l.order_labels) {
        // The lexicon tests hold every label to one byte at least.
        let first = label.bytes().next().unwrap_or_default();
        by_first[usize::from(first)].push((field, label));
    }
    by_first
});

/// The first product key in folded text, unmasked: five groups of five ASCII lowercase letters
/// or digits joined by hyphens, an ASCII word of its own
/// (`(?-u:\b)[a-z0-9]{5}(?:-[a-z0-9]{5}){4}(?-u:\b)`). Read by hand from each hyphen, as the
/// first of a key's: the pattern has no literal a regex could skip to, and its DFA reads every
/// byte of the body.
fn find_key(text: &str) -> Option<&str> {
    const LEN: usize = 29;
    let b = text.as_bytes();
    let word = |i: usize| b.get(i).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_');
    let group = |at: usize| {
        b[at..at + 5]
            .iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    };
    memchr::memchr_iter(b'-', b)
        .filter_map(|hyphen| hyphen.checked_sub(5))
        .find(|&s| {
            s + LEN <= b.len()
                && (s == 0 || !word(s - 1))
                && !word(s + LEN)
                && (0..5).all(|g| group(s + 6 * g) && (g == 0 || b[s + 6 * g - 1] == b'-'))
        })
        .map(|s| &text[s..s + LEN])
}

static DIGITS: LazyLock<Pattern> = LazyLock::new(|| Pattern::new(r"#?\s*(\d{6,14})(?-u:\b)"));

/// A body line, folded for matching; its readable forms are made only for the few lines shown.
struct Line<'a> {
    raw: &'a str,
    folded: Cow<'a, str>,
    /// Whether the folded line [`is_plain`], asked once for every pattern run on it.
    plain: bool,
    /// The field this line labels, if any (see [`label_of`]).
    field: Option<Field>,
    /// True when the label has no amount or date after it: its value may be on the next line
    /// (an HTML table cell).
    bare: bool,
    /// Where its first wording about a later charge ends, once asked (see [`Line::later_end`]).
    later: OnceCell<Option<usize>>,
    /// Whether it speaks of a renewal, once asked (see [`Line::renews`]).
    renews: OnceCell<bool>,
    /// True when `folded` is a slice of the folded body: what the body does not hold, neither
    /// does the line.
    in_body: bool,
}

impl Line<'_> {
    /// Where the first wording about a later charge ([`LATER`]) ends in the folded
    /// line: asked of a line for its role and again for the next line's.
    fn later_end(&self) -> Option<usize> {
        *self
            .later
            .get_or_init(|| LATER.find(&*self.folded).map(|m| m.end()))
    }

    /// Whether the folded line speaks of a renewal ([`RENEWAL`]): asked for its role and for the
    /// mail's renewal line.
    fn renews(&self) -> bool {
        *self.renews.get_or_init(|| RENEWAL.is_match(&*self.folded))
    }

    fn shown(&self) -> String {
        shown_line(self.raw)
    }

    /// The first cell of a table row flattened to text (cut at `|`, tab or a run of spaces).
    fn cell(&self) -> String {
        first_cell(self.raw)
    }
}

/// The body's lines with their folded forms, cut from the view's folded body (folded once).
/// Lines are searched for renewal wording one by one only where the body holds some
/// (`body_renews`): one search of the body costs less than the searches of its lines.
fn lines_of<'a>(body: &'a str, folded_body: &'a str, body_renews: bool) -> impl Iterator<Item = Line<'a>> {
    split_lines(body)
        .zip(split_lines(folded_body))
        .map(move |(line, folded_line)| {
            let raw = line.trim_start_matches(['>', ' ', '\t']);
            let folded = crate::text::fold_line_after(line, line.len() - raw.len(), folded_line);
            let in_body = matches!(folded, Cow::Borrowed(_));
            let label = label_of(&folded);
            let field = label.map(|(f, _)| f);
            // `合計 (税込)` or `今回のお支払い` alone: the amount is in the next cell.
            let bare = label
                .is_some_and(|(_, rest)| find_amounts(rest).is_empty() && find_date(rest, false).is_none());
            Line {
                raw,
                plain: is_plain(&folded),
                folded,
                field,
                bare,
                later: OnceCell::new(),
                renews: if in_body && !body_renews {
                    OnceCell::from(false)
                } else {
                    OnceCell::new()
                },
                in_body,
            }
        })
        .filter(|l| !l.folded.is_empty())
}

/// The field a folded line is a label of, and the value after the label (possibly empty).
fn label_of(folded: &str) -> Option<(Field, &str)> {
    let line = folded.trim_start_matches(['-', '*', '•', '・', '■', '●', '◆', '【', '[', ' ']);
    let first = line.bytes().next()?;
    longest_label(line, &LABELS[usize::from(first)])
        .map(|(field, label)| {
            let rest = line[label.len()..].trim_start_matches(['】', ']', ' ']);
            let rest = rest.strip_prefix(':').unwrap_or(rest);
            (*field, rest.trim())
        })
        .filter(|(field, rest)| {
            // "Total" heading a column, or prose such as "total of your order was", is no label.
            (*field == Field::Details || rest.is_empty() || rest.len() < 80)
                && (*field != Field::NumberAfterWord
                    || DIGITS.on(rest).find(rest).is_some_and(|m| m.len() == rest.len()))
        })
}

/// The longest of `labels` that `line` starts with (the last of equals), not running on into a
/// longer word.
fn longest_label<'l>(line: &str, labels: &'l [(Field, &'l str)]) -> Option<&'l (Field, &'l str)> {
    labels
        .iter()
        .filter(|(_, label)| {
            line.starts_with(label)
                && !(label.ends_with(|c: char| c.is_ascii_alphabetic())
                    && line[label.len()..].starts_with(|c: char| c.is_ascii_alphabetic()))
        })
        .max_by_key(|(_, label)| label.len())
}

/// The payment method of the first unlabelled line that names one. Lines cut from the folded body
/// are searched only where the body names a payment brand (one search of the body costs less).
fn unlabelled_payment(lines: &[Line], folded_body: &str) -> Option<String> {
    let body_pays = BRANDS.is_match(folded_body);
    lines
        .iter()
        .filter(|l| l.field.is_none() && (body_pays || !l.in_body))
        .find_map(|l| payment_in(&l.folded))
}

/// The first product key of any line, as [`unlabelled_payment`] reads: a key in a line cut from
/// the body is one in the body, whose line ends and quote markers are no word characters.
fn unlabelled_key<'a>(lines: &'a [Line], folded_body: &str) -> Option<&'a str> {
    let body_keyed = find_key(folded_body).is_some();
    lines
        .iter()
        .filter(|l| body_keyed || !l.in_body)
        .find_map(|l| find_key(&l.folded))
}

/// How many first lines the order date is looked for in when no label gives it.
const DATE_LINES: usize = 30;

/// How many first lines of the body a title in a template's wording is looked for in.
const TITLE_LINES: usize = 20;

/// The template the subject is written in, with the order number it holds.
fn subject_template(view: &MessageView) -> Option<(Template, String)> {
    template_in(&crate::text::collapse_spaces(&view.folded_subject()))
}

/// The template a title line is written in, with its order number (a title has one).
fn title_template(line: &Line) -> Option<(Template, String)> {
    template_in_line(&line.folded, line.plain).filter(|(t, _)| t.has_number())
}

/// The template of Microsoft's order mails a message is written in, as [`extract`] finds it
/// (the subject, else a title among the body's first lines), without reading the order: most
/// messages the verdict reads are in none.
pub fn template_of(view: &MessageView) -> Option<Template> {
    let folded_body = view.folded_body();
    subject_template(view)
        .or_else(|| {
            // Renewal wording is never asked of these lines.
            lines_of(view.body(), &folded_body, true)
                .take(TITLE_LINES)
                .find_map(|l| title_template(&l))
        })
        .map(|(t, _)| t)
}

/// Extract order fields from a message view.
pub fn extract(view: &MessageView) -> Order {
    let subject_match = subject_template(view);
    let folded_body = view.folded_body();
    let lines: Vec<Line> = lines_of(view.body(), &folded_body, RENEWAL.is_match(&*folded_body)).collect();
    let mut order = Order::default();
    let title_match = || lines.iter().take(TITLE_LINES).find_map(title_template);
    let template = subject_match.or_else(title_match);
    order.template = template.as_ref().map(|(t, _)| *t);

    let details_at = lines.iter().position(|l| l.field == Some(Field::Details));
    let items = item_rows(&lines, details_at);
    let mut prices = Prices::default();
    // The role of line `i`'s amounts (see [`role_of`]): `field` is the line's label or the one of
    // a bare label just above it.
    let role = |i: usize| {
        let carried = i
            .checked_sub(1)
            .map(|p| &lines[p])
            .filter(|p| p.bare)
            .and_then(|p| p.field)
            .filter(|f| PRICE_FIELDS.contains(f));
        role_of(&lines, i, lines[i].field.or(carried), items.contains(&i))
    };
    let mut date_value = None;
    for (i, line) in lines.iter().enumerate() {
        let amounts = amounts_in(&line.folded, line.plain);
        // A line without amounts adds no price: its role is asked only by the date fallback,
        // of the few lines with a date.
        if !amounts.is_empty() {
            let (role, later_from) = role(i);
            let (now, later): (Vec<_>, Vec<_>) = amounts
                .into_iter()
                .partition(|(at, _)| later_from.is_none_or(|from| *at < from));
            prices.add(role, now.into_iter().map(|(_, a)| a).collect());
            prices.add(Role::Later, later.into_iter().map(|(_, a)| a).collect());
        }
        let Some((field, rest)) = line.field.and_then(|_| label_of(&line.folded)) else {
            continue;
        };
        let value = if rest.is_empty() {
            lines.get(i + 1).map_or("", |l| &*l.folded)
        } else {
            rest
        };
        match field {
            Field::Number => {
                order.has_order_fields = true;
                if order.number.is_none() {
                    order.number = DIGITS.on(value).captures(value).map(|c| c[1].to_owned());
                }
            }
            Field::NumberAfterWord if order.number.is_none() => {
                order.number = DIGITS.on(value).captures(value).map(|c| c[1].to_owned());
            }
            Field::Date => {
                date_value.get_or_insert(value);
            }
            Field::Payment if order.payment.is_none() => order.payment = payment_in(value),
            Field::Key if order.product_key.is_none() => {
                order.product_key = find_key(value).map(str::to_ascii_uppercase);
            }
            _ => {}
        }
    }

    if order.number.is_none() {
        order.number = template
            .as_ref()
            .filter(|(t, _)| t.has_number())
            .map(|(_, n)| n.clone());
    }
    order.total = prices.total();
    order.later = prices.later.first().cloned();
    // The account's currency tells how its numeric dates are written.
    let currency = order
        .total
        .as_ref()
        .or(prices.other.first())
        .and_then(|a| a.currency.as_deref());
    let day_first = day_first(currency);
    order.date = date_value.and_then(|v| find_date(v, day_first)).or_else(|| {
        // The notice thanks for the purchase "on YYYY年M月D日" before any label; a renewal or
        // trial-end date is never the order date.
        lines.iter().take(DATE_LINES).enumerate().find_map(|(i, l)| {
            find_date_in(&l.folded, day_first, || l.plain).filter(|_| role(i).0 != Role::Later)
        })
    });
    if order.product_key.is_none() {
        order.product_key = unlabelled_key(&lines, &folded_body).map(str::to_ascii_uppercase);
    }
    if order.payment.is_none() {
        order.payment = unlabelled_payment(&lines, &folded_body);
    }
    order.renewal = lines.iter().find(|l| l.renews()).map(Line::shown);
    order.products = products(&lines, items, &view.subject);
    order
}

#[cfg(test)]
mod tests {
    use regex::Regex;

    use super::*;

    fn view(subject: &str, body: &str) -> MessageView {
        MessageView {
            subject: subject.into(),
            text: body.into(),
            ..MessageView::default()
        }
    }

    /// Word boundaries are ASCII: Japanese text running straight into digits still ends a word.
    #[test]
    fn values_run_into_japanese_text() {
        assert_eq!(
            find_date("注文日2025/04/12発送", false).as_deref(),
            Some("2025-04-12")
        );
        assert_eq!(
            DIGITS
                .get(true)
                .captures("注文番号1234567890です")
                .map(|c| c[1].to_owned())
                .as_deref(),
            Some("1234567890")
        );
        assert_eq!(
            find_key("キーabcde-12345-fghij-67890-klmno。"),
            Some("abcde-12345-fghij-67890-klmno")
        );
        assert!(find_date("v12025/04/12", false).is_none());
    }

    #[test]
    fn japanese_digital_attach_body() {
        let body = "Microsoft の注文 #1234567890 が処理されました\n\
            2025年4月12日にご購入いただきありがとうございます。\n\
            予約注文を除き、購入したダウンロードはすぐにご利用いただけます。\n\
            注文番号： １２３４５６７８９０\n購入日: 2025/04/12\n注文の詳細\n\
            Office Home & Business 2024\nUSD 0.00\nプロダクトキー: ABCDE-12345-FGHIJ-67890-KLMNO\n";
        let o = extract(&view("Microsoft の注文 #1234567890 が処理されました", body));
        assert_eq!(o.template, Some(Template::JaOrder));
        assert_eq!(o.number.as_deref(), Some("1234567890"));
        assert_eq!(o.date.as_deref(), Some("2025-04-12"));
        assert_eq!(o.products, vec!["Office Home & Business 2024".to_string()]);
        assert_eq!(
            o.total,
            Some(Amount {
                value: "0.00".into(),
                currency: Some("USD".into())
            })
        );
        assert_eq!(o.product_key.as_deref(), Some("ABCDE-12345-FGHIJ-67890-KLMNO"));
        assert_eq!(o.payment, None);
        assert_eq!(o.renewal, None);
        assert_eq!(o.kind(), ProductKind::PerpetualOffice);
    }

    #[test]
    fn english_paid_order_with_table_cells() {
        let body = "Thanks for shopping with us.\nOrder details\nItem description\nQuantity\nPrice\n\
            Minecraft\nBy: Mojang\n1\nUSD 29.99\nSubtotal\nUSD 29.99\nTax\nUSD 2.40\nTotal\nUSD 32.39\n\
            Payment method\nVisa **1234\nOrder number\n9876543210\nOrder date\nApril 3, 2025\n";
        let o = extract(&view("Your Microsoft order #9876543210 has been processed", body));
        assert_eq!(o.total.unwrap().value, "32.39");
        assert_eq!(o.payment.as_deref(), Some("Visa **1234"));
        assert_eq!(o.products, vec!["Minecraft".to_string()]);
        assert_eq!(o.date.as_deref(), Some("2025-04-03"));
    }

    #[test]
    fn renewal_lines_are_not_the_total() {
        let body = "Microsoft 365 Personal\n合計: ¥0\n更新日: 2027年4月12日\n次回のお支払い: ¥21,300\n";
        let o = extract(&view(
            "Your purchase of Microsoft 365 Personal has been processed",
            body,
        ));
        assert!(o.total.as_ref().unwrap().is_zero());
        assert!(o.renewal.is_some());
        assert_eq!(o.kind(), ProductKind::Subscription);
        let o = extract(&view("x", "Microsoft 365 Personal\n次回のお支払い: ¥21,300\n"));
        assert_eq!(o.total, None);
    }

    pub(super) fn amount(value: &str, currency: &str) -> Option<Amount> {
        Some(Amount {
            value: value.into(),
            currency: Some(currency.into()),
        })
    }

    pub(super) fn order_of(body: &str) -> Order {
        extract(&view("Your Microsoft order #1234567890 has been processed", body))
    }

    /// The labels a line can start with are those of its first byte: indexed by it, the longest
    /// label is the one found among all of them, for every label cut anywhere and run on.
    #[test]
    fn labels_by_first_byte_are_every_label() {
        let every = lexicon::every(|l| l.order_labels);
        for (_, label) in &every {
            let cuts = label.char_indices().map(|(at, _)| at).chain([label.len()]);
            for cut in cuts.skip(1) {
                for tail in ["", " ", "s", ":", " 1234567890", "】 ¥0", " date", "-x", "税"] {
                    let line = format!("{}{tail}", &label[..cut]);
                    let first = usize::from(line.as_bytes()[0]);
                    assert_eq!(
                        longest_label(&line, &LABELS[first]),
                        longest_label(&line, &every),
                        "{line:?}"
                    );
                }
            }
        }
    }

    proptest::proptest! {
        /// The key read by hand is the regex's first match, on any text.
        #[test]
        fn keys_read_by_hand_are_the_pattern(s in "(([a-z0-9]{5}-){4}[a-z0-9]{5}|[a-z0-9]{5}-|[a-z0-9_A-Z -]|キ|\n){0,8}") {
            let key = Regex::new(r"(?-u:\b)[a-z0-9]{5}(?:-[a-z0-9]{5}){4}(?-u:\b)").unwrap();
            proptest::prop_assert_eq!(find_key(&s), key.find(&s).map(|m| m.as_str()));
        }
    }

    proptest::proptest! {
        /// Lines skipped for what their body does not hold are those a search of each finds
        /// nothing in: renewal wording, payment brands and keys, on lines quoted, spaced and not.
        #[test]
        fn body_searches_skip_only_lines_without(s in "(renews on|renews  on|renews\\ton|auto-renew|自動更新|visa|master card|master\t card|paypal|jcb|abcde-12345-fghij-67890-klmno|a1b2c-|_|> |>>|\t|  | |x|1|注|\u{3000}|\u{A0}|\u{338}|\r|\n){0,24}") {
            let folded = crate::text::fold(&s);
            let lines: Vec<Line> = lines_of(&s, &folded, RENEWAL.is_match(&folded)).collect();
            for l in &lines {
                proptest::prop_assert_eq!(l.renews(), RENEWAL.is_match(&*l.folded), "{:?}", l.folded);
            }
            let every = lines
                .iter()
                .find_map(|l| l.field.is_none().then(|| payment_in(&l.folded)).flatten());
            proptest::prop_assert_eq!(unlabelled_payment(&lines, &folded), every);
            let key = lines.iter().find_map(|l| find_key(&l.folded));
            proptest::prop_assert_eq!(unlabelled_key(&lines, &folded), key);
        }
    }

    /// A label ending in a letter does not run on into a longer word.
    #[test]
    fn labels_stop_at_word_ends() {
        assert_eq!(
            label_of("order 2296604178").map(|(f, _)| f),
            Some(Field::NumberAfterWord)
        );
        assert_eq!(label_of("order confirmed"), None);
        assert_eq!(label_of("order"), None);
        assert_eq!(label_of("orders placed today"), None);
        assert_eq!(label_of("prices shown include tax"), None);
        assert_eq!(
            label_of("price: usd 1.00").map(|(f, _)| f),
            Some(Field::ItemPrice)
        );
        assert_eq!(label_of("total tax usd 1.00").map(|(f, _)| f), Some(Field::Part));
        assert_eq!(
            label_of("次回のお支払い: ¥21,300").map(|(f, _)| f),
            Some(Field::Later)
        );
        assert_eq!(
            label_of("お支払い金額 ¥0").map(|(f, _)| f),
            Some(Field::ChargedNow)
        );
    }
}
