//! Recognising a Microsoft order mail and extracting its fields: order number, date, products,
//! total, payment and product key. Everything is matched on folded text ([`crate::text::fold`]),
//! so full-width digits, `＃`, `：` and `￥` need no special cases here.
//!
//! Word boundaries in the patterns are ASCII (`(?-u:\b)`): Japanese text runs straight into
//! digits (`注文日2025/04/12`), which a Unicode `\b` would not split, and an ASCII one keeps the
//! regex crate on its DFA for non-ASCII text, several times faster.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;
use serde::Serialize;

use crate::text::{fold, fold_line, phrase_set};
use crate::view::MessageView;

/// Which subject (or title) template the mail follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Template {
    /// `Microsoft の注文 #N が処理されました`.
    JaOrder,
    /// `Your Microsoft order #N has been processed`, or the older `Your Microsoft order #N`.
    EnOrder,
    /// `Your purchase of <product> has been processed`.
    Purchase,
    /// `Your subscription to <product> has been renewed`.
    Renewal,
}

/// Subject templates, tried in order on the folded subject with forward prefixes removed.
/// Group 1 is the order number or the product.
static TEMPLATES: LazyLock<Vec<(Template, Regex)>> = LazyLock::new(|| {
    [
        (
            Template::JaOrder,
            r"microsoft\s*の\s*(?:ご\s*)?注文\s*(?:#|番号)?\s*(\d{4,14})",
        ),
        (
            Template::EnOrder,
            r"your\s*microsoft\s*order\s*(?:#|no\.?|number)?\s*(\d{4,14})",
        ),
        (
            Template::Purchase,
            r"your\s+purchase\s+of\s+(.+?)\s+has\s+been\s+processed",
        ),
        (
            Template::Renewal,
            r"your\s+subscription\s+to\s+(.+?)\s+has\s+been\s+renewed",
        ),
    ]
    .into_iter()
    .map(|(t, re)| (t, Regex::new(re).unwrap()))
    .collect()
});

/// Reply and forward prefixes that mail clients put before a subject.
static SUBJECT_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:\s*(?:\[?(?:fwd?|fw|re|tr|wg|aw|sv|vs|rv|enc|転送|返信|回覧)\s*(?:\[\d+\])?\s*:|\[fwd?:?))+\s*",
    )
    .unwrap()
});

/// Strip `Fwd:`, `FW:`, `転送:`, `RE:` … from a folded subject; returns the rest and whether
/// anything was stripped.
pub fn strip_prefixes(folded_subject: &str) -> (&str, bool) {
    match SUBJECT_PREFIX.find(folded_subject) {
        Some(m) if m.end() > 0 => (folded_subject[m.end()..].trim_end_matches(']'), true),
        _ => (folded_subject, false),
    }
}

/// True when a (raw) subject starts with a reply or forward prefix: such a subject speaks for
/// the mail it quotes, not for its sender.
pub fn is_forward_subject(subject: &str) -> bool {
    strip_prefixes(&fold_line(subject)).1
}

/// Words of bills and orders (folded), for mails that are not in Microsoft's order template.
const BILLING_WORDS: &[&str] = &[
    "order",
    "invoice",
    "receipt",
    "billing",
    "payment",
    "purchase",
    "subscription",
    "renewal",
    "renewed",
    "charged",
    "refund",
    "transaction",
    "注文",
    "請求",
    "支払",
    "購入",
    "更新",
    "領収",
    "決済",
    "返金",
    "引き落とし",
];

static BILLING: LazyLock<AhoCorasick> = LazyLock::new(|| phrase_set(BILLING_WORDS));

/// True when folded text speaks of an order or a bill.
pub fn speaks_of_billing(folded: &str) -> bool {
    BILLING.is_match(folded)
}

/// Match a subject (raw) against the order templates.
pub fn match_template(subject: &str) -> Option<(Template, String)> {
    template_in(&fold_line(subject))
}

/// Match folded text, forward prefixes and all, against the order templates.
fn template_in(folded: &str) -> Option<(Template, String)> {
    let (rest, _) = strip_prefixes(folded);
    TEMPLATES
        .iter()
        .find_map(|(t, re)| re.captures(rest).map(|c| (*t, c[1].to_owned())))
}

/// A price.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Amount {
    /// Plain decimal as written, without separators or symbols (`0.00`, `21300`).
    pub value: String,
    /// ISO 4217 code when the mail names one (¥, ￥, 円 are `JPY`; `$` is `USD`).
    pub currency: Option<String>,
}

impl Amount {
    /// True when the amount is zero (`0`, `0.00`).
    pub fn is_zero(&self) -> bool {
        self.value.bytes().all(|b| b == b'0' || b == b'.')
    }

    /// `JPY 21300`, as a person reads it.
    pub fn shown(&self) -> String {
        format!("{} {}", self.currency.as_deref().unwrap_or(""), self.value)
            .trim()
            .to_owned()
    }

    fn number(&self) -> f64 {
        self.value.parse().unwrap_or(0.0)
    }
}

/// What kind of thing was ordered, from the product table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProductKind {
    /// A perpetual Office edition: what digital attach grants.
    PerpetualOffice,
    /// A subscription that renews (Microsoft 365, Game Pass…).
    Subscription,
    /// Anything else (apps, games, hardware).
    Other,
}

/// Product patterns (on folded text), most specific first.
static PRODUCTS: LazyLock<Vec<(ProductKind, Regex)>> = LazyLock::new(|| {
    [
        (
            ProductKind::PerpetualOffice,
            r"(?:microsoft\s+)?office\s+(?:home\s*(?:&|and|＆)\s*(?:business|student)|home|personal|professional(?:\s+plus)?|standard|ltsc\s+\w+)\s*20(?:1[0369]|2[14])",
        ),
        (
            ProductKind::Subscription,
            r"(?:microsoft|office)\s*365(?:\s+(?:personal|family|basic|premium|business\s+\w+|apps\s+for\s+\w+))?|xbox\s+game\s+pass(?:\s+\w+)?|pc\s+game\s+pass|copilot\s+pro",
        ),
    ]
    .into_iter()
    .map(|(k, re)| (k, Regex::new(re).unwrap()))
    .collect()
});

/// Classify a product name.
pub fn product_kind(name: &str) -> ProductKind {
    let folded = fold_line(name);
    PRODUCTS
        .iter()
        .find(|(_, re)| re.is_match(&folded))
        .map_or(ProductKind::Other, |(k, _)| *k)
}

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
enum Field {
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

/// Japanese labels. The longest label a line starts with wins (`次回のお支払い` over nothing,
/// `お支払い金額` over `お支払い方法`'s neighbours).
const LABELS_JA: &[(Field, &str)] = &[
    (Field::Number, "注文番号"),
    (Field::Number, "ご注文番号"),
    (Field::Date, "購入日"),
    (Field::Date, "ご購入日"),
    (Field::Date, "注文日"),
    (Field::Date, "ご注文日"),
    (Field::ChargedNow, "今回のお支払い"),
    (Field::ChargedNow, "今回のご請求"),
    (Field::ChargedNow, "今回の請求額"),
    (Field::ChargedNow, "本日のお支払い"),
    (Field::ChargedNow, "本日のご請求"),
    (Field::ChargedNow, "お支払い金額"),
    (Field::ChargedNow, "お支払い額"),
    (Field::ChargedNow, "ご請求金額"),
    (Field::ChargedNow, "ご請求額"),
    (Field::ChargedNow, "請求額"),
    (Field::ChargedNow, "今回ご請求"),
    (Field::Total, "合計"),
    (Field::Total, "合計金額"),
    (Field::Total, "お支払い合計"),
    (Field::Total, "総額"),
    (Field::Total, "総合計"),
    (Field::Total, "お支払い総額"),
    (Field::Total, "ご請求総額"),
    (Field::ItemPrice, "価格"),
    (Field::ItemPrice, "金額"),
    (Field::ItemPrice, "単価"),
    (Field::Later, "プランの価格"),
    (Field::Later, "プラン価格"),
    (Field::Later, "更新後の価格"),
    (Field::Later, "更新後のお支払い"),
    (Field::Later, "更新価格"),
    (Field::Later, "更新日"),
    (Field::Later, "次回更新日"),
    (Field::Later, "次回のお支払い"),
    (Field::Later, "次回のご請求"),
    (Field::Later, "次回の請求"),
    (Field::Later, "次回請求"),
    (Field::Later, "無料期間の終了日"),
    (Field::Later, "無料期間終了日"),
    (Field::Later, "試用期間の終了日"),
    (Field::Later, "有効期限"),
    (Field::Later, "更新料金"),
    (Field::Later, "更新時のお支払い"),
    (Field::Later, "次回更新時"),
    (Field::Later, "無料期間終了後"),
    (Field::Part, "小計"),
    (Field::Part, "消費税"),
    (Field::Part, "うち消費税"),
    (Field::Part, "税額"),
    (Field::Part, "税金"),
    (Field::Part, "税("),
    (Field::Part, "割引"),
    (Field::Payment, "お支払い方法"),
    (Field::Payment, "支払い方法"),
    (Field::Payment, "支払方法"),
    (Field::Key, "プロダクトキー"),
    (Field::Key, "プロダクト キー"),
    (Field::Details, "注文の詳細"),
    (Field::Details, "ご注文の詳細"),
    (Field::Details, "ご注文内容"),
];

/// English labels. One ending in a letter must not run on into a longer word (`price` is no
/// label of `prices shown include tax`).
const LABELS_EN: &[(Field, &str)] = &[
    (Field::Number, "order number"),
    (Field::Number, "order no"),
    (Field::Number, "order #"),
    (Field::Number, "order id"),
    (Field::NumberAfterWord, "order"),
    (Field::Date, "order date"),
    (Field::Date, "purchase date"),
    (Field::Date, "date of purchase"),
    (Field::Date, "date ordered"),
    (Field::Date, "date purchased"),
    (Field::ChargedNow, "charged today"),
    (Field::ChargedNow, "amount charged"),
    (Field::ChargedNow, "amount paid"),
    (Field::ChargedNow, "total charged"),
    (Field::ChargedNow, "today's charge"),
    (Field::ChargedNow, "paid today"),
    (Field::ChargedNow, "due today"),
    (Field::ChargedNow, "total due today"),
    (Field::ChargedNow, "amount due today"),
    (Field::ChargedNow, "today's total"),
    (Field::ChargedNow, "total today"),
    (Field::ChargedNow, "total paid"),
    (Field::ChargedNow, "you paid"),
    (Field::Total, "total"),
    (Field::Total, "order total"),
    (Field::Total, "grand total"),
    (Field::Total, "total amount"),
    (Field::Total, "total due"),
    (Field::Total, "amount due"),
    (Field::Total, "balance due"),
    (Field::Total, "estimated total"),
    (Field::ItemPrice, "price"),
    (Field::ItemPrice, "item price"),
    (Field::ItemPrice, "unit price"),
    (Field::Later, "plan price"),
    (Field::Later, "renewal price"),
    (Field::Later, "renewal date"),
    (Field::Later, "renewal amount"),
    (Field::Later, "renews on"),
    (Field::Later, "next payment"),
    (Field::Later, "next charge"),
    (Field::Later, "next billing"),
    (Field::Later, "next billing date"),
    (Field::Later, "next bill"),
    (Field::Later, "recurring price"),
    (Field::Later, "price after trial"),
    (Field::Later, "price after free trial"),
    (Field::Later, "after trial"),
    (Field::Later, "after free trial"),
    (Field::Later, "renews at"),
    (Field::Later, "trial ends"),
    (Field::Later, "trial end date"),
    (Field::Later, "free trial ends"),
    (Field::Later, "expiration date"),
    (Field::Part, "subtotal"),
    (Field::Part, "sub-total"),
    (Field::Part, "tax"),
    (Field::Part, "taxes"),
    (Field::Part, "total tax"),
    (Field::Part, "sales tax"),
    (Field::Part, "estimated tax"),
    (Field::Part, "vat"),
    (Field::Part, "total before tax"),
    (Field::Part, "discount"),
    (Field::Payment, "payment method"),
    (Field::Payment, "payment"),
    (Field::Payment, "paid with"),
    (Field::Payment, "billed to"),
    (Field::Payment, "charged to"),
    (Field::Key, "product key"),
    (Field::Details, "order details"),
    (Field::Details, "order summary"),
    (Field::Details, "item description"),
];

/// Every label table; one per language.
const LABEL_TABLES: &[&[(Field, &str)]] = &[LABELS_JA, LABELS_EN];

/// Words inside a line that put its amount in the future: a sentence announcing the charge after
/// a free period, or a total "after your trial". A line that names the amount charged now
/// outright (`Charged today`) is not moved by them.
const LATER_MARKERS_EN: &[&str] = &[
    "will be charged",
    "will be billed",
    "you'll be charged",
    "you will be charged",
    "will renew",
    "will automatically renew",
    "renews on",
    "renews at",
    "renewal price",
    "plan price",
    "after your free",
    "after your trial",
    "after the free",
    "after the trial",
    "after trial",
    "after free trial",
    " then ",
    "when your trial",
    "when the trial",
    "trial ends",
    "next billing",
    "next payment",
    "next charge",
    "thereafter",
];

const LATER_MARKERS_JA: &[&str] = &[
    "請求されます",
    "請求いたします",
    "請求させていただきます",
    "自動的に請求",
    "引き落とされます",
    "更新後",
    "次回",
    "終了後",
    "以降は",
    "その後",
    "更新時",
    "毎月",
    "毎年",
    "プランの価格",
];

/// Prices per period (`USD 99.99/year`, `¥2,130/月`): on a line of their own, outside the item
/// rows and without a label, a plan price rather than the charge.
const PERIODS: &[&str] = &[
    "/year",
    "/month",
    "per year",
    "per month",
    "/年",
    "/月",
    "/1 か月",
    "/12 か月",
];

static PERIOD: LazyLock<AhoCorasick> = LazyLock::new(|| phrase_set(PERIODS));

static LATER: LazyLock<AhoCorasick> =
    LazyLock::new(|| phrase_set(&[LATER_MARKERS_EN, LATER_MARKERS_JA].concat()));

/// Phrases that promise a later charge: trials, free periods, auto-renewing subscriptions.
const RENEWAL_EN: &[&str] = &[
    "renewal date",
    "renews on",
    "will renew",
    "will automatically renew",
    "auto-renew",
    "automatically renew",
    "recurring",
    "plan price",
    "will be charged",
    "you'll be charged",
    "you will be charged",
    "billed automatically",
    "free trial",
    "trial period",
    "trial ends",
    "next billing",
    "next charge",
    "next payment",
];

const RENEWAL_JA: &[&str] = &[
    "自動更新",
    "自動的に更新",
    "自動的に請求",
    "定期請求",
    "次回のお支払い",
    "次回請求",
    "次回のご請求",
    "更新日",
    "更新後の価格",
    "プランの価格",
    "無料期間",
    "無料試用",
    "試用期間",
    "お試し期間",
    "体験期間",
    "月額",
    "年額",
];

static RENEWAL: LazyLock<AhoCorasick> = LazyLock::new(|| phrase_set(&[RENEWAL_EN, RENEWAL_JA].concat()));

/// Card brands and wallets, as they are shown.
const PAYMENT_BRANDS: &[(&str, &str)] = &[
    ("american express", "American Express"),
    ("amex", "American Express"),
    ("mastercard", "MasterCard"),
    ("master card", "MasterCard"),
    ("visa", "Visa"),
    ("jcb", "JCB"),
    ("paypal", "PayPal"),
    ("paypay", "PayPay"),
    ("diners club", "Diners Club"),
    ("discover", "Discover"),
    ("unionpay", "UnionPay"),
    ("apple pay", "Apple Pay"),
    ("google pay", "Google Pay"),
];

static BRANDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(PAYMENT_BRANDS.iter().map(|(k, _)| *k))
        .unwrap()
});

/// ISO 4217 codes accepted before or after an amount.
const CURRENCIES: &[&str] = &[
    "usd", "jpy", "eur", "gbp", "dkk", "sek", "nok", "chf", "cad", "aud", "nzd", "krw", "cny", "hkd", "twd",
    "sgd", "inr", "brl", "mxn", "pln", "czk", "huf", "zar", "try", "thb", "myr", "php", "idr",
];

/// Currency symbols and their codes.
const SYMBOLS: &[(&str, &str)] = &[
    ("¥", "JPY"),
    ("円", "JPY"),
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
];

/// Dollar signs of other currencies (folded): `R$ 220,00` is Brazilian, not US.
const DOLLARS: &[(&str, &str)] = &[
    ("r$", "BRL"),
    ("us$", "USD"),
    ("a$", "AUD"),
    ("au$", "AUD"),
    ("c$", "CAD"),
    ("ca$", "CAD"),
    ("nz$", "NZD"),
    ("hk$", "HKD"),
    ("s$", "SGD"),
];

/// Amounts with the currency first (`USD 0.00`, `£4.99`) and with it after (`21,300円`,
/// `29.75 DKK`). Two patterns, because in a row `Office Home 2024 1 USD 0.00` the quantity
/// `1 USD` would otherwise be read first: a code or symbol followed by a number is that number's.
static AMOUNT_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    let codes = CURRENCIES.join("|");
    let dollars: Vec<String> = DOLLARS.iter().map(|(d, _)| regex::escape(d)).collect();
    let dollars = dollars.join("|");
    Regex::new(&format!(
        r"(?:(?-u:\b)({codes}) ?|((?-u:\b)(?:{dollars})|[¥$€£]) ?)(\d[\d,]*(?:\.\d+)?)"
    ))
    .unwrap()
});

static AMOUNT_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    let codes = CURRENCIES.join("|");
    Regex::new(&format!(r"(\d[\d,]*(?:\.\d+)?) ?(円|€|£|(?:{codes})(?-u:\b))")).unwrap()
});

static KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)[a-z0-9]{5}(?:-[a-z0-9]{5}){4}(?-u:\b)").unwrap());

static DIGITS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"#?\s*(\d{6,14})(?-u:\b)").unwrap());

static MASKED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\*{1,}|x{2,}|•+|…|末尾|ending in|ending)\s?-?\s?(\d{4})(?-u:\b)").unwrap()
});

static DATES: LazyLock<Vec<(DateForm, Regex)>> = LazyLock::new(|| {
    [
        (DateForm::Ymd, r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
        (DateForm::Ymd, r"(?-u:\b)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?-u:\b)"),
        (
            DateForm::Mdy,
            r"(?-u:\b)(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})(?-u:\b)",
        ),
        (
            DateForm::Dmy,
            r"(?-u:\b)(\d{1,2})\.?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+(\d{4})(?-u:\b)",
        ),
        // `19.05.2025` is written day first wherever it is used.
        (DateForm::Dmy, r"(?-u:\b)(\d{1,2})\.(\d{1,2})\.(\d{4})(?-u:\b)"),
        (DateForm::Numeric, r"(?-u:\b)(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?-u:\b)"),
    ]
    .into_iter()
    .map(|(f, re)| (f, Regex::new(re).unwrap()))
    .collect()
});

#[derive(Clone, Copy)]
enum DateForm {
    Ymd,
    Mdy,
    Dmy,
    /// `a/b/yyyy`: month first in the US, day first in the UK and most of Europe.
    Numeric,
}

const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Currencies of regions that write a numeric date day first (`19/05/2025`). The account's
/// currency is the best hint the mail gives; others (USD) read month first.
const DAY_FIRST_CURRENCIES: &[&str] = &[
    "GBP", "EUR", "DKK", "SEK", "NOK", "CHF", "PLN", "CZK", "HUF", "AUD", "NZD", "INR", "BRL", "MXN", "TRY",
    "ZAR",
];

/// True when numeric dates in a mail priced in `currency` are written day first.
fn day_first(currency: Option<&str>) -> bool {
    currency.is_some_and(|c| DAY_FIRST_CURRENCIES.contains(&c))
}

/// A date in the line as `YYYY-MM-DD`. An ambiguous numeric date is read day first when asked;
/// one that is impossible that way (`5/19/2025` day first) is read the other way.
fn find_date(line: &str, day_first: bool) -> Option<String> {
    DATES.iter().find_map(|(form, re)| {
        let c = re.captures(line)?;
        let month = |s: &str| MONTHS.iter().position(|m| *m == s).map(|i| i as u32 + 1);
        let num = |s: &str| s.parse::<u32>().ok();
        let valid = |(y, m, d): (u32, u32, u32)| {
            ((1990..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
                .then(|| format!("{y:04}-{m:02}-{d:02}"))
        };
        let dmy =
            |c: &regex::Captures| Some((num(&c[3])?, month(&c[2]).or_else(|| num(&c[2]))?, num(&c[1])?));
        match form {
            DateForm::Ymd => valid((num(&c[1])?, num(&c[2])?, num(&c[3])?)),
            DateForm::Mdy => valid((num(&c[3])?, month(&c[1])?, num(&c[2])?)),
            DateForm::Dmy => valid(dmy(&c)?),
            DateForm::Numeric => {
                let (a, b, y) = (num(&c[1])?, num(&c[2])?, num(&c[3])?);
                let (first, second) = if day_first {
                    ((y, b, a), (y, a, b))
                } else {
                    ((y, a, b), (y, b, a))
                };
                valid(first).or_else(|| valid(second))
            }
        }
    })
}

/// Amounts in a folded line.
fn find_amounts(line: &str) -> Vec<Amount> {
    amounts_at(line).into_iter().map(|(_, a)| a).collect()
}

/// Amounts in a folded line with their byte offsets, in line order.
fn amounts_at(line: &str) -> Vec<(usize, Amount)> {
    // The amount regexes need their slow capturing engine; most text names no currency at all.
    static MARKERS: LazyLock<AhoCorasick> = LazyLock::new(|| {
        let symbols = SYMBOLS.iter().map(|(s, _)| *s);
        phrase_set(&CURRENCIES.iter().copied().chain(symbols).collect::<Vec<_>>())
    });
    if !MARKERS.is_match(line) {
        return Vec::new();
    }
    let mut found: Vec<(std::ops::Range<usize>, Amount)> = AMOUNT_BEFORE
        .captures_iter(line)
        .filter_map(|c| {
            let currency = match (c.get(1), c.get(2)) {
                (Some(code), _) => code.as_str().to_ascii_uppercase(),
                (None, Some(sym)) => symbol_code(sym.as_str()),
                (None, None) => return None,
            };
            let value = plain_decimal(&c[3])?;
            Some((
                c.get(0)?.range(),
                Amount {
                    value,
                    currency: Some(currency),
                },
            ))
        })
        .collect();
    let after: Vec<_> = AMOUNT_AFTER
        .captures_iter(line)
        .filter_map(|c| {
            let whole = c.get(0)?.range();
            // The code belongs to the number after it (`1 USD 0.00`).
            if found
                .iter()
                .any(|(r, _)| r.start < whole.end && whole.start < r.end)
            {
                return None;
            }
            let unit = &c[2];
            let currency = match unit {
                "円" | "€" | "£" => symbol_code(unit),
                code => code.to_ascii_uppercase(),
            };
            let value = plain_decimal(&c[1])?;
            Some((
                whole,
                Amount {
                    value,
                    currency: Some(currency),
                },
            ))
        })
        .collect();
    found.extend(after);
    found.sort_by_key(|(r, _)| r.start);
    found.into_iter().map(|(r, a)| (r.start, a)).collect()
}

fn symbol_code(sym: &str) -> String {
    SYMBOLS
        .iter()
        .chain(DOLLARS)
        .find(|(s, _)| *s == sym)
        .map_or("", |(_, c)| c)
        .to_owned()
}

/// `21,300` -> `21300`, `59,99` (a decimal comma) -> `59.99`; rejects malformed groupings such
/// as `1,2,3`.
fn plain_decimal(num: &str) -> Option<String> {
    if let Some((int, cents)) = num.split_once(',')
        && !num.contains('.')
        && cents.len() == 2
        && cents.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(format!("{int}.{cents}"));
    }
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    let groups: Vec<&str> = int.split(',').collect();
    let grouped_ok = groups.len() == 1 || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    if !grouped_ok || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int: String = groups.concat();
    Some(if frac.is_empty() {
        int
    } else {
        format!("{int}.{frac}")
    })
}

/// The sum of item prices in one currency, as a plain decimal with as many places as the most
/// precise of them (`4.99` + `9.99` = `14.98`); `None` when the currencies differ.
fn sum_amounts(items: &[Amount]) -> Option<Amount> {
    let first = items.first()?;
    if items.iter().any(|a| a.currency != first.currency) {
        return None;
    }
    let places = items
        .iter()
        .map(|a| a.value.split_once('.').map_or(0, |(_, f)| f.len()))
        .max()
        .unwrap_or(0)
        .min(6);
    let mut sum: u128 = 0;
    for a in items {
        let (int, frac) = a.value.split_once('.').unwrap_or((&a.value, ""));
        let scaled = format!("{int}{frac:0<places$}");
        sum = sum.checked_add(scaled.parse().ok()?)?;
    }
    let digits = format!("{sum:0>width$}", width = places + 1);
    let (int, frac) = digits.split_at(digits.len() - places);
    let value = if places == 0 {
        int.to_owned()
    } else {
        format!("{int}.{frac}")
    };
    Some(Amount {
        value,
        currency: first.currency.clone(),
    })
}

/// A body line, folded for matching; its readable forms are made only for the few lines shown.
struct Line<'a> {
    raw: &'a str,
    folded: String,
    /// The field this line labels, if any (see [`label_of`]).
    field: Option<Field>,
    /// True when the label has no amount or date after it: its value may be on the next line
    /// (an HTML table cell).
    bare: bool,
}

impl Line<'_> {
    fn shown(&self) -> String {
        shown_line(self.raw)
    }

    /// The first cell of a table row flattened to text (cut at `|`, tab or a run of spaces).
    fn cell(&self) -> String {
        first_cell(self.raw)
    }
}

fn lines_of(body: &str) -> Vec<Line<'_>> {
    body.lines()
        .map(|l| l.trim_start_matches(['>', ' ', '\t']))
        .map(|raw| {
            let folded = fold_line(raw);
            let label = label_of(&folded);
            let field = label.map(|(f, _)| f);
            // `合計 (税込)` or `今回のお支払い` alone: the amount is in the next cell.
            let bare = label
                .is_some_and(|(_, rest)| find_amounts(rest).is_empty() && find_date(rest, false).is_none());
            Line {
                raw,
                folded,
                field,
                bare,
            }
        })
        .filter(|l| !l.folded.is_empty())
        .collect()
}

/// NFKC and invisible-free, case kept, white space collapsed: product names as a person reads them.
fn shown_line(s: &str) -> String {
    shown_line_keep_runs(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The field a folded line is a label of, and the value after the label (possibly empty).
fn label_of(folded: &str) -> Option<(Field, &str)> {
    let line = folded.trim_start_matches(['-', '*', '•', '・', '■', '●', '◆', '【', '[', ' ']);
    LABEL_TABLES
        .iter()
        .flat_map(|table| table.iter())
        .filter(|(_, label)| {
            line.starts_with(label)
                && !(label.ends_with(|c: char| c.is_ascii_alphabetic())
                    && line[label.len()..].starts_with(|c: char| c.is_ascii_alphabetic()))
        })
        .max_by_key(|(_, label)| label.len())
        .map(|(field, label)| {
            let rest = line[label.len()..].trim_start_matches(['】', ']', ' ']);
            let rest = rest.strip_prefix(':').unwrap_or(rest);
            (*field, rest.trim())
        })
        .filter(|(field, rest)| {
            // "Total" heading a column, or prose such as "total of your order was", is no label.
            (*field == Field::Details || rest.is_empty() || rest.len() < 80)
                && (*field != Field::NumberAfterWord
                    || DIGITS.find(rest).is_some_and(|m| m.len() == rest.len()))
        })
}

/// Labels whose value (an amount) may stand on the line below them.
const PRICE_FIELDS: &[Field] = &[
    Field::ChargedNow,
    Field::Total,
    Field::ItemPrice,
    Field::Later,
    Field::Part,
];

/// What an amount stands for, from the line it is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// Charged now, said outright.
    Now,
    /// On a total line.
    Total,
    /// On an item row.
    Item,
    /// A plan, renewal or later price.
    Later,
    /// Subtotal, tax, discount: part of a total, never the total.
    Part,
    /// Anywhere else.
    Other,
}

/// The role of the amounts on line `i`, and the offset from which a later-charge wording on the
/// line moves the amounts after it to [`Role::Later`] (`合計: ¥0 (更新後は ¥21,300/年)`). `field` is
/// the line's own label or the one of a bare label just above it (HTML puts a label and its
/// value in neighbouring cells).
fn role_of(lines: &[Line], i: usize, field: Option<Field>, in_items: bool) -> (Role, Option<usize>) {
    let line = &lines[i];
    let marker = LATER.find(&line.folded).map(|m| m.end());
    match field {
        Some(Field::ChargedNow) => (Role::Now, marker),
        Some(Field::Later) => (Role::Later, None),
        Some(Field::Part) => (Role::Part, None),
        Some(Field::Total) => (Role::Total, marker),
        Some(Field::ItemPrice) => (Role::Item, marker),
        Some(_) => (Role::Other, None),
        None if marker.is_some() || i.checked_sub(1).is_some_and(|p| runs_on_about_later(&lines[p])) => {
            (Role::Later, None)
        }
        None if in_items => (Role::Item, None),
        None if RENEWAL.is_match(&line.folded) || PERIOD.is_match(&line.folded) => (Role::Later, None),
        None => (Role::Other, None),
    }
}

/// An unlabelled line that speaks of a later charge and does not end its sentence: the amount on
/// the next line belongs to that sentence (plain text wrapped mid-sentence).
fn runs_on_about_later(line: &Line) -> bool {
    line.field.is_none()
        && LATER.is_match(&line.folded)
        && !line.folded.ends_with(['.', '。', '!', '！', '?', '？', ':'])
}

/// The amounts of a mail, sorted by what they stand for.
#[derive(Default)]
struct Prices {
    now: Vec<Amount>,
    totals: Vec<Amount>,
    items: Vec<Amount>,
    later: Vec<Amount>,
    other: Vec<Amount>,
}

impl Prices {
    fn add(&mut self, role: Role, amounts: Vec<Amount>) {
        match role {
            // An item row's last amount is its price (`Game | 1 | USD 59.99`).
            Role::Item => self.items.extend(amounts.into_iter().last()),
            Role::Total => self.totals.extend(amounts.into_iter().next()),
            Role::Now => self.now.extend(amounts.into_iter().next()),
            Role::Later => self.later.extend(amounts.into_iter().next()),
            Role::Part => {}
            Role::Other => self.other.extend(amounts),
        }
    }

    /// What is charged now: said outright, else the total line, else the item rows' prices
    /// added up, else the largest amount that is neither a part of a total nor a later price.
    fn total(&mut self) -> Option<Amount> {
        if let Some(now) = self.now.first() {
            return Some(now.clone());
        }
        if let Some(total) = self.totals.pop() {
            return Some(total);
        }
        if !self.items.is_empty() {
            return sum_amounts(&self.items).or_else(|| self.items.pop());
        }
        self.other.sort_by(|a, b| b.number().total_cmp(&a.number()));
        self.other.first().cloned()
    }
}

/// How many first lines the order date is looked for in when no label gives it.
const DATE_LINES: usize = 30;

/// Extract order fields from a message view.
pub fn extract(view: &MessageView) -> Order {
    let subject_match = match_template(&view.subject);
    let lines = lines_of(view.body());
    let mut order = Order::default();
    let title_match = || {
        lines.iter().take(20).find_map(|l| {
            template_in(&l.folded).filter(|(t, _)| matches!(t, Template::JaOrder | Template::EnOrder))
        })
    };
    let template = subject_match.or_else(title_match);
    order.template = template.as_ref().map(|(t, _)| *t);

    let details_at = lines.iter().position(|l| l.field == Some(Field::Details));
    let items = item_rows(&lines, details_at);
    let mut prices = Prices::default();
    let mut roles = Vec::with_capacity(lines.len());
    let mut date_value = None;
    for (i, line) in lines.iter().enumerate() {
        let carried = i
            .checked_sub(1)
            .map(|p| &lines[p])
            .filter(|p| p.bare)
            .and_then(|p| p.field)
            .filter(|f| PRICE_FIELDS.contains(f));
        let amounts = amounts_at(&line.folded);
        // Roles matter for amounts, and for the dates of the first lines (the date fallback).
        let (role, later_from) = if amounts.is_empty() && i >= DATE_LINES {
            (Role::Other, None)
        } else {
            role_of(&lines, i, line.field.or(carried), items.contains(&i))
        };
        roles.push(role);
        let (now, later): (Vec<_>, Vec<_>) = amounts
            .into_iter()
            .partition(|(at, _)| later_from.is_none_or(|from| *at < from));
        prices.add(role, now.into_iter().map(|(_, a)| a).collect());
        prices.add(Role::Later, later.into_iter().map(|(_, a)| a).collect());
        let Some((field, rest)) = line.field.and_then(|_| label_of(&line.folded)) else {
            continue;
        };
        let value = if rest.is_empty() {
            lines.get(i + 1).map_or("", |l| l.folded.as_str())
        } else {
            rest
        };
        match field {
            Field::Number => {
                order.has_order_fields = true;
                if order.number.is_none() {
                    order.number = DIGITS.captures(value).map(|c| c[1].to_owned());
                }
            }
            Field::NumberAfterWord if order.number.is_none() => {
                order.number = DIGITS.captures(value).map(|c| c[1].to_owned());
            }
            Field::Date => {
                date_value.get_or_insert(value);
            }
            Field::Payment if order.payment.is_none() => order.payment = payment_in(value),
            Field::Key if order.product_key.is_none() => {
                order.product_key = KEY.find(value).map(|m| m.as_str().to_ascii_uppercase());
            }
            _ => {}
        }
    }

    if order.number.is_none() {
        order.number = template
            .as_ref()
            .filter(|(t, _)| matches!(t, Template::JaOrder | Template::EnOrder))
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
        lines
            .iter()
            .zip(&roles)
            .take(DATE_LINES)
            .filter(|(_, role)| **role != Role::Later)
            .find_map(|(l, _)| find_date(&l.folded, day_first))
    });
    // Fallback searches run once over the joined lines: one regex call instead of one per line.
    if order.product_key.is_none() {
        let folded_body = lines
            .iter()
            .map(|l| l.folded.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        order.product_key = KEY.find(&folded_body).map(|m| m.as_str().to_ascii_uppercase());
    }
    if order.payment.is_none() {
        order.payment = lines
            .iter()
            .find_map(|l| l.field.is_none().then(|| payment_in(&l.folded)).flatten());
    }
    order.renewal = lines
        .iter()
        .find(|l| RENEWAL.is_match(&l.folded))
        .map(Line::shown);
    order.products = products(&lines, items, &view.subject);
    order
}

fn payment_in(folded: &str) -> Option<String> {
    let brand = BRANDS.find(folded)?;
    let name = PAYMENT_BRANDS[brand.pattern().as_usize()].1;
    Some(match MASKED.captures(&folded[brand.end()..]) {
        Some(c) => format!("{name} **{}", &c[1]),
        None => name.to_owned(),
    })
}

/// Column headings of an order's item table: a cell that is one of these (or one of these
/// before a colon, `数量: 1`) is no product.
const HEADINGS_EN: &[&str] = &[
    "item description",
    "description",
    "item",
    "items",
    "quantity",
    "qty",
    "price",
    "unit price",
    "amount",
    "product",
    "product name",
];

const HEADINGS_JA: &[&str] = &[
    "アイテムの説明",
    "アイテム",
    "説明",
    "数量",
    "価格",
    "金額",
    "単価",
    "品目",
    "商品",
    "商品名",
    "製品",
    "製品名",
];

/// Publisher lines under an item (`By: Mojang`), matched at the start of a cell.
const BYLINES: &[&str] = &["by:", "by ", "publisher", "発行元", "販売元", "提供元"];

/// Labels of an item's attributes in the item rows (before a colon): their value, in the same
/// cell or the next, is no product. Any other cell ending in a colon is the head of a name with a
/// colon in it (`Call of Duty:` | `Black Ops 6`), whose rest stands in the next cell.
const ITEM_ATTRIBUTES: &[&str] = &[
    "by",
    "publisher",
    "sold by",
    "seller",
    "developer",
    "platform",
    "auto-renew",
    "auto renew",
    "automatic renewal",
    "発行元",
    "販売元",
    "提供元",
    "開発元",
    "自動更新",
    "自動更新設定",
];

/// Words that say the number after them is a quantity (`Qty: 1`, `数量: 1`, `× 2`).
const QUANTITY_WORDS: &[&str] = &["qty", "quantity", "数量", "個数", "×"];

/// Marks that say so only glued to the number (`x1`; `Surface Pro X 1` keeps its `X`).
const QUANTITY_MARKS: &[&str] = &["x"];

/// A quantity run into the end of an item's name: after one of [`QUANTITY_WORDS`], or, in a
/// row cut at its price, a bare number of one or two digits standing between the name and the
/// price (a `<br>` line or a cell whose columns collapsed: `Microsoft 365 Family 1 USD 0.00`).
/// Longer numbers belong to the name (`Office Home 2024`, `Microsoft 365`).
static QUANTITY_AT_END: LazyLock<[Regex; 2]> = LazyLock::new(|| {
    let alternatives = |t: &[&str]| t.iter().map(|w| regex::escape(w)).collect::<Vec<_>>().join("|");
    let (words, marks) = (alternatives(QUANTITY_WORDS), alternatives(QUANTITY_MARKS));
    [
        Regex::new(&format!(
            r"(?i)\s+(?:(?:{words})\s*[:：]?\s*|(?:{marks}))\d{{1,3}}$"
        ))
        .unwrap(),
        Regex::new(r"\s+\d{1,2}$").unwrap(),
    ]
});

/// The name without a quantity run into its end; `before_price` when the cell was cut at a
/// price (only then may a bare number be the quantity column).
fn without_quantity(name: &str, before_price: bool) -> &str {
    let [worded, bare] = &*QUANTITY_AT_END;
    let cut = worded
        .find(name)
        .or_else(|| bare.find(name).filter(|_| before_price))
        .map_or(name.len(), |m| m.start());
    name[..cut].trim_end()
}

/// True when a cell ending in a colon labels a value rather than starting a name: a column
/// heading, an item attribute (`By:`, `自動更新:`) or a field label (`プロダクト キー:`).
fn labels_a_value(colon_cell: &str) -> bool {
    let head = fold_line(colon_cell.trim_end_matches([':', '：']));
    is_heading(&head) || ITEM_ATTRIBUTES.contains(&head.as_str()) || label_of(&head).is_some()
}

/// True when a cell is the head of a product name cut at its colon.
fn name_head(cell: &str) -> bool {
    cell.ends_with([':', '：']) && cell.chars().count() > 1 && !labels_a_value(cell)
}

/// Words of a line that describes an item's term rather than names one ("12-month
/// subscription", "24 か月間無料 (PC 購入特典)"). A known product keeps them
/// (`Microsoft 365 Personal (24 か月 特典)`).
const DESCRIPTORS: &[&str] = &[
    "month",
    "year",
    "trial",
    "subscription",
    "か月",
    "ヶ月",
    "年間",
    "特典",
    "サブスクリプション",
];

/// Signature and footer lines.
const SIGNATURES: &[&str] = &[
    "microsoft corporation",
    "one microsoft way",
    "redmond, wa",
    "microsoft store team",
    "microsoft account team",
    "privacy statement",
    "sincerely",
    "regards",
    "http://",
    "https://",
    "www.",
    "チームより",
    "チーム一同",
    "プライバシー",
    "敬具",
];

/// Lines that end the item rows of a details section.
const SECTION_END: &[&str] = &["subtotal", "tax", "小計", "税", "消費税", "お支払い", "payment"];

/// The item rows of the details section: the lines after its heading up to the first label other
/// than an item's price, or a subtotal, tax or payment line.
fn item_rows(lines: &[Line], details_at: Option<usize>) -> std::ops::Range<usize> {
    let Some(start) = details_at.map(|at| at + 1) else {
        return 0..0;
    };
    let ends = |l: &Line| {
        l.field
            .is_some_and(|f| !matches!(f, Field::Details | Field::ItemPrice))
            || SECTION_END.iter().any(|w| l.folded.starts_with(w))
    };
    let len = lines.len().saturating_sub(start).min(40);
    let end = lines[start.min(lines.len())..]
        .iter()
        .take(len)
        .position(ends)
        .unwrap_or(len);
    start..start + end
}

/// A known product with its term run into the cell (`Microsoft 365 Personal 1 month free trial`,
/// a plain-text conversion of two lines of one cell) without the term; a parenthetical stays
/// (`Microsoft 365 Personal (24 か月 特典)`).
fn without_term(cell: &str) -> String {
    let folded = fold(cell);
    let known_end = PRODUCTS
        .iter()
        .find_map(|(_, re)| re.find(&folded).filter(|m| m.start() == 0).map(|m| m.end()));
    match known_end {
        Some(end)
            if folded.len() == cell.len()
                && cell.is_char_boundary(end)
                && !folded[end..].trim_start().starts_with('(')
                && DESCRIPTORS.iter().any(|w| folded[end..].contains(w)) =>
        {
            cell[..end].trim().to_owned()
        }
        _ => cell.to_owned(),
    }
}

/// True when a folded cell is a column heading of the item table.
fn is_heading(cell: &str) -> bool {
    [HEADINGS_EN, HEADINGS_JA].iter().any(|t| t.contains(&cell))
}

/// True when a cell (folded) reads as a sentence: it ends like one, or is too long for a name.
fn is_sentence(cell: &str) -> bool {
    cell.ends_with(['.', '。', '!', '！', '?', '？'])
        || cell.contains('。')
        || cell.split_whitespace().count() > 10
}

/// True when a cell (shown form) can't be a product name.
fn not_a_product(shown_cell: &str) -> bool {
    let cell = fold_line(shown_cell);
    let head = cell.split(':').next().unwrap_or("").trim();
    let known = PRODUCTS.iter().any(|(_, re)| re.is_match(&cell));
    is_heading(&cell)
        || is_heading(head)
        || BYLINES.iter().any(|w| cell.starts_with(w))
        || !find_amounts(&cell).is_empty()
        || !cell.chars().any(char::is_alphabetic)
        || find_date(&cell, false).is_some()
        || is_sentence(&cell)
        || SIGNATURES.iter().any(|w| cell.contains(w))
        || shown_cell.chars().count() > 100
        || (!known
            && (DESCRIPTORS.iter().any(|w| cell.contains(w))
                || RENEWAL.is_match(&cell)
                || LATER.is_match(&cell)))
}

fn products(lines: &[Line], items: std::ops::Range<usize>, subject: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    // Item rows under the details heading are the authoritative list.
    let rows = &lines[items];
    let mut skip_next = false;
    for (i, line) in rows.iter().enumerate() {
        let shown_cell = line.cell();
        let skip = std::mem::take(&mut skip_next);
        if line.field.is_some() || skip {
            continue;
        }
        // A cell that ends in a colon and is the whole line: its value or its rest is on the next
        // line. An attribute's value (`By:` `Mojang Studios`, `自動更新:` `オン`) is no product;
        // a name cut at its colon (`Call of Duty:` `Black Ops 6`) is joined with its rest.
        let name = if shown_cell.ends_with([':', '：']) && row_cells(line.raw).len() == 1 {
            if !name_head(&shown_cell) {
                skip_next = true;
                continue;
            }
            let rest = rows
                .get(i + 1)
                .filter(|r| r.field.is_none())
                .map(Line::cell)
                .filter(|r| !r.ends_with([':', '：']) && !not_a_product(r));
            skip_next = rest.is_some();
            match rest {
                Some(rest) => format!("{shown_cell} {rest}"),
                None => shown_cell,
            }
        } else {
            shown_cell
        };
        if !not_a_product(&name) {
            push_unique(&mut found, without_term(&name));
        }
    }
    if found.is_empty() {
        // Known products standing alone in a cell, not mentioned in a sentence.
        for line in lines
            .iter()
            .filter(|l| PRODUCTS.iter().any(|(_, re)| re.is_match(&l.folded)))
        {
            let shown_cell = line.cell();
            let cell = fold_line(&shown_cell);
            let standalone = PRODUCTS.iter().any(|(_, re)| {
                re.find(&cell)
                    .is_some_and(|m| m.start() == 0 && cell.len() <= m.end() + 24)
            });
            if standalone && line.field.is_none() && !is_sentence(&cell) {
                push_unique(&mut found, shown_cell);
            }
        }
    }
    if found.is_empty()
        && let Some(product) = PRODUCT_IN_SUBJECT
            .captures(&shown_line(subject))
            .and_then(|c| c.get(1))
    {
        push_unique(&mut found, product.as_str().to_owned());
    }
    found
}

/// The product named by the subscription templates, in the subject's own case.
static PRODUCT_IN_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)your\s+(?:purchase\s+of|subscription\s+to)\s+(.+?)\s+has\s+been\s+(?:processed|renewed)")
        .unwrap()
});

fn push_unique(found: &mut Vec<String>, name: String) {
    let name = name.trim().trim_end_matches([':', '-', '|']).trim().to_owned();
    if !name.is_empty() && !found.iter().any(|f| f.eq_ignore_ascii_case(&name)) {
        found.push(name);
    }
}

/// The cells of a flattened table row: split at `|`, a tab or a run of two spaces.
fn row_cells(raw: &str) -> Vec<String> {
    shown_line_keep_runs(raw)
        .split(['|', '\t'])
        .flat_map(|c| c.split("  "))
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The first cell of a flattened table row (see [`row_cells`]), joined with the second when it
/// is the head of a name cut at its colon (`Call of Duty:   Black Ops 6`); cut at the first price
/// and at a publisher run into the name, without a quantity run into its end.
fn first_cell(raw: &str) -> String {
    let cells = row_cells(raw);
    let mut cell = cells.first().cloned().unwrap_or_default();
    if let Some(rest) = cells.get(1).filter(|_| name_head(&cell)) {
        cell = format!("{cell} {rest}");
    }
    let folded = fold(&cell);
    // The cell is NFKC already, so folding keeps its byte offsets unless it maps a letter (a
    // look-alike) to one of another length; then keep the whole cell.
    let aligned = folded.len() == cell.len();
    // Cut at the first price, and at a publisher run into the name (`Minecraft By: Mojang`).
    let price = amounts_at(&folded).first().map(|&(start, _)| start);
    let byline = folded.find(" by:").filter(|&at| at > 0);
    match price.into_iter().chain(byline).min() {
        Some(start) if aligned && cell.is_char_boundary(start) => {
            without_quantity(cell[..start].trim(), price == Some(start)).to_owned()
        }
        _ => without_quantity(cell.trim(), false).to_owned(),
    }
}

/// NFKC and invisible-free, but with runs of spaces kept: they separate columns.
fn shown_line_keep_runs(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfkc()
        .filter(|&c| !crate::text::is_invisible(c))
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(subject: &str, body: &str) -> MessageView {
        MessageView {
            subject: subject.into(),
            text: body.into(),
            ..MessageView::default()
        }
    }

    #[test]
    fn subject_templates() {
        let t = match_template;
        assert_eq!(
            t("Microsoft の注文 #1234567890 が処理されました"),
            Some((Template::JaOrder, "1234567890".into()))
        );
        assert_eq!(
            t("Fwd: Microsoft の注文 ＃１２３４５６７８９０ が処理されました")
                .unwrap()
                .1,
            "1234567890"
        );
        assert_eq!(
            t("転送: FW: Microsoftの注文#1234567890が処理されました")
                .unwrap()
                .0,
            Template::JaOrder
        );
        assert_eq!(
            t("Your Microsoft order #9876543210 has been processed")
                .unwrap()
                .0,
            Template::EnOrder
        );
        assert_eq!(t("Your Microsoft order #9876543210").unwrap().1, "9876543210");
        assert_eq!(
            t("Your purchase of Microsoft 365 Personal has been processed"),
            Some((Template::Purchase, "microsoft 365 personal".into()))
        );
        assert_eq!(
            t("Your subscription to Microsoft 365 Family has been renewed")
                .unwrap()
                .0,
            Template::Renewal
        );
        assert_eq!(
            t("Amazon.co.jp ご注文の確認 「Microsoft Office Home & Business 2024」"),
            None
        );
        assert_eq!(t("Your Amazon order #123-456 has shipped"), None);
    }

    #[test]
    fn forward_subjects() {
        assert!(is_forward_subject("Fwd: Microsoft の注文"));
        assert!(is_forward_subject("[Fwd: x]"));
        assert!(is_forward_subject("転送： x"));
        assert!(!is_forward_subject("Forward thinking at Microsoft"));
    }

    #[test]
    fn amounts_in_every_form() {
        let one = |s: &str| {
            let a = find_amounts(&fold(s));
            assert_eq!(a.len(), 1, "{s}: {a:?}");
            (a[0].value.clone(), a[0].currency.clone().unwrap())
        };
        assert_eq!(one("USD 0.00"), ("0.00".into(), "USD".into()));
        assert_eq!(one("JPY 0"), ("0".into(), "JPY".into()));
        assert_eq!(one("¥0"), ("0".into(), "JPY".into()));
        assert_eq!(one("￥0"), ("0".into(), "JPY".into()));
        assert_eq!(one("0円"), ("0".into(), "JPY".into()));
        assert_eq!(one("¥ 0"), ("0".into(), "JPY".into()));
        assert_eq!(one("$0.00"), ("0.00".into(), "USD".into()));
        assert_eq!(one("¥21,300"), ("21300".into(), "JPY".into()));
        assert_eq!(one("21,300円 (税込)"), ("21300".into(), "JPY".into()));
        assert_eq!(one("￥４３，９８０"), ("43980".into(), "JPY".into()));
        assert_eq!(one("DKK 29.75"), ("29.75".into(), "DKK".into()));
        assert_eq!(one("29.75 DKK"), ("29.75".into(), "DKK".into()));
        assert!(find_amounts("order 1234567890").is_empty());
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
                .captures("注文番号1234567890です")
                .map(|c| c[1].to_owned())
                .as_deref(),
            Some("1234567890")
        );
        let keys: Vec<&str> = KEY
            .find_iter("キーabcde-12345-fghij-67890-klmno。")
            .map(|m| m.as_str())
            .collect();
        assert_eq!(keys, ["abcde-12345-fghij-67890-klmno"]);
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

    #[test]
    fn product_kinds() {
        assert_eq!(
            product_kind("Office Home & Business 2024"),
            ProductKind::PerpetualOffice
        );
        assert_eq!(
            product_kind("Microsoft Office Personal 2021"),
            ProductKind::PerpetualOffice
        );
        assert_eq!(
            product_kind("Office Home and Student 2019"),
            ProductKind::PerpetualOffice
        );
        assert_eq!(product_kind("Office Home 2024"), ProductKind::PerpetualOffice);
        assert_eq!(product_kind("Microsoft 365 Personal"), ProductKind::Subscription);
        assert_eq!(product_kind("Solitaire"), ProductKind::Other);
    }

    fn amount(value: &str, currency: &str) -> Option<Amount> {
        Some(Amount {
            value: value.into(),
            currency: Some(currency.into()),
        })
    }

    fn order_of(body: &str) -> Order {
        extract(&view("Your Microsoft order #1234567890 has been processed", body))
    }

    /// A later price stated before the amount charged today, in a row, is not the total.
    #[test]
    fn plan_price_before_the_charge_is_later() {
        let o = order_of("Plan Price: USD 9.99/1 month\nCharged today: USD 0.00\nRenewal Date: 6/19/2025\n");
        assert_eq!(o.total, amount("0.00", "USD"));
        assert_eq!(o.later, amount("9.99", "USD"));
        let o = order_of("プランの価格: ¥21,300/年\n更新後の価格: ¥21,300\n合計: ¥0\n");
        assert_eq!(o.total, amount("0", "JPY"));
        assert_eq!(o.later, amount("21300", "JPY"));
    }

    /// A sentence announcing the later charge, before the total or wrapped over two lines.
    #[test]
    fn renewal_sentence_is_later() {
        let o = order_of(
            "無料期間の終了後、¥21,300 (税込) が登録済みのお支払い方法に自動的に請求されます。\n合計: ¥0\n",
        );
        assert_eq!(o.total, amount("0", "JPY"));
        assert_eq!(o.later, amount("21300", "JPY"));
        let o = order_of(
            "After your free trial you will be charged\nUSD 99.99 per year on 6/19/2026.\nTotal USD 0.00\n",
        );
        assert_eq!(o.total, amount("0.00", "USD"));
        assert_eq!(o.later, amount("99.99", "USD"));
        // A total "after the trial" is a later price too.
        let o = order_of("Total after your free trial: USD 99.99\nTotal: USD 0.00\n");
        assert_eq!(o.total, amount("0.00", "USD"));
        assert_eq!(o.later, amount("99.99", "USD"));
    }

    /// HTML renders each cell on its own line: the label's role goes to the value below it.
    #[test]
    fn labels_and_values_in_neighbouring_cells() {
        let o = order_of("プランの価格\n¥21,300/年\n今回のお支払い\n¥0\n次回のお支払い\n¥21,300\n");
        assert_eq!(o.total, amount("0", "JPY"));
        assert_eq!(o.later, amount("21300", "JPY"));
    }

    /// On a total line, an amount after wording about later is a later price; a label with a
    /// note but no amount (`合計 (税込)`) takes the amount in the cell below.
    #[test]
    fn later_wording_inside_a_total_line() {
        let o = order_of("合計: ¥0 (更新後は ¥21,300/年)\n");
        assert_eq!(o.total, amount("0", "JPY"));
        assert_eq!(o.later, amount("21300", "JPY"));
        let o = order_of("Charged today: USD 0.00 (USD 9.99/month after your trial)\n");
        assert_eq!(o.total, amount("0.00", "USD"));
        let o = order_of("プランの価格\n¥21,300\n合計 (税込)\n¥0\n");
        assert_eq!(o.total, amount("0", "JPY"));
        assert_eq!(o.later, amount("21300", "JPY"));
    }

    /// The same rows in every layout a mail gives them (`Label: value`, `|` and tab rows, runs
    /// of spaces, label and value in neighbouring cells, an HTML table rendered to text) and in
    /// every order: the amount charged now and the later price must not move.
    #[test]
    fn rows_in_every_layout_and_order() {
        type Row = (&'static str, &'static str);
        let cases: [(&[Row], Amount, Option<Amount>); 5] = [
            (
                &[
                    ("プランの価格", "¥21,300/年"),
                    ("今回のお支払い", "¥0"),
                    ("更新日", "2027/10/20"),
                ],
                amount("0", "JPY").unwrap(),
                amount("21300", "JPY"),
            ),
            (
                &[
                    ("Plan Price", "USD 9.99/1 month"),
                    ("Charged today", "USD 0.00"),
                    ("Renewal Date", "4/14/2025"),
                ],
                amount("0.00", "USD").unwrap(),
                amount("9.99", "USD"),
            ),
            (
                &[
                    ("今回のお支払い", "¥2,130"),
                    ("自動更新", "オン"),
                    ("次回のお支払い", "¥2,130"),
                ],
                amount("2130", "JPY").unwrap(),
                amount("2130", "JPY"),
            ),
            (
                &[("Subtotal", "£26.15"), ("VAT", "£5.23"), ("Total", "£31.38")],
                amount("31.38", "GBP").unwrap(),
                None,
            ),
            (
                &[
                    (
                        "お知らせ",
                        "無料期間の終了後、¥21,300 (税込) が登録済みのお支払い方法に自動的に請求されます。",
                    ),
                    ("合計", "¥0"),
                    ("お支払い方法", "JCB **1234"),
                ],
                amount("0", "JPY").unwrap(),
                amount("21300", "JPY"),
            ),
        ];
        let layouts: [fn(&str, &str) -> String; 5] = [
            |l, v| format!("{l}: {v}"),
            |l, v| format!("{l} | {v}"),
            |l, v| format!("{l}\t{v}"),
            |l, v| format!("{l}    {v}"),
            |l, v| format!("{l}\n{v}"),
        ];
        let orders: [[usize; 3]; 6] = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
        for (rows, total, later) in &cases {
            for order in &orders {
                let ordered: Vec<Row> = order.iter().map(|&i| rows[i]).collect();
                let mut bodies: Vec<String> = layouts
                    .iter()
                    .map(|layout| {
                        ordered
                            .iter()
                            .map(|(l, v)| layout(l, v))
                            .collect::<Vec<_>>()
                            .join("\n")
                    })
                    .collect();
                let html: String = ordered
                    .iter()
                    .map(|(l, v)| format!("<tr><td>{l}</td><td>{v}</td></tr>"))
                    .collect();
                bodies.push(crate::view::render_html(&format!("<table>{html}</table>")).0);
                for body in bodies {
                    let o = order_of(&body);
                    assert_eq!(o.total.as_ref(), Some(total), "{body}");
                    assert_eq!(&o.later, later, "{body}");
                }
            }
        }
    }

    /// A price per period standing alone is a plan price; on an item row it is the item's.
    #[test]
    fn prices_per_period() {
        let o = order_of("Microsoft 365 Personal\nUSD 99.99/year\nUSD 0.00\n");
        assert_eq!(o.total, amount("0.00", "USD"));
        assert_eq!(o.later, amount("99.99", "USD"));
        let o = order_of("Order details\nMicrosoft 365 Personal | 1 | ¥2,130/月\n");
        assert_eq!(o.total, amount("2130", "JPY"));
        let o = order_of("Total: USD 0.00, then USD 9.99/month\n");
        assert_eq!(o.total, amount("0.00", "USD"));
        assert_eq!(o.later, amount("9.99", "USD"));
    }

    /// Labels that name the amount charged now win over a total line and over later prices.
    #[test]
    fn charged_now_labels() {
        for label in [
            "Charged today",
            "Amount charged",
            "今回のお支払い",
            "お支払い金額",
            "請求額",
        ] {
            let o = order_of(&format!(
                "Plan price: USD 9.99\n{label}: USD 9.99\nTotal: USD 0.00\n"
            ));
            assert_eq!(o.total, amount("9.99", "USD"), "{label}");
        }
    }

    /// A plan paid today that renews: the charge now is the total, the renewal a later price.
    #[test]
    fn plan_paid_today_that_renews() {
        let o = order_of(
            "Microsoft 365 Personal\n今回のお支払い: ¥2,130\n自動更新: オン\n次回のお支払い: ¥2,130 (2025/12/01)\n",
        );
        assert_eq!(o.total, amount("2130", "JPY"));
        assert_eq!(o.later, amount("2130", "JPY"));
    }

    /// Subtotal and tax are parts of the total, never it.
    #[test]
    fn subtotal_and_tax_are_not_the_total() {
        let o = order_of("Order details\nMinecraft  1  USD 29.99\nSubtotal USD 29.99\nTax USD 2.40\n");
        assert_eq!(o.total, amount("29.99", "USD"));
        let o = order_of("小計: ¥40,000\n消費税: ¥3,980\n");
        assert_eq!(o.total, None);
    }

    /// Without a total line the item rows' prices are the total; the quantity column and the
    /// year in a product name are no amounts.
    #[test]
    fn item_row_price_is_the_total() {
        for body in [
            "Order details\nItem description | Quantity | Price\nOffice Home 2024 | 1 | USD 0.00\n",
            "Order details\nItem description\tQuantity\tPrice\nOffice Home 2024\t1\tUSD 0.00\n",
            "注文の詳細\nアイテムの説明\n数量\n価格\nOffice Home 2024\n1\nUSD 0.00\n",
            "Order details\nOffice Home 2024 1 USD 0.00\n",
        ] {
            let o = order_of(body);
            assert_eq!(o.total, amount("0.00", "USD"), "{body}");
            assert!(
                o.products[0].starts_with("Office Home 2024"),
                "{body}: {:?}",
                o.products
            );
            assert_eq!(o.kind(), ProductKind::PerpetualOffice);
        }
    }

    #[test]
    fn a_currency_code_belongs_to_the_number_after_it() {
        assert_eq!(
            find_amounts("office home 2024 1 usd 0.00"),
            vec![amount("0.00", "USD").unwrap()]
        );
        assert_eq!(
            find_amounts("2 x 29.75 dkk"),
            vec![amount("29.75", "DKK").unwrap()]
        );
    }

    /// Every item of a multi-item order is listed; the total comes from the total line, and
    /// without one the items add up.
    #[test]
    fn multi_item_orders() {
        let o = order_of(
            "Order details\nItem description  Quantity  Price\nStardew Valley  1  £11.39\nMinecraft  1  £19.99\n\
             Subtotal  £26.15\nVAT  £5.23\nTotal  £31.38\n",
        );
        assert_eq!(o.products, ["Stardew Valley", "Minecraft"]);
        assert_eq!(o.total, amount("31.38", "GBP"));
        let o = order_of(
            "Order details\nSolitaire Premium\n1\n€1.99\nForza Horizon 5\n1\n€59.99\nSubtotal\n€61.98\n",
        );
        assert_eq!(o.products, ["Solitaire Premium", "Forza Horizon 5"]);
        assert_eq!(o.total, amount("61.98", "EUR"));
    }

    #[test]
    fn symbol_only_and_decimal_comma_amounts() {
        assert_eq!(find_amounts("£4.99"), vec![amount("4.99", "GBP").unwrap()]);
        assert_eq!(find_amounts("€59.99"), vec![amount("59.99", "EUR").unwrap()]);
        assert_eq!(find_amounts("$69.99"), vec![amount("69.99", "USD").unwrap()]);
        assert_eq!(find_amounts("r$ 220,00"), vec![amount("220.00", "BRL").unwrap()]);
        assert_eq!(find_amounts("us$5"), vec![amount("5", "USD").unwrap()]);
        assert_eq!(find_amounts("59,99 €"), vec![amount("59.99", "EUR").unwrap()]);
        assert_eq!(find_amounts("€1,299.00"), vec![amount("1299.00", "EUR").unwrap()]);
    }

    #[test]
    fn item_sums() {
        let items = [amount("4.99", "GBP").unwrap(), amount("10", "GBP").unwrap()];
        assert_eq!(sum_amounts(&items), amount("14.99", "GBP"));
        let mixed = [amount("1", "GBP").unwrap(), amount("1", "USD").unwrap()];
        assert_eq!(sum_amounts(&mixed), None);
    }

    /// Header rows, sentences, date lines, renewal switches and signatures are no products; a
    /// product keeps its parenthetical.
    #[test]
    fn what_is_no_product() {
        let body = "注文の詳細\nアイテムの説明\n数量\n価格\nMicrosoft 365 Personal (24 か月 特典)\n1\n¥0\n\
            24 か月間無料 (PC 購入特典)\n2027/10/20\n自動更新: オン\nご購入ありがとうございます。\n\
            Microsoft Corporation, One Microsoft Way, Redmond, WA 98052 USA\n合計: ¥0\n";
        let o = order_of(body);
        assert_eq!(o.products, ["Microsoft 365 Personal (24 か月 特典)"]);
        let o = order_of(
            "Order details\nMinecraft\nBy:\nMojang Studios\n1\nUSD 29.99\n自動更新:\nオン\nTotal USD 29.99\n",
        );
        assert_eq!(o.products, ["Minecraft"]);
        for cell in [
            "Item description",
            "アイテムの説明",
            "数量: 1",
            "Thanks for shopping with us.",
            "更新日: 2027年10月20日",
            "自動更新: オン",
            "The Microsoft Store Team",
            "1 month free trial",
        ] {
            assert!(not_a_product(cell), "{cell}");
        }
        assert!(!not_a_product("Minecraft: Java & Bedrock Edition"));
        assert_eq!(
            without_term("Microsoft 365 Personal 1 month free trial"),
            "Microsoft 365 Personal"
        );
        assert_eq!(
            without_term("Microsoft 365 Personal 24 か月間無料 (PC 購入特典)"),
            "Microsoft 365 Personal"
        );
        assert_eq!(
            without_term("Microsoft 365 Personal (24 か月 特典)"),
            "Microsoft 365 Personal (24 か月 特典)"
        );
        assert_eq!(without_term("Solitaire 12-month pass"), "Solitaire 12-month pass");
        assert_eq!(
            first_cell("Microsoft 365 Personal (24 か月 特典) ¥0"),
            "Microsoft 365 Personal (24 か月 特典)"
        );
        assert_eq!(first_cell("Office Home 2024 | 1 | USD 0.00"), "Office Home 2024");
        assert_eq!(
            first_cell("Office Home & Business 2024 By: Microsoft Corporation\t1\tUSD 0.00"),
            "Office Home & Business 2024"
        );
        assert!(!not_a_product("Microsoft 365 Personal (24 か月 特典)"));
    }

    /// The quantity column run into a name, in every layout, is not part of it; digits of the
    /// name stay.
    #[test]
    fn quantity_column_is_no_part_of_a_name() {
        for row in [
            "Microsoft 365 Family | 1 | USD 0.00",
            "Microsoft 365 Family\t1\tUSD 0.00",
            "Microsoft 365 Family    1    USD 0.00",
            "Microsoft 365 Family 1 USD 0.00",
            "Microsoft 365 Family Qty: 1 USD 0.00",
            "Microsoft 365 Family 数量: 1 USD 0.00",
            "Microsoft 365 Family x1 USD 0.00",
            "Microsoft 365 Family × 2",
            "Microsoft 365 Family Quantity 1",
        ] {
            assert_eq!(first_cell(row), "Microsoft 365 Family", "{row}");
        }
        for (row, name) in [
            ("Office Home 2024 USD 0.00", "Office Home 2024"),
            ("Office Home 2024 1 USD 0.00", "Office Home 2024"),
            ("Microsoft 365 $99.99", "Microsoft 365"),
            ("Black Ops 6 1 $69.99", "Black Ops 6"),
            ("Black Ops 6", "Black Ops 6"),
            ("Surface Pro X 1 | USD 0.00", "Surface Pro X 1"),
            ("Black Ops 6 | 1 | $69.99", "Black Ops 6"),
        ] {
            assert_eq!(first_cell(row), name, "{row}");
        }
        let o = order_of("Order details\nMicrosoft 365 Family 1 USD 0.00\nTotal USD 0.00\n");
        assert_eq!(o.products, ["Microsoft 365 Family"]);
    }

    /// A name with a colon in it stays whole, whether its rest is in the same cell, the next
    /// cell of the row or the next line (a table cell of its own).
    #[test]
    fn a_name_keeps_its_colon() {
        let name = "Call of Duty: Black Ops 6 - Vault Edition";
        for rows in [
            "Call of Duty: Black Ops 6 - Vault Edition\t1\t$69.99",
            "Call of Duty:   Black Ops 6 - Vault Edition\t1\t$69.99",
            "Call of Duty: | Black Ops 6 - Vault Edition | 1 | $69.99",
            "Call of Duty:\nBlack Ops 6 - Vault Edition 1 $69.99",
            "Call of Duty:\nBlack Ops 6 - Vault Edition\n1\n$69.99",
        ] {
            let o = order_of(&format!("Order details\n{rows}\nOrder total $74.54\n"));
            assert_eq!(o.products, [name], "{rows}");
        }
        // A name cut at its colon whose rest is no name part: the head alone, the next line read.
        let o = order_of("Order details\nHarbor Racer:\nBy:\nBluefin Works\nStarter Pack  1  $0.00\n");
        assert_eq!(o.products, ["Harbor Racer", "Starter Pack"]);
        assert!(name_head("Minecraft:"));
        assert!(!name_head("By:") && !name_head("自動更新:") && !name_head("数量:"));
    }

    /// A label and its value, in one cell, two cells or two lines, are no product; the row after
    /// a label with its value on the same line is read again.
    #[test]
    fn item_labels_and_their_values_are_no_products() {
        for rows in [
            "プロダクト キー: MBGPD-BJ2MW-H2YP8-PWCQF-K638D",
            "プロダクト キー:\nMBGPD-BJ2MW-H2YP8-PWCQF-K638D",
            "自動更新: オン",
            "自動更新:\nオン",
            "自動更新:   オン",
        ] {
            let o = order_of(&format!(
                "注文の詳細\nOffice Home & Business 2024\n{rows}\n合計: ¥0\n"
            ));
            assert_eq!(o.products, ["Office Home & Business 2024"], "{rows}");
        }
        let o = order_of("注文の詳細\nOffice Home 2024\nプロダクト キー: MBGPD-BJ2MW-H2YP8-PWCQF-K638D\n");
        assert_eq!(o.product_key.as_deref(), Some("MBGPD-BJ2MW-H2YP8-PWCQF-K638D"));
    }

    /// A publisher under an item, in its own cell or after the label, is no product, and the item
    /// after it is still one.
    #[test]
    fn publishers_are_no_products() {
        for by in [
            "By:\nMojang Studios",
            "By: Mojang Studios",
            "By:   Mojang Studios",
            "By: | Mojang Studios",
        ] {
            let o = order_of(&format!(
                "Order details\nMinecraft: Java & Bedrock Edition  1  £19.99\n{by}\n\
                 Stardew Valley  1  £11.39\n{by}\nTotal £31.38\n"
            ));
            assert_eq!(
                o.products,
                ["Minecraft: Java & Bedrock Edition", "Stardew Valley"],
                "{by}"
            );
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

    /// Numeric dates: day first for UK/EU currencies, month first otherwise; an impossible
    /// reading gives way to the other one.
    #[test]
    fn numeric_dates_follow_the_currency() {
        assert_eq!(find_date("05/06/2025", true).as_deref(), Some("2025-06-05"));
        assert_eq!(find_date("05/06/2025", false).as_deref(), Some("2025-05-06"));
        assert_eq!(find_date("19/05/2025", false).as_deref(), Some("2025-05-19"));
        assert_eq!(find_date("5/19/2025", true).as_deref(), Some("2025-05-19"));
        assert_eq!(find_date("19.05.2025", false).as_deref(), Some("2025-05-19"));
        assert_eq!(find_date("19 may 2025", false).as_deref(), Some("2025-05-19"));
        assert!(day_first(Some("GBP")) && day_first(Some("EUR")) && day_first(Some("DKK")));
        assert!(!day_first(Some("USD")) && !day_first(Some("JPY")) && !day_first(None));
        let o = order_of("Order date: 03/04/2025\nTotal: £4.99\n");
        assert_eq!(o.date.as_deref(), Some("2025-04-03"));
        let o = order_of("Order date: 03/04/2025\nTotal: USD 4.99\n");
        assert_eq!(o.date.as_deref(), Some("2025-03-04"));
    }

    /// The order date is the purchase date, never a renewal or trial-end date shown first.
    #[test]
    fn renewal_date_is_never_the_order_date() {
        let o = order_of(
            "Renewal date: 6/19/2026\nThank you for shopping with us on Monday, May 19, 2025.\nTotal USD 0.00\n",
        );
        assert_eq!(o.date.as_deref(), Some("2025-05-19"));
        let o = order_of("更新日\n2027/10/20\n2025年10月20日にご購入いただきありがとうございます。\n");
        assert_eq!(o.date.as_deref(), Some("2025-10-20"));
        let o =
            order_of("無料期間の終了後、更新日 2027/10/20 に自動的に請求されます。\n購入日: 2025/10/20\n");
        assert_eq!(o.date.as_deref(), Some("2025-10-20"));
    }
}
