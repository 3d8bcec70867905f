//! Inline forwards: the original's headers survive only as a quoted block in the body. Finds the
//! block that Gmail, Outlook, Apple Mail and Thunderbird write (English and Japanese UI) and
//! rebuilds a view of the original from it.

use std::sync::LazyLock;

use crate::address;

use crate::lexicon;
use crate::mime::text_links;
use crate::text::fold_line;
use crate::view::{Link, Mailbox, MessageView, Quoted};

/// Separator lines (folded) that open a forwarded block.
static SEPARATORS: LazyLock<Vec<&str>> = LazyLock::new(|| lexicon::every(|l| l.forward_separators));

/// Quoted header labels, folded, and the field each one fills.
static LABELS: LazyLock<Vec<(&str, QuotedField)>> = LazyLock::new(|| lexicon::every(|l| l.forward_labels));

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum QuotedField {
    From,
    Subject,
    Date,
    To,
    Other,
}

/// Lines a quoted header block may span before it must have ended.
const MAX_HEADER_LINES: usize = 12;

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
    let address = address::find_addr_spec(value).unwrap_or_default().to_owned();
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

/// A quoted header block.
struct Block {
    /// Index of the first body line after the block.
    end: usize,
    /// The quoted fields.
    quoted: Quoted,
    /// The first quoted recipient.
    to: Option<Mailbox>,
}

/// The first quoted header block: a From and a Subject or Date, after a separator line or not.
fn find_block(lines: &[&str]) -> Option<Block> {
    for (i, line) in lines.iter().enumerate() {
        let line = unquote(line);
        if !may_open_block(line) {
            continue;
        }
        let folded = fold_line(line);
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

/// The characters a folded line opening a block starts with: a separator's or a sender label's
/// first.
static OPENINGS: LazyLock<Vec<char>> = LazyLock::new(|| {
    let labels = LABELS.iter().filter(|(_, field)| *field == QuotedField::From);
    SEPARATORS
        .iter()
        .copied()
        .chain(labels.map(|(label, _)| *label))
        .filter_map(|opening| opening.chars().next())
        .collect()
});

/// Whether an unquoted line may open a block, told without folding it where its first character
/// is sure to begin the folded line: ASCII other than white space followed by ASCII (folded, it
/// is itself lowercased), a kanji, or kana followed by ASCII, kana or kanji (nothing combines
/// with those). Most body lines are so told apart from the few that may, which are folded.
fn may_open_block(line: &str) -> bool {
    let is_kanji = |c: char| matches!(c, '\u{4E00}'..='\u{9FFF}');
    let is_kana = |c: char| matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}');
    let mut chars = line.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let next = chars.next();
    let settled = if first.is_ascii() {
        !first.is_whitespace() && next.is_none_or(|c| c.is_ascii())
    } else {
        is_kanji(first) || (is_kana(first) && next.is_none_or(|c| c.is_ascii() || is_kana(c) || is_kanji(c)))
    };
    !settled || OPENINGS.contains(&first.to_ascii_lowercase())
}

fn parse_block(lines: &[&str], start: usize) -> Option<Block> {
    let mut quoted = Quoted::default();
    let mut to = None;
    let mut seen = 0;
    let mut end = start;
    let mut j = start;
    while j < lines.len().min(start + MAX_HEADER_LINES) {
        let line = lines[j];
        let folded = fold_line(unquote(line));
        j += 1;
        end = j;
        if folded.is_empty() {
            if seen == 0 {
                continue;
            }
            break;
        }
        let Some((field, rest)) = label_field(&folded) else {
            if seen == 0 {
                return None;
            }
            // The body starts here (rendered HTML has no blank line after the block).
            end = j - 1;
            break;
        };
        let mut value = raw_value(unquote(line));
        // HTML forwards put a label and its value in neighbouring cells, rendered one per line.
        if rest.is_empty()
            && let Some(next) = lines.get(j).map(|l| unquote(l))
            && !next.trim().is_empty()
            && label_field(&fold_line(next)).is_none()
        {
            value = next.trim();
            j += 1;
            end = j;
        }
        match field {
            QuotedField::From => quoted.from = quoted_mailbox(value),
            QuotedField::Subject => quoted.subject = value.to_owned(),
            QuotedField::Date => quoted.date = value.to_owned(),
            QuotedField::To if to.is_none() => to = Some(quoted_mailbox(value)),
            QuotedField::To | QuotedField::Other => {}
        }
        seen += 1;
    }
    let has_sender = !quoted.from.address.is_empty();
    let has_more = !quoted.subject.is_empty() || !quoted.date.is_empty();
    let complete = has_sender && has_more;
    complete.then_some(Block { end, quoted, to })
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
pub static SENDER_LABELS: LazyLock<Vec<&str>> = LazyLock::new(|| lexicon::every(|l| l.forward_sender_labels));

/// The original of an inline forward, rebuilt from the first quoted block; `None` when the body
/// has none. The original is what follows the block: a forwarder's own words, signature and links
/// above it stay behind. One call peels one layer; a forward of a forward is peeled again.
pub fn inline_original(outer: &MessageView) -> Option<MessageView> {
    // Every quoted block has a sender label: without one, skip folding the body line by line.
    static SENDER_LABEL: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&*SENDER_LABELS)
            .expect("literal patterns")
    });
    if !SENDER_LABEL.is_match(&outer.text) && !SENDER_LABEL.is_match(&outer.html_text) {
        return None;
    }
    let text_lines = lines_of(&outer.text);
    let html_lines = lines_of(&outer.html_text);
    let (text, html_at, block) = match find_block(&text_lines) {
        Some(block) => {
            let html_at = find_block(&html_lines).map(|h| h.end);
            (unquoted_from(&text_lines, block.end), html_at, block)
        }
        None => {
            let block = find_block(&html_lines)?;
            (String::new(), Some(block.end), block)
        }
    };
    let Block { quoted, to, .. } = block;
    let html_text = html_at
        .map(|at| unquoted_from(&html_lines, at))
        .unwrap_or_default();
    // Where the HTML can't be split, all its links stay: a fake's link must not get lost.
    let html_start = html_at.map_or(0, |at| offset_of_line(&outer.html_text, &html_lines, at));
    let links = original_links(outer, &text, html_start);
    Some(MessageView {
        from: Some(quoted.from.clone()),
        to,
        subject: quoted.subject.clone(),
        text,
        html_text,
        links,
        attachments: outer.attachments.clone(),
        quoted: Some(quoted),
        ..MessageView::default()
    })
}

/// `text.lines()`, collected: split at each `\n` found by `memchr` over the whole text rather
/// than searched for line by line, a `\r` before it cut.
fn lines_of(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
        let line = &text[start..end];
        lines.push(line.strip_suffix('\r').unwrap_or(line));
        start = end + 1;
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// Byte offset in `text` where line `at` of `lines` (its `lines()`) starts.
fn offset_of_line(text: &str, lines: &[&str], at: usize) -> usize {
    lines
        .get(at)
        .map_or(text.len(), |line| line.as_ptr() as usize - text.as_ptr() as usize)
}

/// The outer message's links that belong to the original: bare URLs of the original's text, and
/// the HTML links whose text is rendered at or after `html_start`, where the original begins.
fn original_links(outer: &MessageView, text: &str, html_start: usize) -> Vec<Link> {
    // Views list the HTML links first, then the bare URLs of the plain text.
    let bare = text_links(&outer.text);
    let html_links = match outer.links.len().checked_sub(bare.len()) {
        Some(n) if outer.links[n..] == bare[..] => &outer.links[..n],
        _ => &outer.links[..],
    };
    // Links come in document order: each is found after the one before; a link whose text can't
    // be found (an image) sits where the last one was. The cursor never moves back, so from the
    // first link at or after the start on, every link belongs: the rest are not searched for.
    let mut cursor = 0;
    let mut first = html_links.len();
    for (i, link) in html_links.iter().enumerate() {
        if cursor >= html_start {
            first = i;
            break;
        }
        let shown = link.text.trim();
        let found = (!shown.is_empty())
            .then(|| outer.html_text.get(cursor..)?.find(shown))
            .flatten();
        if let Some(at) = found {
            cursor += at;
        }
        if cursor >= html_start {
            first = i;
            break;
        }
        if found.is_some() {
            cursor += shown.len();
        }
    }
    let mut links = html_links[first..].to_vec();
    links.extend(text_links(text));
    links
}

fn unquoted_from(lines: &[&str], at: usize) -> String {
    let mut text = String::new();
    for (i, line) in lines.get(at..).unwrap_or_default().iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(unquote(line));
    }
    text
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
    fn labels_and_values_in_neighbouring_cells() {
        // An HTML forward whose header block is a table, rendered one cell per line.
        let v = inline_original(&MessageView {
            html_text: "見てください\n-----Original Message-----\n差出人:\nMicrosoft <microsoft-noreply@microsoft.com>\n\
                        送信日時:\n2025年4月12日 10:00\n件名:\nMicrosoft の注文 #1234567890 が処理されました\n注文番号:\n1234567890"
                .into(),
            ..MessageView::default()
        })
        .unwrap();
        assert_eq!(v.from.unwrap().address, "microsoft-noreply@microsoft.com");
        assert_eq!(v.subject, "Microsoft の注文 #1234567890 が処理されました");
        assert_eq!(v.quoted.unwrap().date, "2025年4月12日 10:00");
        assert_eq!(v.html_text, "注文番号:\n1234567890");
    }

    #[test]
    fn forwarders_links_stay_behind() {
        let html = "PC ショップ\nshop.example.jp\n---------- Forwarded message ---------\n\
                    From: Microsoft <microsoft-noreply@microsoft.com>\nSubject: x\n\nプライバシー\nshop.example.jp";
        let link = |href: &str, text: &str| Link {
            href: href.into(),
            text: text.into(),
        };
        let text = "PC ショップ https://shop.example.jp/\n\nFrom: Microsoft <microsoft-noreply@microsoft.com>\n\
                    Subject: x\n\nhttps://go.microsoft.com/fwlink/?LinkId=521839\n";
        let mut links = vec![
            link("https://shop.example.jp/", "shop.example.jp"),
            link("https://go.microsoft.com/fwlink/?LinkId=521839", "プライバシー"),
            link("https://shop.example.jp/again", "shop.example.jp"),
        ];
        links.extend(text_links(text));
        let outer = MessageView {
            text: text.into(),
            html_text: html.into(),
            links,
            ..MessageView::default()
        };
        let v = inline_original(&outer).unwrap();
        let hrefs: Vec<&str> = v.links.iter().map(|l| l.href.as_str()).collect();
        assert_eq!(
            hrefs,
            [
                "https://go.microsoft.com/fwlink/?LinkId=521839",
                "https://shop.example.jp/again",
                "https://go.microsoft.com/fwlink/?LinkId=521839"
            ]
        );
    }

    #[test]
    fn layers_peel_one_at_a_time() {
        let v = inline_original(&outer(
            "> From: Customer <c@gmail.com>\n> Subject: Fwd: x\n>\n> > From: Microsoft <microsoft-noreply@microsoft.com>\n\
             > > Date: today\n> > To: Taro <taro@example.jp>\n> >\n> > 本文\n",
        ))
        .unwrap();
        assert_eq!(v.from.as_ref().unwrap().address, "c@gmail.com");
        let inner = inline_original(&v).unwrap();
        assert_eq!(
            inner.from.as_ref().unwrap().address,
            "microsoft-noreply@microsoft.com"
        );
        assert_eq!(inner.to.as_ref().unwrap().address, "taro@example.jp");
        assert_eq!(inner.text.trim(), "本文");
        assert!(inline_original(&inner).is_none());
    }

    #[test]
    fn lines_split_as_str_lines() {
        for s in [
            "",
            "\n",
            "a",
            "a\n",
            "a\r\nb",
            "a\r",
            "\r\n\r\n",
            "a\n\nb\r\r\n",
            "x\ry\n\r",
        ] {
            assert_eq!(lines_of(s), s.lines().collect::<Vec<_>>(), "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn lines_of_any_text_are_its_lines(s in "[a\r\n注 ]{0,30}") {
            proptest::prop_assert_eq!(lines_of(&s), s.lines().collect::<Vec<_>>());
        }
    }

    /// Every line [`may_open_block`] passes over folds to one that opens no block: tried with every
    /// character it tells by, followed by what may or may not combine with it.
    #[test]
    fn lines_passed_over_open_no_block() {
        let nexts = [
            "", "a", "F", "-", " ", "\u{301}", "\u{338}", "\u{3099}", "\u{309A}", "\u{200B}", "か", "ガ",
            "漢", "ｶ", "ﾞ", "＞", "\u{3000}",
        ];
        let mut told = 0;
        for first in (0..0x10000).filter_map(char::from_u32) {
            for next in nexts {
                let line = format!("{first}{next}rom: Microsoft <a@b.example>");
                if may_open_block(&line) {
                    continue;
                }
                told += 1;
                let folded = fold_line(&line);
                let opens = folded.chars().next().is_some_and(|c| OPENINGS.contains(&c));
                assert!(!opens, "{line:?} folds to {folded:?}");
            }
        }
        assert!(told > 20_000 * nexts.len() / 2, "{told}");
        assert!(!may_open_block("") && may_open_block("From: a") && may_open_block("差出人: a"));
        assert!(may_open_block("---------- Forwarded message ---------") && may_open_block("\u{3000}x"));
    }

    #[test]
    fn no_block() {
        assert!(inline_original(&outer("From: the team\nhello")).is_none());
        assert!(inline_original(&outer("just text")).is_none());
    }
}
