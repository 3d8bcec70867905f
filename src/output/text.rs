//! Text made safe and fitted for a terminal.

use unicode_width::UnicodeWidthChar;

/// Replace control characters, escape sequences, bidi controls and every other format character
/// (Unicode category Cf: zero-width, invisible operators, tags) so a hostile subject can't drive
/// the reader's terminal or reorder what it shows.
pub fn terminal_safe(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if c.is_control() || is_format(c) => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// Unicode general category Cf (Unicode 16).
fn is_format(c: char) -> bool {
    matches!(c,
        '\u{AD}' | '\u{600}'..='\u{605}' | '\u{61C}' | '\u{6DD}' | '\u{70F}' | '\u{890}'..='\u{891}'
        | '\u{8E2}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
        | '\u{110BD}' | '\u{110CD}' | '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

/// Columns the text takes on a terminal.
pub(super) fn display_width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Cut to at most `width` display columns and `2 × width` characters (combining marks and
/// zero-width characters take no column), marking the cut with `…` at the end.
pub(super) fn fit(s: &str, width: usize) -> String {
    cut(s.chars(), width).unwrap_or_else(|kept| kept.into_iter().chain(['…']).collect())
}

/// As [`fit`], keeping the end (a path's file name) and marking the cut at the start.
pub(super) fn fit_tail(s: &str, width: usize) -> String {
    cut(s.chars().rev(), width).map_or_else(
        |kept| ['…'].into_iter().chain(kept.into_iter().rev()).collect(),
        |whole| whole.chars().rev().collect(),
    )
}

/// The characters whole when they fit, else those that fit with a one-column mark.
fn cut(chars: impl Iterator<Item = char> + Clone, width: usize) -> Result<String, Vec<char>> {
    let max_chars = width.saturating_mul(2);
    let fits = chars.clone().map(|c| c.width().unwrap_or(0)).sum::<usize>() <= width
        && chars.clone().nth(max_chars).is_none();
    if fits {
        return Ok(chars.collect());
    }
    let mut kept = Vec::new();
    let mut used = 0;
    for (i, c) in chars.enumerate() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width || i + 1 >= max_chars {
            break;
        }
        kept.push(c);
        used += w;
    }
    Err(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_are_replaced() {
        assert_eq!(terminal_safe("a\u{1b}[31mb\u{202E}c"), "a\u{FFFD}[31mb\u{FFFD}c");
    }

    #[test]
    fn wide_text_is_cut_to_its_columns() {
        assert_eq!(fit("注文注文注文", 7), "注文注…");
        assert!(display_width(&fit(&"x".repeat(100), 48)) <= 48);
        assert_eq!(fit("short", 10), "short");
        assert_eq!(fit_tail("fixtures/mail/01.eml:1", 10), "…/01.eml:1");
        assert_eq!(fit_tail("a.eml", 10), "a.eml");
    }
}
