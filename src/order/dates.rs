//! Dates in every written form, and which regions write a numeric date day first.

use std::ops::RangeInclusive;
use std::sync::LazyLock;

use crate::lexicon::pattern::{Pattern, is_plain};
use crate::lexicon::{LANGUAGES, money};
use crate::text::first_digit;

/// Date patterns, tried in order: dates written with units (`2025年4月12日`), ISO-like numeric
/// ones, dates with month names (month first, then day first), dotted ones and the ambiguous
/// numeric form.
static DATES: LazyLock<Vec<Date>> = LazyLock::new(|| {
    let mut forms: Vec<(DateForm, String, Option<Shape>, &[&str])> = Vec::new();
    let (year_first, day_first) = ([4..=4, 1..=2, 1..=2], [1..=2, 1..=2, 4..=4]);
    let shape = |runs, separators| Some(Shape { runs, separators });
    for units in LANGUAGES
        .iter()
        .filter_map(|l| <&[&str; 3]>::try_from(l.date_units).ok())
    {
        let [y, m, d] = units.map(regex::escape);
        forms.push((
            DateForm::Ymd,
            format!(r"(\d{{4}})\s*{y}\s*(\d{{1,2}})\s*{m}\s*(\d{{1,2}})\s*{d}"),
            None,
            units,
        ));
    }
    forms.push((
        DateForm::Ymd,
        r"(?-u:\b)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?-u:\b)".into(),
        shape(year_first, b"-/."),
        &[],
    ));
    for months in LANGUAGES.iter().map(|l| l.month_names).filter(|m| !m.is_empty()) {
        let months = months.join("|");
        forms.push((
            DateForm::Mdy,
            format!(r"(?-u:\b)({months})[a-z]*\.?\s+(\d{{1,2}}),?\s+(\d{{4}})(?-u:\b)"),
            None,
            &[],
        ));
        forms.push((
            DateForm::Dmy,
            format!(r"(?-u:\b)(\d{{1,2}})\.?\s+({months})[a-z]*\.?,?\s+(\d{{4}})(?-u:\b)"),
            None,
            &[],
        ));
    }
    // `19.05.2025` is written day first wherever it is used.
    forms.push((
        DateForm::Dmy,
        r"(?-u:\b)(\d{1,2})\.(\d{1,2})\.(\d{4})(?-u:\b)".into(),
        shape(day_first.clone(), b"."),
        &[],
    ));
    forms.push((
        DateForm::Numeric,
        r"(?-u:\b)(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?-u:\b)".into(),
        shape(day_first, b"/-"),
        &[],
    ));
    forms
        .into_iter()
        .map(|(form, re, shape, units)| Date {
            form,
            pattern: Pattern::new(re),
            // The forms with month names: the others have units or a shape.
            dated_by_name: shape.is_none() && units.is_empty(),
            shape,
            units,
        })
        .collect()
});

struct Date {
    form: DateForm,
    pattern: Pattern,
    /// What the pattern asks of plain text, for the numeric forms.
    shape: Option<Shape>,
    /// The units it writes the date with, which text must hold for it to match; none for
    /// the forms whose year stands apart from other digits.
    units: &'static [&'static str],
    /// A form with a month name, a day and a year (`may 19, 2025`, `19 may 2025`): on plain text
    /// read only around its years (see [`Date::named_groups`]).
    dated_by_name: bool,
}

impl Date {
    /// Groups 1 to 3 of the pattern's first match in `line`; `runs` are its [`digit_runs`] when
    /// it [`is_plain`], `None` when it is not.
    fn groups<'a>(&self, line: &'a str, runs: Option<&[Run]>) -> Option<[&'a str; 3]> {
        let plain = runs.is_some();
        match (&self.shape, runs) {
            (Some(shape), Some(runs)) => shape.find(line, runs),
            (None, Some(runs)) if self.dated_by_name => self.named_groups(line, runs),
            _ => {
                let c = self.pattern.get(plain).captures(line)?;
                Some([c.get(1)?.as_str(), c.get(2)?.as_str(), c.get(3)?.as_str()])
            }
        }
    }
}

impl Date {
    /// [`Date::groups`] of a form with a month name in plain text, whose runs of digits are
    /// `runs`. On plain text a match ends in its year, a run of four ASCII digits after white
    /// space and before no word character, and holds one other run of digits, its day, of one or
    /// two, the run just before the year: it lies after the end of the run before the day. So
    /// the pattern is run only in those stretches, from there to each such year, in order (a
    /// match for a later year starts after the run before it, so after any for an earlier year):
    /// a long line with few dates is not read whole, and no byte is read more than twice.
    fn named_groups<'a>(&self, line: &'a str, runs: &[Run]) -> Option<[&'a str; 3]> {
        let b = line.as_bytes();
        let word = |i: usize| b.get(i).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_');
        let re = self.pattern.get(true);
        (1..runs.len()).find_map(|year| {
            let (day, run) = (&runs[year - 1], &runs[year]);
            let spaced = run.start > 0 && matches!(b[run.start - 1], b'\t'..=b'\r' | b' ');
            if run.len() != 4 || !spaced || word(run.end) || day.len() > 2 {
                return None;
            }
            let from = year.checked_sub(2).map_or(0, |before| runs[before].end);
            // Cut after the year: what follows it (no word character) ends the pattern's
            // boundary there as the end of the text does.
            let c = re.captures_at(&line[..run.end], from)?;
            Some([c.get(1)?.as_str(), c.get(2)?.as_str(), c.get(3)?.as_str()])
        })
    }
}

/// A numeric date pattern (`(?-u:\b)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?-u:\b)`) as it reads
/// plain text, where its `\d` is `[0-9]`: three runs of ASCII digits of the given lengths, one of
/// the separators between each two, an ASCII word boundary at both ends. Read by hand because
/// building the regex (its one-pass DFA and forward and reverse NFAs) costs more than reading
/// every date of a mail.
struct Shape {
    runs: [RangeInclusive<usize>; 3],
    separators: &'static [u8],
}

impl Shape {
    /// The three runs of the leftmost match in `line`, whose runs of digits are `runs`. A match
    /// starts where a run of digits does (the boundary before it), and each run is taken whole: a
    /// digit is neither a separator nor a word boundary, so no shorter part of a run can be
    /// followed by what the pattern asks next. The runs of a match are so runs of the line, each
    /// the next one's neighbour across a separator.
    fn find<'a>(&self, line: &'a str, runs: &[Run]) -> Option<[&'a str; 3]> {
        let b = line.as_bytes();
        let word = |i: usize| b.get(i).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_');
        (0..runs.len()).find_map(|first| {
            let p = runs[first].start;
            if p > 0 && word(p - 1) {
                return None;
            }
            let mut found = [""; 3];
            let mut at = p;
            for (i, len) in self.runs.iter().enumerate() {
                if i > 0 {
                    if !b.get(at).is_some_and(|c| self.separators.contains(c)) {
                        return None;
                    }
                    at += 1;
                }
                // A run starts here or none does (no digit follows the separator).
                let run = runs.get(first + i).filter(|r| r.start == at)?;
                if !len.contains(&run.len()) {
                    return None;
                }
                found[i] = &line[run.clone()];
                at = run.end;
            }
            (!word(at)).then_some(found)
        })
    }
}

/// A run of ASCII digits: where it starts and ends in the line.
type Run = std::ops::Range<usize>;

/// The runs of ASCII digits in `b`, in order, each taken whole.
fn digit_runs(b: &[u8]) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut from = 0;
    while let Some(p) = first_digit(b, from) {
        let end = p + b[p..].iter().take_while(|c| c.is_ascii_digit()).count();
        runs.push(p..end);
        from = end;
    }
    runs
}

/// Whether of `runs` (of digits) one is four digits long or more, and whether one is exactly four.
fn year_runs(runs: &[Run]) -> (bool, bool) {
    let four = |run: &Run| run.len() == 4;
    let more = |run: &Run| run.len() >= 4;
    (runs.iter().any(more), runs.iter().any(four))
}

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
    find_date_in(line, day_first, || is_plain(line))
}

/// [`find_date`], told whether the line [`is_plain`] by `plain` (asked only of a line with a
/// digit), for a reader that asked already.
pub(super) fn find_date_in(line: &str, day_first: bool, plain: impl FnOnce() -> bool) -> Option<String> {
    // Every form reads its numbers as ASCII digits: without one the patterns need not run.
    first_digit(line.as_bytes(), 0)?;
    // Read once for every numeric form, on plain text.
    let runs = plain().then(|| digit_runs(line.as_bytes()));
    // On plain text every form's year is four ASCII digits in a row (most lines have none),
    // and in a form without units exactly four: only the units can stand next to it.
    let (year, lone_year) = match &runs {
        Some(runs) => year_runs(runs),
        None => (true, true),
    };
    if !year {
        return None;
    }
    let may_match = |date: &&Date| {
        if date.units.is_empty() {
            lone_year
        } else {
            date.units.iter().all(|u| line.contains(u))
        }
    };
    DATES.iter().filter(may_match).find_map(|date| {
        let [one, two, three] = date.groups(line, runs.as_deref())?;
        let month = month_number;
        let num = |s: &str| s.parse::<u32>().ok();
        let valid = |(y, m, d): (u32, u32, u32)| {
            ((1990..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
                .then(|| format!("{y:04}-{m:02}-{d:02}"))
        };
        match date.form {
            DateForm::Ymd => valid((num(one)?, num(two)?, num(three)?)),
            DateForm::Mdy => valid((num(three)?, month(one)?, num(two)?)),
            DateForm::Dmy => valid((num(three)?, month(two).or_else(|| num(two))?, num(one)?)),
            DateForm::Numeric => {
                let (a, b, y) = (num(one)?, num(two)?, num(three)?);
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

    proptest::proptest! {
        /// The numeric forms read by hand find what their patterns find (as `[0-9]`, the form
        /// they take on plain text), on any text.
        #[test]
        fn shapes_find_what_their_patterns_find(line in "[0-9./_a -]{0,16}(年|٣|x|,)?[0-9./_-]{0,14}") {
            for date in DATES.iter().filter(|d| d.shape.is_some()) {
                let c = date.pattern.get(true).captures(&line);
                let want = c.map(|c| [1, 2, 3].map(|i| c.get(i).map_or("", |m| m.as_str())));
                let runs = digit_runs(line.as_bytes());
                proptest::prop_assert_eq!(date.groups(&line, Some(&runs)), want);
            }
        }
    }

    proptest::proptest! {
        /// The forms with month names, read around their years, find what their patterns find
        /// in the whole line, on any plain text.
        #[test]
        fn named_forms_find_what_their_patterns_find(line in "(may 1, 2025|19 dec. 2025|1 sept 2025|[0-9]{1,5}|[., _-]|\t|may|ma|sept|dec|x|é|年){0,16}") {
            let runs = digit_runs(line.as_bytes());
            for date in DATES.iter().filter(|d| d.dated_by_name) {
                let c = date.pattern.get(true).captures(&line);
                let want = c.map(|c| [1, 2, 3].map(|i| c.get(i).map_or("", |m| m.as_str())));
                proptest::prop_assert_eq!(date.named_groups(&line, &runs), want, "{:?}", line);
            }
        }
    }

    proptest::proptest! {
        /// Wherever a date pattern matches plain text, four ASCII digits stand in a row, apart
        /// from other digits unless the form has units, and the text holds its units.
        #[test]
        fn every_date_has_a_year_of_four_digits(line in "([0-9]{1,5}|[./, -]|年|月|日|may|dec|[a-z_]|٣|\u{3000}){0,12}") {
            let (year, lone_year) = year_runs(&digit_runs(line.as_bytes()));
            for date in DATES.iter().filter(|d| d.pattern.get(true).is_match(&line)) {
                proptest::prop_assert!(date.units.iter().all(|u| line.contains(u)), "{:?}", line);
                if is_plain(&line) {
                    proptest::prop_assert!(year && (lone_year || !date.units.is_empty()), "{:?}", line);
                }
            }
        }
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
