//! Later prices: wording that puts an amount in the future (trials, free periods, renewals) and
//! prices per period.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::Line;
use crate::lexicon;
use crate::text::phrase_set;

/// Words inside a line that put its amount in the future: a sentence announcing the charge after
/// a free period, or a total "after your trial". A line that names the amount charged now
/// outright (`Charged today`) is not moved by them.
pub(super) static LATER: LazyLock<AhoCorasick> =
    LazyLock::new(|| phrase_set(&lexicon::every(|l| l.later_markers)));

/// Prices per period (`USD 99.99/year`, `¥2,130/月`): on a line of their own, outside the item
/// rows and without a label, a plan price rather than the charge.
pub(super) static PERIOD: LazyLock<AhoCorasick> =
    LazyLock::new(|| phrase_set(&lexicon::every(|l| l.periods)));

/// Phrases that promise a later charge: trials, free periods, auto-renewing subscriptions.
pub(super) static RENEWAL: LazyLock<AhoCorasick> =
    LazyLock::new(|| phrase_set(&lexicon::every(|l| l.renewal_phrases)));

/// An unlabelled line that speaks of a later charge and does not end its sentence: the amount on
/// the next line belongs to that sentence (plain text wrapped mid-sentence).
pub(super) fn runs_on_about_later(line: &Line) -> bool {
    line.field.is_none()
        && line.later_end().is_some()
        && !line.folded.ends_with(['.', '。', '!', '！', '?', '？', ':'])
}

#[cfg(test)]
mod tests {
    use crate::order::tests::{amount, order_of};

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

    /// A plan paid today that renews: the charge now is the total, the renewal a later price.
    #[test]
    fn plan_paid_today_that_renews() {
        let o = order_of(
            "Microsoft 365 Personal\n今回のお支払い: ¥2,130\n自動更新: オン\n次回のお支払い: ¥2,130 (2025/12/01)\n",
        );
        assert_eq!(o.total, amount("2130", "JPY"));
        assert_eq!(o.later, amount("2130", "JPY"));
    }
}
