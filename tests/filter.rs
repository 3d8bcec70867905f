//! `msorder filter` as a delivery agent runs it: the mail comes back byte for byte with two
//! header fields on top, exit 0 whatever the label, and a real `maildrop` sorts by the field
//! (skipped, saying so, when maildrop is not installed).

use std::path::Path;
use std::process::{Command, Stdio};

mod common;

fn fixtures() -> Vec<std::path::PathBuf> {
    let mut files = common::files_under(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mail"));
    files.sort();
    files
}

/// The first `n` header fields (with their folded lines) and the rest.
fn split_fields(out: &[u8], n: usize) -> (String, &[u8]) {
    let mut at = 0;
    let mut fields = 0;
    while at < out.len() {
        let end = out[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(out.len(), |i| at + i + 1);
        let next_is_continuation = out.get(end).is_some_and(|&b| b == b' ' || b == b'\t');
        at = end;
        if !next_is_continuation {
            fields += 1;
            if fields == n {
                break;
            }
        }
    }
    (String::from_utf8(out[..at].to_vec()).unwrap(), &out[at..])
}

#[test]
fn every_fixture_passes_through_unchanged_and_tagged() {
    for path in fixtures() {
        let raw = std::fs::read(&path).unwrap();
        let out = common::msorder()
            .arg("filter")
            .write_stdin(raw.clone())
            .output()
            .unwrap();
        let name = path.display();
        assert_eq!(out.status.code(), Some(0), "{name}");
        let (added, rest) = split_fields(&out.stdout, 2);
        assert_eq!(rest, &raw[..], "{name}: mail changed");
        assert!(added.starts_with("X-MSOrder-Label: "), "{name}: {added}");
        assert!(added.contains("\nX-MSOrder-Reasons: "), "{name}: {added}");
        assert!(added.is_ascii(), "{name}");
        assert!(added.lines().all(|l| l.trim_end().len() <= 78), "{name}: {added}");

        // The label is check's, and --exit-status gives check's exit status.
        let check = common::msorder()
            .args(["check", "--json"])
            .arg(&path)
            .output()
            .unwrap();
        let record: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
        let label = record["label"].as_str().unwrap();
        assert_eq!(
            added.lines().next(),
            Some(format!("X-MSOrder-Label: {label}").as_str()),
            "{name}"
        );
        let strict = common::msorder()
            .args(["filter", "--exit-status"])
            .write_stdin(raw)
            .output()
            .unwrap();
        assert_eq!(strict.status.code(), check.status.code(), "{name}");
        assert_eq!(strict.stdout, out.stdout);
    }
}

#[test]
fn maildrop_sorts_a_fake_into_its_own_folder() {
    if Command::new("maildrop").arg("-v").output().is_err() {
        eprintln!("skipped: maildrop not installed (.ci/run installs it)");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let maildir = home.path().join("Maildir");
    for folder in ["", ".Suspicious"] {
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(maildir.join(folder).join(sub)).unwrap();
        }
    }
    let rules = home.path().join("mailfilter");
    // maildrop run by root uses the account's home, not $HOME: the folders are named in full.
    std::fs::write(
        &rules,
        format!(
            "xfilter \"{bin} filter\"\nif (/^X-MSOrder-Label: suspicious/)\n{{\n  to \"{dir}/.Suspicious/\"\n}}\nto \"{dir}/\"\n",
            bin = env!("CARGO_BIN_EXE_msorder"),
            dir = maildir.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&rules, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let fixture = |name: &str| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/mail")
            .join(name)
    };
    for name in [
        "39-fake-gmail-defender-callback.eml",
        "01-ja-activation-plain-utf8.eml",
    ] {
        let status = Command::new("maildrop")
            .arg(&rules)
            .env("HOME", home.path())
            .stdin(std::fs::File::open(fixture(name)).unwrap())
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "maildrop failed on {name}: {status}");
    }
    let delivered = |folder: &Path| -> Vec<Vec<u8>> {
        std::fs::read_dir(folder.join("new"))
            .unwrap()
            .map(|e| std::fs::read(e.unwrap().path()).unwrap())
            .collect()
    };
    let fakes = delivered(&maildir.join(".Suspicious"));
    let inbox = delivered(&maildir);
    assert_eq!((fakes.len(), inbox.len()), (1, 1));
    assert!(fakes[0].starts_with(b"X-MSOrder-Label: suspicious\n"));
    assert!(inbox[0].starts_with(b"X-MSOrder-Label: activation\n"));
    let original = std::fs::read(fixture("39-fake-gmail-defender-callback.eml")).unwrap();
    assert!(fakes[0].ends_with(&original), "the fake was changed on the way");
}
