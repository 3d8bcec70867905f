//! Amounts and currencies, payment methods, and the role of each amount in a mail: charged now,
//! a total, an item's price, a later price, or a part of the total.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use serde::Serialize;

use super::renewal::{PERIOD, runs_on_about_later};
use super::{Field, Line};
use crate::lexicon;
use crate::lexicon::money::{self, CURRENCIES, DOLLARS, SYMBOLS};
use crate::lexicon::pattern::{Pattern, is_plain};
use crate::text::first_digit;

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

    pub(super) fn number(&self) -> f64 {
        self.value.parse().unwrap_or(0.0)
    }
}

pub(super) static BRANDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    // A contiguous NFA, as in `text::phrase_set`: far cheaper to build than a DFA.
    AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        .build(money::PAYMENT_BRANDS.iter().map(|(k, _)| *k))
        .unwrap()
});

/// Amounts with the currency first (`USD 0.00`, `£4.99`) and with it after (`21,300円`,
/// `29.75 DKK`). Two patterns, because in a row `Office Home 2024 1 USD 0.00` the quantity
/// `1 USD` would otherwise be read first: a code or symbol followed by a number is that number's.
static AMOUNT_BEFORE: LazyLock<Pattern> = LazyLock::new(|| {
    let codes = CURRENCIES.join("|");
    let dollars: Vec<String> = DOLLARS.iter().map(|(d, _)| regex::escape(d)).collect();
    let dollars = dollars.join("|");
    Pattern::new(format!(
        r"(?:(?-u:\b)({codes}) ?|((?-u:\b)(?:{dollars})|[¥$€£]) ?)(\d[\d,]*(?:\.\d+)?)"
    ))
});

static AMOUNT_AFTER: LazyLock<Pattern> = LazyLock::new(|| {
    let codes = CURRENCIES.join("|");
    Pattern::new(format!(r"(\d[\d,]*(?:\.\d+)?) ?(円|€|£|(?:{codes})(?-u:\b))"))
});

/// Masked last digits of a card (`**1234`, `ending in 1234`).
static MASKED: LazyLock<Pattern> = LazyLock::new(|| {
    let words = lexicon::alternation(lexicon::words(|l| l.masked_card_words));
    Pattern::new(format!(
        r"(?:\*{{1,}}|x{{2,}}|•+|…|{words})\s?-?\s?(\d{{4}})(?-u:\b)"
    ))
});

/// Amounts in a folded line.
pub(super) fn find_amounts(line: &str) -> Vec<Amount> {
    amounts_at(line).into_iter().map(|(_, a)| a).collect()
}

/// Whether a currency code or symbol in plain text ([`is_plain`]) stands next to a number as
/// it does in every amount the two patterns read: right before a digit (`usd0`, `¥ 0`: a dollar
/// sign ends each of [`DOLLARS`]), or right after a digit or a comma (`0円`, `29,99 €`), a space
/// between them or none. Told from the runs of digits and commas, much rarer than letters:
/// the patterns need their slow capturing engine, and their currency codes (`try`, `aud`, `php`)
/// are parts of common words.
fn next_to_a_number(line: &str) -> bool {
    let b = line.as_bytes();
    // A space may stand between: where the number or the marker is next to one, it is that.
    let marker_ends = |end: usize| {
        let before = &b[..end];
        let before = before.strip_suffix(b" ").unwrap_or(before);
        before.last().is_some_and(|&last| {
            MARKERS.by_last[usize::from(last)]
                .iter()
                .any(|m| before.ends_with(m))
        })
    };
    let marker_starts = |start: usize| {
        let after = &b[start..];
        let after = after.strip_prefix(b" ").unwrap_or(after);
        after.first().is_some_and(|&first| {
            MARKERS.by_first[usize::from(first)]
                .iter()
                .any(|m| after.starts_with(m))
        })
    };
    // From the first digit of each run of digits and commas: a marker before it is one before
    // the number, and one after the run is after the number's last digit or comma.
    let mut from = 0;
    while let Some(digit) = first_digit(b, from) {
        let end = digit
            + b[digit..]
                .iter()
                .take_while(|c| c.is_ascii_digit() || **c == b',')
                .count();
        if marker_ends(digit) || marker_starts(end) {
            return true;
        }
        from = end;
    }
    false
}

/// The currency codes and symbols, as amounts write them, by their first byte and by their
/// last: a number's neighbours are held only to those they can be.
struct Markers {
    by_first: Vec<Vec<&'static [u8]>>,
    by_last: Vec<Vec<&'static [u8]>>,
}

static MARKERS: LazyLock<Markers> = LazyLock::new(|| {
    let mut markers = Markers {
        by_first: vec![Vec::new(); 256],
        by_last: vec![Vec::new(); 256],
    };
    let codes = CURRENCIES.iter().copied();
    for m in codes.chain(SYMBOLS.iter().map(|(s, _)| *s)).map(str::as_bytes) {
        if let (Some(&first), Some(&last)) = (m.first(), m.last()) {
            markers.by_first[usize::from(first)].push(m);
            markers.by_last[usize::from(last)].push(m);
        }
    }
    markers
});

/// Amounts in a folded line with their byte offsets, in line order.
pub(super) fn amounts_at(line: &str) -> Vec<(usize, Amount)> {
    amounts_in(line, is_plain(line))
}

/// [`amounts_at`] of a line known to be plain or not (`plain`: [`is_plain`]), for a reader that
/// asked already.
pub(super) fn amounts_in(line: &str, plain: bool) -> Vec<(usize, Amount)> {
    if plain && !next_to_a_number(line) {
        return Vec::new();
    }
    let mut found: Vec<(std::ops::Range<usize>, Amount)> = AMOUNT_BEFORE
        .get(plain)
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
        .get(plain)
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

pub(super) fn symbol_code(sym: &str) -> String {
    SYMBOLS
        .iter()
        .chain(DOLLARS)
        .find(|(s, _)| *s == sym)
        .map_or("", |(_, c)| c)
        .to_owned()
}

/// `21,300` -> `21300`, `59,99` (a decimal comma) -> `59.99`; rejects malformed groupings such
/// as `1,2,3`.
pub(super) fn plain_decimal(num: &str) -> Option<String> {
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
pub(super) fn sum_amounts(items: &[Amount]) -> Option<Amount> {
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

/// Labels whose value (an amount) may stand on the line below them.
pub(super) const PRICE_FIELDS: &[Field] = &[
    Field::ChargedNow,
    Field::Total,
    Field::ItemPrice,
    Field::Later,
    Field::Part,
];

/// What an amount stands for, from the line it is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Role {
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
pub(super) fn role_of(
    lines: &[Line],
    i: usize,
    field: Option<Field>,
    in_items: bool,
) -> (Role, Option<usize>) {
    let line = &lines[i];
    let marker = line.later_end();
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
        None if line.renews() || PERIOD.is_match(&*line.folded) => (Role::Later, None),
        None => (Role::Other, None),
    }
}

/// The amounts of a mail, sorted by what they stand for.
#[derive(Default)]
pub(super) struct Prices {
    pub(super) now: Vec<Amount>,
    pub(super) totals: Vec<Amount>,
    pub(super) items: Vec<Amount>,
    pub(super) later: Vec<Amount>,
    pub(super) other: Vec<Amount>,
}

impl Prices {
    pub(super) fn add(&mut self, role: Role, amounts: Vec<Amount>) {
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
    pub(super) fn total(&mut self) -> Option<Amount> {
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

pub(super) fn payment_in(folded: &str) -> Option<String> {
    let brand = BRANDS.find(folded)?;
    let name = money::PAYMENT_BRANDS[brand.pattern().as_usize()].1;
    let rest = &folded[brand.end()..];
    Some(match MASKED.on(rest).captures(rest) {
        Some(c) => format!("{name} **{}", &c[1]),
        None => name.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::order::tests::{amount, order_of};
    use crate::text::fold;

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
                bodies.push(crate::mime::html::render_html(&format!("<table>{html}</table>")).0);
                for body in bodies {
                    let o = order_of(&body);
                    assert_eq!(o.total.as_ref(), Some(total), "{body}");
                    assert_eq!(&o.later, later, "{body}");
                }
            }
        }
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

    /// Subtotal and tax are parts of the total, never it.
    #[test]
    fn subtotal_and_tax_are_not_the_total() {
        let o = order_of("Order details\nMinecraft  1  USD 29.99\nSubtotal USD 29.99\nTax USD 2.40\n");
        assert_eq!(o.total, amount("29.99", "USD"));
        let o = order_of("小計: ¥40,000\n消費税: ¥3,980\n");
        assert_eq!(o.total, None);
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

    proptest::proptest! {
        /// Wherever either amount pattern matches plain text, a marker stands next to a number:
        /// the lines [`next_to_a_number`] turns away hold no amount.
        #[test]
        fn amounts_stand_next_to_numbers(s in "(usd|eur|try|jpy|dkk|r\\$|us\\$|円|€|£|¥|\\$|[0-9]{1,3}|,|\\.| |[a-z]|é){0,12}") {
            let plain = is_plain(&s);
            let matched = AMOUNT_BEFORE.get(plain).is_match(&s) || AMOUNT_AFTER.get(plain).is_match(&s);
            proptest::prop_assert!(!plain || !matched || next_to_a_number(&s), "{:?}", s);
        }
    }

    #[test]
    fn item_sums() {
        let items = [amount("4.99", "GBP").unwrap(), amount("10", "GBP").unwrap()];
        assert_eq!(sum_amounts(&items), amount("14.99", "GBP"));
        let mixed = [amount("1", "GBP").unwrap(), amount("1", "USD").unwrap()];
        assert_eq!(sum_amounts(&mixed), None);
    }
}
