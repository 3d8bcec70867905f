//! Per-message cost of `msorder::classify`.
//!
//! Groups:
//! - `fixtures`: every file in `fixtures/mail`, throughput in bytes, plus `all` (the whole set in
//!   one iteration).
//! - `single`: a genuine activation mail, an attached forward, a fake, and an ordinary non-order
//!   mail built here (the cheap first-look path; also timed with `decode_all` for comparison).
//! - `phish_ms_order`: the real phishing files in `../shared/corpus/phish_ms_order`, when present
//!   (skipped with a message otherwise).
//!
//! Sample sizes and times are kept small, and plots are off, so `cargo bench --bench classify`
//! finishes in under two minutes on two cores. Run one group with e.g.
//! `cargo bench --bench classify -- single/`.

use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{
    BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime,
};
use msorder::{Label, Options, classify};

fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The `.eml` files of a directory, sorted by name, with their bytes.
fn eml_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "eml") && path.is_file())
        .map(|path| {
            let name = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let bytes = fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            (name, bytes)
        })
        .collect();
    files.sort();
    files
}

/// Short settings: at most about a second per benchmark.
fn quick(group: &mut BenchmarkGroup<'_, WallTime>) {
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(600));
}

/// Warn (don't fail: the classifier is under active development) when a mail does not get the
/// label the benchmark assumes, so a number is not read as the cost of the wrong path.
fn expect_label(name: &str, raw: &[u8], opts: &Options, expected: &[Label]) {
    let label = classify(name, 1, raw, opts).label;
    if !expected.contains(&label) {
        eprintln!("note: {name} classified as {label:?}, bench assumes one of {expected:?}");
    }
}

/// An ordinary mail of realistic size with nothing that makes the first look decode the body.
fn ordinary_mail() -> Vec<u8> {
    let mut mail = String::from(
        "Return-Path: <hanako@example.net>\n\
         Received: from mail.example.net (mail.example.net [192.0.2.10])\n\
         \tby mx.example.com with ESMTPS id abc123\n\
         \tfor <taro@example.com>; Tue, 04 Mar 2025 09:12:33 +0900\n\
         Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=example.net;\n\
         \tdkim=pass header.d=example.net; dmarc=pass header.from=example.net\n\
         DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.net; s=s1;\n\
         \th=from:to:subject:date:message-id; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\n\
         \tb=dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZSBqdXN0IGZpbGxlciBieXRlcyBmb3IgdGhlIGJlbmNo\n\
         From: =?UTF-8?B?5bGx55SwIOiKseWtkA==?= <hanako@example.net>\n\
         To: taro@example.com\n\
         Subject: =?UTF-8?B?5piO5pel44Gu44Op44Oz44OB44Gr44Gk44GE44Gm?=\n\
         Date: Tue, 04 Mar 2025 09:12:30 +0900\n\
         Message-ID: <20250304091230.12345@example.net>\n\
         MIME-Version: 1.0\n\
         Content-Type: text/plain; charset=UTF-8\n\
         Content-Transfer-Encoding: 8bit\n\
         \n\
         太郎さん\n\
         \n\
         明日のランチ、駅前の新しいお店はどうでしょう。12時に改札前で待ち合わせで。\n\
         \n",
    );
    for i in 0..40 {
        mail.push_str(&format!(
            "Line {i}: notes from the weekly meeting, nothing more to add here for now.\n"
        ));
    }
    mail.push_str("\nよろしくお願いします。\n花子\n");
    mail.into_bytes()
}

/// One short benchmark per file, throughput in bytes.
fn bench_each(group: &mut BenchmarkGroup<'_, WallTime>, files: &[(String, Vec<u8>)]) {
    let opts = Options::default();
    quick(group);
    for (name, raw) in files {
        group.throughput(Throughput::Bytes(raw.len() as u64));
        group.bench_function(name.as_str(), |b| {
            b.iter(|| classify(black_box(name), 1, black_box(raw), &opts))
        });
    }
}

fn bench_fixtures(c: &mut Criterion) {
    let dir = repo_path("fixtures/mail");
    let files = eml_files(&dir);
    let opts = Options::default();
    let mut group = c.benchmark_group("fixtures");
    bench_each(&mut group, &files);
    let total: usize = files.iter().map(|(_, raw)| raw.len()).sum();
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("all", |b| {
        b.iter(|| {
            for (name, raw) in &files {
                black_box(classify(name, 1, black_box(raw), &opts));
            }
        })
    });
    group.finish();
}

fn bench_single(c: &mut Criterion) {
    let opts = Options::default();
    let decode_all = Options {
        decode_all: true,
        ..Options::default()
    };
    let read = |name: &str| {
        let path = repo_path(&format!("fixtures/mail/{name}"));
        fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
    };
    let activation = read("01-ja-activation-plain-utf8.eml");
    let forwarded = read("26-fwd-attached-rfc822.eml");
    let fake = read("39-fake-gmail-defender-callback.eml");
    let ordinary = ordinary_mail();
    expect_label("activation", &activation, &opts, &[Label::Activation]);
    expect_label("forwarded", &forwarded, &opts, &Label::ALL);
    expect_label("fake", &fake, &opts, &[Label::Suspicious]);
    expect_label("ordinary", &ordinary, &opts, &[Label::Unrelated]);

    let mut group = c.benchmark_group("single");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    let cases: [(&str, &[u8], &Options); 5] = [
        ("activation", &activation, &opts),
        ("forwarded-rfc822", &forwarded, &opts),
        ("fake-callback", &fake, &opts),
        ("ordinary-first-look", &ordinary, &opts),
        ("ordinary-decode-all", &ordinary, &decode_all),
    ];
    for (name, raw, opts) in cases {
        group.throughput(Throughput::Bytes(raw.len() as u64));
        group.bench_function(name, |b| b.iter(|| classify(name, 1, black_box(raw), opts)));
    }
    group.finish();
}

fn bench_corpus(c: &mut Criterion) {
    let dir = repo_path("../shared/corpus/phish_ms_order");
    if !dir.is_dir() {
        eprintln!("skipped phish_ms_order: {} not found", dir.display());
        return;
    }
    let mut group = c.benchmark_group("phish_ms_order");
    bench_each(&mut group, &eml_files(&dir));
    group.finish();
}

/// No plots and fewer bootstrap resamples: with some eighty benchmarks, plotting and analysis
/// would otherwise take longer than the measurements (estimates are still saved in
/// `target/criterion`, so `--baseline` comparisons work).
fn config() -> Criterion {
    Criterion::default().without_plots().nresamples(10_000)
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_single, bench_fixtures, bench_corpus
}
criterion_main!(benches);
