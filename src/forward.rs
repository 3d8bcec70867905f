//! Inline forwards: the original's headers survive only as a quoted block in the body. Finds the
//! block that Gmail, Outlook, Apple Mail and Thunderbird write (English and Japanese UI) and
//! rebuilds a view of the original from it.

use std::sync::LazyLock;

use regex::Regex;

use crate::text::fold_line;
use crate::view::{Mailbox, MessageView, Quoted};

/// Separator lines (folded) that open a forwarded block.
const SEPARATORS: &[&str] = &[
    "---------- forwarded message ---------",
    "-------- forwarded message --------",
    "-----original message-----",
    "-------- original message --------",
    "begin forwarded message:",
    "転送されたメッセージ:",
    "---------- 転送されたメッセージ ----------",
    "-------- 転送メッセージ --------",
    "----- 転送メッセージ -----",
    "-----元のメッセージ-----",
    "----- 元のメッセージ -----",
];

/// Quoted header labels, folded, and the field each one fills.
const LABELS: &[(&str, QuotedField)] = &[
    ("from", QuotedField::From),
    ("差出人", QuotedField::From),
    ("送信者", QuotedField::From),
    ("送信元", QuotedField::From),
    ("subject", QuotedField::Subject),
    ("件名", QuotedField::Subject),
    ("date", QuotedField::Date),
    ("sent", QuotedField::Date),
    ("日付", QuotedField::Date),
    ("日時", QuotedField::Date),
    ("送信日時", QuotedField::Date),
    ("to", QuotedField::Other),
    ("cc", QuotedField::Other),
    ("宛先", QuotedField::Other),
    ("reply-to", QuotedField::Other),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum QuotedField {
    From,
    Subject,
    Date,
    Other,
}

/// Lines a quoted header block may span before it must have ended.
const MAX_HEADER_LINES: usize = 12;

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}").unwrap());

/// Strip quoting (`> `) from a line.
fn unquote(line: &str) -> &str {
    line.trim_start().trim_start_matches(['>', ' ', '\t'])
}

fn label_field(folded: &str) -> Option<(QuotedField, &str)> {
    LABELS.iter().find_map(|(label, field)| {
        let rest = folded.strip_prefix(label)?.trim_start();
        let rest = rest.strip_prefix(':').or_else(|| rest.strip_prefix('：'))?;
        Some((*field, rest.trim()))
    })
}

/// Parse a quoted sender: `Microsoft <a@b>`, `Microsoft [mailto:a@b]`, `a@b`.
fn quoted_mailbox(value: &str) -> Mailbox {
    let address = EMAIL
        .find(value)
        .map(|m| m.as_str().to_owned())
        .unwrap_or_default();
    let name = value
        .split(['<', '['])
        .next()
        .unwrap_or("")
        .trim()
        .trim_matches('"')
        .trim()
        .to_owned();
    let name = if name.contains('@') { String::new() } else { name };
    Mailbox { name, address }
}

/// Where the quoted block starts and what it says: (index of first body line after the block,
/// quoted fields). Needs a From and a Subject or Date to count as a block.
fn find_block(lines: &[&str]) -> Option<(usize, Quoted)> {
    for (i, line) in lines.iter().enumerate() {
        let folded = fold_line(unquote(line));
        let header_start = if SEPARATORS.iter().any(|s| folded.starts_with(s)) {
            i + 1
        } else if matches!(label_field(&folded), Some((QuotedField::From, _))) {
            // Outlook writes the block with no separator line.
            i
        } else {
            continue;
        };
        if let Some(found) = parse_block(lines, header_start) {
            return Some(found);
        }
    }
    None
}

fn parse_block(lines: &[&str], start: usize) -> Option<(usize, Quoted)> {
    let mut quoted = Quoted::default();
    let mut seen = 0;
    let mut end = start;
    for (j, line) in lines.iter().enumerate().skip(start).take(MAX_HEADER_LINES) {
        let folded = fold_line(unquote(line));
        end = j + 1;
        if folded.is_empty() {
            if seen == 0 {
                continue;
            }
            break;
        }
        let Some((field, _)) = label_field(&folded) else {
            if seen == 0 {
                return None;
            }
            break;
        };
        let value = raw_value(unquote(line));
        match field {
            QuotedField::From => quoted.from = quoted_mailbox(value),
            QuotedField::Subject => quoted.subject = value.to_owned(),
            QuotedField::Date => quoted.date = value.to_owned(),
            QuotedField::Other => {}
        }
        seen += 1;
    }
    let has_sender = !quoted.from.address.is_empty();
    let has_more = !quoted.subject.is_empty() || !quoted.date.is_empty();
    let complete = has_sender && has_more;
    complete.then_some((end, quoted))
}

/// The value after the label's colon, as written.
fn raw_value(line: &str) -> &str {
    let colon = [line.find(':'), line.find('：')].into_iter().flatten().min();
    match colon {
        Some(at) => line[at..].trim_start_matches([':', '：']).trim(),
        None => "",
    }
}

/// Sender labels (matched ASCII-case-insensitively): every quoted block has one, so a body
/// without any holds no inline forward (the first look relies on this too).
pub const SENDER_LABELS: &[&str] = &[
    "from:",
    "from :",
    "from：",
    "差出人",
    "送信者",
    "送信元",
    "ｆｒｏｍ",
    "Ｆｒｏｍ",
];

/// The original of an inline forward, rebuilt from the quoted block; `None` when the body has none.
pub fn inline_original(outer: &MessageView) -> Option<MessageView> {
    // Every quoted block has a sender label: without one, skip folding the body line by line.
    static SENDER_LABEL: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(SENDER_LABELS)
            .expect("literal patterns")
    });
    if !SENDER_LABEL.is_match(&outer.text) && !SENDER_LABEL.is_match(&outer.html_text) {
        return None;
    }
    let text_lines: Vec<&str> = outer.text.lines().collect();
    let html_lines: Vec<&str> = outer.html_text.lines().collect();
    let (text, html_text, quoted) = match find_block(&text_lines) {
        Some((at, quoted)) => {
            let html = find_block(&html_lines)
                .map(|(h, _)| unquoted_from(&html_lines, h))
                .unwrap_or_default();
            (unquoted_from(&text_lines, at), html, quoted)
        }
        None => {
            let (at, quoted) = find_block(&html_lines)?;
            (String::new(), unquoted_from(&html_lines, at), quoted)
        }
    };
    Some(MessageView {
        from: Some(quoted.from.clone()),
        subject: quoted.subject.clone(),
        text,
        html_text,
        links: outer.links.clone(),
        attachments: outer.attachments.clone(),
        quoted: Some(quoted),
        ..MessageView::default()
    })
}

fn unquoted_from(lines: &[&str], at: usize) -> String {
    lines
        .get(at..)
        .unwrap_or_default()
        .iter()
        .map(|l| unquote(l))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outer(text: &str) -> MessageView {
        MessageView {
            text: text.into(),
            ..MessageView::default()
        }
    }

    #[test]
    fn gmail_english() {
        let v = inline_original(&outer(
            "FYI\n\n---------- Forwarded message ---------\nFrom: Microsoft <microsoft-noreply@microsoft.com>\n\
             Date: Sat, Apr 12, 2025 at 10:00 AM\nSubject: Microsoft の注文 #1234567890 が処理されました\n\
             To: <taro@example.jp>\n\n注文番号: 1234567890\n",
        ))
        .unwrap();
        let q = v.quoted.as_ref().unwrap();
        assert_eq!(q.from.address, "microsoft-noreply@microsoft.com");
        assert_eq!(q.from.name, "Microsoft");
        assert!(v.subject.contains("1234567890"));
        assert_eq!(v.text.trim(), "注文番号: 1234567890");
    }

    #[test]
    fn outlook_japanese_without_separator_and_quoted() {
        let v = inline_original(&outer(
            "見てください\n> 差出人: Microsoft <microsoft-noreply@microsoft.com>\n> 送信日時: 2025年4月12日 10:00\n\
             > 宛先: taro@example.jp\n> 件名: Microsoft の注文 #1234567890 が処理されました\n>\n> 本文\n",
        ))
        .unwrap();
        assert_eq!(v.from.unwrap().address, "microsoft-noreply@microsoft.com");
        assert_eq!(v.text.trim(), "本文");
    }

    #[test]
    fn outlook_mailto_and_apple() {
        let v = inline_original(&outer(
            "Begin forwarded message:\n\nFrom: \"Microsoft\" [mailto:microsoft-noreply@microsoft.com]\nSubject: x\n\nbody",
        ))
        .unwrap();
        assert_eq!(v.from.unwrap().name, "Microsoft");
    }

    #[test]
    fn no_block() {
        assert!(inline_original(&outer("From: the team\nhello")).is_none());
        assert!(inline_original(&outer("just text")).is_none());
    }
}
