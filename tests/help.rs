//! What a user reads about the tool itself: help with examples, completions and the man page,
//! `--max-size` sizes, and counts of messages in words.

mod common;

use common::msorder;

const ACTIVATION: &str = "fixtures/mail/01-ja-activation-plain-utf8.eml";

fn stdout_of(args: &[&str]) -> String {
    let out = msorder().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_generator_writes_something_about_the_commands() {
    for kind in [
        "complete-bash",
        "complete-zsh",
        "complete-fish",
        "complete-powershell",
        "man",
    ] {
        // roff writes a hyphen as `\-`.
        let text = stdout_of(&["--generate", kind]).replace("\\-", "-");
        assert!(text.len() > 500, "{kind}: {} bytes", text.len());
        for command in ["scan", "check", "filter", "max-size"] {
            assert!(text.contains(command), "{kind} does not mention {command}");
        }
    }
    let man = stdout_of(&["--generate", "man"]);
    assert!(
        man.starts_with(".ie") || man.contains(".TH msorder"),
        "{}",
        &man[..200]
    );
    // Each command's own options and examples are in the one page.
    assert!(
        man.contains("COMMAND: SCAN") && man.contains("\\-\\-format"),
        "scan's options"
    );
    assert!(man.contains("report.html"), "scan's examples");
    assert!(
        !man.contains("COMMAND: HELP"),
        "clap's help command is no command to document"
    );
}

#[test]
fn generate_takes_no_command_and_no_unknown_kind() {
    msorder().args(["--generate", "complete-tcsh"]).assert().code(2);
    msorder().args(["--generate", "man", "check"]).assert().code(2);
    // Nothing at all: a one-line reason and the usage, on stderr.
    let out = msorder().output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("a command is needed"));
}

#[test]
fn each_command_shows_examples() {
    for (args, example) in [
        (&["--help"][..], "msorder check mail.eml"),
        (&["check", "--help"], "msorder check --explain"),
        (&["scan", "--help"], "msorder scan --format html -o report.html"),
        (&["filter", "--help"], "msorder filter < mail.eml"),
        (&["scan", "-h"], "msorder scan --max-size 1G"),
    ] {
        let help = stdout_of(args);
        assert!(
            help.contains("Examples:") && help.contains(example),
            "{args:?}:\n{help}"
        );
    }
}

#[test]
fn max_size_takes_binary_units_in_any_case() {
    // The fixture is 2911 bytes: 2K refuses it, 3k and plain bytes don't.
    for (size, label) in [
        ("2K", "error"),
        ("2kib", "error"),
        ("3k", "activation"),
        ("2911", "activation"),
        ("64M", "activation"),
        ("1g", "activation"),
        ("1GiB", "activation"),
    ] {
        let out = msorder()
            .args(["scan", "--quiet", "--all", "--format", "jsonl"])
            .args(["--max-size", size, ACTIVATION])
            .output()
            .unwrap();
        let code = if label == "error" { 2 } else { 0 };
        assert_eq!(out.status.code(), Some(code), "--max-size {size}");
        let line = out.stdout.split(|&b| b == b'\n').next().unwrap();
        let v: serde_json::Value = serde_json::from_slice(line).unwrap();
        assert_eq!(v["label"], label, "--max-size {size}");
    }
}

#[test]
fn max_size_refuses_nonsense_in_one_line() {
    for size in [
        "64X",
        "1.5G",
        "-1",
        "",
        "M",
        "0",
        "0K",
        "99999999999999T",
        "64 MB extra",
    ] {
        for command in ["scan", "check", "filter"] {
            let mut cmd = msorder();
            cmd.args([command, "--max-size", size]).write_stdin("");
            if command != "filter" {
                cmd.arg(ACTIVATION);
            }
            let out = cmd.output().unwrap();
            assert_eq!(out.status.code(), Some(2), "--max-size {size:?}");
            assert!(out.stdout.is_empty(), "--max-size {size:?}");
            let stderr = String::from_utf8(out.stderr).unwrap();
            assert_eq!(stderr.lines().count(), 1, "--max-size {size:?}: {stderr}");
            assert!(stderr.contains("--max-size"), "{stderr}");
        }
    }
}

#[test]
fn one_message_is_one_message() {
    let summary = |lang: &str| {
        let out = msorder()
            .args(["scan", "--lang", lang, ACTIVATION])
            .output()
            .unwrap();
        String::from_utf8(out.stderr).unwrap()
    };
    assert!(
        summary("en").contains("msorder: 1 message read: activation 1"),
        "{}",
        summary("en")
    );
    assert!(
        summary("ja").contains("msorder: 1 通を読み取りました"),
        "{}",
        summary("ja")
    );
    let out = msorder()
        .args(["scan", "--lang", "en", ACTIVATION, ACTIVATION])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 messages read"));
}
