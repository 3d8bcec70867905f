//! The HTML report: parsed as a browser parses it (counts, order, escapes, nothing loaded from
//! the network), and rendered by a real headless Chromium when one is installed.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use msorder::output::html::HtmlReport;
use msorder::output::terminal_safe;
use msorder::{IoKind, Label, Lang, ReadError, Reason, ReasonId, Record};
use scraper::{Html, Selector};

const HOSTILE_SUBJECT: &str =
    "Your order <script>alert(\"x\")</script> & 'more' \u{202E}lacigam\u{2066} done";
const HOSTILE_PRODUCT: &str = "Office \"Pro\" <img src=http://evil.example/x.png> & co";
const HOSTILE_FROM: &str = "\"><svg onload=alert(1)> <billing@evil.example>";

fn record(label: Label, subject: &str) -> Record {
    let mut r = Record::error("box.mbox", 1, ReadError::Internal);
    r.error = None;
    r.label = label;
    r.subject = Some(subject.to_owned());
    r
}

/// A scan's worth of records: every label, an unread mail, and one with hostile text.
fn records() -> Vec<Record> {
    let mut out = Vec::new();
    for (i, label) in Label::ALL.into_iter().enumerate() {
        for n in 0..=i % 3 {
            let mut r = record(label, &format!("{} {n}", label.as_str()));
            r.index = out.len() + 1;
            r.total = Some(format!("{}", 100 * n));
            r.currency = Some("JPY".into());
            r.reasons = vec![Reason::new(ReasonId::OrderTemplate, "")];
            out.push(r);
        }
    }
    let mut bad = record(Label::Suspicious, HOSTILE_SUBJECT);
    bad.source = "dir/<b>mail</b>.eml".into();
    bad.products = vec![HOSTILE_PRODUCT.into()];
    bad.from = Some(HOSTILE_FROM.into());
    bad.total = Some("39800".into());
    bad.currency = Some("JPY".into());
    bad.reasons = vec![
        Reason::new(ReasonId::OrderTemplate, ""),
        Reason::new(ReasonId::PhoneNumber, "0120-000-000"),
    ];
    out.push(bad);
    out.push(Record::error(
        "broken.eml",
        1,
        IoKind::Other("not a mail <&>".into()),
    ));
    out
}

fn render(records: &[Record], lang: Lang, all: bool) -> String {
    let mut report = HtmlReport::new(Vec::new(), lang, all);
    for r in records {
        report.write(r);
    }
    String::from_utf8(report.finish().unwrap()).unwrap()
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn counts_of(records: &[Record]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for r in records {
        *counts.entry(r.label.as_str().to_owned()).or_insert(0) += 1;
    }
    counts
}

/// `data-count` per `data-label` of the elements `selector` picks.
fn shown_counts(doc: &Html, selector: &str) -> HashMap<String, usize> {
    doc.select(&sel(selector))
        .map(|e| {
            let v = e.value();
            (
                v.attr("data-label").unwrap().to_owned(),
                v.attr("data-count").unwrap().parse().unwrap(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// Text of an element with its whitespace runs collapsed.
fn text(e: scraper::ElementRef) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn counts_in_chart_and_summary_equal_the_records() {
    let records = records();
    let doc = Html::parse_document(&render(&records, Lang::En, true));
    let expected = counts_of(&records);
    assert_eq!(shown_counts(&doc, "svg#chart g.bar"), expected);
    assert_eq!(shown_counts(&doc, "table.counts tr[data-label]"), expected);
    // The number drawn next to each bar is the count too.
    for bar in doc.select(&sel("svg#chart g.bar")) {
        let n = bar.select(&sel("text.n")).next().map(text).unwrap();
        assert_eq!(n, bar.value().attr("data-count").unwrap());
    }
    let total = doc.select(&sel("#total")).next().unwrap();
    assert_eq!(
        total.value().attr("data-count"),
        Some(&*records.len().to_string())
    );
    assert_eq!(text(total), format!("{} messages", records.len()));
    let attention = records.iter().filter(|r| r.label.needs_attention()).count();
    let shown = doc.select(&sel("#attention")).next().unwrap();
    assert_eq!(shown.value().attr("data-count"), Some(&*attention.to_string()));
    assert_eq!(doc.select(&sel("#list tbody tr")).count(), records.len());
}

#[test]
fn records_needing_attention_come_first_in_input_order() {
    let records = records();
    let doc = Html::parse_document(&render(&records, Lang::En, true));
    let labels: Vec<String> = doc
        .select(&sel("#list tbody tr"))
        .map(|tr| tr.value().attr("data-label").unwrap().to_owned())
        .collect();
    let order = [
        "suspicious",
        "charge",
        "trial",
        "unclear",
        "error",
        "activation",
        "free",
        "unrelated",
    ];
    let rank = |l: &String| order.iter().position(|o| o == l).unwrap();
    assert!(
        labels.windows(2).all(|w| rank(&w[0]) <= rank(&w[1])),
        "{labels:?}"
    );
    // Within a label, the order read: the hostile suspicious record came last of its label.
    let subjects: Vec<String> = doc
        .select(&sel("#list tbody tr[data-label=suspicious] td:nth-child(5)"))
        .map(text)
        .collect();
    assert_eq!(subjects.last().unwrap(), &text_of(HOSTILE_SUBJECT));
}

/// What a cell shows for a text from the mail: controls and bidi overrides replaced.
fn text_of(s: &str) -> String {
    terminal_safe(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn text_from_the_mail_is_escaped() {
    let records = records();
    let html = render(&records, Lang::En, true);
    let doc = Html::parse_document(&html);
    // The one script is the report's own; no element came from the mail's text.
    assert_eq!(doc.select(&sel("script")).count(), 1);
    for tag in ["img", "iframe", "object", "embed", "link", "b"] {
        assert_eq!(doc.select(&sel(tag)).count(), 0, "<{tag}> in the page");
    }
    assert_eq!(doc.select(&sel("svg")).count(), 1, "only the chart is SVG");
    assert!(
        doc.select(&sel("[onload], [onerror], [onclick]"))
            .next()
            .is_none(),
        "event handler attribute in the page"
    );
    let row = doc
        .select(&sel("#list tbody tr"))
        .find(|tr| text(*tr).contains("lacigam"))
        .expect("the hostile record is listed");
    let cells: Vec<String> = row.select(&sel("td")).map(text).collect();
    assert_eq!(cells[1], text_of(HOSTILE_PRODUCT));
    assert_eq!(cells[4], text_of(HOSTILE_SUBJECT));
    assert_eq!(cells[5], text_of(HOSTILE_FROM));
    assert_eq!(cells[7], "dir/<b>mail</b>.eml");
    assert!(cells[2].contains("JPY 39800"), "{}", cells[2]);
    assert!(
        cells[3]
            .starts_with((msorder::output::words::words(Lang::En).reason)(ReasonId::PhoneNumber).sentence),
        "warnings first: {}",
        cells[3]
    );
    // The bidi controls were replaced, not passed on to reorder the row.
    assert!(!html.contains('\u{202E}') && !html.contains('\u{2066}'));
    let error = doc
        .select(&sel("#list tbody tr[data-label=error]"))
        .next_back()
        .unwrap();
    assert!(text(error).contains("not a mail <&>"), "{}", text(error));
}

#[test]
fn nothing_is_loaded_from_outside() {
    let html = render(&records(), Lang::Ja, false);
    let doc = Html::parse_document(&html);
    for e in doc.select(&sel("*")) {
        for (name, value) in e.value().attrs() {
            let loads = matches!(name, "src" | "href" | "action" | "srcset" | "data" | "poster")
                || name.ends_with(":href");
            assert!(!loads, "<{} {name}={value:?}> loads something", e.value().name());
        }
    }
    let style = doc.select(&sel("style")).map(text).collect::<String>();
    assert!(!style.contains("url(") && !style.contains("@import"), "{style}");
    let csp = doc
        .select(&sel("meta[http-equiv=Content-Security-Policy]"))
        .next()
        .and_then(|m| m.value().attr("content"))
        .unwrap();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    assert!(doc.select(&sel("meta[name=viewport]")).next().is_some());
}

#[test]
fn language_and_unlisted_unrelated_mail() {
    let records = records();
    let unrelated = records.iter().filter(|r| r.label == Label::Unrelated).count();
    let ja = Html::parse_document(&render(&records, Lang::Ja, false));
    let root = ja.select(&sel("html")).next().unwrap();
    assert_eq!(root.value().attr("lang"), Some("ja"));
    assert_eq!(
        text(ja.select(&sel("#total")).next().unwrap()),
        format!("{} 通", records.len())
    );
    // Counted, but not listed without --all.
    assert_eq!(shown_counts(&ja, "svg#chart g.bar"), counts_of(&records));
    assert_eq!(
        ja.select(&sel("#list tbody tr")).count(),
        records.len() - unrelated
    );
    let sentence = (msorder::output::words::words(Lang::Ja).reason)(ReasonId::PhoneNumber).sentence;
    assert!(ja.select(&sel("#list li")).any(|li| text(li) == sentence));
    let en = Html::parse_document(&render(&records, Lang::En, false));
    assert_eq!(
        en.select(&sel("html")).next().unwrap().value().attr("lang"),
        Some("en")
    );
}

#[test]
fn an_empty_scan_still_makes_a_page() {
    let doc = Html::parse_document(&render(&[], Lang::En, false));
    assert_eq!(text(doc.select(&sel("#total")).next().unwrap()), "0 messages");
    assert_eq!(doc.select(&sel("svg#chart g.bar")).count(), Label::ALL.len());
    assert!(doc.select(&sel("#list")).next().is_none());
}

/// `scan --format html` on the fixtures: the page counts what `--format jsonl` lists.
fn report_of_fixtures(dir: &Path, lang: &str) -> (PathBuf, HashMap<String, usize>) {
    let page = dir.join("report.html");
    common::msorder()
        .args(["scan", "--quiet", "--format", "html", "--lang", lang, "-o"])
        .arg(&page)
        .args(["fixtures/mail", "fixtures/mbox"])
        .assert()
        .code(1);
    let jsonl = common::msorder()
        .args(["scan", "--quiet", "--all", "--format", "jsonl"])
        .args(["fixtures/mail", "fixtures/mbox"])
        .output()
        .unwrap();
    let mut counts = HashMap::new();
    for line in String::from_utf8(jsonl.stdout).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        *counts.entry(v["label"].as_str().unwrap().to_owned()).or_insert(0) += 1;
    }
    (page, counts)
}

#[test]
fn scan_writes_a_report_counting_every_record() {
    let dir = tempfile::tempdir().unwrap();
    let (page, counts) = report_of_fixtures(dir.path(), "en");
    let doc = Html::parse_document(&std::fs::read_to_string(&page).unwrap());
    assert_eq!(shown_counts(&doc, "svg#chart g.bar"), counts);
    let listed: usize = counts
        .iter()
        .filter(|(l, _)| *l != "unrelated")
        .map(|(_, n)| n)
        .sum();
    assert_eq!(doc.select(&sel("#list tbody tr")).count(), listed);
}

// ---- The render in a real browser. ----

/// Chromium's command, when one is installed.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .find(|l| l.starts_with("Uid:"))
            .and_then(|l| l.split_whitespace().nth(1))
            == Some("0")
    })
}

/// Run headless Chromium on `page` with `args`, for at most a minute; its stdout.
fn run_chromium(chromium: &Path, profile: &Path, page: &Path, args: &[&str]) -> Vec<u8> {
    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--disable-gpu",
        "--no-first-run",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(args)
    .arg(format!("file://{}", page.display()))
    .stdin(Stdio::null())
    .stderr(Stdio::null());
    // Chromium's sandbox refuses to start as root; a normal user keeps it.
    if is_root() {
        cmd.arg("--no-sandbox");
    }
    let out_file = profile.with_extension("stdout");
    cmd.stdout(std::fs::File::create(&out_file).unwrap());
    let mut child = cmd.spawn().unwrap();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium {args:?}: {status}");
            break;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium {args:?} took over a minute");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    std::fs::read(out_file).unwrap()
}

/// Width and height from a PNG's header.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && &png[12..16] == b"IHDR",
        "not a PNG"
    );
    let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn chromium_renders_the_report_with_its_counts() {
    let Some(chromium) = chromium() else {
        println!("skipped: chromium not installed (apt-get install chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (page, counts) = report_of_fixtures(dir.path(), "ja");
    let page = page.canonicalize().unwrap();
    let profile = dir.path().join("profile");
    for (width, height) in [(390, 844), (1280, 900)] {
        let shot = dir.path().join(format!("shot-{width}.png"));
        let size = format!("--window-size={width},{height}");
        run_chromium(
            &chromium,
            &profile,
            &page,
            &[&format!("--screenshot={}", shot.display()), &size],
        );
        let png = std::fs::read(&shot).unwrap();
        assert_eq!(png_size(&png), (width, height));
        // A blank page compresses to a few kilobytes; the report's text and bars don't.
        assert!(png.len() > 10_000, "screenshot of {} bytes", png.len());
    }
    // The DOM after the script ran: the counts are there, and the script counted the rows shown.
    let dom = String::from_utf8(run_chromium(
        &chromium,
        &profile,
        &page,
        &["--dump-dom", "--window-size=390,844"],
    ))
    .unwrap();
    let doc = Html::parse_document(&dom);
    assert_eq!(shown_counts(&doc, "svg#chart g.bar"), counts);
    assert_eq!(shown_counts(&doc, "table.counts tr[data-label]"), counts);
    let rows = doc.select(&sel("#list tbody tr")).count();
    let shown = doc.select(&sel("#shown")).next().expect("the filter's output");
    assert_eq!(
        shown.value().attr("data-shown"),
        Some(&*rows.to_string()),
        "the script ran"
    );
    let controls = doc.select(&sel("#controls")).next().unwrap();
    assert_eq!(
        controls.value().attr("hidden"),
        None,
        "the script showed the controls"
    );
}
