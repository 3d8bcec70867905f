//! The takeover pass over fixtures/mbox/takeover.mbox: exactly the records in a pattern get its
//! reason (tests/expected.tsv checks presence only), in `scan` order, whatever the job count; a
//! single gift card is a reason in `check` too.

use msorder::input::{self, ReadOptions};
use msorder::{Label, Options, Record};

const TAKEOVER: &[&str] = &["gift-card", "rapid-charges", "repeated-amount"];

fn scan(paths: &[&str], jobs: usize) -> Vec<Record> {
    let messages = input::messages(paths.iter().map(|p| p.to_string()), ReadOptions::default());
    let mut out = Vec::new();
    msorder::scan::run(messages, &Options::default(), jobs, |r| -> Result<(), ()> {
        out.push(r);
        Ok(())
    })
    .unwrap();
    out
}

fn takeover_ids(r: &Record) -> Vec<&'static str> {
    r.reasons
        .iter()
        .map(|x| x.id.as_str())
        .filter(|id| TAKEOVER.contains(id))
        .collect()
}

#[test]
fn exactly_the_records_in_a_pattern_are_marked() {
    for jobs in [1, 2] {
        let records = scan(&["fixtures/mbox/takeover.mbox"], jobs);
        let got: Vec<(usize, Vec<&str>)> = records.iter().map(|r| (r.index, takeover_ids(r))).collect();
        let want: Vec<(usize, Vec<&str>)> = vec![
            (1, vec!["rapid-charges"]),
            (2, vec!["gift-card", "rapid-charges", "repeated-amount"]),
            (3, vec![]),
            (4, vec!["gift-card", "rapid-charges", "repeated-amount"]),
            (5, vec![]),
            (6, vec![]),
            (7, vec![]),
        ];
        assert_eq!(got, want, "jobs {jobs}");
        assert!(
            records
                .iter()
                .all(|r| r.label != Label::Charge
                    || r.reasons.iter().any(|x| x.id.as_str() == "total-positive"))
        );
    }
}

#[test]
fn one_gift_card_alone_is_a_reason_and_nothing_more() {
    let records = scan(&["fixtures/mail/108-ja-charge-gift-card.eml"], 1);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].label, Label::Charge);
    assert_eq!(takeover_ids(&records[0]), ["gift-card"]);
}
