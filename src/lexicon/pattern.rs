//! Regexes whose Unicode `\d` and `\s` are built only for the text that needs them.
//!
//! Building `\d` and `\s` as the Unicode classes they are (every script's digits, every white
//! space) costs most of the time a `check` of one mail takes: each `\d{1,4}` is four copies of
//! the class, compiled forwards and backwards. Nearly all text, Japanese included, has no
//! digit or white space beyond ASCII once folded, and on such text `[0-9]` and `[\t-\r ]` match
//! exactly where `\d` and `\s` do. So a [`Pattern`] is built with the ASCII classes for plain
//! text and, only the first time some text is not plain, as written.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;

/// A regex, built on first use for plain text (see [`is_plain`]) or for any text.
pub(crate) struct Pattern {
    source: String,
    plain: OnceLock<Regex>,
    any: OnceLock<Regex>,
}

impl Pattern {
    /// A pattern that is valid regex syntax (checked when first built).
    pub(crate) fn new(source: impl Into<String>) -> Pattern {
        Pattern {
            source: source.into(),
            plain: OnceLock::new(),
            any: OnceLock::new(),
        }
    }

    /// The regex to run on `text`.
    pub(crate) fn on(&self, text: &str) -> &Regex {
        self.get(is_plain(text))
    }

    /// The regex for text that [`is_plain`] (`plain`) or any text: for several patterns run on
    /// one text, asked once.
    pub(crate) fn get(&self, plain: bool) -> &Regex {
        let build = |source: &str| Regex::new(source).expect("msorder's patterns are valid");
        if plain {
            self.plain.get_or_init(|| build(&ascii_classes(&self.source)))
        } else {
            self.any.get_or_init(|| build(&self.source))
        }
    }
}

/// True when `text` has no digit or white space outside ASCII, where `\d` and `\s` match what
/// `[0-9]` and `[\t-\r ]` match. `char::is_numeric` takes in more than the decimal digits `\d`
/// stands for, which only sends more text to the regex as written.
pub(crate) fn is_plain(text: &str) -> bool {
    // Told by the lead byte where it can be: ASCII (run over at once), and the blocks most mail
    // is written in, none of which holds a digit or white space (see [`numeric_or_space`]).
    // Only other characters are decoded to ask.
    let bytes = text.as_bytes();
    let mut at = 0;
    loop {
        at += crate::text::ascii_run(&bytes[at..]);
        let Some(&lead) = bytes.get(at) else {
            break;
        };
        at += match lead {
            // U+00C0..U+053F: accented Latin, Greek, Cyrillic.
            0xC3..=0xD4 => 2,
            // U+3040..U+30FF: kana.
            0xE3 if matches!(bytes.get(at + 1), Some(0x81..=0x83)) => 3,
            // U+4000..U+9FFF: kanji.
            0xE4..=0xE9 => 3,
            _ => match text[at..].chars().next() {
                Some(c) if numeric_or_space(c) => return false,
                Some(c) => c.len_utf8(),
                None => break,
            },
        };
    }
    true
}

/// `c.is_numeric() || c.is_whitespace()`, the blocks [`is_plain`] skips by their lead byte told
/// by their range: accented Latin, Greek, Cyrillic, kana, kanji.
fn numeric_or_space(c: char) -> bool {
    match c {
        '\u{C0}'..='\u{53F}' | '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{9FFF}' => false,
        _ => c.is_numeric() || c.is_whitespace(),
    }
}

/// `source` with its `\d` and `\s` as their ASCII classes, inside brackets or out (`[\d,]` becomes
/// `[[0-9],]`, a nested class). Escapes are read in pairs so that `\\d` (a backslash, then `d`)
/// stays as it is.
fn ascii_classes(source: &str) -> Cow<'_, str> {
    if !source.contains('\\') {
        return Cow::Borrowed(source);
    }
    let mut out = String::with_capacity(source.len() + 16);
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('d') => out.push_str("[0-9]"),
            // `\x20`, not a space, which verbose mode (`(?x)`) would drop.
            Some('s') => out.push_str(r"[\t-\r\x20]"),
            Some(e) => {
                out.push('\\');
                out.push(e);
            }
            None => out.push('\\'),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character `\d` or `\s` matches is matched by its ASCII class or makes text not
    /// plain, and the ASCII classes match nothing else: on plain text the two forms agree.
    #[test]
    fn ascii_classes_agree_on_plain_text() {
        let every: String = (0..=0x10FFFF).filter_map(char::from_u32).collect();
        for (unicode, ascii) in [(r"\d", "[0-9]"), (r"\s", r"[\t-\r\x20]")] {
            let wide = Regex::new(unicode).unwrap();
            let narrow = Regex::new(ascii).unwrap();
            let matched = |re: &Regex| -> Vec<&str> { re.find_iter(&every).map(|m| m.as_str()).collect() };
            let (wide, narrow) = (matched(&wide), matched(&narrow));
            let beyond: Vec<&str> = wide.iter().copied().filter(|c| !narrow.contains(c)).collect();
            assert!(
                narrow.iter().all(|c| wide.contains(c)),
                "{ascii} matches more than {unicode}"
            );
            assert!(beyond.iter().all(|c| !is_plain(c)), "{unicode}: {beyond:?}");
            assert!(narrow.iter().all(|c| c.is_ascii()));
        }
    }

    #[test]
    fn numeric_or_space_of_every_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(numeric_or_space(c), c.is_numeric() || c.is_whitespace(), "{c:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn plain_is_no_numeric_or_space_beyond_ascii(s in "[ -~é¿\u{500}\u{53F}\u{540}\u{3007}ぁヿ\u{3105}\u{3400}注\u{9FFF}\u{A000}\u{A0}\u{3000}\u{85}٣²①\u{2028}]{0,40}") {
            let slow = !s.chars().any(|c| !c.is_ascii() && (c.is_numeric() || c.is_whitespace()));
            proptest::prop_assert_eq!(is_plain(&s), slow);
        }
    }

    proptest::proptest! {
        /// What follows a prefix of plain text is plain: a reader that knows a line is may skip
        /// asking of its tail (the order templates after the forward prefixes).
        #[test]
        fn the_rest_of_plain_text_is_plain(s in "[ -~é\u{A0}\u{3000}注٣]{0,30}") {
            for (at, _) in s.char_indices() {
                proptest::prop_assert!(!is_plain(&s) || is_plain(&s[at..]));
            }
        }
    }

    #[test]
    fn escapes_are_read_in_pairs() {
        assert_eq!(ascii_classes(r"(\d{4})\s*年"), r"([0-9]{4})[\t-\r\x20]*年");
        assert_eq!(
            ascii_classes(r"[\d,]\\d\\\s\.\x20"),
            r"[[0-9],]\\d\\[\t-\r\x20]\.\x20"
        );
        assert_eq!(ascii_classes("usd|jpy"), "usd|jpy");
    }

    #[test]
    fn plain_text() {
        assert!(is_plain("Total: USD 0.00"));
        assert!(is_plain("合計: ¥0 (更新後は ¥21,300/年)"));
        assert!(!is_plain("٢٠٢٥"));
        assert!(!is_plain("a\u{2028}b"));
        assert!(!is_plain("\u{85}"));
        let p = Pattern::new(r"(\d+)\s*円");
        let first = |text: &str| p.on(text).captures(text).map(|c| c[1].to_owned());
        assert_eq!(first("12 円").as_deref(), Some("12"));
        assert_eq!(first("١٢\u{3000}円").as_deref(), Some("١٢"));
        assert_eq!(first("١٢円").as_deref(), Some("١٢"));
    }
}
