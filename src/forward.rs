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
    let name = value[..memchr::memchr2(b'<', b'[', value.as_bytes()).unwrap_or(value.len())]
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
fn find_block(lines: &mut Lines) -> Option<Block> {
    for i in 0.. {
        let line = unquote(lines.get(i)?);
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

fn parse_block(lines: &mut Lines, start: usize) -> Option<Block> {
    let mut quoted = Quoted::default();
    let mut to = None;
    let mut seen = 0;
    let mut end = start;
    let mut j = start;
    while j < start + MAX_HEADER_LINES
        && let Some(line) = lines.get(j)
    {
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
            && let Some(next) = lines.get(j).map(unquote)
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

/// True when `text` has a sender label: every quoted block has one, so without one the body
/// need not be folded line by line.
fn has_sender_label(text: &str) -> bool {
    match &*LABEL_CASES {
        Some(cases) => cases.find(text).is_some(),
        // No vector instructions for it here.
        None => ANY_CASE_LABEL.is_match(text),
    }
}

/// Each sender label in every ASCII case, searched for as written by a vectorised search (Teddy),
/// which an ASCII-case-insensitive automaton can't use: it walks byte by byte, several times
/// slower. Whether any occurs is the same for either.
static LABEL_CASES: LazyLock<Option<aho_corasick::packed::Searcher>> = LazyLock::new(|| {
    aho_corasick::packed::Config::new()
        .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
        .builder()
        .extend(SENDER_LABELS.iter().flat_map(|label| ascii_cases(label)))
        .build()
});

/// The sender labels, ASCII-case-insensitively.
static ANY_CASE_LABEL: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(&*SENDER_LABELS)
        .expect("literal patterns")
});

/// `s` in every ASCII case: each ASCII letter in both (the labels are short words).
fn ascii_cases(s: &str) -> Vec<String> {
    let mut cases = vec![String::with_capacity(s.len())];
    for c in s.chars() {
        if c.is_ascii_alphabetic() {
            let upper: Vec<String> = cases
                .iter()
                .map(|case| format!("{case}{}", c.to_ascii_uppercase()))
                .collect();
            cases
                .iter_mut()
                .for_each(|case| case.push(c.to_ascii_lowercase()));
            cases.extend(upper);
        } else {
            cases.iter_mut().for_each(|case| case.push(c));
        }
    }
    cases
}

/// The links of `outer` that its HTML gives: views list them first, then the bare URLs of the
/// plain text.
pub fn outer_html_links(outer: &MessageView) -> &[Link] {
    let bare = text_links(&outer.text);
    match outer.links.len().checked_sub(bare.len()) {
        Some(n) if outer.links[n..] == bare[..] => &outer.links[..n],
        _ => &outer.links[..],
    }
}

/// The links of an original whose HTML gives `html_links`: those, then the bare URLs of its
/// text, as a view lists them.
pub fn links_of(html_links: &[Link], text: &str) -> Vec<Link> {
    let mut links = html_links.to_vec();
    links.extend(text_links(text));
    links
}

/// The original of an inline forward, rebuilt from the first quoted block; `None` when the body
/// has none. The original is what follows the block: a forwarder's own words, signature and links
/// above it stay behind. One call peels one layer; a forward of a forward is peeled again.
///
/// The original comes without its links, since a peeling reads them from few layers: `html_links`
/// are the links `outer`'s HTML gives ([`outer_html_links`]; for an original made here, the ones
/// returned with it), and the original's links are [`links_of`] those returned and its text. For
/// the same reason it comes without its attachments, which are `outer`'s (the forward carries
/// them).
pub fn peel_inline<'l>(outer: &MessageView, html_links: &'l [Link]) -> Option<(MessageView, &'l [Link])> {
    if !has_sender_label(&outer.text) && !has_sender_label(&outer.html_text) {
        return None;
    }
    let mut text_lines = Lines::new(&outer.text);
    let mut html_lines = Lines::new(&outer.html_text);
    let (text, html_at, block) = match find_block(&mut text_lines) {
        Some(block) => {
            let html_at = find_block(&mut html_lines).map(|h| h.end);
            (
                unquoted_from(&outer.text, text_lines.offset(block.end)),
                html_at,
                block,
            )
        }
        None => {
            let block = find_block(&mut html_lines)?;
            (String::new(), Some(block.end), block)
        }
    };
    let Block { quoted, to, .. } = block;
    // Where the HTML can't be split, all its links stay: a fake's link must not get lost.
    let html_start = html_at.map_or(0, |at| html_lines.offset(at));
    let html_text = html_at
        .map(|_| unquoted_from(&outer.html_text, html_start))
        .unwrap_or_default();
    let html_links = original_html_links(&outer.html_text, html_links, html_start);
    let original = MessageView {
        from: Some(quoted.from.clone()),
        to,
        subject: quoted.subject.clone(),
        text,
        html_text,
        quoted: Some(quoted),
        ..MessageView::default()
    };
    Some((original, html_links))
}

/// `text.lines()`: split at each `\n` found by `memchr`, a `\r` before it cut (the standard
/// library's line search costs several times as much on short lines).
pub(crate) fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    std::iter::from_fn(move || next_line(text, &mut start))
}

/// The line of `text` that starts at `start`, which is moved on to the next one's start.
fn next_line<'a>(text: &'a str, start: &mut usize) -> Option<&'a str> {
    let rest = text.get(*start..).filter(|rest| !rest.is_empty())?;
    Some(match memchr::memchr(b'\n', rest.as_bytes()) {
        Some(end) => {
            *start += end + 1;
            let line = &rest[..end];
            line.strip_suffix('\r').unwrap_or(line)
        }
        None => {
            *start = text.len();
            rest
        }
    })
}

/// A text's lines ([`split_lines`]), split as far as they are asked for: a quoted block stands
/// near the top of what each forwarder wrote, and a layer's rest, however long, need not be
/// split to find it (each layer of a long chain would split it again).
struct Lines<'a> {
    text: &'a str,
    split: Vec<&'a str>,
    /// Where the first line not yet split starts.
    next: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        Lines {
            text,
            split: Vec::new(),
            next: 0,
        }
    }

    /// Line `i`, if the text has as many.
    fn get(&mut self, i: usize) -> Option<&'a str> {
        while self.split.len() <= i {
            self.split.push(next_line(self.text, &mut self.next)?);
        }
        Some(self.split[i])
    }

    /// Byte offset in the text where line `at` starts: its end when there is no such line.
    fn offset(&mut self, at: usize) -> usize {
        self.get(at).map_or(self.text.len(), |line| {
            line.as_ptr() as usize - self.text.as_ptr() as usize
        })
    }
}

/// The HTML links (`html_links`, rendered in `html_text`) that belong to the original: those
/// whose text is rendered at or after `html_start`, where the original begins.
fn original_html_links<'l>(html_text: &str, html_links: &'l [Link], html_start: usize) -> &'l [Link] {
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
            .then(|| find(html_text.get(cursor..)?, shown))
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
    &html_links[first..]
}

/// `haystack.find(needle)`, for a needle not empty: looked for at each of its first byte, which
/// costs less than setting up the general search (link texts are short, or found soon). A short
/// needle is compared at every candidate, which stays linear in the haystack; a long one at the
/// first few, then by the general search from the next candidate on, so that a haystack of
/// near misses costs no more than that search.
fn find(haystack: &str, needle: &str) -> Option<usize> {
    const SHORT: usize = 16;
    /// Candidates a long needle is compared at before the general search takes over.
    const TRIED: usize = 32;
    let (hay, wanted) = (haystack.as_bytes(), needle.as_bytes());
    let Some(&first) = wanted.first() else {
        return Some(0);
    };
    let mut candidates = memchr::memchr_iter(first, hay);
    if wanted.len() <= SHORT {
        return candidates.find(|&at| hay[at..].starts_with(wanted));
    }
    if let Some(at) = candidates
        .by_ref()
        .take(TRIED)
        .find(|&at| hay[at..].starts_with(wanted))
    {
        return Some(at);
    }
    // A match starts at a candidate: the next one is where the needle's first character starts.
    let from = candidates.next()?;
    haystack[from..].find(needle).map(|at| from + at)
}

/// The lines of `text` from byte offset `from` (where a line starts) on, unquoted, joined by
/// `\n`.
fn unquoted_from(text: &str, from: usize) -> String {
    let rest = text.get(from..).unwrap_or_default();
    // An original peeled from a forward has its quoting cut already, and most forwards quote
    // none: where no line starts with what [`unquote`] cuts and none ends in `\r`, the lines
    // joined are the text as written but its last line break, copied at once.
    if !needs_unquoting(rest) {
        return rest.strip_suffix('\n').unwrap_or(rest).to_owned();
    }
    // Sized at once: the lines unquoted, with their line breaks, are no longer than as written.
    let mut text = String::with_capacity(rest.len());
    for (i, line) in split_lines(rest).enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(unquote(line));
    }
    text
}

/// Whether [`unquote`] cuts anything from a line of `text` or a line ends in `\r`: a line that
/// starts with white space (a blank one aside) or `>`.
fn needs_unquoting(text: &str) -> bool {
    let bytes = text.as_bytes();
    let cut_at = |at: usize| match bytes.get(at) {
        None | Some(b'\n') => false,
        Some(&b) if b.is_ascii() => b == b'>' || b.is_ascii_whitespace() || b == 0x0B,
        Some(_) => text[at..].starts_with(char::is_whitespace),
    };
    memchr::memchr(b'\r', bytes).is_some()
        || cut_at(0)
        || memchr::memchr_iter(b'\n', bytes).any(|at| cut_at(at + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Lines quoted or not, with `\r\n` or `\n` breaks, blank ones and a last one with a
        /// break or without: the same as unquoting each line and joining them.
        #[test]
        fn unquoted_from_is_each_line_unquoted(
            text in "[a> \t\r\n\u{b}\u{c}\u{85}\u{a0}\u{2028}\u{3000}注]{0,40}",
            from in 0usize..40,
        ) {
            let from = (0..=from.min(text.len())).rev().find(|&at| text.is_char_boundary(at)).unwrap_or(0);
            let joined = split_lines(&text[from..]).map(unquote).collect::<Vec<_>>().join("\n");
            proptest::prop_assert_eq!(unquoted_from(&text, from), joined);
        }
    }

    /// The original with its links and attachments.
    fn inline_original(outer: &MessageView) -> Option<MessageView> {
        let (mut original, html_links) = peel_inline(outer, outer_html_links(outer))?;
        original.links = links_of(html_links, &original.text);
        original.attachments = outer.attachments.clone();
        Some(original)
    }

    proptest::proptest! {
        #[test]
        fn find_is_str_find(hay in "[ab注\n]{0,60}", needle in "[ab注]{1,30}") {
            proptest::prop_assert_eq!(find(&hay, &needle), hay.find(&*needle));
        }

        /// Needles cut from the haystack, long ones included: found where `str::find` finds them.
        #[test]
        fn found_needles_are_where_str_find_finds_them(hay in "[ab注\n]{1,60}", from in 0usize..60, len in 1usize..40) {
            let chars: Vec<char> = hay.chars().collect();
            let from = from % chars.len();
            let needle: String = chars[from..].iter().take(len).collect();
            proptest::prop_assert_eq!(find(&hay, &needle), hay.find(&*needle));
        }
    }

    /// The labels in every ASCII case are found where the labels matched ASCII-case-insensitively
    /// are.
    #[test]
    fn sender_labels_in_every_case_are_the_labels_in_any_case() {
        let any_case = &*ANY_CASE_LABEL;
        // Where the machine has the vector instructions, the search in every case is the one tried.
        #[cfg(target_arch = "x86_64")]
        assert_eq!(LABEL_CASES.is_some(), std::is_x86_feature_detected!("ssse3"));
        assert_eq!(ascii_cases("fR："), ["fr：", "Fr：", "fR：", "FR："]);
        proptest::test_runner::TestRunner::default()
            .run(
                &"[fFrRoOmM: ：ｆＦｒｍ差出人送信者元x\n]{0,12}",
                |s| {
                    proptest::prop_assert_eq!(has_sender_label(&s), any_case.is_match(&s), "{:?}", s);
                    Ok(())
                },
            )
            .unwrap();
        for label in SENDER_LABELS.iter() {
            for case in ascii_cases(label) {
                let text = format!("x{case}y");
                assert!(has_sender_label(&text) && any_case.is_match(&text), "{text}");
            }
        }
    }

    /// Peeling on from the HTML links returned with an original is peeling its view with its
    /// links: layer after layer, links in the HTML and in the text, above and below each block.
    #[test]
    fn peeling_on_from_the_links_given_is_peeling_the_linked_view() {
        let link = |href: &str, text: &str| Link {
            href: href.into(),
            text: text.into(),
        };
        let block = |from: &str| format!("From: {from} <{from}@example.jp>\nSubject: s\n\n");
        let mut text = String::from("inner https://c.example/x\n");
        let mut html = String::from("c-link\ninner");
        let mut html_links = vec![
            link("https://c.example/", "c-link"),
            link("https://img.example/", ""),
        ];
        for layer in ["b", "a", "top"] {
            text = format!("{layer} https://{layer}.example/t\n> {}", block(layer))
                + &text.replace('\n', "\n> ");
            html = format!("{layer}-link\n{}", block(layer)) + &html;
            html_links.insert(
                0,
                link(&format!("https://{layer}.example/"), &format!("{layer}-link")),
            );
        }
        for (text, html) in [
            (text.clone(), html.clone()),
            (String::new(), html),
            (text, String::new()),
        ] {
            let mut links = html_links.clone();
            links.extend(text_links(&text));
            let mut full = MessageView {
                text,
                html_text: html,
                links,
                attachments: vec![crate::view::Attachment {
                    name: "invoice.pdf".into(),
                    content_type: "application/pdf".into(),
                }],
                ..MessageView::default()
            };
            let mut given = full.clone();
            let mut given_links = outer_html_links(&full).to_vec();
            let mut layers = 0;
            while let Some(next) = inline_original(&full) {
                let (mut peeled, html_links) = peel_inline(&given, &given_links).unwrap();
                assert!(peeled.links.is_empty() && peeled.attachments.is_empty());
                peeled.links = links_of(html_links, &peeled.text);
                peeled.attachments = given.attachments.clone();
                assert_eq!(format!("{peeled:?}"), format!("{next:?}"));
                assert_eq!(outer_html_links(&next), html_links);
                given_links = html_links.to_vec();
                (full, given) = (next, peeled);
                layers += 1;
            }
            assert!(peel_inline(&given, &given_links).is_none());
            assert!(layers >= 3, "{layers}");
        }
    }

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
            assert_eq!(
                split_lines(s).collect::<Vec<_>>(),
                s.lines().collect::<Vec<_>>(),
                "{s:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn lines_of_any_text_are_its_lines(s in "[a\r\n注 ]{0,30}", at in 0usize..12) {
            let lines: Vec<&str> = s.lines().collect();
            proptest::prop_assert_eq!(split_lines(&s).collect::<Vec<_>>(), lines.clone());
            // Split on demand, from any line: the same lines, and where they start.
            let mut lazy = Lines::new(&s);
            proptest::prop_assert_eq!(lazy.get(at), lines.get(at).copied());
            let offset = lazy.offset(at);
            let want = lines.get(at).map_or(s.len(), |l| l.as_ptr() as usize - s.as_ptr() as usize);
            proptest::prop_assert_eq!(offset, want);
            let rest: Vec<&str> = lines.get(at..).unwrap_or_default().to_vec();
            proptest::prop_assert_eq!(split_lines(&s[offset..]).collect::<Vec<_>>(), rest);
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
