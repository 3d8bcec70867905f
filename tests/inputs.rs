//! How inputs reach the tool: a file dropped on the program, junk files in folders, and the
//! machine summary of a scan.

use std::path::Path;

mod common;

const FAKE: &str = "fixtures/mail/39-fake-gmail-defender-callback.eml";
const ACTIVATION: &str = "fixtures/mail/01-ja-activation-plain-utf8.eml";

#[test]
fn a_dropped_file_is_checked() {
    let dropped = common::msorder().arg(FAKE).output().unwrap();
    let checked = common::msorder().args(["check", FAKE]).output().unwrap();
    assert_eq!(dropped.status.code(), Some(1));
    assert_eq!(dropped.stdout, checked.stdout);
    assert!(String::from_utf8_lossy(&dropped.stdout).contains("[suspicious]"));
    // Several dropped files are scanned; a missing one is named, not taken for a subcommand.
    let several = common::msorder()
        .args([FAKE, ACTIVATION, "--format", "csv", "--all"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&several.stdout).lines().count(), 3);
    let missing = common::msorder().arg("no-such-mail.eml").output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such-mail.eml: no such file"));
    // A mistyped subcommand still gets clap's hint.
    let typo = common::msorder().arg("scna").output().unwrap();
    assert!(String::from_utf8_lossy(&typo.stderr).contains("similar subcommand"));
}

fn folder_with_junk() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let put = |rel: &str, from: &str| {
        let to = dir.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
    };
    put("a/fake.eml", FAKE);
    put("b/.Sent/cur/1.host:2,S", ACTIVATION);
    std::fs::create_dir_all(dir.path().join("b/.Sent/new")).unwrap();
    for junk in ["a/desktop.ini", "a/Thumbs.db", "b/.DS_Store", "a/._fake.eml"] {
        std::fs::write(dir.path().join(junk), b"\x00\x05\x16\x07junk").unwrap();
    }
    dir
}

#[test]
fn junk_files_are_skipped_in_folders_but_read_when_named() {
    let dir = folder_with_junk();
    let out = common::msorder()
        .args(["scan", "--all", "--format", "jsonl"])
        .arg(dir.path())
        .output()
        .unwrap();
    let labels: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["label"].to_string())
        .collect();
    assert_eq!(
        labels,
        ["\"suspicious\"", "\"activation\""],
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let named = common::msorder()
        .args(["scan", "--all", "--format", "jsonl"])
        .arg(dir.path().join("a/desktop.ini"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&named.stdout).lines().count(), 1);
}

#[test]
fn summary_counts_labels_errors_skipped_and_inputs() {
    let dir = folder_with_junk();
    let summary = dir.path().join("summary.json");
    let missing = dir.path().join("missing.mbox");
    let out = common::msorder()
        .args(["scan", "--quiet", "--format", "csv", "--summary"])
        .arg(&summary)
        .arg(dir.path().join("a"))
        .arg(dir.path().join("b"))
        .arg(&missing)
        .arg("fixtures/mbox/sample.mbox")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let s: serde_json::Value = serde_json::from_slice(&std::fs::read(&summary).unwrap()).unwrap();
    let mbox = common::msorder()
        .args(["scan", "--all", "--format", "jsonl", "fixtures/mbox/sample.mbox"])
        .output()
        .unwrap();
    let in_mbox = String::from_utf8_lossy(&mbox.stdout).lines().count() as u64;
    assert_eq!(s["messages"], 2 + in_mbox);
    assert_eq!(s["errors"], 1);
    assert_eq!(s["skipped"], 4);
    assert!(s["labels"]["suspicious"].as_u64().unwrap() >= 1);
    assert_eq!(s["labels"]["error"], 1);
    let label_total: u64 = s["labels"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(label_total, 3 + in_mbox);
    let inputs = s["inputs"].as_array().unwrap();
    let counts: Vec<(u64, u64)> = inputs
        .iter()
        .map(|i| (i["messages"].as_u64().unwrap(), i["errors"].as_u64().unwrap()))
        .collect();
    assert_eq!(counts, [(1, 0), (1, 0), (0, 1), (in_mbox, 0)]);
    assert_eq!(inputs[2]["path"], missing.to_str().unwrap());
    assert!(s["elapsed_seconds"].as_f64().unwrap() >= 0.0);
    assert!(Path::new(&summary).is_file());
}

#[test]
fn a_named_path_without_mail_is_not_all_clear() {
    let dir = folder_with_junk();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = common::msorder()
        .args(["scan", "--quiet", "--format", "csv"])
        .arg(&empty)
        .arg(FAKE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("empty: no message found"), "{stderr}");
    assert!(!stderr.contains("39-fake"), "{stderr}");
    let ja = common::msorder()
        .args(["check", "--lang", "ja"])
        .arg(&empty)
        .output()
        .unwrap();
    assert_eq!(ja.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&ja.stderr).contains("メールが見つからず"));
}

#[test]
fn stdin_from_a_terminal_gets_a_hint_and_one_ctrl_d_ends_it() {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    // util-linux `script` runs the tool on a terminal; without it there is nothing to run.
    let bin = env!("CARGO_BIN_EXE_msorder");
    let Ok(mut child) = Command::new("script")
        .args(["-qec", &format!("{bin} check --lang en"), "/dev/null"])
        .env_remove("LANG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    else {
        eprintln!("skipped: no `script` to give the tool a terminal");
        return;
    };
    // One Ctrl-D on an empty line; the pipe stays open, so only the tool can end the run.
    let mut keyboard = child.stdin.take().unwrap();
    keyboard.write_all(b"\x04").unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("still waiting for input after one Ctrl-D");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    drop(keyboard);
    let mut screen = String::new();
    child.stdout.take().unwrap().read_to_string(&mut screen).unwrap();
    assert!(
        screen.contains("msorder: reading a mail from the keyboard"),
        "{screen}"
    );
    assert!(screen.contains("empty message"), "{screen}");
}

/// A Shift_JIS file name, as Windows ZIP archives leave them (`メール.eml` here), is opened exactly
/// and named lossily: on the command line, inside a folder, and as the `-o` output.
#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_are_read() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = OsStr::from_bytes(b"\x83\x81\x81[\x83\x8b.eml");
    let sub = dir.path().join(OsStr::from_bytes(b"\x8f\x97"));
    std::fs::create_dir(&sub).unwrap();
    std::fs::copy(FAKE, dir.path().join(name)).unwrap();
    std::fs::copy(ACTIVATION, sub.join(name)).unwrap();
    let report = dir.path().join(OsStr::from_bytes(b"\x95\xf1.csv"));
    let out = common::msorder()
        .args(["scan", "--all", "--format", "csv", "-q", "-o"])
        .arg(&report)
        .arg(dir.path().join(name))
        .arg(&sub)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(&report).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(
        rows[0].contains("suspicious") && rows[1].contains("activation"),
        "{csv}"
    );
    assert!(rows.iter().all(|r| r.contains('\u{FFFD}')), "{csv}");
    let checked = common::msorder()
        .arg("check")
        .arg(sub.join(name))
        .output()
        .unwrap();
    assert_eq!(checked.status.code(), Some(0));
}

const SEPARATOR: &[u8] = b"From a@b Thu Jan  1 00:00:00 2026";

/// Messages of every size up to well over a read buffer (1 MiB), every other one CRLF, with
/// lines that mboxrd quotes (`From `, `>From `) all through, so across a few MiB some message,
/// some quoted line and some separator are cut by each buffer's end.
fn mails() -> Vec<Vec<u8>> {
    (0..40usize)
        .map(|n| {
            let eol: &[u8] = if n % 2 == 1 { b"\r\n" } else { b"\n" };
            let mut mail = format!("Subject: mail {n}").into_bytes();
            mail.extend_from_slice(eol);
            mail.extend_from_slice(eol);
            let lines = if n == 7 { 40_000 } else { n * n * 40 };
            for line in 0..lines {
                let text = match line % 7 {
                    0 => "From the team, at 9 am".to_owned(),
                    3 => ">From a quote".to_owned(),
                    _ => format!("line {line} of mail {n}"),
                };
                mail.extend_from_slice(text.as_bytes());
                mail.extend_from_slice(eol);
            }
            mail
        })
        .collect()
}

/// `mails` as an mboxrd file.
fn mboxrd(mails: &[Vec<u8>]) -> Vec<u8> {
    let mut mbox = Vec::new();
    for mail in mails {
        let crlf = mail.ends_with(b"\r\n");
        let eol: &[u8] = if crlf { b"\r\n" } else { b"\n" };
        mbox.extend_from_slice(SEPARATOR);
        mbox.extend_from_slice(eol);
        for line in mail.split_inclusive(|&b| b == b'\n') {
            let quotes = line.iter().take_while(|&&b| b == b'>').count();
            if line[quotes..].starts_with(b"From ") {
                mbox.push(b'>');
            }
            mbox.extend_from_slice(line);
        }
        mbox.extend_from_slice(eol);
    }
    mbox
}

#[test]
fn an_mbox_of_several_buffers_reads_back_exactly() {
    let mails = mails();
    let mbox = mboxrd(&mails);
    assert!(mbox.len() > 3 << 20);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.mbox");
    std::fs::write(&path, &mbox).unwrap();
    let read: Vec<_> = msorder::input::messages([&path], msorder::ReadOptions::default()).collect();
    assert_eq!(read.len(), mails.len());
    for (i, (message, mail)) in read.iter().zip(&mails).enumerate() {
        assert_eq!(message.index, i + 1);
        assert!(**message.data.as_ref().unwrap() == mail[..], "mail {i}");
    }
    // The same through the command line, from the file and from stdin.
    let from_file = common::msorder()
        .args(["scan", "--all", "--format", "jsonl", "-q"])
        .arg(&path)
        .output()
        .unwrap();
    let from_stdin = common::msorder()
        .args(["scan", "--all", "--format", "jsonl", "-q", "-"])
        .write_stdin(mbox)
        .output()
        .unwrap();
    let from_file = String::from_utf8(from_file.stdout).unwrap();
    assert_eq!(from_file.lines().count(), mails.len());
    assert_eq!(
        from_file.replace(path.to_str().unwrap(), "-"),
        String::from_utf8(from_stdin.stdout).unwrap()
    );
}

#[test]
fn a_file_cut_short_while_read_ends_where_it_was_cut() {
    // Read, not memory-mapped: a file truncated under the reader ends the mbox early instead of
    // killing the process with SIGBUS.
    let mails: Vec<Vec<u8>> = (0..2000)
        .map(|n| format!("Subject: {n}\n\n{}\n", "x".repeat(2000)).into_bytes())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shrinking.mbox");
    std::fs::write(&path, mboxrd(&mails)).unwrap();
    let mut messages = msorder::input::messages([&path], msorder::ReadOptions::default());
    // The first message comes out of the first buffer read.
    let first = messages.next().unwrap();
    assert!(**first.data.as_ref().unwrap() == mails[0][..]);
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(0)
        .unwrap();
    let rest: Vec<_> = messages.collect();
    assert!(rest.len() > 100 && rest.len() < mails.len() / 2, "{}", rest.len());
    let (last, whole) = rest.split_last().unwrap();
    for (i, message) in whole.iter().enumerate() {
        assert_eq!(message.index, i + 2);
        assert!(**message.data.as_ref().unwrap() == mails[i + 1][..]);
    }
    // The message the cut went through is what was read of it.
    let cut = last.data.as_ref().unwrap();
    assert!(mails[last.index - 1].starts_with(cut) && cut.len() < mails[0].len());
}

#[test]
fn empty_files_are_empty_messages() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.eml");
    std::fs::write(&empty, b"").unwrap();
    let bare = dir.path().join("bare.mbox");
    std::fs::write(&bare, SEPARATOR).unwrap();
    let read: Vec<_> = msorder::input::messages([&empty, &bare], msorder::ReadOptions::default()).collect();
    assert_eq!(read.len(), 2);
    assert!(read.iter().all(|m| m.data.as_ref().unwrap().is_empty()));
    let out = common::msorder()
        .args(["scan", "--all", "--format", "csv", "-q"])
        .arg(&empty)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty message"));
}
