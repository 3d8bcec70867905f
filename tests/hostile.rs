//! Hostile input: mutated fixtures (proptest), deep nesting, a boundary string inside a body line,
//! size limits, output that must stay safe for spreadsheets and terminals, and nothing lost
//! between the messages read and the records written.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

mod common;

use common::msorder;
use msorder::error::DecodeError;
use msorder::input::{self, DEFAULT_MAX_SIZE, Mbox, ReadOptions};
use msorder::{Label, Options, ReadError, Record, classify};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;

const ACTIVATION: &str = "fixtures/mail/01-ja-activation-plain-utf8.eml";
const MBOX: &str = "fixtures/mbox/sample.mbox";
/// Fixture 01's product key, in full.
const FULL_KEY: &str = "FWPBX-RWYW9-4TM3V-W9D93-3X992";
const SEPARATOR: &[u8] = b"From MAILER-DAEMON Thu Jan  1 00:00:00 2026";

/// Every fixture message with its name: the .eml files, then the messages of the sample mbox.
static FIXTURES: LazyLock<Vec<(String, Vec<u8>)>> = LazyLock::new(|| {
    let mut paths: Vec<PathBuf> = std::fs::read_dir("fixtures/mail")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    paths.sort();
    let mut all: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read(p).unwrap()))
        .collect();
    let mbox = std::fs::read(MBOX).unwrap();
    let messages = Mbox::new(&mbox[..], DEFAULT_MAX_SIZE);
    all.extend(messages.map(|(i, m)| {
        (
            format!("{MBOX}:{i}"),
            m.expect("fixture mbox messages are readable"),
        )
    }));
    assert!(all.len() > 50, "fixtures missing");
    all
});

fn fixture_01() -> Vec<u8> {
    std::fs::read(ACTIVATION).unwrap()
}

/// What must hold for any record of any input.
fn check_record(record: &Record, index: usize) -> Result<(), TestCaseError> {
    prop_assert_eq!(record.index, index);
    prop_assert!(Label::ALL.contains(&record.label));
    prop_assert!(common::is_known_label(record.label.as_str()));
    let json = serde_json::to_value(record.label).unwrap();
    prop_assert_eq!(json.as_str(), Some(record.label.as_str()));
    if let Some(e) = &record.error {
        prop_assert!(
            !matches!(e, ReadError::Internal | ReadError::InternalInput),
            "a panic was caught: {}",
            e
        );
    }
    prop_assert_eq!(
        record.label == Label::Error,
        record.error.is_some(),
        "an error record, and only one, has an error: {:?}",
        record
    );
    Ok(())
}

/// [`check_record`] outside proptest.
fn assert_sane(record: &Record, index: usize) {
    if let Err(e) = check_record(record, index) {
        panic!("{e}");
    }
}

fn jsonl_records(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8(stdout.to_vec())
        .expect("JSON Lines are UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 1. Mutated fixtures
// ---------------------------------------------------------------------------------------------

/// Byte sequences that are not UTF-8: lone lead bytes, cut sequences, surrogates, overlongs,
/// code points past U+10FFFF, a JIS escape followed by garbage.
const INVALID_UTF8: &[&[u8]] = &[
    b"\xff",
    b"\xfe\xff",
    b"\xc3",
    b"\xe3\x81",
    b"\xed\xa0\x80",
    b"\xc0\xaf",
    b"\x80\x80",
    b"\xf4\x90\x80\x80",
    b"\xf8\x88\x80\x80\x80",
    b"\x1b$B\xff\x1b(B",
];

#[derive(Clone, Debug)]
enum Mutation {
    /// Cut the message at a point.
    Truncate(Index),
    /// XOR bytes at random places with a non-zero value.
    Flip(Vec<(Index, u8)>),
    /// Insert a slice of another fixture.
    Splice {
        donor: Index,
        start: Index,
        len: usize,
        at: Index,
    },
    /// Repeat one header line many times in place.
    RepeatHeader { line: Index, times: usize },
    /// Insert NUL bytes.
    Nul(Vec<Index>),
    /// Make every line end the same: bare CR, bare LF or CRLF.
    LineEnds(&'static [u8]),
    /// Put bytes that are not UTF-8 into a header line's value.
    BadUtf8 { line: Index, bytes: &'static [u8] },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<Index>().prop_map(Mutation::Truncate),
        prop::collection::vec((any::<Index>(), 1u8..=255), 1..16).prop_map(Mutation::Flip),
        (any::<Index>(), any::<Index>(), 0usize..4096, any::<Index>()).prop_map(|(donor, start, len, at)| {
            Mutation::Splice {
                donor,
                start,
                len,
                at,
            }
        }),
        (any::<Index>(), 2usize..3000).prop_map(|(line, times)| Mutation::RepeatHeader { line, times }),
        prop::collection::vec(any::<Index>(), 1..8).prop_map(Mutation::Nul),
        prop::sample::select(vec![&b"\r"[..], b"\n", b"\r\n"]).prop_map(Mutation::LineEnds),
        (any::<Index>(), prop::sample::select(INVALID_UTF8.to_vec()))
            .prop_map(|(line, bytes)| Mutation::BadUtf8 { line, bytes }),
    ]
}

/// Byte ranges of the header lines (each with its line end), up to the first empty line.
fn header_lines(data: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut lines = Vec::new();
    let mut start = 0;
    while start < data.len() {
        let end = data[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(data.len(), |i| start + i + 1);
        let line = &data[start..end];
        if line == b"\n" || line == b"\r\n" {
            break;
        }
        lines.push(start..end);
        start = end;
    }
    lines
}

fn normalise_line_ends(data: &[u8], ending: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 16);
    let mut i = 0;
    while i < data.len() {
        match data[i] {
            b'\r' if data.get(i + 1) == Some(&b'\n') => {
                out.extend_from_slice(ending);
                i += 2;
                continue;
            }
            b'\r' | b'\n' => out.extend_from_slice(ending),
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn apply(data: &mut Vec<u8>, mutation: &Mutation) {
    match mutation {
        Mutation::Truncate(at) => {
            let at = at.index(data.len() + 1);
            data.truncate(at);
        }
        Mutation::Flip(flips) => {
            if !data.is_empty() {
                for (at, x) in flips {
                    let at = at.index(data.len());
                    data[at] ^= x;
                }
            }
        }
        Mutation::Splice {
            donor,
            start,
            len,
            at,
        } => {
            let donor = &FIXTURES[donor.index(FIXTURES.len())].1;
            let start = start.index(donor.len() + 1);
            let end = (start + len).min(donor.len());
            let at = at.index(data.len() + 1);
            data.splice(at..at, donor[start..end].iter().copied());
        }
        Mutation::RepeatHeader { line, times } => {
            let lines = header_lines(data);
            if !lines.is_empty() {
                let range = lines[line.index(lines.len())].clone();
                let mut copy = data[range.clone()].to_vec();
                if !copy.ends_with(b"\n") {
                    copy.push(b'\n');
                }
                let repeated = copy.repeat(*times);
                data.splice(range.end..range.end, repeated);
            }
        }
        Mutation::Nul(places) => {
            for at in places {
                let at = at.index(data.len() + 1);
                data.insert(at, 0);
            }
        }
        Mutation::LineEnds(ending) => *data = normalise_line_ends(data, ending),
        Mutation::BadUtf8 { line, bytes } => {
            let lines = header_lines(data);
            if !lines.is_empty() {
                let range = lines[line.index(lines.len())].clone();
                let at = data[range.clone()]
                    .iter()
                    .position(|&b| b == b':')
                    .map_or(range.start, |i| range.start + i + 1);
                data.splice(at..at, bytes.iter().copied());
            }
        }
    }
}

fn mutant() -> impl Strategy<Value = (Index, Vec<Mutation>)> {
    (any::<Index>(), prop::collection::vec(mutation(), 0..=4))
}

fn build_mutant(fixture: &Index, mutations: &[Mutation]) -> Vec<u8> {
    let mut data = FIXTURES[fixture.index(FIXTURES.len())].1.clone();
    for m in mutations {
        apply(&mut data, m);
    }
    data
}

/// An mboxrd stream of the messages, the way `make_mbox.py` writes one: each message after a
/// separator line, body lines matching `^>*From ` quoted with one more `>`, a blank line after.
fn mboxrd(messages: &[Vec<u8>], crlf: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let eol: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    for message in messages {
        out.extend_from_slice(SEPARATOR);
        out.extend_from_slice(eol);
        for line in message.split_inclusive(|&b| b == b'\n') {
            let quotes = line.iter().take_while(|&&b| b == b'>').count();
            if line[quotes..].starts_with(b"From ") {
                out.push(b'>');
            }
            out.extend_from_slice(line);
        }
        if !message.ends_with(b"\n") {
            out.extend_from_slice(eol);
        }
        out.extend_from_slice(eol);
    }
    out
}

fn proptest_config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        // Don't write regression files into tests/; a failure prints the minimal input.
        failure_persistence: None,
        max_shrink_time: 60_000,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(proptest_config(96))]

    /// A mutated fixture gives one sane record: no caught panic, a known label.
    #[test]
    fn mutated_fixture_gives_one_sane_record(
        (fixture, mutations) in mutant(),
        decode_all in any::<bool>(),
    ) {
        let data = build_mutant(&fixture, &mutations);
        let opts = Options { decode_all, ..Options::default() };
        let record = classify("mutant.eml", 7, &data, &opts);
        check_record(&record, 7)?;
        prop_assert_eq!(record.source.as_str(), "mutant.eml");
    }
}

proptest! {
    #![proptest_config(proptest_config(32))]

    /// An mbox of mutated fixtures: the reader finds every message written, and the scan gives
    /// one record per message read, indices 1..=n in order.
    #[test]
    fn mbox_of_mutants_loses_nothing(
        mutants in prop::collection::vec(mutant(), 1..=6),
        crlf in any::<bool>(),
    ) {
        let messages: Vec<Vec<u8>> = mutants.iter().map(|(f, m)| build_mutant(f, m)).collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mutants.mbox");
        std::fs::write(&path, mboxrd(&messages, crlf)).unwrap();
        let source = path.to_str().unwrap().to_owned();
        let read: Vec<_> = input::messages(vec![source.clone()], ReadOptions::default()).collect();
        prop_assert_eq!(read.len(), messages.len(), "the reader split the mbox differently");
        let mut records = Vec::new();
        msorder::scan::run(
            input::messages(vec![source.clone()], ReadOptions::default()),
            &Options::default(),
            2,
            |r| -> Result<(), ()> {
                records.push(r);
                Ok(())
            },
        )
        .unwrap();
        prop_assert_eq!(records.len(), read.len());
        for (i, record) in records.iter().enumerate() {
            check_record(record, i + 1)?;
            prop_assert_eq!(&record.source, &source);
        }
    }
}

proptest! {
    #![proptest_config(proptest_config(128))]

    /// Arbitrary bytes, as one message and as an mbox read through a tiny buffer.
    #[test]
    fn arbitrary_bytes_give_sane_records(
        bytes in prop::collection::vec(any::<u8>(), 0..2048),
        capacity in 1usize..64,
    ) {
        let record = classify("-", 1, &bytes, &Options::default());
        check_record(&record, 1)?;
        let mut mbox = b"From a@b Thu Jan  1 00:00:00 2026\n".to_vec();
        mbox.extend_from_slice(&bytes);
        for (i, (index, message)) in Mbox::with_chunk(&mbox[..], DEFAULT_MAX_SIZE, capacity).enumerate() {
            prop_assert_eq!(index, i + 1);
            let message = message.map_err(|e| TestCaseError::fail(e.to_string()))?;
            let record = classify("-", index, &message, &Options::default());
            check_record(&record, index)?;
        }
    }
}

/// Found by `fuzz/`: trips a `debug_assert!` inside mail-parser 0.11.9 ("Invalid part ID"),
/// which Cargo.toml turns off for that crate in test builds too, as in the release build.
#[test]
fn corrupt_multipart_trips_a_mail_parser_debug_assert() {
    let raw = b"Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: message/rfc822\n\n\
                Content-Type: message/rfc822\nX: y\n\n\n--b--\n";
    for opts in both_looks() {
        assert_sane(&classify("corrupt.eml", 1, raw, &opts), 1);
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Deep nesting
// ---------------------------------------------------------------------------------------------

/// `levels` bare `message/rfc822` wrappers around `innermost`.
fn rfc822_chain(levels: usize, innermost: &[u8]) -> Vec<u8> {
    let mut raw = b"Content-Type: message/rfc822\n\n".repeat(levels);
    raw.extend_from_slice(innermost);
    raw
}

const TINY: &[u8] = b"From: a@example.com\nSubject: x\n\nbody\n";

/// Default options with the cheap first look, and with every message decoded in full.
fn both_looks() -> [Options; 2] {
    [false, true].map(|decode_all| Options {
        decode_all,
        ..Options::default()
    })
}

#[test]
fn deep_rfc822_nesting_is_an_error() {
    let raw = rfc822_chain(50_000, TINY);
    for opts in both_looks() {
        let record = classify("deep.eml", 1, &raw, &opts);
        assert_sane(&record, 1);
        assert_eq!(record.label, Label::Error);
        let error = record.error.unwrap();
        assert!(
            matches!(error, ReadError::Decode(DecodeError::TooDeep(_))),
            "{error}"
        );
    }
}

#[test]
fn deep_rfc822_nesting_via_the_cli_and_the_next_file_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir.path().join("deep.eml");
    std::fs::write(&deep, rfc822_chain(50_000, TINY)).unwrap();
    let records = scan_bad_then_activation(&deep);
    assert!(records[0]["error"].as_str().unwrap().contains("nesting too deep"));
    assert_eq!(records[1]["source"], ACTIVATION);
    assert_eq!(records[1]["order_number"], "8311422531");
}

/// A forward of a forward of …: `layers` multipart/mixed messages, each with a note and the
/// next one attached as `message/rfc822`, around `innermost`.
fn forwarded(layers: usize, innermost: &[u8]) -> Vec<u8> {
    let mut inner = innermost.to_vec();
    for layer in 0..layers {
        let mut outer = format!(
            "From: Taro {layer} <taro{layer}@example.jp>\nTo: hanako@example.jp\nSubject: Fwd: order\n\
             Date: Sat, 12 Apr 2025 10:00:00 +0900\nMIME-Version: 1.0\n\
             Content-Type: multipart/mixed; boundary=\"layer{layer}\"\n\n\
             --layer{layer}\nContent-Type: text/plain; charset=utf-8\n\nsee the attached mail\n\
             --layer{layer}\nContent-Type: message/rfc822\n\n"
        )
        .into_bytes();
        outer.extend_from_slice(&inner);
        outer.extend_from_slice(format!("\n--layer{layer}--\n").as_bytes());
        inner = outer;
    }
    inner
}

#[test]
fn genuine_order_inside_forwards_of_forwards() {
    // Four layers: the attached original is still read.
    let record = classify("fwd4.eml", 1, &forwarded(4, &fixture_01()), &Options::default());
    assert_sane(&record, 1);
    assert_eq!(record.label, Label::Activation, "{record:?}");
    assert!(record.forwarded);
    assert_eq!(record.order_number.as_deref(), Some("8311422531"));
    // Five layers: past the depth the views go to, but still a record, not an error.
    for opts in both_looks() {
        let record = classify("fwd5.eml", 1, &forwarded(5, &fixture_01()), &opts);
        assert_sane(&record, 1);
        assert_ne!(record.label, Label::Error, "{record:?}");
    }
}

/// An outer mail whose second part is `content_type_lines` with `encoding`, holding `body`.
fn mail_with_part(content_type_lines: &str, encoding: &str, body: &[u8]) -> Vec<u8> {
    let mut raw = format!(
        "From: a@example.com\nTo: b@example.com\nSubject: hello\nMIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=zz\n\n--zz\nContent-Type: text/plain\n\nhi\n\
         --zz\n{content_type_lines}\nContent-Transfer-Encoding: {encoding}\n\n"
    )
    .into_bytes();
    raw.extend_from_slice(body);
    raw.extend_from_slice(b"\n--zz--\n");
    raw
}

fn base64(bytes: &[u8]) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    for (i, chunk) in bytes.chunks(3).enumerate() {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for j in 0..4 {
            out.push(if j <= chunk.len() {
                A[(n >> (18 - 6 * j) & 63) as usize]
            } else {
                b'='
            });
        }
        if i % 19 == 18 {
            out.push(b'\n');
        }
    }
    out
}

/// Scan `hostile` and then fixture 01 in one run: the hostile file may be an error, but the
/// process must survive it and still read the next file.
fn assert_survives_then_reads_next(name: &str, hostile: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, hostile).unwrap();
    let out = msorder()
        .args(["scan", "--all", "--format", "jsonl"])
        .arg(&path)
        .arg(ACTIVATION)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0..=2)),
        "msorder died on {name}: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let records = jsonl_records(&out.stdout);
    assert_eq!(records.len(), 2, "{records:?}");
    assert_eq!(records[1]["label"], "activation");
}

#[test]
fn deep_nesting_inside_a_base64_rfc822_part() {
    let raw = mail_with_part(
        "Content-Type: message/rfc822",
        "base64",
        &base64(&rfc822_chain(50_000, TINY)),
    );
    assert_survives_then_reads_next("b64-rfc822.eml", &raw);
}

#[test]
fn deep_nesting_inside_a_quoted_printable_rfc822_part() {
    let chain = rfc822_chain(50_000, TINY);
    let qp = String::from_utf8(chain)
        .unwrap()
        .replace("message/rfc822", "=6Dessage/rfc822");
    let raw = mail_with_part("Content-Type: message/rfc822", "quoted-printable", qp.as_bytes());
    assert_survives_then_reads_next("qp-rfc822.eml", &raw);
}

/// A part of a multipart/digest without a Content-Type is a message, so a base64 body there is
/// parsed as one though no `message/rfc822` shows in the outer bytes.
#[test]
fn deep_nesting_inside_a_base64_digest_part() {
    let chain = base64(&rfc822_chain(50_000, TINY));
    let mut raw = b"From: a@example.com\nSubject: Fwd: Microsoft order\nMIME-Version: 1.0\n\
        Content-Type: multipart/digest; boundary=zz\n\n--zz\nContent-Transfer-Encoding: base64\n\n"
        .to_vec();
    raw.extend_from_slice(&chain);
    raw.extend_from_slice(b"\n--zz--\n");
    let opts = Options {
        decode_all: true,
        ..Options::default()
    };
    let record = classify("digest.eml", 1, &raw, &opts);
    assert_sane(&record, 1);
    assert!(matches!(
        record.error,
        Some(ReadError::Decode(DecodeError::TooDeep(_)))
    ));
    assert_survives_then_reads_next("digest.eml", &raw);
}

#[test]
fn deep_nesting_inside_a_base64_eml_attachment() {
    let raw = mail_with_part(
        "Content-Type: application/octet-stream; name=\"fwd.eml\"\n\
         Content-Disposition: attachment; filename=\"fwd.eml\"",
        "base64",
        &base64(&rfc822_chain(50_000, TINY)),
    );
    assert_survives_then_reads_next("b64-eml.eml", &raw);
}

#[test]
fn deep_multipart_nesting() {
    let levels = 20_000;
    let mut raw = String::from(
        "From: a@example.com\nSubject: Microsoft order\nMIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=b0\n\n",
    );
    for i in 1..levels {
        raw.push_str(&format!(
            "--b{}\nContent-Type: multipart/mixed; boundary=b{i}\n\n",
            i - 1
        ));
    }
    raw.push_str(&format!("--b{}\nContent-Type: text/plain\n\nhi\n", levels - 1));
    for i in (0..levels).rev() {
        raw.push_str(&format!("--b{i}--\n"));
    }
    let record = classify("multipart-deep.eml", 1, raw.as_bytes(), &Options::default());
    assert_sane(&record, 1);
}

/// `levels` wrappers typed with `content_type` (any spelling mail-parser reads as a message).
fn spelled_chain(levels: usize, content_type: &str) -> Vec<u8> {
    let mut raw = format!("Content-Type: {content_type}\n\n")
        .repeat(levels)
        .into_bytes();
    raw.extend_from_slice(TINY);
    raw
}

/// Base64 as `base64` writes it, then every line cut to `width` characters with `gap` inside
/// each (mail-parser's decoder skips white space and takes lines of any length).
fn base64_spelled(bytes: &[u8], width: usize, gap: &str) -> Vec<u8> {
    let plain: Vec<u8> = base64(bytes).into_iter().filter(|&b| b != b'\n').collect();
    let mut out = Vec::new();
    for line in plain.chunks(width) {
        let (a, b) = line.split_at(line.len() / 2);
        out.extend_from_slice(a);
        out.extend_from_slice(gap.as_bytes());
        out.extend_from_slice(b);
        out.push(b'\n');
    }
    out
}

/// A "lunch" mail carrying a hidden deep chain: an error record when decoded in full (never an
/// abort); the cheap first look may pass such a mail over as unrelated instead.
fn assert_deep_is_an_error(name: &str, raw: &[u8]) {
    for opts in both_looks() {
        let record = classify(name, 1, raw, &opts);
        assert_sane(&record, 1);
        if !opts.decode_all && record.label == Label::Unrelated {
            continue;
        }
        assert_eq!(record.label, Label::Error, "{name}: {record:?}");
        assert!(
            record.error.as_ref().unwrap().to_string().contains("nesting too"),
            "{name}: {record:?}"
        );
    }
}

#[test]
fn deep_nesting_in_every_spelling_is_an_error() {
    // An ordinary-looking mail: not one the first look would pass over for its subject.
    let lunch = |ct: &str, encoding: &str, body: &[u8]| {
        let raw = mail_with_part(ct, encoding, body);
        let at = raw.windows(14).position(|w| w == b"Subject: hello").unwrap();
        [&raw[..at], b"Subject: lunch on friday?", &raw[at + 14..]].concat()
    };
    let chain = rfc822_chain(100_000, TINY);
    // Spellings of the type that mail-parser reads as message/rfc822, each a 100,000-deep chain.
    let spellings = [
        ("space-after-slash", "message/ rfc822"),
        ("comment", "message/(x)rfc822"),
        ("folded", "Message\n /\n (a (b)) GLOBAL"),
        ("quoted", "\"message\"/\"rfc822\""),
        ("escaped-comment", "message/(a\\)b(c))rfc822"),
    ];
    let mut cases: Vec<(&str, Vec<u8>)> = spellings
        .iter()
        .map(|&(name, spelling)| {
            let body = spelled_chain(100_000, spelling);
            (name, lunch("Content-Type: multipart/mixed", "7bit", &body))
        })
        .collect();
    // Base64 that mail-parser still decodes: odd line widths and characters between the groups.
    let gaps = [
        ("base64-spaces", 76, " "),
        ("base64-short-lines", 3, ""),
        ("base64-dashes", 76, "-"),
        ("base64-cr", 76, "\r"),
    ];
    cases.extend(gaps.iter().map(|&(name, width, gap)| {
        let body = base64_spelled(&chain, width, gap);
        (name, lunch("Content-Type: message/rfc822", "base64", &body))
    }));
    cases.extend([
        (
            "base64-encoded-word",
            lunch(
                "Content-Type: message/ rfc822",
                "=?us-ascii?b?YmFzZTY0?=",
                &base64(&chain),
            ),
        ),
        ("base64-folded-inner-cte", {
            let mut inner = b"Content-Type: message/rfc822\nContent-Transfer-Encoding:\n base64\n\n".to_vec();
            inner.extend_from_slice(&base64(&chain));
            lunch("Content-Type: message/rfc822", "7bit", &inner)
        }),
        ("qp-encoded-word", {
            let qp = String::from_utf8(chain.clone())
                .unwrap()
                .replace("rfc822", "rfc=\n822");
            lunch(
                "Content-Type: message/rfc822",
                "=?us-ascii?b?cXVvdGVkLXByaW50YWJsZQ==?=",
                qp.as_bytes(),
            )
        }),
        ("qp-soft-breaks", {
            let qp = String::from_utf8(chain.clone())
                .unwrap()
                .replace("rfc822", "rfc=  \n822");
            lunch("Content-Type: message/rfc822", "quoted-printable", qp.as_bytes())
        }),
    ]);
    for (name, raw) in &cases {
        assert_deep_is_an_error(name, raw);
    }
    assert_survives_then_reads_next("comment.eml", &cases[1].1);
}

#[test]
fn a_million_levels_unencoded_is_an_error() {
    // 43 MB, under the default maximum size.
    let raw = spelled_chain(1_000_000, "message/(x)rfc822");
    assert_deep_is_an_error("million.eml", &raw);
}

/// Thirty levels inside one large base64 layer would be copied thirty times by mail-parser.
#[test]
fn few_levels_in_a_large_encoded_layer_are_an_error() {
    let mut inner = TINY.to_vec();
    inner.extend(std::iter::repeat_n(b'x', 8 << 20));
    inner.push(b'\n');
    let raw = mail_with_part(
        "Content-Type: message/rfc822",
        "base64",
        &base64(&rfc822_chain(30, &inner)),
    );
    assert_deep_is_an_error("wide.eml", &raw);
    // Two levels in the same layer are an ordinary forward and are read.
    let raw = mail_with_part(
        "Content-Type: message/rfc822",
        "base64",
        &base64(&rfc822_chain(2, &inner)),
    );
    let record = classify("two.eml", 1, &raw, &Options::default());
    assert_ne!(record.label, Label::Error, "{record:?}");
}

// ---------------------------------------------------------------------------------------------
// 3. A boundary string in the middle of a body line (mail-parser issue #156)
// ---------------------------------------------------------------------------------------------

/// Fixture 01 as the plain part of a multipart/alternative mail with boundary `BOUNDARY`, with
/// `line` inserted before the order fields, and an HTML part.
fn alternative_with_line(line: &str) -> String {
    let text = String::from_utf8(fixture_01()).unwrap();
    let (head, body) = text.split_once("\n\n").unwrap();
    let head = head.replace(
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit",
        "Content-Type: multipart/alternative; boundary=\"BOUNDARY\"",
    );
    assert!(head.contains("boundary=\"BOUNDARY\""));
    let plain = body.replace("注文番号:", &format!("{line}\n注文番号:"));
    assert_ne!(plain, body);
    let html = format!(
        "<html><body><p>{}</p></body></html>",
        body.replace('\n', "<br>\n")
    );
    format!(
        "{head}\n\n--BOUNDARY\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n\
         {plain}\n--BOUNDARY\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n\
         {html}\n--BOUNDARY--\n"
    )
}

fn assert_order_fields_survive(raw: &str) {
    let opts = Options {
        show_keys: true,
        ..Options::default()
    };
    let record = classify("midline.eml", 1, raw.as_bytes(), &opts);
    assert_sane(&record, 1);
    assert_eq!(record.order_number.as_deref(), Some("8311422531"), "{record:?}");
    assert_eq!(record.product_key.as_deref(), Some(FULL_KEY), "{record:?}");
    assert_eq!(record.total.as_deref(), Some("0.00"), "{record:?}");
    assert_eq!(record.currency.as_deref(), Some("USD"), "{record:?}");
    assert_eq!(record.label, Label::Activation, "{record:?}");
}

/// Every line of the plain part survives. The mid-line delimiter itself comes back with its
/// dashes as look-alike non-breaking hyphens (U+2011), which is how msorder keeps mail-parser
/// from splitting the part there; read them as `-`.
fn assert_plain_part_whole(raw: &str, line: &str) {
    let view = msorder::mime::decode(raw.as_bytes()).unwrap();
    let text = view.text.replace('\u{2011}', "-");
    for field in [
        line,
        "注文番号: 8311422531",
        "購入日: 2025/04/12",
        "合計: USD 0.00",
        FULL_KEY,
    ] {
        assert!(text.contains(field), "plain part lost {field:?}:\n{text}");
    }
}

const MID_LINE_OPEN: &str = "詳しくは see --BOUNDARY here をご覧ください。";
const MID_LINE_CLOSE: &str = "詳しくは x--BOUNDARY--y をご覧ください。";

#[test]
fn boundary_string_mid_line_keeps_the_order_fields() {
    assert_order_fields_survive(&alternative_with_line(MID_LINE_OPEN));
}

#[test]
fn boundary_string_mid_line_does_not_cut_the_part() {
    assert_plain_part_whole(&alternative_with_line(MID_LINE_OPEN), MID_LINE_OPEN);
}

#[test]
fn closing_boundary_string_mid_line_keeps_the_order_fields() {
    let raw = alternative_with_line(MID_LINE_CLOSE);
    assert_order_fields_survive(&raw);
    assert_plain_part_whole(&raw, MID_LINE_CLOSE);
}

// ---------------------------------------------------------------------------------------------
// 4. Limits
// ---------------------------------------------------------------------------------------------

#[test]
fn message_over_the_maximum_size_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.eml");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
        f.write_all(b"From: a@example.com\nSubject: big\n\n").unwrap();
        let line = [b"x".repeat(1023), b"\n".to_vec()].concat();
        for _ in 0..70 * 1024 {
            f.write_all(&line).unwrap();
        }
        f.flush().unwrap();
    }
    assert!(std::fs::metadata(&big).unwrap().len() > 70 << 20);
    let records = scan_bad_then_activation(&big);
    assert!(
        records[0]["error"].as_str().unwrap().contains("maximum size"),
        "{:?}",
        records[0]
    );
}

/// `scan --all` of a bad file then fixture 01: exit 2, an error record, and the next file still
/// read. Returns the two records.
fn scan_bad_then_activation(bad: &Path) -> Vec<serde_json::Value> {
    let out = msorder()
        .args(["scan", "--all", "--format", "jsonl"])
        .arg(bad)
        .arg(ACTIVATION)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let records = jsonl_records(&out.stdout);
    assert_eq!(records.len(), 2, "{records:?}");
    assert_eq!(records[0]["label"], "error");
    assert_eq!(records[1]["label"], "activation");
    records
}

#[test]
fn max_size_flag() {
    let out = msorder()
        .args([
            "scan",
            "--all",
            "--format",
            "jsonl",
            "--max-size",
            "1000",
            ACTIVATION,
        ])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let records = jsonl_records(&out.stdout);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["label"], "error");
    assert!(records[0]["error"].as_str().unwrap().contains("maximum size"));
    // In an mbox, a message far over the limit is an error and the rest goes on.
    let mut messages = vec![b"From: a@example.com\nSubject: small\n\nok\n".to_vec()];
    messages.push([&b"From: a@example.com\nSubject: big\n\n"[..], &b"y".repeat(5000)].concat());
    messages.push(fixture_01());
    let out = msorder()
        .args(["scan", "--all", "--format", "jsonl", "--max-size", "4000"])
        .write_stdin(mboxrd(&messages, false))
        .assert()
        .code(2)
        .get_output()
        .clone();
    let labels: Vec<String> = jsonl_records(&out.stdout)
        .iter()
        .map(|r| r["label"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(labels, ["unrelated", "error", "activation"]);
}

#[test]
fn max_size_is_the_same_in_an_mbox() {
    let message = [
        &b"From: a@example.com\nSubject: hi\n\n"[..],
        &b"x".repeat(1200),
        b"\n",
    ]
    .concat();
    assert!(message.len() > 1000);
    let dir = tempfile::tempdir().unwrap();
    let eml = dir.path().join("one.eml");
    std::fs::write(&eml, &message).unwrap();
    let mbox = dir.path().join("one.mbox");
    std::fs::write(&mbox, mboxrd(&[message], false)).unwrap();
    let out = msorder()
        .args(["scan", "--all", "--format", "jsonl", "--max-size", "1000"])
        .arg(&eml)
        .arg(&mbox)
        .output()
        .unwrap();
    let labels: Vec<String> = jsonl_records(&out.stdout)
        .iter()
        .map(|r| r["label"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        labels,
        ["error", "error"],
        "same message as a file and in an mbox"
    );
}

#[test]
fn mbox_with_a_message_over_the_maximum_size() {
    let mut raw = mboxrd(&[fixture_01()], false);
    raw.extend_from_slice(SEPARATOR);
    raw.extend_from_slice(b"\nFrom: a@example.com\nSubject: big\n\n");
    raw.extend_from_slice(&[b"z".repeat(1023), b"\n".to_vec()].concat().repeat(3 * 1024));
    raw.extend_from_slice(b"\n");
    raw.extend_from_slice(&mboxrd(&[fixture_01()], true));
    let opts = ReadOptions {
        max_size: 1 << 20,
        ..ReadOptions::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.mbox");
    std::fs::write(&path, &raw).unwrap();
    let messages: Vec<_> = input::messages([path], opts).collect();
    assert_eq!(messages.len(), 3);
    let records: Vec<Record> = messages
        .iter()
        .map(|m| msorder::scan::record_for(m, &Options::default()))
        .collect();
    for (i, r) in records.iter().enumerate() {
        assert_sane(r, i + 1);
    }
    assert_eq!(records[0].label, Label::Activation);
    assert!(matches!(records[1].error, Some(ReadError::TooLarge { .. })));
    assert_eq!(records[2].label, Label::Activation);
}

#[test]
fn huge_header_block() {
    let text = String::from_utf8(fixture_01()).unwrap();
    let (head, body) = text.split_once("\n\n").unwrap();
    let mut filler = String::with_capacity(200_000 * 30);
    for i in 0..200_000 {
        filler.push_str(&format!("X-Filler-{i}: value {i}\n"));
    }
    let raw = format!("{head}\n{filler}\n{body}");
    let record = classify("headers.eml", 1, raw.as_bytes(), &Options::default());
    assert_sane(&record, 1);
    assert!(
        matches!(record.label, Label::Activation | Label::Error),
        "{record:?}"
    );
}

#[test]
fn many_parts() {
    let mut raw = String::from(
        "From: Microsoft <microsoft-noreply@microsoft.com>\nSubject: Microsoft order\n\
         MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=zz\n\n",
    );
    for i in 0..20_000 {
        if i % 2 == 0 {
            raw.push_str(&format!("--zz\nContent-Type: text/plain\n\npart {i}\n"));
        } else {
            raw.push_str(&format!(
                "--zz\nContent-Type: application/pdf; name=\"a{i}.pdf\"\n\
                 Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n"
            ));
        }
    }
    raw.push_str("--zz--\n");
    let record = classify("parts.eml", 1, raw.as_bytes(), &Options::default());
    assert_sane(&record, 1);
}

/// Base64 text parts, each after a closing delimiter line and a line of dashes, and a header
/// block of Received fields with long continuations: what the full decode takes out of
/// mail-parser's parse is found in one pass.
#[test]
fn base64_text_parts_after_closing_delimiters() {
    let mut raw = String::from("From: Microsoft <microsoft-noreply@microsoft.com>\n");
    for _ in 0..1_000 {
        raw.push_str(&format!("Received: from a\n{}", " by b\n".repeat(50)));
    }
    raw.push_str(
        "Subject: Microsoft order\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=zz\n\n",
    );
    let text = String::from_utf8(base64(&b"Microsoft order ".repeat(100))).unwrap();
    for i in 0..2_000 {
        raw.push_str(&format!(
            "--zz\nContent-Type: multipart/alternative; boundary=in{i}\n\n--in{i}--\n------\n\
             --zz\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n{text}\n"
        ));
    }
    raw.push_str("--zz--\n");
    let record = classify("base64-text.eml", 1, raw.as_bytes(), &Options::default());
    assert_sane(&record, 1);
}

/// Many parts naming boundaries of their own beside a long quoted-printable text part: each
/// distinct boundary is looked for in the text the full decode takes out of mail-parser's
/// parse, which must not multiply (reviewed: boundaries × text bytes).
#[test]
fn many_boundaries_beside_long_quoted_printable_text() {
    let mut raw = String::from(
        "From: Microsoft <microsoft-noreply@microsoft.com>\nSubject: Microsoft order\n\
         MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=zz\n\n\
         --zz\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n",
    );
    raw.push_str(&"<p>Microsoft =E3=81=82 order</p>\n".repeat(100_000));
    for i in 0..20_000 {
        raw.push_str(&format!(
            "--zz\nContent-Type: text/plain; boundary=b{i}\n\npart\n"
        ));
    }
    raw.push_str("--zz--\n");
    let record = classify("boundaries.eml", 1, raw.as_bytes(), &Options::default());
    assert_sane(&record, 1);
}

/// An Authentication-Results value of many comment ends and quotes: read in runs, each run's end
/// found without reading to the end of the value again.
#[test]
fn authentication_results_of_many_parentheses() {
    let text = String::from_utf8(fixture_01()).unwrap();
    for filler in [")".repeat(400_000), "\"x".repeat(200_000), "a(b)".repeat(100_000)] {
        let raw = format!("Authentication-Results: mx.example.jp; (x){filler}\n{text}");
        let record = classify("auth.eml", 1, raw.as_bytes(), &Options::default());
        assert_sane(&record, 1);
    }
}

#[test]
fn only_nul_bytes() {
    for len in [1, 4096, 1 << 20] {
        let record = classify("nul.eml", 1, &vec![0u8; len], &Options::default());
        assert_sane(&record, 1);
        assert_eq!(record.label, Label::Error);
    }
}

#[test]
fn invalid_utf8_in_headers() {
    let f01 = fixture_01();
    let insert = |marker: &[u8], bytes: &[u8]| -> Vec<u8> {
        let at = f01.windows(marker.len()).position(|w| w == marker).unwrap() + marker.len();
        [&f01[..at], bytes, &f01[at..]].concat()
    };
    // In a header nothing reads: still the genuine activation.
    let raw = insert(
        b"\nMIME-Version",
        b": x\nX-Junk: \xff\xfe\xc3(\xed\xa0\x80\nX-Pad",
    );
    let record = classify("junk.eml", 1, &raw, &Options::default());
    assert_sane(&record, 1);
    assert_eq!(record.label, Label::Activation, "{record:?}");
    // In Subject, From and To, alone and together: one sane record each.
    for bytes in INVALID_UTF8 {
        for marker in [&b"Subject: "[..], b"From: ", b"To: "] {
            let record = classify("bad.eml", 1, &insert(marker, bytes), &Options::default());
            assert_sane(&record, 1);
        }
    }
    let raw = b"From: \xff\xfe <\xc3@example.com>\nSubject: Microsoft \xe3\x81 order \xc0\xaf\n\
                To: \x80\n\nbody \xff\n";
    for opts in both_looks() {
        assert_sane(&classify("bad.eml", 1, raw, &opts), 1);
    }
}

#[test]
fn bare_cr_line_ends() {
    let f01 = fixture_01();
    assert!(!f01.contains(&b'\r'));
    let cr = normalise_line_ends(&f01, b"\r");
    assert!(!cr.contains(&b'\n'));
    for opts in both_looks() {
        let record = classify("cr.eml", 1, &cr, &opts);
        assert_sane(&record, 1);
        assert!(
            matches!(record.label, Label::Activation | Label::Error),
            "{record:?}"
        );
    }
    let crlf = normalise_line_ends(&f01, b"\r\n");
    let record = classify("crlf.eml", 1, &crlf, &Options::default());
    assert_eq!(record.label, Label::Activation);
}

#[test]
fn lf_or_crlf_line_ends_do_not_change_the_verdict() {
    for (name, fixture) in FIXTURES.iter() {
        let original = classify(name, 1, fixture, &Options::default());
        for ending in [&b"\n"[..], b"\r\n"] {
            let record = classify(
                name,
                1,
                &normalise_line_ends(fixture, ending),
                &Options::default(),
            );
            assert_sane(&record, 1);
            assert_eq!(record.label, original.label, "{name} with {ending:?} line ends");
            assert_eq!(record.order_number, original.order_number, "{name}");
            assert_eq!(record.total, original.total, "{name}");
        }
    }
}

#[test]
fn bare_cr_line_ends_give_an_error_or_the_same_verdict() {
    let mut wrong = Vec::new();
    for (name, fixture) in FIXTURES.iter() {
        let original = classify(name, 1, fixture, &Options::default());
        let record = classify(name, 1, &normalise_line_ends(fixture, b"\r"), &Options::default());
        assert_sane(&record, 1);
        if record.label != Label::Error && record.label != original.label {
            wrong.push(format!(
                "{name}: {} -> {}",
                original.label.as_str(),
                record.label.as_str()
            ));
        }
    }
    assert!(wrong.is_empty(), "{} wrong:\n{}", wrong.len(), wrong.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// 5. Safe output
// ---------------------------------------------------------------------------------------------

const HOSTILE_SUBJECT: &str = "=HYPERLINK(\"http://x\",\"y\") \u{1b}[31mred\u{1b}[0m \u{202E}txet";

fn hostile_mail() -> Vec<u8> {
    format!(
        "From: \"@SUM(1+1)\" <evil@example.com>\nTo: user@example.jp\nSubject: {HOSTILE_SUBJECT}\n\
         Date: Sat, 12 Apr 2025 06:14:03 +0000\nMessage-ID: <x@example.com>\nMIME-Version: 1.0\n\
         Content-Type: text/plain; charset=utf-8\n\nhello\n"
    )
    .into_bytes()
}

/// The same tricks in encoded words, in an order-looking mail so that it is fully decoded.
fn hostile_encoded_mail() -> Vec<u8> {
    let subject = String::from_utf8(base64(
        "=cmd|' /C calc'!A0 Microsoft の注文 \u{1b}]0;owned\u{7} \u{202E}".as_bytes(),
    ))
    .unwrap();
    let name = String::from_utf8(base64("@SUM(1+1)\u{1b}[2J\u{202E}".as_bytes())).unwrap();
    format!(
        "From: =?UTF-8?B?{name}?= <microsoft-noreply@microsoft.com>\nTo: user@example.jp\n\
         Subject: =?UTF-8?B?{subject}?=\nDate: Sat, 12 Apr 2025 06:14:03 +0000\nMIME-Version: 1.0\n\
         Content-Type: text/plain; charset=utf-8\n\n注文番号: 1234567890\n合計: \u{1b}[31m¥0\u{202E}\n"
    )
    .into_bytes()
}

fn has_terminal_control(bytes: &[u8]) -> bool {
    String::from_utf8_lossy(bytes)
        .chars()
        .any(|c| c == '\u{1b}' || c == '\u{7}' || ('\u{202A}'..='\u{202E}').contains(&c))
}

#[test]
fn the_hostile_subject_reaches_the_record() {
    // Otherwise the output tests below would prove nothing.
    let r = classify("-", 1, &hostile_mail(), &Options::default());
    let subject = r.subject.unwrap();
    assert!(subject.starts_with("=HYPERLINK"), "{subject:?}");
    assert!(
        subject.contains('\u{1b}') && subject.contains('\u{202E}'),
        "{subject:?}"
    );
    assert!(r.from.unwrap().starts_with("@SUM(1+1)"));
}

#[test]
fn csv_neutralises_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.eml");
    std::fs::write(&path, hostile_mail()).unwrap();
    for excel in [false, true] {
        let mut cmd = msorder();
        cmd.args(["scan", "--all", "--format", "csv"]).arg(&path);
        if excel {
            cmd.arg("--excel");
        }
        let out = cmd.assert().code(0).get_output().stdout.clone();
        let text = String::from_utf8(out.clone()).unwrap();
        if excel {
            // Excel's header is in words ("Source", "Subject"): the reader's language.
            assert!(text.starts_with("\u{FEFF}Source,"), "{text:?}");
            assert!(text.ends_with("\r\n"));
            assert!(
                !text.replace("\r\n", "").contains('\n'),
                "bare LF in Excel CSV: {text:?}"
            );
        } else {
            assert!(text.starts_with("source,"));
        }
        let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{FEFF}').as_bytes());
        let header = reader.headers().unwrap().clone();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 1);
        let cell = |name: &str| {
            rows[0][header.iter().position(|h| h.eq_ignore_ascii_case(name)).unwrap()].to_owned()
        };
        assert!(
            cell("subject").starts_with("'=HYPERLINK"),
            "{:?}",
            cell("subject")
        );
        assert!(cell("from").starts_with("'@SUM(1+1)"), "{:?}", cell("from"));
        for row in &rows {
            for c in row {
                assert!(
                    !c.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "cell a spreadsheet would run: {c:?}"
                );
            }
        }
    }
}

#[test]
fn terminal_outputs_have_no_control_sequences() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("hostile.eml");
    std::fs::write(&plain, hostile_mail()).unwrap();
    let encoded = dir.path().join("encoded.eml");
    std::fs::write(&encoded, hostile_encoded_mail()).unwrap();
    // A file name is attacker-controlled too.
    let named = dir.path().join("\u{1b}]0;owned\u{7}\u{202E}lmx.eml");
    std::fs::write(&named, b"From: a@example.com\nSubject: x\n\n\n").unwrap();
    let broken = dir.path().join("\u{1b}[2Jbroken\u{202E}.eml");
    std::fs::write(&broken, b"\x00\x01garbage").unwrap();
    for file in [&plain, &encoded, &named, &broken] {
        for explain in [false, true] {
            let mut cmd = msorder();
            cmd.args(["check", "--lang", "ja"]).arg(file);
            if explain {
                cmd.arg("--explain");
            }
            let out = cmd.output().unwrap();
            assert!(matches!(out.status.code(), Some(0..=2)));
            assert!(!out.stdout.is_empty());
            assert!(
                !has_terminal_control(&out.stdout),
                "{}",
                String::from_utf8_lossy(&out.stdout)
            );
            assert!(
                !has_terminal_control(&out.stderr),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let out = msorder()
        .args(["scan", "--all", "--format", "table"])
        .args([&plain, &encoded, &named, &broken])
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert_eq!(table.lines().count(), 5, "{table}");
    assert!(!has_terminal_control(table.as_bytes()), "{table}");
    assert!(!has_terminal_control(&out.stderr));
}

#[test]
fn jsonl_escapes_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("hostile.eml");
    std::fs::write(&plain, hostile_mail()).unwrap();
    let encoded = dir.path().join("encoded.eml");
    std::fs::write(&encoded, hostile_encoded_mail()).unwrap();
    let out = msorder()
        .args(["scan", "--all", "--format", "jsonl"])
        .args([&plain, &encoded])
        .output()
        .unwrap();
    assert!(!out.stdout.contains(&0x1b), "raw ESC in JSON Lines");
    assert!(!out.stdout.contains(&0x07), "raw BEL in JSON Lines");
    let records = jsonl_records(&out.stdout);
    assert_eq!(records.len(), 2);
    // Escaped, not dropped: the value reads back as it was.
    assert_eq!(records[0]["subject"], HOSTILE_SUBJECT);
    assert_eq!(records[0]["from"], "@SUM(1+1) <evil@example.com>");
}

#[test]
fn product_keys_are_masked_unless_asked() {
    let runs: [&[&str]; 6] = [
        &["check", ACTIVATION],
        &["check", "--json", ACTIVATION],
        &["check", "--explain", ACTIVATION],
        &["scan", "--all", "--format", "csv", ACTIVATION],
        &["scan", "--all", "--format", "jsonl", ACTIVATION],
        &["scan", "--all", "--format", "table", ACTIVATION],
    ];
    let secret_groups = &FULL_KEY[..23];
    for args in runs {
        let out = msorder().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        for stream in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(!text.contains(FULL_KEY), "{args:?}: {text}");
            for group in secret_groups.split('-') {
                assert!(!text.contains(group), "{args:?} shows {group}: {text}");
            }
        }
    }
    for args in [
        &["check", "--show-keys", ACTIVATION][..],
        &["scan", "--show-keys", "--format", "csv", ACTIVATION],
        &["scan", "--show-keys", "--format", "jsonl", ACTIVATION],
    ] {
        let out = msorder().args(args).output().unwrap();
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(FULL_KEY),
            "{args:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Nothing lost
// ---------------------------------------------------------------------------------------------

/// Messages in a file counted without the tool's reader: `^From ` lines in an mbox, else one.
fn count_messages(path: &Path) -> usize {
    let bytes = std::fs::read(path).unwrap();
    if bytes.starts_with(b"From ") {
        bytes
            .split(|&b| b == b'\n')
            .filter(|line| line.starts_with(b"From "))
            .count()
    } else {
        1
    }
}

fn scan_all(args: &[&str], stdin: Option<Vec<u8>>) -> Vec<serde_json::Value> {
    let mut cmd = msorder();
    cmd.args(["scan", "--all", "--format", "jsonl"]).args(args);
    if let Some(bytes) = stdin {
        cmd.write_stdin(bytes);
    }
    let out = cmd.output().unwrap();
    assert!(matches!(out.status.code(), Some(0..=2)), "{:?}", out.status);
    let records = jsonl_records(&out.stdout);
    for r in &records {
        assert!(common::is_known_label(r["label"].as_str().unwrap()), "{r}");
    }
    records
}

fn assert_indices(records: &[serde_json::Value], source: &str) {
    let indices: Vec<u64> = records.iter().map(|r| r["index"].as_u64().unwrap()).collect();
    let expected: Vec<u64> = (1..=records.len() as u64).collect();
    assert_eq!(indices, expected);
    assert!(records.iter().all(|r| r["source"] == source));
}

#[test]
fn nothing_lost() {
    let mbox_count = count_messages(Path::new(MBOX));
    assert_eq!(mbox_count, 6);
    // A directory.
    let expected: usize = common::files_under(Path::new("fixtures"))
        .iter()
        .map(|p| count_messages(p))
        .sum();
    assert_eq!(scan_all(&["fixtures"], None).len(), expected);
    // An mbox file.
    let records = scan_all(&[MBOX], None);
    assert_eq!(records.len(), mbox_count);
    assert_indices(&records, MBOX);
    // An mbox on stdin.
    let records = scan_all(&[], Some(std::fs::read(MBOX).unwrap()));
    assert_eq!(records.len(), mbox_count);
    assert_indices(&records, "-");
    // One message on stdin.
    let records = scan_all(&["-"], Some(fixture_01()));
    assert_eq!(records.len(), 1);
    assert_indices(&records, "-");
    assert_eq!(records[0]["label"], "activation");
}

#[test]
fn fixtures_in_one_mbox_read_as_the_files_do() {
    let mut paths: Vec<PathBuf> = common::files_under(Path::new("fixtures/mail"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    paths.sort();
    let messages: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let one_by_one = scan_all(
        &paths.iter().map(|p| p.to_str().unwrap()).collect::<Vec<_>>(),
        None,
    );
    assert_eq!(one_by_one.len(), paths.len());
    for crlf in [false, true] {
        let mbox = mboxrd(&messages, crlf);
        let separators = mbox
            .split(|&b| b == b'\n')
            .filter(|l| l.starts_with(b"From "))
            .count();
        assert_eq!(separators, paths.len());
        let records = scan_all(&["-"], Some(mbox));
        assert_eq!(records.len(), separators);
        assert_indices(&records, "-");
        for (file, streamed) in one_by_one.iter().zip(&records) {
            for field in ["label", "order_number", "total", "subject", "reasons"] {
                assert_eq!(file[field], streamed[field], "{} {field}", file["source"]);
            }
        }
    }
}

#[test]
fn content_length_cannot_hide_the_next_message() {
    let second = b"From: b@example.com\nSubject: second\n\nhidden\n".to_vec();
    let third = b"From: c@example.com\nSubject: third\n\nthree\n".to_vec();
    let body = b"first body\n";
    // The first body, the blank line after it, then the second message's separator and text.
    let span = body.len() + 1 + SEPARATOR.len() + 1 + second.len();
    let mut first = format!("From: a@example.com\nSubject: first\nContent-Length: {span}\n\n").into_bytes();
    first.extend_from_slice(body);
    let mbox = mboxrd(&[first, second, third], false);
    let separators = mbox
        .split(|&b| b == b'\n')
        .filter(|l| l.starts_with(b"From "))
        .count();
    assert_eq!(separators, 3);
    let records = scan_all(&["-"], Some(mbox));
    let subjects: Vec<&str> = records.iter().map(|r| r["subject"].as_str().unwrap()).collect();
    assert_eq!(subjects, ["first", "second", "third"]);
}
