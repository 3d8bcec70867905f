//! Golden outputs: the full CSV report over the fixtures and the `check` text of a few mails,
//! compared byte for byte. After an intended change, regenerate with
//! `UPDATE_GOLDEN=1 cargo test --test golden` and review the diff.

use assert_cmd::Command;

fn run(args: &[&str]) -> String {
    let out = Command::cargo_bin("msorder")
        .unwrap()
        .env_remove("LC_ALL")
        .env_remove("LANG")
        .args(args)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn compare(name: &str, actual: &str) {
    let path = format!("tests/golden/{name}");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        let diff: Vec<String> = expected
            .lines()
            .zip(actual.lines())
            .enumerate()
            .filter(|(_, (e, a))| e != a)
            .take(10)
            .map(|(i, (e, a))| format!("line {}:\n  - {e}\n  + {a}", i + 1))
            .collect();
        panic!(
            "{path} differs ({} vs {} lines); UPDATE_GOLDEN=1 regenerates it\n{}",
            expected.lines().count(),
            actual.lines().count(),
            diff.join("\n")
        );
    }
}

#[test]
fn scan_report_over_fixtures() {
    compare(
        "scan-fixtures.csv",
        &run(&["scan", "--all", "--format", "csv", "-q", "fixtures/"]),
    );
}

#[test]
fn check_texts() {
    for (name, file, lang) in [
        (
            "check-activation.ja.txt",
            "fixtures/mail/01-ja-activation-plain-utf8.eml",
            "ja",
        ),
        (
            "check-trial.en.txt",
            "fixtures/mail/14-en-trial-m365-personal.eml",
            "en",
        ),
        (
            "check-inline-forward.ja.txt",
            "fixtures/mail/30-fwd-inline-gmail-ja.eml",
            "ja",
        ),
        (
            "check-fake.en.txt",
            "fixtures/mail/39-fake-gmail-defender-callback.eml",
            "en",
        ),
    ] {
        compare(name, &run(&["check", "--explain", "--lang", lang, file]));
    }
}
