//! The real mail corpus in `../shared/corpus` (evaluation data beside the repository, not part of
//! it): every file is read, nothing real phishing is judged a genuine order, no caught panic. Each
//! test returns early, saying so, when the corpus is absent.
//!
//! The 7,910-mail honeypot set is unpacked from its archive into a temporary folder and scanned
//! as a folder (with and without the first look, whose records must be the same, field for
//! field) and as one mbox on stdin (about three minutes in a debug build on two cores).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod common;

/// Labels that call a mail a genuine Microsoft order.
const GENUINE: [&str; 5] = ["activation", "free", "trial", "charge", "unclear"];
/// The folders whose every file must come out as at least one record.
const FOLDERS: [&str; 4] = ["legit", "phish_ms_order", "phish_other", "encodings"];
/// Folder of real mbox files, each to give exactly one record per message.
const MAILBOXES: &str = "encodings/sisimai/mailbox";
/// Real bounces, Microsoft's included (`lhost-outlook-*`, `lhost-office365-*`).
const BOUNCES: &str = "encodings/sisimai";
const PHISHING_POT: &str = "phishing_pot-email.tar.xz";
const PHISHING_POT_FILES: usize = 7_910;

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: no corpus at {}", dir.display());
        None
    }
}

fn msorder() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_msorder"));
    cmd.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG");
    cmd
}

/// `^From ` lines: the messages of an mbox, counted without the tool's reader.
fn separators(bytes: &[u8]) -> usize {
    bytes
        .split(|&b| b == b'\n')
        .filter(|line| line.starts_with(b"From "))
        .count()
}

/// Messages in a file: its separators when it is an mbox (first line `From `), else one.
fn count_messages(path: &Path) -> usize {
    let bytes = std::fs::read(path).unwrap();
    if bytes.starts_with(b"From ") {
        separators(&bytes)
    } else {
        1
    }
}

#[derive(Debug)]
struct Row {
    source: String,
    index: u64,
    label: String,
    error: String,
    /// Every field of the record, in order.
    fields: Vec<String>,
}

fn check_row(row: &Row) {
    assert!(common::is_known_label(&row.label), "{row:?}");
    assert!(!row.error.contains("internal error"), "caught panic: {row:?}");
}

fn label_counts<'a>(rows: impl Iterator<Item = &'a Row>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for row in rows {
        *counts.entry(row.label.clone()).or_insert(0) += 1;
    }
    counts
}

/// Records of a CSV written by `scan --format csv`.
fn csv_rows(path: &Path) -> Vec<Row> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (source, index, label, error) = (col("source"), col("index"), col("label"), col("error"));
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            Row {
                source: r[source].to_owned(),
                index: r[index].parse().unwrap(),
                label: r[label].to_owned(),
                error: r[error].to_owned(),
                fields: r.iter().map(str::to_owned).collect(),
            }
        })
        .collect()
}

/// One verdict whichever path: the first look may skip only what the full decode calls
/// `unrelated`, and the record of a mail the full decode reads as claiming nothing of Microsoft
/// says what a skipped mail's does, so the records are the same, field for field.
fn assert_same_verdicts(quick: &[Row], full: &[Row], what: &str) {
    assert_eq!(quick.len(), full.len(), "{what}: record counts");
    let differ: Vec<(&Row, &Row)> = quick
        .iter()
        .zip(full)
        .filter(|(q, f)| q.fields != f.fields)
        .collect();
    assert!(
        differ.is_empty(),
        "{what}: scan and scan --decode-all disagree on {} records: {differ:#?}",
        differ.len()
    );
}

/// Records of `scan --all --format jsonl` over `paths`, with `extra` arguments.
fn scan_jsonl(paths: &[&str], extra: &[&str]) -> Vec<Row> {
    let out = msorder()
        .args(["scan", "--all", "--format", "jsonl", "-q"])
        .args(extra)
        .args(paths)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0..=2)),
        "{:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            Row {
                source: v["source"].as_str().unwrap().to_owned(),
                index: v["index"].as_u64().unwrap(),
                label: v["label"].as_str().unwrap().to_owned(),
                error: v["error"].as_str().unwrap_or_default().to_owned(),
                fields: vec![line.to_owned()],
            }
        })
        .collect()
}

/// Records of `scan --all --format csv` over a folder of phishing (exit 1 or 2), via `report`.
fn scan_csv(folder: &Path, extra: &[&str], report: &Path) -> Vec<Row> {
    let out = msorder()
        .args(["scan", "--all", "--format", "csv", "-q", "-o"])
        .arg(report)
        .args(extra)
        .arg(folder)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(1 | 2)), "{:?}", out.status);
    csv_rows(report)
}

fn assert_no_genuine<'a>(rows: impl IntoIterator<Item = &'a Row>, what: &str) {
    let genuine: Vec<&Row> = rows
        .into_iter()
        .filter(|r| GENUINE.contains(&r.label.as_str()))
        .collect();
    assert!(
        genuine.is_empty(),
        "{what}: phishing judged genuine: {genuine:#?}"
    );
}

#[test]
fn every_corpus_file_is_read_and_no_phishing_is_genuine() {
    let Some(root) = corpus() else { return };
    let root_arg = format!("{}/", root.display());
    let rows = scan_jsonl(&[&root_arg], &[]);
    assert_same_verdicts(
        &rows,
        &scan_jsonl(&[&root_arg], &["--decode-all"]),
        "curated corpus",
    );
    let mut by_file: HashMap<PathBuf, Vec<&Row>> = HashMap::new();
    for row in &rows {
        check_row(row);
        let relative = row
            .source
            .strip_prefix(&root_arg)
            .unwrap_or_else(|| panic!("record outside the corpus: {row:?}"));
        by_file.entry(PathBuf::from(relative)).or_default().push(row);
    }
    for records in by_file.values() {
        let indices: Vec<u64> = records.iter().map(|r| r.index).collect();
        let expected: Vec<u64> = (1..=records.len() as u64).collect();
        assert_eq!(indices, expected, "{}", records[0].source);
    }
    let mut files = 0;
    for folder in FOLDERS {
        for path in common::files_under(&root.join(folder)) {
            files += 1;
            let relative = path.strip_prefix(&root).unwrap();
            let records = by_file.get(relative).map_or(0, Vec::len);
            assert!(records >= 1, "no record for {}", relative.display());
            if relative.starts_with(MAILBOXES) {
                let messages = count_messages(&path);
                assert_eq!(records, messages, "{}: records != messages", relative.display());
            }
        }
    }
    assert!(files > 100, "corpus looks incomplete: {files} files");
    for folder in FOLDERS {
        let in_folder: Vec<&Row> = by_file
            .iter()
            .filter(|(path, _)| path.starts_with(folder))
            .flat_map(|(_, rows)| rows.iter().copied())
            .collect();
        eprintln!("{folder}: {:?}", label_counts(in_folder.iter().copied()));
        if folder.starts_with("phish_") {
            assert_no_genuine(in_folder, folder);
        }
    }
    // Genuine mail is never called a fake: ordinary mail, and real bounces (Outlook.com's and
    // Exchange Online's among them).
    let fakes: Vec<&Row> = by_file
        .iter()
        .filter(|(path, _)| path.starts_with("legit") || path.starts_with(BOUNCES))
        .flat_map(|(_, rows)| rows.iter().copied())
        .filter(|r| r.label == "suspicious")
        .collect();
    assert!(fakes.is_empty(), "genuine mail judged suspicious: {fakes:#?}");
}

#[test]
fn the_phishing_pot_set_as_a_folder_and_as_an_mbox() {
    let Some(root) = corpus() else { return };
    let archive = root.join(PHISHING_POT);
    if !archive.is_file() {
        eprintln!("skipped: no {}", archive.display());
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let status = Command::new("tar")
        .arg("-xJf")
        .arg(&archive)
        .arg("-C")
        .arg(tmp.path())
        .status()
        .unwrap();
    assert!(status.success(), "tar failed: {status:?}");
    let email = tmp.path().join("email");
    let files = common::files_under(&email);
    assert_eq!(files.len(), PHISHING_POT_FILES);

    // As a folder.
    let rows = scan_csv(&email, &[], &tmp.path().join("folder.csv"));
    eprintln!(
        "phishing_pot folder: {} records {:?}",
        rows.len(),
        label_counts(rows.iter())
    );
    assert_eq!(rows.len(), files.len());
    rows.iter().for_each(check_row);
    let mut sources: Vec<&str> = rows.iter().map(|r| r.source.as_str()).collect();
    sources.sort_unstable();
    sources.dedup();
    assert_eq!(sources.len(), files.len(), "one record per file");
    assert_no_genuine(&rows, "phishing_pot folder");
    let full = scan_csv(&email, &["--decode-all"], &tmp.path().join("folder-full.csv"));
    assert_same_verdicts(&rows, &full, "phishing_pot folder");

    // As one mbox on stdin.
    let tools = root.join("../tools/make_mbox.py");
    let mbox = tmp.path().join("all.mbox");
    let made = Command::new("python3")
        .arg(&tools)
        .arg(&email)
        .stdout(std::fs::File::create(&mbox).unwrap())
        .status();
    match made {
        Ok(status) if status.success() => {}
        other => {
            eprintln!(
                "skipped the mbox half: {} did not run: {other:?}",
                tools.display()
            );
            return;
        }
    }
    let messages = separators(&std::fs::read(&mbox).unwrap());
    let eml_files = files
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .count();
    assert_eq!(messages, eml_files, "make_mbox.py joins the .eml files");
    let report = tmp.path().join("mbox.csv");
    let out = msorder()
        .args(["scan", "--all", "--format", "csv", "-q", "-o"])
        .arg(&report)
        .stdin(std::fs::File::open(&mbox).unwrap())
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(1 | 2)), "{:?}", out.status);
    let rows = csv_rows(&report);
    eprintln!(
        "phishing_pot mbox: {} records {:?}",
        rows.len(),
        label_counts(rows.iter())
    );
    assert_eq!(rows.len(), messages, "records != separators");
    rows.iter().for_each(check_row);
    let indices: Vec<u64> = rows.iter().map(|r| r.index).collect();
    assert_eq!(indices, (1..=messages as u64).collect::<Vec<_>>());
    assert!(rows.iter().all(|r| r.source == "-"), "{:?}", rows[0]);
    assert_no_genuine(&rows, "phishing_pot mbox");
}
