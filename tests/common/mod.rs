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

/// The record fields the fixture tests compare: these always; order fields (suspicious and
/// unrelated rows of tests/expected.tsv leave them empty on purpose) where the expectation fills
/// them.
pub const ALWAYS: &[&str] = &["label", "forwarded", "authentication"];
/// See [`ALWAYS`].
pub const WHEN_GIVEN: &[&str] = &[
    "order_number",
    "order_date",
    "total",
    "currency",
    "products",
    "payment",
    "product_key",
];

/// A record's field as `tests/expected.tsv` writes it (lists joined by ` | `, absent as empty).
pub fn field(r: &msorder::Record, name: &str) -> String {
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    match name {
        "label" => r.label.as_str().into(),
        "forwarded" => r.forwarded.to_string(),
        "authentication" => serde_json::to_value(r.authentication)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        "order_number" => opt(&r.order_number),
        "order_date" => opt(&r.order_date),
        "total" => opt(&r.total),
        "currency" => opt(&r.currency),
        "products" => r.products.join(" | "),
        "payment" => opt(&r.payment),
        "product_key" => opt(&r.product_key),
        other => panic!("unknown field {other}"),
    }
}
