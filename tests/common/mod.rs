//! Helpers shared by the integration tests.

// Each test crate compiles this module and uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `msorder` binary with no locale from the environment, so output is English unless a test
/// asks otherwise.
pub fn msorder() -> Command {
    let mut cmd = Command::cargo_bin("msorder").unwrap();
    cmd.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG");
    cmd
}

/// True for a label string the tool may write.
pub fn is_known_label(label: &str) -> bool {
    msorder::Label::ALL.iter().any(|l| l.as_str() == label)
}

/// Every file below a directory, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}
