//! Errors in the reader's language: one line on stderr naming the input (path, and mbox index
//! where there is one), exit 2, in Japanese with `--lang ja` and unchanged in English; the CSV
//! keeps the English text.

mod common;

use std::path::Path;

use common::msorder;

/// An mbox whose second message is over 1 KiB, and a file that is no mail.
fn inputs(dir: &Path) -> (String, String, String) {
    let big = "x".repeat(4000);
    let mbox = format!(
        "From a@example.jp Thu Jan  1 00:00:00 2026\nSubject: one\n\nsmall\n\n\
         From a@example.jp Thu Jan  1 00:00:00 2026\nSubject: two\n\n{big}\n"
    );
    let mbox_path = dir.join("box.mbox");
    std::fs::write(&mbox_path, mbox).unwrap();
    let junk = dir.join("notes.txt");
    std::fs::write(&junk, "just a shopping list\nmilk\neggs\n").unwrap();
    let missing = dir.join("gone.eml");
    let s = |p: &Path| p.to_string_lossy().into_owned();
    (s(&missing), s(&mbox_path), s(&junk))
}

/// The stderr lines of `scan` over the inputs, with the exit status checked.
fn scan_errors(args: &[&str], paths: &[&str]) -> Vec<String> {
    let out = msorder()
        .arg("scan")
        .args(args)
        .args(["--max-size", "1K", "--format", "csv"])
        .args(paths)
        .env("LANG", "C")
        .assert()
        .code(2)
        .get_output()
        .clone();
    String::from_utf8(out.stderr)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("msorder: /"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn error_lines_name_the_input_in_the_readers_language() {
    let dir = tempfile::tempdir().unwrap();
    let (missing, mbox, junk) = inputs(dir.path());
    let said = [
        (
            "ja",
            [
                "ファイルまたはフォルダーが見つかりません",
                "メールが上限の大きさ（1024 バイト、--max-size で変更できます）を超えています",
                "メールではありません（メールのヘッダーがありません）",
            ],
        ),
        // English as it always was.
        (
            "en",
            [
                "no such file or directory",
                "message larger than the maximum size (1024 bytes; see --max-size)",
                "not a mail message (no mail header fields)",
            ],
        ),
    ];
    for (lang, [not_found, too_large, not_mail]) in said {
        let lines = scan_errors(&["--lang", lang], &[&missing, &mbox, &junk]);
        assert_eq!(
            lines,
            [
                format!("msorder: {missing}: {not_found}"),
                format!("msorder: {mbox}:2: {too_large}"),
                format!("msorder: {junk}: {not_mail}"),
            ]
        );
    }
}

#[test]
fn csv_keeps_the_english_text_whatever_the_language() {
    let dir = tempfile::tempdir().unwrap();
    let (missing, _, _) = inputs(dir.path());
    let out = msorder()
        .args(["scan", "--lang", "ja", "--format", "csv", &missing])
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let csv = String::from_utf8(out).unwrap();
    assert!(csv.contains(",no such file or directory,"), "{csv}");
}

#[test]
fn check_text_says_the_error_in_japanese() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _, junk) = inputs(dir.path());
    let out = msorder()
        .args(["check", "--lang", "ja", &junk])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("メールではありません（メールのヘッダーがありません）"),
        "{stdout}"
    );
    assert!(!stdout.contains("not a mail"), "{stdout}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!("msorder: {junk}: メールではありません")),
        "{stderr}"
    );
}
