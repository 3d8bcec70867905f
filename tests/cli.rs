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

/// What the command wrote on stdout, once its exit status is `code`.
fn stdout_with_code(cmd: &mut assert_cmd::Command, code: i32) -> Vec<u8> {
    cmd.assert().code(code).get_output().stdout.clone()
}

#[test]
fn check_reads_stdin_and_prints_json() {
    let raw = std::fs::read(CHARGE).unwrap();
    let out = stdout_with_code(msorder().args(["check", "--json", "-"]).write_stdin(raw), 1);
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
        "source,index,message_id,date,from,subject,label,order_number,order_date,products,total,currency,payment,product_key,forwarded,authentication,reasons,error,later_price,later_currency"
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
    let out = stdout_with_code(
        msorder()
            .args(["scan", "--all", "--format", "jsonl"])
            .write_stdin(raw),
        1,
    );
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
    let excel = |lang: &str| {
        let out = msorder()
            .args(["scan", "--excel", "--format", "csv", "--lang", lang, ACTIVATION])
            .assert()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    let en = excel("en");
    assert!(en.starts_with("\u{FEFF}Source,Index,"), "{en}");
    assert!(en.contains("\r\n"));
    let ja = excel("ja");
    assert!(ja.starts_with("\u{FEFF}入力,通番,"), "{ja}");
    // The label and reason ids keep their own columns; the verdict in words comes last.
    assert!(
        ja.contains(",activation,") && ja.contains("perpetual-office"),
        "{ja}"
    );
    assert!(
        ja.trim_end()
            .ends_with("PC 付属の Office の受け取り（0 円）です。支払いはありません"),
        "{ja}"
    );
    // Plain CSV keeps stable ids and English headers in any language.
    msorder()
        .args(["scan", "--format", "csv", "--lang", "ja", ACTIVATION])
        .assert()
        .stdout(predicate::str::starts_with("source,index,message_id,"));
}

#[test]
fn table_fits_the_width_and_colours_only_when_asked() {
    for columns in ["80", "100"] {
        let out = msorder()
            .env("COLUMNS", columns)
            .args(["scan", "--all", "--format", "table", "fixtures/mail"])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.lines().count() > 20);
        for line in text.lines() {
            let width = unicode_width::UnicodeWidthStr::width(line);
            assert!(width < columns.parse().unwrap(), "{columns}: {line}");
        }
        assert!(!text.contains('\u{1b}'), "no colour off a terminal");
    }
    let table = |color: &str, no_color: bool| {
        let mut cmd = msorder();
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let out = cmd
            .args(["scan", "--format", "table", "--color", color, ACTIVATION])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(table("always", false).contains("\u{1b}[32mactivation\u{1b}[0m"));
    assert!(
        table("always", true).contains("\u{1b}[32m"),
        "the flag beats NO_COLOR"
    );
    assert!(!table("never", false).contains('\u{1b}'));
    assert!(!table("auto", false).contains('\u{1b}'), "stdout is no terminal");
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

// ---------------------------------------------------------------------------------------------
// Hostile environments (issue 10)
// ---------------------------------------------------------------------------------------------

/// The binary as `std::process::Command`, for tests that need the child's pipes.
fn msorder_process() -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("msorder"));
    cmd.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG");
    cmd
}

/// An mbox of `n` copies of the activation fixture.
fn big_mbox(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
    let one = std::fs::read(ACTIVATION).unwrap();
    let mut data = Vec::new();
    for _ in 0..n {
        data.extend_from_slice(b"From a@example.com Thu Jan  1 00:00:00 2026\n");
        data.extend_from_slice(&one);
        data.extend_from_slice(b"\n");
    }
    let path = dir.join("big.mbox");
    std::fs::write(&path, data).unwrap();
    path
}

#[test]
fn closed_output_pipe_is_quiet_and_not_success() {
    let dir = tempfile::tempdir().unwrap();
    let mbox = big_mbox(dir.path(), 3000);
    let runs: [&[&str]; 4] = [
        &["scan", "--format", "csv"],
        &["scan", "--format", "jsonl"],
        &["scan", "--format", "table"],
        &["check"],
    ];
    for args in runs {
        let mut child = msorder_process()
            .args(args)
            .arg(&mbox)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Read one chunk (or nothing), then close the pipe while the run goes on.
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 64];
        let _ = std::io::Read::read(&mut stdout, &mut first);
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("Broken pipe") && !stderr.contains("panicked"),
            "{args:?}: {stderr}"
        );
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn unwritable_stderr_is_no_panic() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = msorder_process()
        .args(["scan", "--format", "jsonl", "no-such-file.eml", ACTIVATION])
        .stderr(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("8311422531"));
}

/// When only some workers can start, none is kept: with their stacks taking most of a tight
/// address space, the mail read beside them ran out of memory and the run aborted. Now the
/// whole mailbox is read on one thread and every record comes out.
#[cfg(target_os = "linux")]
#[test]
fn a_pool_that_starts_short_leaves_room_for_the_mail() {
    let dir = tempfile::tempdir().unwrap();
    let mail = std::fs::read(ACTIVATION).unwrap();
    let mut mbox = Vec::new();
    for _ in 0..3000 {
        mbox.extend_from_slice(b"From x@example.jp Mon Jan  1 00:00:00 2024\n");
        mbox.extend_from_slice(&mail);
        mbox.push(b'\n');
    }
    let path = dir.path().join("many.mbox");
    std::fs::write(&path, mbox).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("msorder");
    // Room for a few 32 MiB worker stacks, not for 1024. Which worker ran short depended on
    // timing, so several limits are tried.
    for limit in [250_000, 300_000, 350_000, 400_000] {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "ulimit -v {limit} && exec '{}' scan --jobs 1024 -q --format jsonl '{}'",
                bin.display(),
                path.display()
            ))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "limit {limit}: {stderr}");
        assert_eq!(
            out.stdout.iter().filter(|&&b| b == b'\n').count(),
            3000,
            "limit {limit}"
        );
    }
}

#[test]
fn output_that_is_an_input_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let mail = dir.path().join("a.eml");
    std::fs::copy(ACTIVATION, &mail).unwrap();
    let before = std::fs::read(&mail).unwrap();
    let folder = dir.path().to_str().unwrap();
    let link = dir.path().join("link.eml");
    std::fs::hard_link(&mail, &link).unwrap();
    for (output, input) in [(&mail, mail.to_str().unwrap()), (&link, folder), (&mail, folder)] {
        msorder()
            .args(["scan", "-o"])
            .arg(output)
            .arg(input)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("also an input"));
        assert_eq!(std::fs::read(&mail).unwrap(), before);
    }
    // A new output file inside a folder being read is refused too, and not left behind.
    let new = dir.path().join("report.csv");
    msorder()
        .args(["scan", "-o"])
        .arg(&new)
        .arg(folder)
        .assert()
        .code(2);
    assert!(!new.exists());
}

#[test]
fn too_many_jobs_are_refused() {
    msorder()
        .args(["scan", "--jobs", "100000", ACTIVATION])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("jobs"));
    msorder()
        .args(["scan", "--jobs", "1024", "-q", ACTIVATION])
        .assert()
        .code(0);
}

#[test]
fn max_size_near_the_largest_integer_reads_normally() {
    let max = usize::MAX.to_string();
    msorder()
        .args(["scan", "--format", "jsonl", "--max-size", &max, ACTIVATION, MBOX])
        .assert()
        .stdout(predicate::str::contains("8311422531"))
        .stdout(predicate::str::contains("empty message").not())
        .stdout(predicate::str::contains("maximum size").not());
}

#[cfg(unix)]
#[test]
fn fifo_in_a_folder_is_skipped_and_one_named_is_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(ACTIVATION, dir.path().join("a.eml")).unwrap();
    let fifo = dir.path().join("pipe.eml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let out = msorder()
        .args(["scan", "--all", "--format", "jsonl"])
        .arg(dir.path())
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("8311422531"), "{stdout}");
    assert!(stdout.contains("not a regular file"), "{stdout}");
    // Named on the command line, the FIFO is read (as `<(…)` is).
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, std::fs::read(ACTIVATION).unwrap()))
    };
    msorder()
        .args(["scan", "--format", "jsonl"])
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("8311422531"));
    writer.join().unwrap().unwrap();
}

/// Fixture 01 with its Subject replaced.
fn with_subject(subject: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(ACTIVATION).unwrap();
    let start = text.find("\nSubject:").unwrap() + 1;
    let end = start + text[start..].find('\n').unwrap();
    format!("{}Subject: {subject}{}", &text[..start], &text[end..]).into_bytes()
}

#[test]
fn format_characters_never_reach_the_terminal() {
    let raw = with_subject("Microsoft \u{61C}\u{200E}\u{202E}\u{2067}\u{200B}\u{FEFF}\u{E0041} order");
    let table = msorder()
        .args(["scan", "--format", "table", "-"])
        .write_stdin(raw.clone())
        .output()
        .unwrap();
    let check = msorder().args(["check", "-"]).write_stdin(raw).output().unwrap();
    for out in [table.stdout, check.stdout] {
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("Microsoft"), "{text}");
        let bad = text.chars().find(|&c| matches!(c, '\u{61C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{E0000}'..='\u{E007F}'));
        assert_eq!(bad, None, "{text}");
    }
}

#[test]
fn table_rows_are_bounded_in_characters() {
    let subject = format!("a{}", "\u{301}\u{200D}".repeat(100_000));
    let out = msorder()
        .args(["scan", "--all", "--format", "table", "-"])
        .write_stdin(with_subject(&subject))
        .output()
        .unwrap();
    let longest = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.chars().count())
        .max();
    assert!(longest.unwrap() < 1000, "{longest:?}");
}

#[test]
fn product_key_in_the_subject_is_masked_unless_asked() {
    let raw = with_subject("Your key ABCDE-FGHIJ-KLMNO-PQRST-6YFCG");
    for args in [
        &["check", "--explain", "-"][..],
        &["scan", "--all", "--format", "jsonl", "-"],
    ] {
        let out = msorder().args(args).write_stdin(raw.clone()).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains("ABCDE-FGHIJ"), "{args:?}: {text}");
        assert!(text.contains("*****-*****-*****-*****-6YFCG"), "{args:?}: {text}");
    }
    msorder()
        .args(["check", "--show-keys", "-"])
        .write_stdin(raw)
        .assert()
        .stdout(predicate::str::contains("ABCDE-FGHIJ-KLMNO-PQRST-6YFCG"));
}

/// A later price (plan or renewal price) is reported in its own fields, never as the total.
#[test]
fn later_price_is_its_own_field() {
    const TRIAL: &str = "fixtures/mail/13-ja-trial-m365-free-24-months.eml";
    let out = stdout_with_code(msorder().args(["check", "--json", TRIAL]), 1);
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["label"], "trial");
    assert_eq!(v["total"], "0");
    assert_eq!(v["later_price"], "21300");
    assert_eq!(v["later_currency"], "JPY");
    let out = stdout_with_code(msorder().args(["scan", "--format", "csv", TRIAL]), 1);
    let csv = String::from_utf8(out).unwrap();
    let row = csv.lines().nth(1).unwrap();
    assert!(row.ends_with(",21300,JPY"), "{row}");
    msorder()
        .args(["check", "--lang", "ja", TRIAL])
        .assert()
        .stdout(predicate::str::contains("今後の請求額: JPY 21300"));
}

/// With too little address space for the worker stacks, the pool can't be built: the run goes on
/// on one thread instead of panicking.
#[cfg(target_os = "linux")]
#[test]
fn threads_that_cannot_start_are_no_panic() {
    let bin = assert_cmd::cargo::cargo_bin("msorder");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 2000000 && exec '{}' scan --jobs 1024 -q --format jsonl {ACTIVATION}",
            bin.display()
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("8311422531"));
}
