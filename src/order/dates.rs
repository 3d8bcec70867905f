//! Dates in every written form, and which regions write a numeric date day first.

use std::sync::LazyLock;

use crate::lexicon::pattern::{Pattern, is_plain};
use crate::lexicon::{LANGUAGES, money};

/// Date patterns, tried in order: dates written with units (`2025年4月12日`), ISO-like numeric
/// ones, dates with month names (month first, then day first), dotted ones and the ambiguous
/// numeric form.
static DATES: LazyLock<Vec<(DateForm, Pattern)>> = LazyLock::new(|| {
    let mut forms: Vec<(DateForm, String)> = Vec::new();
    for units in LANGUAGES
        .iter()
        .filter_map(|l| <&[&str; 3]>::try_from(l.date_units).ok())
    {
        let [y, m, d] = units.map(regex::escape);
        forms.push((
            DateForm::Ymd,
            format!(r"(\d{{4}})\s*{y}\s*(\d{{1,2}})\s*{m}\s*(\d{{1,2}})\s*{d}"),
        ));
    }
    forms.push((
        DateForm::Ymd,
        r"(?-u:\b)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?-u:\b)".into(),
    ));
    for months in LANGUAGES.iter().map(|l| l.month_names).filter(|m| !m.is_empty()) {
        let months = months.join("|");
        forms.push((
            DateForm::Mdy,
            format!(r"(?-u:\b)({months})[a-z]*\.?\s+(\d{{1,2}}),?\s+(\d{{4}})(?-u:\b)"),
        ));
        forms.push((
            DateForm::Dmy,
            format!(r"(?-u:\b)(\d{{1,2}})\.?\s+({months})[a-z]*\.?,?\s+(\d{{4}})(?-u:\b)"),
        ));
    }
    // `19.05.2025` is written day first wherever it is used.
    forms.push((
        DateForm::Dmy,
        r"(?-u:\b)(\d{1,2})\.(\d{1,2})\.(\d{4})(?-u:\b)".into(),
    ));
    forms.push((
        DateForm::Numeric,
        r"(?-u:\b)(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?-u:\b)".into(),
    ));
    forms.into_iter().map(|(f, re)| (f, Pattern::new(re))).collect()
});

#[derive(Clone, Copy)]
enum DateForm {
    Ymd,
    Mdy,
    Dmy,
    /// `a/b/yyyy`: month first in the US, day first in the UK and most of Europe.
    Numeric,
}

/// The number of a month named in any language (`may` is 5).
fn month_number(name: &str) -> Option<u32> {
    LANGUAGES
        .iter()
        .find_map(|l| l.month_names.iter().position(|m| *m == name))
        .map(|i| i as u32 + 1)
}

/// True when numeric dates in a mail priced in `currency` are written day first.
pub(super) fn day_first(currency: Option<&str>) -> bool {
    currency.is_some_and(|c| money::DAY_FIRST_CURRENCIES.contains(&c))
}

/// A date in the line as `YYYY-MM-DD`. An ambiguous numeric date is read day first when asked;
/// one that is impossible that way (`5/19/2025` day first) is read the other way.
pub(super) fn find_date(line: &str, day_first: bool) -> Option<String> {
    // Every form reads its numbers as ASCII digits: without one the patterns need not run.
    if !line.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let plain = is_plain(line);
    DATES.iter().find_map(|(form, re)| {
        let c = re.get(plain).captures(line)?;
        let month = month_number;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::order::tests::order_of;

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
