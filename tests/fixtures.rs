//! Every fixture against tests/expected.tsv: label, fields and the reasons that must be present.

use std::collections::BTreeMap;

mod common;

use common::{ALWAYS, WHEN_GIVEN, field};
use msorder::input::{self, ReadOptions};
use msorder::{Options, Record};

struct Expected {
    file: String,
    index: usize,
    columns: BTreeMap<String, String>,
}

fn expectations() -> Vec<Expected> {
    let text = std::fs::read_to_string("tests/expected.tsv").expect("tests/expected.tsv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            assert_eq!(cells.len(), header.len(), "bad row: {line}");
            let columns: BTreeMap<String, String> = header
                .iter()
                .zip(&cells)
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect();
            Expected {
                file: cells[0].into(),
                index: cells[1].parse().expect("index"),
                columns,
            }
        })
        .collect()
}

fn records(opts: &Options) -> BTreeMap<(String, usize), Record> {
    let mut files: Vec<String> = expectations().into_iter().map(|e| e.file).collect();
    files.dedup();
    let messages = input::messages(files, ReadOptions::default());
    let mut out = BTreeMap::new();
    msorder::scan::run(messages, opts, 2, |r| -> Result<(), ()> {
        out.insert((r.source.clone(), r.index), r);
        Ok(())
    })
    .unwrap();
    out
}

#[test]
fn fixtures_match_expectations() {
    let opts = Options {
        show_keys: true,
        ..Options::default()
    };
    let got = records(&opts);
    let mut failures = Vec::new();
    for e in expectations() {
        let Some(r) = got.get(&(e.file.clone(), e.index)) else {
            failures.push(format!("{}:{}: no record", e.file, e.index));
            continue;
        };
        let genuine = matches!(
            e.columns["label"].as_str(),
            "activation" | "free" | "trial" | "charge" | "unclear"
        );
        for &name in ALWAYS.iter().chain(WHEN_GIVEN) {
            let want = &e.columns[name];
            let compare = ALWAYS.contains(&name) || !want.is_empty() || genuine;
            let have = field(r, name);
            if compare && &have != want {
                failures.push(format!(
                    "{}:{}: {name}: want {want:?}, got {have:?}",
                    e.file, e.index
                ));
            }
        }
        let ids: Vec<&str> = r.reasons.iter().map(|x| x.id.as_str()).collect();
        for want in e.columns["reasons"]
            .split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            if !ids.contains(&want) {
                failures.push(format!(
                    "{}:{}: reason {want} missing from {ids:?}",
                    e.file, e.index
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// One verdict whichever path, down to the record: what the first look skips is what the full
/// decode calls `unrelated`, with the same fields written.
#[test]
fn first_look_never_changes_a_record() {
    let quick = records(&Options::default());
    let full = records(&Options {
        decode_all: true,
        ..Options::default()
    });
    assert_eq!(quick.len(), full.len());
    for (key, r) in &full {
        let written = |r: &Record| serde_json::to_value(r).unwrap();
        assert_eq!(written(&quick[key]), written(r), "{key:?}");
    }
}

#[test]
fn at_least_25_fixtures_in_both_languages() {
    let all = expectations();
    assert!(all.len() >= 25);
    assert!(all.iter().any(|e| e.file.contains("-ja-")) && all.iter().any(|e| e.file.contains("-en-")));
}
