//! The command line as a user runs it: commands, formats, exit status, errors.

mod common;

use common::msorder;
use predicates::prelude::*;

const ACTIVATION: &str = "fixtures/mail/01-ja-activation-plain-utf8.eml";
const CHARGE: &str = "fixtures/mail/16-ja-charge-ohb2024-fullwidth-price.eml";
const FAKE: &str = "fixtures/mail/39-fake-gmail-defender-callback.eml";
const MBOX: &str = "fixtures/mbox/sample.mbox";

#[test]
fn check_activation_in_japanese_and_english() {
    msorder()
        .args(["check", "--lang", "ja", ACTIVATION])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("判定: PC 付属の Office"))
        .stdout(predicate::str::contains("[activation]"))
        .stdout(predicate::str::contains("注文番号: 8311422531"))
        .stdout(predicate::str::contains("*****-*****-*****-*****-3X992"));
    msorder()
        .args(["check", ACTIVATION])
        .env("LANG", "en_US.UTF-8")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Verdict: Office included with the PC"));
    msorder()
        .args(["check", ACTIVATION])
        .env("LANG", "ja_JP.UTF-8")
        .assert()
        .stdout(predicate::str::contains("判定:"));
}

#[test]
fn check_reads_stdin_and_prints_json() {
    let raw = std::fs::read(CHARGE).unwrap();
    let out = msorder()
        .args(["check", "--json", "-"])
        .write_stdin(raw)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["label"], "charge");
    assert_eq!(v["source"], "-");
    assert_eq!(v["total"], "43980");
    assert_eq!(v["currency"], "JPY");
}

#[test]
fn check_explain_lists_evidence() {
    msorder()
        .args(["check", "--explain", FAKE])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("[suspicious]"))
        .stdout(predicate::str::contains("(phone-number)"))
        .stdout(predicate::str::contains("evidence:"));
}

#[test]
fn show_keys_unmasks() {
    msorder()
        .args(["check", "--show-keys", ACTIVATION])
        .assert()
        .stdout(predicate::str::contains("FWPBX-RWYW9-4TM3V-W9D93-3X992"));
}

#[test]
fn scan_csv_header_and_filtering() {
    let out = msorder()
        .args(["scan", "--format", "csv", MBOX])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next().unwrap(),
        "source,index,message_id,date,from,subject,label,order_number,order_date,products,total,currency,payment,product_key,forwarded,authentication,reasons,error"
    );
    assert!(!stdout.contains(",unrelated,"), "unrelated rows need --all");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("6 messages read"), "{stderr}");
}

#[test]
fn scan_all_writes_a_record_per_message() {
    let out = msorder()
        .args(["scan", "--all", "--format", "jsonl", "fixtures/"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let records: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let files = std::fs::read_dir("fixtures/mail")
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "eml"))
        .count();
    // mbox messages: one `From ` separator line each.
    let mbox_messages: usize = std::fs::read_dir("fixtures/mbox")
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .map(|data| {
            data.split(|&b| b == b'\n')
                .filter(|l| l.starts_with(b"From "))
                .count()
        })
        .sum();
    assert_eq!(records.len(), files + mbox_messages);
    assert!(
        records.iter().all(|r| r["label"] != "error"),
        "fixtures must all be readable"
    );
}

#[test]
fn mbox_on_stdin() {
    let raw = std::fs::read(MBOX).unwrap();
    let out = msorder()
        .args(["scan", "--all", "--format", "jsonl"])
        .write_stdin(raw)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count(), 6);
    assert!(text.lines().all(|l| l.contains("\"source\":\"-\"")));
    assert!(text.contains("\"index\":6"));
}

#[test]
fn table_format() {
    msorder()
        .args(["scan", "--format", "table", ACTIVATION])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("LABEL"))
        .stdout(predicate::str::contains("activation"));
}

#[test]
fn excel_csv() {
    let out = msorder()
        .args(["scan", "--excel", "--format", "csv", ACTIVATION])
        .assert()
        .get_output()
        .stdout
        .clone();
    assert!(out.starts_with("\u{FEFF}source,".as_bytes()));
    assert!(out.windows(2).any(|w| w == b"\r\n"));
}

#[test]
fn output_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.csv");
    msorder()
        .args(["scan", "-q", "-o", path.to_str().unwrap(), ACTIVATION])
        .assert()
        .code(0)
        .stdout("")
        .stderr("");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(",activation,"));
}

#[test]
fn bad_inputs_are_error_records_and_the_rest_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.eml");
    std::fs::write(&empty, b"").unwrap();
    let garbage = dir.path().join("garbage.bin");
    std::fs::write(&garbage, [0u8, 159, 146, 150, 255, 0, 1, 2, 3, 250]).unwrap();
    let truncated = dir.path().join("cut.eml");
    let mut cut = std::fs::read("fixtures/mail/03-ja-activation-alternative-fullwidth-colon.eml").unwrap();
    cut.truncate(cut.len() * 2 / 3);
    while cut.last() == Some(&b'\n') {
        cut.pop();
    }
    std::fs::write(&truncated, cut).unwrap();
    let missing = dir.path().join("missing.eml");
    let out = msorder()
        .args(["scan", "--all", "--format", "jsonl"])
        .args([&empty, &garbage, &truncated, &missing])
        .arg(ACTIVATION)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let records: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 5);
    let labels: Vec<&str> = records.iter().map(|r| r["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["error", "error", "error", "error", "activation"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("empty.eml: empty message"), "{stderr}");
    assert!(
        stderr.contains("missing.eml: no such file or directory"),
        "{stderr}"
    );
    assert!(stderr.contains("cut.eml: truncated"), "{stderr}");
    for line in stderr.lines().filter(|l| l.contains(": ")) {
        assert!(line.starts_with("msorder: "), "{line}");
    }
}

#[test]
fn unreadable_directory_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("a.eml"), b"Subject: x\n\ny\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read_dir(&locked).is_ok() {
        return; // running as a user that ignores permissions: nothing to test
    }
    msorder()
        .args(["scan", "--all", "--format", "csv"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("locked: permission denied"));
}

#[test]
fn usage_error_exits_2() {
    msorder().args(["scan", "--format", "xml"]).assert().code(2);
    msorder().arg("frobnicate").assert().code(2);
}

#[test]
fn maildir_is_walked() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
    }
    std::fs::copy(ACTIVATION, dir.path().join("cur/1.host:2,S")).unwrap();
    std::fs::copy(CHARGE, dir.path().join("new/2.host")).unwrap();
    std::fs::write(dir.path().join("tmp/3.host"), b"partial").unwrap();
    std::fs::write(dir.path().join("dovecot-uidlist"), b"3 V1 N3\n").unwrap();
    let out = msorder()
        .args(["scan", "--all", "--format", "jsonl"])
        .arg(dir.path())
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
}
