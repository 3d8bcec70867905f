//! Account takeover (field guide §2): a genuine order placed by someone who stole the account.
//! The mail itself is Microsoft's and the label stays `charge`; what gives the thief away is the
//! pattern over several mails to one account (its To address): charges in quick succession, the
//! same amount charged again and again, gift cards (cash that can be carried off).
//!
//! A gift card is a fact of one mail ([`is_gift_card`], used by the verdict). The patterns need
//! several records: [`Window`] sits between the classifier and the writer of a scan, holds each
//! genuine charge until enough later records have gone by that nothing can join it any more,
//! marks the records that form a pattern, and lets everything out in input order. Memory stays
//! bounded: at most [`MAX_APART`] records are held, whatever the mailbox size.

use std::collections::{HashMap, VecDeque};
use std::sync::LazyLock;

use crate::lexicon;
use crate::reason::{Reason, ReasonId};
use crate::record::Record;
use crate::verdict::Label;

/// Product words of gift cards and prepaid codes (folded, spaces removed).
static GIFT_CARD_WORDS: LazyLock<Vec<&str>> = LazyLock::new(|| lexicon::every(|l| l.gift_card_words));

/// Whether a product name is a gift card or prepaid code (`Xbox Gift Card`, `Microsoft ギフト
/// カード ¥5,000`).
pub fn is_gift_card(product: &str) -> bool {
    let squeezed: String = crate::text::fold(product)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    GIFT_CARD_WORDS.iter().any(|w| squeezed.contains(w))
}

/// A pattern over one account's charges: at least `at_least` charges within `within_secs` of
/// each other (in the mails' Date), all of the same amount when `same_amount` is set.
struct Pattern {
    reason: ReasonId,
    within_secs: i64,
    at_least: usize,
    same_amount: bool,
}

/// The patterns, as data. Two orders in ten minutes is rare for a person and the rule for a
/// thief; the same amount twice within the hour (a gift card bought again) too. Monthly renewals
/// of one price are days apart.
const PATTERNS: &[Pattern] = &[
    Pattern {
        reason: ReasonId::RapidCharges,
        within_secs: 10 * 60,
        at_least: 2,
        same_amount: false,
    },
    Pattern {
        reason: ReasonId::RepeatedAmount,
        within_secs: 60 * 60,
        at_least: 2,
        same_amount: true,
    },
];

/// Charges further apart than this many records are not compared: the bound on what is held.
pub const MAX_APART: u64 = 1000;

/// What a genuine charge record says about the account.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Charge {
    account: String,
    /// Seconds since the Unix epoch, from the mail's Date.
    at: i64,
    /// Currency and value of the total.
    amount: (String, String),
    /// The order number: two copies of one order mail (the mail and a forward of it, a file
    /// saved twice) are one order, not two.
    order: Option<String>,
}

impl Charge {
    fn of(record: &Record) -> Option<Charge> {
        if record.label != Label::Charge {
            return None;
        }
        Some(Charge {
            account: record.account.clone()?,
            at: unix_seconds(record.date.as_deref()?)?,
            amount: (record.currency.clone().unwrap_or_default(), record.total.clone()?),
            order: record.order_number.clone(),
        })
    }
}

struct Held {
    record: Record,
    seq: u64,
    charge: Option<Charge>,
}

/// The takeover pass of a scan: feed it every record in input order with [`Window::push`], then
/// call [`Window::finish`]; records come out in the same order, those in a pattern with its
/// reason.
#[derive(Default)]
pub struct Window {
    held: VecDeque<Held>,
    seq: u64,
}

impl Window {
    /// Take the next record and hand on, in order, every record that can no longer change.
    pub fn push<E>(
        &mut self,
        record: Record,
        out: &mut impl FnMut(Record) -> Result<(), E>,
    ) -> Result<(), E> {
        self.seq += 1;
        let charge = Charge::of(&record);
        self.held.push_back(Held {
            record,
            seq: self.seq,
            charge,
        });
        if self.held.back().is_some_and(|h| h.charge.is_some()) {
            self.mark_patterns();
        }
        while let Some(front) = self.held.front() {
            let settled = front.charge.is_none() || self.seq - front.seq >= MAX_APART;
            if !settled {
                break;
            }
            if let Some(done) = self.held.pop_front() {
                out(done.record)?;
            }
        }
        Ok(())
    }

    /// The end of the input: hand on every record still held.
    pub fn finish<E>(self, out: &mut impl FnMut(Record) -> Result<(), E>) -> Result<(), E> {
        self.held.into_iter().try_for_each(|h| out(h.record))
    }

    /// Mark every pattern the newest record (a charge) completes. Only windows that contain it
    /// are new; every charge it can form one with is still held.
    fn mark_patterns(&mut self) {
        let Some(newest) = self.held.back().and_then(|h| h.charge.clone()) else {
            return;
        };
        for pattern in PATTERNS {
            // Time, position and order of the account's charges that can share a pattern with
            // the newest, by time.
            let mut members: Vec<(i64, usize, Option<&str>)> = self
                .held
                .iter()
                .enumerate()
                .filter_map(|(i, h)| {
                    let c = h.charge.as_ref()?;
                    let alike =
                        c.account == newest.account && (!pattern.same_amount || c.amount == newest.amount);
                    let near = (c.at - newest.at).abs() <= pattern.within_secs;
                    (alike && near).then_some((c.at, i, c.order.as_deref()))
                })
                .collect();
            members.sort_unstable();
            let mut marked = vec![false; members.len()];
            // Each window starts at a member no later than the newest and holds the members up to
            // `within_secs` after that start; both ends only move forward, and the window's orders
            // are counted as they enter and leave it.
            let mut orders: HashMap<(Option<&str>, usize), usize> = HashMap::new();
            let mut end = 0;
            for start in 0..members.len() {
                let from = members[start].0;
                if from > newest.at {
                    break;
                }
                while end < members.len() && members[end].0 - from <= pattern.within_secs {
                    *orders.entry(order_key(&members[end])).or_default() += 1;
                    end += 1;
                }
                // The window holds the newest when it ends no earlier (it starts no later).
                let holds_newest = members[end - 1].0 >= newest.at;
                if holds_newest && orders.len() >= pattern.at_least {
                    marked[start..end].iter_mut().for_each(|m| *m = true);
                }
                let leaving = order_key(&members[start]);
                if let Some(n) = orders.get_mut(&leaving) {
                    *n -= 1;
                    if *n == 0 {
                        orders.remove(&leaving);
                    }
                }
            }
            let targets: Vec<usize> = members
                .iter()
                .zip(&marked)
                .filter(|(_, m)| **m)
                .map(|(&(_, i, _), _)| i)
                .collect();
            let evidence = match pattern.same_amount {
                true => format!("{} {}", newest.amount.0, newest.amount.1),
                false => newest.account.clone(),
            };
            for i in targets {
                mark(&mut self.held[i].record, pattern.reason, evidence.trim());
            }
        }
    }
}

/// What tells one order from another in a window: its number (copies of one order mail count
/// once), or for a charge without a number its position (each counts).
fn order_key<'a>(&(_, i, order): &(i64, usize, Option<&'a str>)) -> (Option<&'a str>, usize) {
    order.map_or((None, i), |n| (Some(n), 0))
}

/// Give a record a reason, once.
fn mark(record: &mut Record, id: ReasonId, evidence: &str) {
    if !record.reasons.iter().any(|r| r.id == id) {
        record.reasons.push(Reason::new(id, evidence));
        crate::reason::tidy(&mut record.reasons);
    }
}

/// Seconds since the Unix epoch of an RFC 3339 time (`2025-10-13T09:02:00+09:00`).
fn unix_seconds(rfc3339: &str) -> Option<i64> {
    let b = rfc3339.trim().as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let digits = b.get(from..from + len)?;
        digits.iter().try_fold(0i64, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0'))
        })
    };
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    let mut rest = b.get(19..)?;
    if rest.first() == Some(&b'.') {
        let digits = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        rest = &rest[1 + digits..];
    }
    let offset = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let two = |a: u8, b: u8| {
                (a.is_ascii_digit() && b.is_ascii_digit())
                    .then(|| i64::from(a - b'0') * 10 + i64::from(b - b'0'))
            };
            let secs = two(*h1, *h2)? * 3600 + two(*m1, *m2)? * 60;
            if *sign == b'-' { -secs } else { secs }
        }
        _ => return None,
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charge(account: &str, date: &str, total: &str) -> Record {
        Record {
            label: Label::Charge,
            account: Some(account.into()),
            date: Some(date.into()),
            total: Some(total.into()),
            currency: Some("JPY".into()),
            ..Record::empty("t.mbox", 0)
        }
    }

    fn other() -> Record {
        Record {
            label: Label::Unrelated,
            ..Record::empty("t.mbox", 0)
        }
    }

    /// Run records through a window; the ids of the takeover reasons of each, in output order,
    /// and the number of records out after each push.
    fn run(records: Vec<Record>) -> (Vec<Vec<&'static str>>, Vec<usize>) {
        let mut window = Window::default();
        let mut out = Vec::new();
        let mut after_each = Vec::new();
        for (i, mut r) in records.into_iter().enumerate() {
            r.index = i + 1;
            window.push(r, &mut keep(&mut out)).unwrap();
            after_each.push(out.len());
        }
        window.finish(&mut keep(&mut out)).unwrap();
        assert!(out.windows(2).all(|w| w[0].index < w[1].index), "input order");
        let ids = out
            .iter()
            .map(|r| {
                r.reasons
                    .iter()
                    .map(|x| x.id.as_str())
                    .filter(|id| ["rapid-charges", "repeated-amount"].contains(id))
                    .collect()
            })
            .collect();
        (ids, after_each)
    }

    fn keep(out: &mut Vec<Record>) -> impl FnMut(Record) -> Result<(), ()> + '_ {
        |r| {
            out.push(r);
            Ok(())
        }
    }

    #[test]
    fn charges_in_minutes_to_one_account_are_all_marked() {
        let (ids, _) = run(vec![
            charge("a@example.jp", "2025-10-13T09:00:00+09:00", "1200"),
            other(),
            charge("a@example.jp", "2025-10-13T00:04:00Z", "5000"),
            charge("b@example.jp", "2025-10-13T09:05:00+09:00", "980"),
            charge("a@example.jp", "2025-10-13T09:30:00+09:00", "300"),
        ]);
        assert_eq!(
            ids[0],
            ["rapid-charges"],
            "the first charge too, once the second came"
        );
        assert!(ids[1].is_empty());
        assert_eq!(ids[2], ["rapid-charges"]);
        assert!(ids[3].is_empty(), "another account");
        assert!(ids[4].is_empty(), "26 minutes later");
    }

    #[test]
    fn repeated_amounts_within_the_hour_in_any_order() {
        let (ids, _) = run(vec![
            charge("a@example.jp", "2025-10-13T10:40:00+09:00", "5000"),
            charge("a@example.jp", "2025-10-13T10:00:00+09:00", "5000"),
            charge("a@example.jp", "2025-11-13T10:00:00+09:00", "5000"),
        ]);
        assert_eq!(ids[0], ["repeated-amount"]);
        assert_eq!(ids[1], ["repeated-amount"]);
        assert!(ids[2].is_empty(), "a month later is a renewal, not a pattern");
    }

    #[test]
    fn a_window_needs_every_member_close_to_its_start() {
        // 0, 6 and 12 minutes: 0–6 and 6–12 are pairs, but nothing spans all three.
        let (ids, _) = run(vec![
            charge("a@example.jp", "2025-10-13T09:12:00+09:00", "1"),
            charge("a@example.jp", "2025-10-13T09:00:00+09:00", "2"),
            charge("a@example.jp", "2025-10-13T09:06:00+09:00", "3"),
        ]);
        assert!(ids.iter().all(|r| r == &["rapid-charges"]));
        let (ids, _) = run(vec![
            charge("a@example.jp", "2025-10-13T09:12:00+09:00", "1"),
            charge("a@example.jp", "2025-10-13T09:00:00+09:00", "2"),
        ]);
        assert!(ids.iter().all(Vec::is_empty), "12 minutes apart");
    }

    #[test]
    fn copies_of_one_order_are_one_order() {
        let numbered = |n: &str, date: &str| Record {
            order_number: Some(n.into()),
            ..charge("a@example.jp", date, "5000")
        };
        let (ids, _) = run(vec![
            numbered("1111111111", "2025-10-13T09:00:00Z"),
            numbered("1111111111", "2025-10-13T09:00:00Z"),
        ]);
        assert!(ids.iter().all(Vec::is_empty), "the mail and its copy");
        let (ids, _) = run(vec![
            numbered("1111111111", "2025-10-13T09:00:00Z"),
            numbered("1111111111", "2025-10-13T09:00:00Z"),
            numbered("2222222222", "2025-10-13T09:03:00Z"),
        ]);
        assert!(
            ids.iter().all(|r| r == &["rapid-charges", "repeated-amount"]),
            "{ids:?}"
        );
    }

    #[test]
    fn a_flood_of_charges_is_all_marked() {
        // A thief's burst longer than the hold: every charge is within MAX_APART of another.
        let records = (0..MAX_APART + 100)
            .map(|i| Record {
                order_number: Some(format!("{}", 1_000_000_000 + i % 7)),
                ..charge("a@example.jp", "2025-10-13T09:00:00Z", "1500")
            })
            .collect();
        let (ids, _) = run(records);
        assert!(ids.iter().all(|r| r == &["rapid-charges", "repeated-amount"]));
    }

    #[test]
    fn only_charges_are_held_and_only_so_long() {
        let mut records = vec![
            other(),
            charge("a@example.jp", "2025-10-13T09:00:00Z", "1"),
            other(),
        ];
        records.extend((0..MAX_APART as usize).map(|_| other()));
        records.push(charge("a@example.jp", "2025-10-13T09:01:00Z", "1"));
        let n = records.len();
        let (ids, after_each) = run(records);
        assert_eq!(after_each[0], 1, "a record behind no charge goes out at once");
        assert_eq!(after_each[2], 1, "records behind a held charge wait");
        assert_eq!(
            after_each[n - 2],
            n - 1,
            "a charge is released after MAX_APART records"
        );
        assert!(
            ids.iter().all(Vec::is_empty),
            "charges too far apart in the input"
        );
    }

    #[test]
    fn records_without_account_or_time_pass() {
        let mut no_account = charge("a@example.jp", "2025-10-13T09:00:00Z", "1");
        no_account.account = None;
        let (ids, after) = run(vec![
            no_account,
            charge("a@example.jp", "garbage", "1"),
            charge("a@example.jp", "2025-10-13T09:00:00Z", "1"),
        ]);
        assert_eq!(after[..2], [1, 2]);
        assert!(ids.iter().all(Vec::is_empty));
    }

    #[test]
    fn rfc3339_times() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_seconds("2025-10-13T09:00:00+09:00"), Some(1_760_313_600));
        assert_eq!(
            unix_seconds("2025-10-13T00:00:00.5-00:30"),
            Some(1_760_313_600 + 1800)
        );
        assert_eq!(unix_seconds("2024-02-29T12:00:00Z"), Some(1_709_208_000));
        for bad in [
            "",
            "2025-13-01T00:00:00Z",
            "2025-10-13",
            "2025-10-13T00:00:00",
            "２０２５-10-13T00:00:00Z",
        ] {
            assert_eq!(unix_seconds(bad), None, "{bad}");
        }
    }

    #[test]
    fn gift_cards() {
        for name in [
            "Xbox Gift Card",
            "Microsoft ギフト カード ¥5,000",
            "Microsoft Gift Code - USD 50",
            "ＭＩＣＲＯＳＯＦＴ　ＧＩＦＴ　ＣＡＲＤ",
        ] {
            assert!(is_gift_card(name), "{name}");
        }
        for name in [
            "Office Home & Business 2024",
            "Minecraft",
            "Microsoft 365 Personal",
        ] {
            assert!(!is_gift_card(name), "{name}");
        }
    }
}
