//! Text folding shared by every matcher: phishing hides brand words behind invisible characters,
//! look-alike letters and full-width forms, so nothing is matched on the raw text.

use std::borrow::Cow;

use std::sync::OnceLock;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};
use unicode_security::MixedScript;

/// Characters that render as nothing: zero-width spaces and joiners, bidi controls, soft hyphen,
/// variation selectors (incl. the supplement U+E0100..U+E01EF seen in real phishing) and tags.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Kana, kanji and the CJK symbol, compatibility and width forms: the one definition of CJK text.
/// Confusable mapping leaves these alone (mapping kana or kanji to Latin look-alikes would break
/// the Japanese phrases the matchers look for), and they are no part of a Latin word: Japanese
/// text runs straight into numbers and names (`電話0120-…`).
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}' | '\u{20000}'..='\u{3FFFF}')
}

/// Where the first ASCII digit at or after `from` is. Sixteen bytes are looked at together
/// (lines and bodies run long between digits), and the digit is told in the sixteen that hold
/// one by their two words, not byte by byte.
pub fn first_digit(b: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(chunk) = b.get(at..at + 16) {
        if chunk.iter().fold(false, |any, c| any | c.is_ascii_digit()) {
            let (first, second) = chunk.split_at(8);
            let bits = [first, second]
                .map(|w| <[u8; 8]>::try_from(w).map_or(0, |w| digit_bits(u64::from_le_bytes(w))));
            let (offset, bits) = if bits[0] != 0 { (0, bits[0]) } else { (8, bits[1]) };
            return Some(at + offset + bits.trailing_zeros() as usize / 8);
        }
        at += 16;
    }
    b.get(at..)?.iter().position(u8::is_ascii_digit).map(|p| at + p)
}

/// The high bit of each byte of `w` (little-endian) that is an ASCII digit: its low seven bits
/// compared without a carry between bytes, bytes beyond ASCII dropped.
fn digit_bits(w: u64) -> u64 {
    let low = w & !HIGH;
    (low + u64::from(0x80 - b'0') * ONES) & !(low + u64::from(0x7F - b'9') * ONES) & !w & HIGH
}

/// `String::from_utf8_lossy`, with valid UTF-8 (most text) told 32 bytes a step by simdutf8
/// where the lossy conversion reads a byte at a time.
pub fn utf8_lossy(bytes: &[u8]) -> Cow<'_, str> {
    simdutf8::basic::from_utf8(bytes).map_or_else(|_| String::from_utf8_lossy(bytes), Cow::Borrowed)
}

/// Fold text for matching: NFKC (full-width digits, `＃`, `：`, `￥` become ASCII forms), drop
/// invisible characters, map look-alike letters from other scripts to their Latin prototype
/// (Cherokee `Ꮇ` to `M`, Cyrillic `о` to `o`), lowercase, and turn NBSP and tabs into spaces.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_runs(s, |run| match run {
        Run::Ascii(run) => {
            let start = out.len();
            let mut from = 0;
            for tab in memchr::memchr_iter(b'\t', run.as_bytes()) {
                out.push_str(&run[from..tab]);
                out.push(' ');
                from = tab + 1;
            }
            out.push_str(&run[from..]);
            out[start..].make_ascii_lowercase();
        }
        Run::Chars(stretch) => stretch.chars().for_each(|c| push_folded(&mut out, c)),
        Run::Normalize(stretch) => stretch.nfkc().for_each(|c| push_folded(&mut out, c)),
    });
    out
}

/// The letters and digits of [`fold`]`(s)`, in order, as UTF-8 (`fold(s)` filtered by
/// [`char::is_alphanumeric`]), without building the folded text: brand words survive spacing
/// and punctuation tricks.
pub fn folded_alphanumerics(s: &str) -> Vec<u8> {
    /// The letters and digits of one character of NFKC text folded: looked up where they can be;
    /// `folded` holds the fold of the others.
    fn push(out: &mut Vec<u8>, folded: &mut String, c: char) {
        if c.is_ascii() {
            let kept = ASCII_ALPHANUMERIC[c as usize];
            if kept != 0 {
                out.push(kept);
            }
        } else if let Some(t) = looked_up(c) {
            out.extend_from_slice(t.alphanumerics.as_bytes());
        } else if is_cjk_ideograph(c) {
            out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        } else {
            folded.clear();
            fold_char(folded, c);
            for c in folded.chars().filter(|c| c.is_alphanumeric()) {
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            }
        }
    }
    let mut out = Vec::with_capacity(s.len());
    let mut folded = String::new();
    fold_runs(s, |run| match run {
        Run::Ascii(run) => push_ascii_alphanumerics(&mut out, run.as_bytes()),
        Run::Chars(stretch) => stretch.chars().for_each(|c| push(&mut out, &mut folded, c)),
        Run::Normalize(stretch) => stretch.nfkc().for_each(|c| push(&mut out, &mut folded, c)),
    });
    out
}

/// The letters and digits of `s` (`s.chars().filter(char::is_alphanumeric)`), ASCII squeezed a
/// word at a time and only other characters decoded: text squeezed for brand words is mostly
/// ASCII.
pub fn alphanumerics(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < bytes.len() {
        let run = ascii_run(&bytes[i..]);
        push_ascii_kept::<false>(&mut out, &bytes[i..i + run]);
        i += run;
        // Characters up to the next ASCII byte: `s` is a str, so each starts where the last ends.
        while let Some(c) = s[i..].chars().next().filter(|c| !c.is_ascii()) {
            let len = c.len_utf8();
            if c.is_alphanumeric() {
                out.extend_from_slice(&bytes[i..i + len]);
            }
            i += len;
        }
    }
    // Whole characters only: never an error.
    String::from_utf8(out).unwrap_or_default()
}

/// Each ASCII letter and digit lowercased, indexed by byte; 0 for every other byte.
pub(crate) static ASCII_ALPHANUMERIC: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        if (b as u8).is_ascii_alphanumeric() {
            table[b] = (b as u8).to_ascii_lowercase();
        }
        b += 1;
    }
    table
};

/// Appends the letters and digits of ASCII text, lowercased. Eight bytes are read at a time and
/// told apart together: a word of letters and digits alone is appended with one store, one of
/// neither with none, and otherwise each byte dropped from it in place (what lies above moved
/// down over it) and the word stored whole (the store may write past what it keeps, into room
/// the next store or the final truncation takes back). Mixed words mostly drop a byte or two
/// (the space between words), fewer steps than the stretches of kept bytes they part.
pub(crate) fn push_ascii_alphanumerics(out: &mut Vec<u8>, run: &[u8]) {
    push_ascii_kept::<true>(out, run);
}

/// [`push_ascii_alphanumerics`], lowercased with `LOWERCASE` and as they stand without.
#[inline(always)]
fn push_ascii_kept<const LOWERCASE: bool>(out: &mut Vec<u8>, run: &[u8]) {
    // The byte tests of a word carry into the next byte for bytes above 0x7F.
    debug_assert!(run.is_ascii(), "ASCII runs only");
    let mut end = out.len();
    out.resize(end + run.len() + 8, 0);
    let mut words = run.chunks_exact(8);
    for word in &mut words {
        let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let (lower, kept) = ascii_word_alphanumerics(w);
        let mut word = if LOWERCASE { lower } else { w };
        if kept == 0 {
            continue;
        }
        // The high bit of each byte dropped, lowest first: the bytes below it stay, those above
        // move down one, and so do the marks of the bytes still to drop.
        let mut dropped = !kept & HIGH;
        let mut len = 8;
        while dropped != 0 {
            let below = (1u64 << (dropped.trailing_zeros() - 7)) - 1;
            word = (word & below) | ((word >> 8) & !below);
            dropped = (dropped >> 8) & !below;
            len -= 1;
        }
        out[end..end + 8].copy_from_slice(&word.to_le_bytes());
        end += len;
    }
    for &b in words.remainder() {
        let kept = ASCII_ALPHANUMERIC[usize::from(b)];
        out[end] = if LOWERCASE { kept } else { b };
        end += usize::from(kept != 0);
    }
    out.truncate(end);
}

/// One in each byte of a word: a byte value times this is that byte in all eight.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of each byte of a word.
pub(crate) const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `x` that is zero, exact up to the first one (a borrow only runs
/// upward: bytes after it may be marked too), so the lowest bit set is the first zero byte.
pub(crate) fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x & HIGH
}

/// Whether any byte of `x` is below `n` (at most 0x80): exact as a yes or no, as
/// [`zero_bytes`] is up to its first mark.
pub(crate) fn any_byte_below(x: u64, n: u8) -> bool {
    x.wrapping_sub(u64::from(n) * ONES) & !x & HIGH != 0
}

/// Where the first of `needles` in `bytes` is (or of any byte above 0x7F, with `non_ascii`),
/// eight bytes at a time: for the short distances in markup (a tag's stretches between quotes,
/// most quoted values, text between tags), where a memchr call costs more than the search.
pub(crate) fn find_any<const N: usize>(bytes: &[u8], needles: [u8; N], non_ascii: bool) -> Option<usize> {
    let (words, tail) = bytes.as_chunks::<8>();
    let mut at = 0;
    for word in words {
        let w = u64::from_le_bytes(*word);
        let high = if non_ascii { w & HIGH } else { 0 };
        let found = needles
            .iter()
            .fold(high, |found, &n| found | zero_bytes(w ^ (ONES * u64::from(n))));
        if found != 0 {
            return Some(at + found.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    tail.iter()
        .position(|b| needles.contains(b) || (non_ascii && !b.is_ascii()))
        .map(|p| at + p)
}

/// memchr's answer, with the first eight bytes tested as one word first: for distances mostly
/// short but not always (the next tag, a quoted value's end, the next entity), where memchr's
/// call and setup cost more than the search when the byte is near.
pub(crate) fn find_byte(needle: u8, haystack: &[u8]) -> Option<usize> {
    let Some(word) = haystack.first_chunk::<8>() else {
        return memchr::memchr(needle, haystack);
    };
    let zero = zero_bytes(u64::from_le_bytes(*word) ^ (u64::from(needle) * ONES));
    if zero != 0 {
        return Some(zero.trailing_zeros() as usize / 8);
    }
    memchr::memchr(needle, &haystack[8..]).map(|at| at + 8)
}

/// Eight ASCII bytes with each letter lowercased (`| 0x20` also leaves digits as they are), and
/// the high bit of each byte that is a letter or a digit. A byte `b < 0x80` plus `0x80 - lo`
/// carries into no other byte and has its high bit set exactly when `b >= lo`.
fn ascii_word_alphanumerics(w: u64) -> (u64, u64) {
    let within = |x: u64, lo: u8, hi: u8| {
        (x + u64::from(0x80 - lo) * ONES) & !(x + u64::from(0x7F - hi) * ONES) & HIGH
    };
    let lower = w | (0x20 * ONES);
    (lower, within(lower, b'a', b'z') | within(w, b'0', b'9'))
}

/// How many bytes `bytes` starts with that are ASCII, read eight at a time: the first byte of a
/// word with its high bit set is where the run ends. Thirty-two bytes are asked together first:
/// mail text is mostly ASCII, in long runs.
pub(crate) fn ascii_run(bytes: &[u8]) -> usize {
    let mut run = 0;
    while let Some(Ok(block)) = bytes.get(run..run + 32).map(<[u8; 32]>::try_from)
        && block
            .as_chunks::<8>()
            .0
            .iter()
            .fold(0, |any, w| any | u64::from_le_bytes(*w))
            & HIGH
            == 0
    {
        run += 32;
    }
    while let Some(Ok(word)) = bytes.get(run..run + 8).map(<[u8; 8]>::try_from) {
        let high = u64::from_le_bytes(word) & HIGH;
        if high != 0 {
            return run + high.trailing_zeros() as usize / 8;
        }
        run += 8;
    }
    run + bytes[run..].iter().take_while(|b| b.is_ascii()).count()
}

/// A piece of text as [`fold_runs`] hands it on, to fold in order.
enum Run<'a> {
    /// ASCII that needs no normalisation: each byte folds to itself lowercased (tabs to spaces).
    Ascii(&'a str),
    /// Text that is NFKC, or folds character by character as if it were: see [`Looked::alone`].
    Chars(&'a str),
    /// Text to normalise before its characters are folded.
    Normalize(&'a str),
}

/// [`fold`]'s walk: `s` cut into the [`Run`]s that fold it.
#[inline]
fn fold_runs<'a>(s: &'a str, mut visit: impl FnMut(Run<'a>)) {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // ASCII followed by ASCII needs no normalisation (nothing can combine with it): the
        // common case of English mail and markup takes this fast path.
        let run = ascii_run(&bytes[i..]);
        let fast = if i + run == bytes.len() {
            run
        } else {
            run.saturating_sub(1)
        };
        if fast > 0 {
            visit(Run::Ascii(&s[i..i + fast]));
        }
        i += fast;
        if i == bytes.len() {
            break;
        }
        // A non-ASCII stretch, with the ASCII character before it (a base for combining marks).
        let end = bytes[i + 1..]
            .windows(2)
            .position(|w| w[0].is_ascii() && w[1].is_ascii())
            .map_or(bytes.len(), |p| i + 1 + p);
        // Most stretches fold character by character: NFKC would give them back unchanged
        // (accented letters, kana, kanji, quotes), or only replace characters that stand apart
        // from their neighbours (`&nbsp;`, `…`, the U+2000 spaces), so it is skipped.
        let stretch = &s[i..end];
        if stretch.chars().all(folds_alone) || is_nfkc_quick(stretch.chars()) == IsNormalized::Yes {
            visit(Run::Chars(stretch));
        } else {
            visit(Run::Normalize(stretch));
        }
        i = end;
    }
}

/// What folding does to a character of the ranges mail writes most beyond ASCII, looked up
/// rather than worked out again: the two-byte characters (U+0080..U+07FF: Latin, Greek,
/// Cyrillic, Hebrew, Arabic), general punctuation (U+2000..U+206F: quotes, dashes, spaces) and
/// the kana and CJK symbols (U+3000..U+30FF) come one after another.
struct Looked {
    /// [`fold_char`] of its NFKC form (of itself, for a character NFKC leaves as it is).
    folded: Box<str>,
    /// The letters and digits of `folded`.
    alphanumerics: Box<str>,
    /// Folding it in any text gives `folded`, whatever stands around it: NFKC leaves it and what
    /// stands around it as they are (its quick check says yes and it combines with nothing), or
    /// it is [`inert`].
    alone: bool,
    /// What it can do in a disguise.
    class: Class,
}

/// The code points of [`Looked`] characters, in table order. The third range runs on over the
/// Hangul compatibility jamo for U+3164, the filler phishing pads words with.
const LOOKED_RANGES: [std::ops::Range<u32>; 3] = [0x80..0x800, 0x2000..0x2070, 0x3000..0x3190];

const LOOKED_LEN: usize = {
    let mut len = 0;
    let mut i = 0;
    while i < LOOKED_RANGES.len() {
        len += (LOOKED_RANGES[i].end - LOOKED_RANGES[i].start) as usize;
        i += 1;
    }
    len
};

/// Each entry worked out when its character is first met: a run reads few of them, and working
/// them all out (confusable skeletons, scripts) would cost more than most runs fold.
static LOOKED: [OnceLock<Looked>; LOOKED_LEN] = [const { OnceLock::new() }; LOOKED_LEN];

impl Looked {
    fn of(c: char) -> Looked {
        let settled = is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes
            && unicode_normalization::char::canonical_combining_class(c) == 0;
        let mut folded = String::new();
        if settled {
            fold_char(&mut folded, c);
        } else {
            std::iter::once(c).nfkc().for_each(|c| fold_char(&mut folded, c));
        }
        // A Latin letter takes no part in a disguise inside a word of ASCII and such letters:
        // NFKC leaves it as it is, it folds to its own lowercase, and it is of the Latin script
        // (`é`, `ç`, `ß`). Asked of two-byte characters alone.
        let latin = c < '\u{800}'
            && settled
            && !is_invisible(c)
            && folded.chars().eq(c.to_lowercase())
            && ['a', c].iter().collect::<String>().is_single_script();
        Looked {
            alphanumerics: folded.chars().filter(|c| c.is_alphanumeric()).collect(),
            folded: folded.into_boxed_str(),
            alone: settled || inert(c),
            class: Class::told(c, latin),
        }
    }
}

/// The table entry of a character, if it has one.
#[inline]
fn looked_up(c: char) -> Option<&'static Looked> {
    let [two_byte, punctuation, kana] = &LOOKED_RANGES;
    let code = c as u32;
    // Read as the ranges stand in the table, two-byte characters (the most met) first.
    let index = if two_byte.contains(&code) {
        code - two_byte.start
    } else if punctuation.contains(&code) {
        two_byte.len() as u32 + code - punctuation.start
    } else if kana.contains(&code) {
        (two_byte.len() + punctuation.len()) as u32 + code - kana.start
    } else {
        return None;
    };
    let entry = LOOKED.get(index as usize)?;
    Some(entry.get_or_init(|| Looked::of(c)))
}

/// Whether a stretch of such characters (and ASCII) folds character by character: see
/// [`Looked::alone`]. CJK unified ideographs are settled as they stand and fold to themselves.
#[inline]
fn folds_alone(c: char) -> bool {
    c.is_ascii() || is_cjk_ideograph(c) || looked_up(c).is_some_and(|t| t.alone)
}

/// A CJK unified ideograph (U+4E00..U+9FFF): kanji fold to themselves and are letters.
fn is_cjk_ideograph(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// A character NFKC replaces by characters no composition takes in: ASCII (`&nbsp;` by a space,
/// `…` by `...`) or a Hangul jamo filler (U+3164 by U+1160). It starts and ends a stretch NFKC
/// normalises on its own, since what it is replaced by combines with nothing before or after
/// (and, of combining class 0, nothing reorders over it).
fn inert(c: char) -> bool {
    let mut composes_with_nothing = true;
    let mut same = true;
    unicode_normalization::char::decompose_compatible(c, |d| {
        same &= d == c;
        composes_with_nothing &= (d.is_ascii() && !composes(d)) || JAMO_FILLERS.contains(&d);
    });
    !same && composes_with_nothing
}

/// The leading and vowel jamo fillers: Hangul syllables compose from U+1100..U+1112,
/// U+1161..U+1175 and U+11A8..U+11C2 only, and no canonical decomposition holds a filler.
const JAMO_FILLERS: [char; 2] = ['\u{115F}', '\u{1160}'];

/// ASCII that canonical compositions start or take in: letters (under accents), and `<`, `=`,
/// `>` (under U+0338, `≮`, `≠`, `≯`).
fn composes(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '<' | '=' | '>')
}

#[inline]
fn push_folded(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(if c == '\t' { ' ' } else { c.to_ascii_lowercase() });
    } else if let Some(t) = looked_up(c) {
        out.push_str(&t.folded);
    } else {
        fold_char(out, c);
    }
}

/// One character of NFKC text, folded.
fn fold_char(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(if c == '\t' { ' ' } else { c.to_ascii_lowercase() });
    } else if is_invisible(c) {
    } else if c == '\u{A0}' || c == '\u{3000}' {
        out.push(' ');
    } else if c == '\u{FFE5}' {
        out.push('¥');
    } else if is_cjk(c) || !c.is_alphabetic() {
        out.push(c);
    } else {
        let mut buf = [0u8; 4];
        let one: &str = c.encode_utf8(&mut buf);
        let proto: String = unicode_security::skeleton(one).collect();
        if proto.is_ascii() && !proto.is_empty() {
            out.push_str(&proto.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

/// Fold and also collapse runs of white space to one space, trimming the ends: for one-line
/// fields such as subjects and display names.
pub fn fold_line(s: &str) -> String {
    // ASCII folds to itself lowercased, tabs as spaces, and tabs collapse like spaces anyway.
    if s.is_ascii() {
        let mut line = collapse_spaces(s);
        line.make_ascii_lowercase();
        return line;
    }
    collapse_spaces(&fold(s))
}

/// Runs of white space as one space, the ends trimmed: [`fold_line`] of text already folded
/// (`collapse_spaces(&fold(s)) == fold_line(s)`), for a view's folded fields.
pub fn collapse_spaces(folded: &str) -> String {
    let folded = folded.trim();
    let mut out = String::with_capacity(folded.len());
    // Copied in stretches that end only where the spacing must change: a single ASCII space
    // between words is kept as it stands. ASCII white space is told by its byte (as
    // `char::is_whitespace` tells it); only non-ASCII characters are decoded to ask.
    let bytes = folded.as_bytes();
    let space_at = |i: usize| -> Option<usize> {
        let b = bytes[i];
        if b.is_ascii() {
            matches!(b, b'\t'..=b'\r' | b' ').then_some(1)
        } else {
            let c = folded[i..].chars().next().unwrap_or_default();
            c.is_whitespace().then(|| c.len_utf8())
        }
    };
    let mut stretch = 0;
    let mut i = 0;
    while i < bytes.len() {
        i += word_run(&bytes[i..]);
        if i == bytes.len() {
            break;
        }
        let Some(len) = space_at(i) else {
            i += if bytes[i].is_ascii() {
                1
            } else {
                utf8_len(bytes[i])
            };
            continue;
        };
        let mut end = i + len;
        while end < bytes.len()
            && let Some(len) = space_at(end)
        {
            end += len;
        }
        if end - i > 1 || bytes[i] != b' ' {
            out.push_str(&folded[stretch..i]);
            out.push(' ');
            stretch = end;
        }
        i = end;
    }
    out.push_str(&folded[stretch..]);
    out
}

/// How many bytes `bytes` starts with that are printable ASCII other than a space (`!` to DEL),
/// read eight at a time: [`collapse_spaces`] copies such bytes as they stand. Adding `0x5F` to
/// a byte's low seven bits sets its high bit exactly when they are `0x21` or more.
fn word_run(bytes: &[u8]) -> usize {
    let mut run = 0;
    while let Some(Ok(word)) = bytes.get(run..run + 8).map(<[u8; 8]>::try_from) {
        let w = u64::from_le_bytes(word);
        let other = (w | !((w & !HIGH) + 0x5F * ONES)) & HIGH;
        if other != 0 {
            return run + other.trailing_zeros() as usize / 8;
        }
        run += 8;
    }
    run + bytes[run..]
        .iter()
        .take_while(|b| (b'!'..0x80).contains(*b))
        .count()
}

/// The length of the UTF-8 character a lead byte starts.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xF0.. => 4,
        0xE0.. => 3,
        _ => 2,
    }
}

/// [`fold_line`] of `line[at..]`, read from `folded`, the whole line folded, when `line[..at]` is
/// a quote prefix (`>`, spaces, tabs): such a prefix folds to itself, one byte a character, and
/// the rest folds as it would alone, but for a combining U+0338 that would join a `>` into `≯`.
/// Lets a body folded once (lines fold one by one: no character folds into or across a line end)
/// give the folded lines with their quote markers cut. Borrows from `folded` when the tail has
/// no spacing to collapse, as most lines have not.
pub fn fold_line_after<'a>(line: &str, at: usize, folded: &'a str) -> Cow<'a, str> {
    let (prefix, rest) = line.split_at(at);
    let quote = prefix.bytes().all(|b| matches!(b, b'>' | b' ' | b'\t'));
    match folded.get(at..) {
        Some(tail) if quote && !rest.starts_with('\u{338}') => {
            if is_collapsed(tail) {
                Cow::Borrowed(tail)
            } else {
                Cow::Owned(collapse_spaces(tail))
            }
        }
        _ => Cow::Owned(fold_line(rest)),
    }
}

/// Whether [`collapse_spaces`] would leave `s` as it is: its only white space is single ASCII
/// spaces between words.
fn is_collapsed(s: &str) -> bool {
    // True before the first word, so that a leading space counts as doubled.
    let mut after_space = true;
    let bytes = s.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        // Eight bytes at a time while they are printable ASCII (no high bit, none below a space:
        // adding 0x60 sets the high bit of the others, no DEL: adding 1 sets its high bit).
        if let Some(Ok(word)) = bytes.get(at..at + 8).map(<[u8; 8]>::try_from) {
            let w = u64::from_le_bytes(word);
            if w & HIGH == 0 && w.wrapping_add(0x60 * ONES) & HIGH == HIGH && w.wrapping_add(ONES) & HIGH == 0
            {
                // The spaces, as the high bit of their byte: where `w ^ spaces` has a zero byte,
                // told without a carry between bytes.
                let x = w ^ (0x20 * ONES);
                let spaces = !(((x & !HIGH).wrapping_add(!HIGH)) | x) & HIGH;
                if spaces & (spaces >> 8) != 0 || (after_space && spaces & 0x80 != 0) {
                    return false;
                }
                after_space = spaces >> 63 != 0;
                at += 8;
                continue;
            }
        }
        // The rest byte by byte, up to where the next eight can be read together again.
        let stop = (at + 8).min(bytes.len());
        while at < stop {
            // Read by the byte: white space beyond ASCII starts with one of these lead bytes
            // (U+0085, U+00A0, U+1680, U+2000..U+205F, U+3000); other characters are words,
            // continuation bytes part of the character before.
            let space = match bytes[at] {
                b' ' => true,
                b'\t'..=b'\r' => return false,
                0x80..=0xBF => {
                    at += 1;
                    continue;
                }
                // U+3000 is the one white space among the kana and CJK symbols it leads.
                0xE3 => bytes.get(at + 1..at + 3) == Some(&[0x80, 0x80]),
                0xC2 | 0xE1 | 0xE2 => s[at..].chars().next().is_some_and(char::is_whitespace),
                _ => false,
            };
            if space {
                if bytes[at] != b' ' || after_space {
                    return false;
                }
                after_space = true;
            } else {
                after_space = false;
            }
            at += 1;
        }
    }
    !after_space || s.is_empty()
}

/// How the brand word "microsoft" was disguised in a piece of text, if it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disguise {
    /// Invisible characters inside the word.
    Hidden,
    /// Letters of another script, or full-width letters.
    Confusable,
}

/// Find words that mean "Microsoft" only once folded: the word is disguised. Also reports
/// invisible characters between two letters of any word, and Latin words mixed with letters of
/// another script.
pub fn disguises(s: &str) -> Vec<Disguise> {
    let brand = |t: &str| t.matches("microsoft").count();
    let (mut hidden, mut confusable) = (false, false);
    // Words are checked one by one, and only for what their characters can do: most words hold
    // no character that can disguise, and the folding below is costly.
    for word in suspect_words(s) {
        let (mut invisible, mut other, mut latin, mut plain) = (false, false, false, false);
        for c in word.chars() {
            match Class::of(c) {
                Class::Ascii => {}
                Class::Invisible => invisible = true,
                Class::Plain => plain = true,
                Class::Latin => latin = true,
                Class::Other => other = true,
            }
        }
        let check_hidden = invisible && !hidden;
        let check_confusable = (other || latin && plain) && !confusable;
        if !check_hidden && !check_confusable {
            continue;
        }
        let visible: Cow<str> = if invisible {
            Cow::Owned(word.chars().filter(|&c| !is_invisible(c)).collect())
        } else {
            Cow::Borrowed(word)
        };
        let seen = brand(&visible.to_lowercase());
        if check_hidden {
            hidden = seen > brand(&word.to_lowercase()) || hidden_inside_word(word);
        }
        if check_confusable {
            confusable = brand(&fold(word)) > seen || mixed_script_word(&visible);
        }
        if hidden && confusable {
            break;
        }
    }
    let mut found = Vec::new();
    if hidden {
        found.push(Disguise::Hidden);
    }
    if confusable {
        found.push(Disguise::Confusable);
    }
    found
}

/// What a character can do in a disguise, as [`disguises`] reads a word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Ascii,
    Invisible,
    /// [`is_plain`] beyond ASCII.
    Plain,
    /// A letter that disguises nothing among ASCII ones (`é`: it folds to itself and is of one
    /// script with them), but does beside a plain character (`注é`).
    Latin,
    Other,
}

impl Class {
    /// Looked up where it can be (kanji are plain; only two-byte characters are Latin, and
    /// they are all in the table).
    fn of(c: char) -> Class {
        if c.is_ascii() {
            Class::Ascii
        } else if let Some(t) = looked_up(c) {
            t.class
        } else if is_cjk_ideograph(c) {
            Class::Plain
        } else {
            Class::told(c, false)
        }
    }

    /// The class of a character beyond ASCII, `latin` telling whether it is a Latin letter.
    fn told(c: char, latin: bool) -> Class {
        if is_invisible(c) {
            Class::Invisible
        } else if is_plain(c) {
            Class::Plain
        } else if latin {
            Class::Latin
        } else {
            Class::Other
        }
    }
}

/// The words of `s` split at ASCII white space that [`disguises`] must check, in order: those
/// holding an invisible or an other character, or a Latin letter and a plain character. Found
/// from the characters beyond ASCII alone, one by one: a word is cut out only for such a
/// character, or for a Latin letter and a plain character with no ASCII white space between
/// them (the last of each remembered until white space is seen after it). A word ends at ASCII
/// bytes, so it is a slice of `s` on character boundaries.
fn suspect_words(s: &str) -> impl Iterator<Item = &str> {
    let bytes = s.as_bytes();
    let mut at = 0;
    // Where the last Latin letter and the last plain character of the word being read ended.
    let (mut latin_end, mut plain_end): (Option<usize>, Option<usize>) = (None, None);
    // Whether a character remembered to end at `from` is in the word of the one at `to`.
    let same_word = |from: usize, to: usize| !bytes[from..to].iter().any(u8::is_ascii_whitespace);
    std::iter::from_fn(move || {
        loop {
            at += ascii_run(&bytes[at..]);
            let c = s.get(at..)?.chars().next()?;
            let end = at + c.len_utf8();
            let (mine, theirs) = match Class::of(c) {
                // (ASCII is not met here, past the run: a word cut out for nothing is still
                // checked as it should be.)
                Class::Ascii | Class::Invisible | Class::Other => (None, None),
                Class::Latin => (Some(&mut latin_end), Some(&mut plain_end)),
                Class::Plain => (Some(&mut plain_end), Some(&mut latin_end)),
            };
            if let (Some(mine), Some(theirs)) = (mine, theirs) {
                if let Some(from) = *theirs
                    && !same_word(from, at)
                {
                    *theirs = None;
                }
                if theirs.is_none() {
                    *mine = Some(end);
                    at = end;
                    continue;
                }
            }
            let start = bytes[..at]
                .iter()
                .rposition(u8::is_ascii_whitespace)
                .map_or(0, |p| p + 1);
            at = bytes[end..]
                .iter()
                .position(u8::is_ascii_whitespace)
                .map_or(bytes.len(), |p| end + p);
            (latin_end, plain_end) = (None, None);
            return s.get(start..at);
        }
    })
}

/// Whether a visible character can take no part in a disguise: folding turns it into no Latin
/// letter. ASCII, Japanese text and common punctuation, which lets most mail skip the costly
/// checks.
fn is_plain(c: char) -> bool {
    // Full-width Latin letters and half-width Hangul (which folds to letters like "o") are
    // excepted from the CJK ranges.
    let plain_cjk = is_cjk(c)
        && !matches!(c, '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' | '\u{FFA0}'..='\u{FFDF}');
    c.is_ascii()
        || plain_cjk
        || matches!(c, '\u{A0}' | '©' | '®' | '·' | '×' | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}')
}

fn hidden_inside_word(s: &str) -> bool {
    let mut prev_letter = false;
    let mut in_hidden = false;
    for c in s.chars() {
        if is_invisible(c) {
            in_hidden = prev_letter;
        } else {
            let letter = c.is_alphanumeric() && !is_cjk(c);
            if letter && in_hidden {
                return true;
            }
            prev_letter = letter;
            in_hidden = false;
        }
    }
    false
}

/// A word with Latin letters and letters of another (non-CJK) script, such as `Micrоsoft` with a
/// Cyrillic `о`.
fn mixed_script_word(s: &str) -> bool {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()))
        .filter(|w| w.chars().any(|c| !c.is_ascii() && !is_cjk(c)))
        .any(|w| !w.is_single_script() || w.chars().any(|c| ('\u{FF21}'..='\u{FF5A}').contains(&c)))
}

/// A matcher for a table of literal phrases. Leftmost-first semantics let aho-corasick use its
/// SIMD prefilter, several times faster than the standard semantics on long bodies; for
/// `is_match` and `find` the answers are the same. A contiguous NFA, not the DFA aho-corasick
/// would pick for a small table: the DFA costs several times more to build (a `check` builds a
/// dozen tables for one mail), and behind the prefilter it searches no faster.
pub fn phrase_set(table: &[&str]) -> aho_corasick::AhoCorasick {
    aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostFirst)
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        .build(table)
        .expect("phrase tables are plain literals")
}

/// The byte two hex digits spell at `at` (`4a`, `4A`), if both are there: the one hex decoder
/// for quoted-printable and encoded words (`=4A`), URLs (`%4A`) and RTF (`\'4a`).
pub fn hex_byte(bytes: &[u8], at: usize) -> Option<u8> {
    let digit = |i: usize| bytes.get(i).and_then(|&b| char::from(b).to_digit(16));
    // Two hex digits make one byte (both < 16).
    Some((digit(at)? * 16 + digit(at + 1)?) as u8)
}

/// `bytes` with every `escape` followed by two hex digits (`=4A`, `%4A`) as the byte they spell;
/// an `escape` without them is kept as it is.
pub fn unescape_hex(bytes: &[u8], escape: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], hex_byte(bytes, i + 1)) {
            (b, Some(byte)) if b == escape => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The first digit found by chunks is the first of a plain search, from anywhere.
        #[test]
        fn first_digit_is_the_first(s in "[0-9a /:\u{3000}é\u{B9}]{0,70}", from in 0usize..80) {
            let b = s.as_bytes();
            let plain = b.get(from..).and_then(|rest| rest.iter().position(u8::is_ascii_digit).map(|p| from + p));
            proptest::prop_assert_eq!(first_digit(b, from), plain);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_byte_below_is_a_byte_loop(word in proptest::num::u64::ANY, n in 0u8..=0x80) {
            let by_byte = word.to_le_bytes().iter().any(|&b| b < n);
            proptest::prop_assert_eq!(any_byte_below(word, n), by_byte);
        }
    }

    #[test]
    fn fold_normalises_width_and_case() {
        assert_eq!(fold("Microsoft の注文 ＃１２３"), "microsoft の注文 #123");
        assert_eq!(fold("￥２１，３００"), "¥21,300");
        assert_eq!(fold("注文番号："), "注文番号:");
    }

    #[test]
    fn fold_undoes_disguises() {
        assert_eq!(fold("Micro\u{200B}soft"), "microsoft");
        assert_eq!(fold("M\u{E0100}icrosoft"), "microsoft");
        assert_eq!(fold("\u{13B7}icrosoft"), "microsoft");
        assert_eq!(fold("Micr\u{043E}soft"), "microsoft");
    }

    #[test]
    fn disguise_kinds() {
        assert_eq!(disguises("Your Microsoft order"), vec![]);
        assert_eq!(disguises("Micro\u{200B}soft"), vec![Disguise::Hidden]);
        assert_eq!(disguises("\u{13B7}icrosoft 365"), vec![Disguise::Confusable]);
        assert_eq!(disguises("Ｍｉｃｒｏｓｏｆｔ"), vec![Disguise::Confusable]);
        assert_eq!(disguises("日本語のメール"), vec![]);
        assert_eq!(disguises("PC を購入"), vec![]);
        assert_eq!(disguises("“Microsoft” – ok…"), vec![]);
        assert_eq!(disguises("Micro\u{2060}soft"), vec![Disguise::Hidden]);
        assert_eq!(disguises("Microsof™"), vec![Disguise::Confusable]);
    }

    /// [`disguises`] without its skips: every word that is not ASCII checked for both kinds.
    fn disguises_of_every_word(s: &str) -> Vec<Disguise> {
        let brand = |t: &str| t.matches("microsoft").count();
        let (mut hidden, mut confusable) = (false, false);
        for word in s
            .split(|c: char| c.is_ascii_whitespace())
            .filter(|w| !w.is_ascii())
        {
            let visible: String = word.chars().filter(|&c| !is_invisible(c)).collect();
            let seen = brand(&visible.to_lowercase());
            hidden |= seen > brand(&word.to_lowercase()) || hidden_inside_word(word);
            confusable |= brand(&fold(word)) > seen || mixed_script_word(&visible);
        }
        [(hidden, Disguise::Hidden), (confusable, Disguise::Confusable)]
            .into_iter()
            .filter_map(|(found, d)| found.then_some(d))
            .collect()
    }

    /// Each two-byte character among ASCII letters, kana, invisible characters and in the brand
    /// word: the skipped words disguise nothing.
    #[test]
    fn disguises_skip_only_what_disguises_nothing() {
        for c in ('\u{80}'..='\u{7FF}').chain(['\u{3164}', '\u{FF4D}', '\u{13B7}']) {
            for s in [
                format!("a{c}b"),
                format!("{c}"),
                format!("micro{c}soft"),
                format!("microso{c}t x"),
                format!("{c}icrosoft"),
                format!("é{c}注"),
                format!("x\u{200B}{c}y"),
                format!("mi\u{3164}cro{c}soft"),
                format!("{c}\u{301}é"),
            ] {
                assert_eq!(disguises(&s), disguises_of_every_word(&s), "{s:?}");
            }
        }
    }

    /// The looked-up classes are those told: a kanji is plain, and only two-byte characters
    /// may be Latin.
    #[test]
    fn classes_looked_up_are_those_told() {
        for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
            let latin = c < '\u{800}' && looked_up(c).is_some_and(|t| t.class == Class::Latin);
            assert_eq!(Class::of(c), Class::told(c, latin), "{c:?}");
        }
    }

    /// What lets [`disguises`] skip text: no character it calls plain folds into a Latin letter
    /// or is a letter of a script that could mix with Latin.
    #[test]
    fn plain_characters_make_no_letters() {
        let plain = (0x80..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| is_plain(c));
        for c in plain {
            assert!(!is_invisible(c), "{c:?}");
            let folded = fold(c.encode_utf8(&mut [0; 4]));
            assert!(
                !folded.bytes().any(|b| b.is_ascii_alphabetic()),
                "{c:?} folds to {folded:?}"
            );
            assert!(is_cjk(c) || !c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn fold_fast_path_agrees_with_nfkc() {
        for s in [
            "e\u{301}cole",
            "ABC ＡＢＣ",
            "x\u{200B}y",
            "Tab\there",
            "ｶﾞ",
            "a\u{E0100}",
            "",
            "注",
            "ok.",
            "ação Ωμέγα Привет",
            "\u{E9}\u{301}",
        ] {
            let slow: String = s.nfkc().fold(String::new(), |mut out, c| {
                fold_char(&mut out, c);
                out
            });
            assert_eq!(fold(s), slow, "{s:?}");
        }
        // Every character looked up, and a sample of kanji, alone, between letters, before and
        // after combining marks, next to characters that compose with U+0338, and doubled.
        let chars = LOOKED_RANGES
            .iter()
            .flat_map(|r| r.clone())
            .chain((0x4E00..=0x9FFF).step_by(97))
            .filter_map(char::from_u32);
        for c in chars {
            for s in [
                format!("a{c}b"),
                format!("{c}\u{301}"),
                format!("{c}\u{3099}"),
                format!("e{c}\u{301}"),
                format!("\u{301}{c}"),
                format!("<{c}\u{338}"),
                format!("{c}{c}"),
                format!("é{c}ü"),
                // Hangul composes jamo before and after a character, and a syllable with one.
                format!("\u{1100}{c}\u{1161}"),
                format!("\u{AC00}{c}\u{11A8}"),
                format!("\u{3131}{c}\u{314F}"),
            ] {
                let slow = fold_by_nfkc(&s);
                assert_eq!(fold(&s), slow, "{s:?}");
                let letters: String = slow.chars().filter(|c| c.is_alphanumeric()).collect();
                assert_eq!(folded_alphanumerics(&s), letters.as_bytes(), "{s:?}");
            }
        }
    }

    /// [`fold`] as it reads: NFKC, then each character folded.
    fn fold_by_nfkc(s: &str) -> String {
        s.nfkc().fold(String::new(), |mut out, c| {
            fold_char(&mut out, c);
            out
        })
    }

    #[test]
    fn jamo_fillers_compose_with_nothing() {
        use unicode_normalization::char::compose;
        for filler in JAMO_FILLERS {
            assert_eq!(unicode_normalization::char::canonical_combining_class(filler), 0);
            for c in (0..=0x10FFFF).filter_map(char::from_u32) {
                assert_eq!(compose(filler, c), None, "{filler:?} {c:?}");
                assert_eq!(compose(c, filler), None, "{c:?} {filler:?}");
            }
        }
        assert!(inert('\u{3164}') && inert('\u{FFA0}') && !inert('\u{3131}'));
    }

    /// What lets [`inert`] characters stand apart: the ASCII they become is in no canonical
    /// decomposition of two characters or more, so no composition takes it in; and the kanji
    /// [`folds_alone`] takes as they stand are settled and fold to themselves.
    #[test]
    fn inert_ascii_composes_with_nothing() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut parts = Vec::new();
            unicode_normalization::char::decompose_canonical(c, |d| parts.push(d));
            if parts.len() > 1 {
                for d in parts.into_iter().filter(char::is_ascii) {
                    assert!(composes(d), "{c:?} decomposes with {d:?}");
                }
            }
        }
        for c in '\u{4E00}'..='\u{9FFF}' {
            assert_eq!(is_nfkc_quick(std::iter::once(c)), IsNormalized::Yes, "{c:?}");
            assert_eq!(
                unicode_normalization::char::canonical_combining_class(c),
                0,
                "{c:?}"
            );
            assert_eq!(fold_by_nfkc(c.encode_utf8(&mut [0; 4])), c.to_string(), "{c:?}");
            assert!(c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn folded_alphanumerics_are_those_of_the_folded_text() {
        for s in [
            "",
            "Micro soft",
            "Ｍｉｃｒｏ soft ①",
            "a\u{301}b c\te",
            "Ⅻ é<b>ü</b> マイクロ ソフト",
            "x\u{200B}y.",
            "é",
            "ok",
        ] {
            let expected: String = fold(s).chars().filter(|c| c.is_alphanumeric()).collect();
            assert_eq!(folded_alphanumerics(s), expected.as_bytes(), "{s:?}");
        }
    }

    /// The word-at-a-time squeeze of ASCII keeps what the byte-by-byte reading keeps: every
    /// ASCII byte at each place of a word, and every pattern of kept bytes in a word.
    #[test]
    fn ascii_alphanumerics_are_those_byte_by_byte() {
        let by_byte = |run: &[u8]| -> Vec<u8> {
            run.iter()
                .filter(|b| b.is_ascii_alphanumeric())
                .map(u8::to_ascii_lowercase)
                .collect()
        };
        let squeezed = |run: &[u8]| {
            let mut out = b"x".to_vec();
            push_ascii_alphanumerics(&mut out, run);
            out
        };
        for b in 0..0x80u8 {
            for at in 0..8 {
                let mut run = *b"Ab3 zZ9-q";
                run[at] = b;
                assert_eq!(
                    squeezed(&run),
                    [b"x".as_slice(), &by_byte(&run)].concat(),
                    "{run:?}"
                );
            }
        }
        for pattern in 0..=0xFFFFu32 {
            let run: Vec<u8> = (0..16)
                .map(|i| {
                    if pattern >> i & 1 == 1 {
                        b'a' + i as u8
                    } else {
                        b'.'
                    }
                })
                .collect();
            assert_eq!(
                squeezed(&run),
                [b"x".as_slice(), &by_byte(&run)].concat(),
                "{run:?}"
            );
        }
    }

    #[test]
    fn alphanumerics_are_the_alphanumeric_characters() {
        let slow = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).collect::<String>();
        for c in (0..0x3100).filter_map(char::from_u32) {
            let s = format!("a{c}-Z{c}9");
            assert_eq!(alphanumerics(&s), slow(&s), "{s:?}");
        }
    }

    #[test]
    fn fold_line_collapses_space() {
        assert_eq!(fold_line("  Fwd:\t Your\u{3000}order  "), "fwd: your order");
        let s = " a\u{A0}\u{200B} b\n\nc ";
        assert_eq!(collapse_spaces(&fold(s)), fold_line(s));
    }

    #[test]
    fn folded_lines_are_the_lines_folded() {
        let body = "> Ｍｉｃｒｏsoft\r\n\t>> 注文\u{200B}番号：１\n>\u{338} x\n> \u{301}e\u{301}\n\u{3000}> ok\n\n> a  b\u{2003}c \n a b\nend";
        let folded = fold(body);
        assert_eq!(folded.lines().count(), body.lines().count());
        for (line, folded) in body.lines().zip(folded.lines()) {
            assert_eq!(fold(line), folded, "{line:?}");
            let at = line.len() - line.trim_start_matches(['>', ' ', '\t']).len();
            assert_eq!(
                fold_line_after(line, at, folded),
                fold_line(&line[at..]),
                "{line:?}"
            );
        }
    }

    /// The collapse that reads ASCII bytes gives what splitting at every white space gives.
    #[test]
    fn collapse_spaces_is_split_whitespace_joined() {
        let slow = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        for s in [
            "",
            " ",
            "a",
            " a  b\t\n\x0Bc\x0C\r ",
            "\u{A0}x\u{3000}y\u{85}",
            "\u{1F}\u{1C}z",
            "é  ü\u{2028}",
        ] {
            assert_eq!(collapse_spaces(s), slow(s), "{s:?}");
        }
        // Every character between letters; those up to U+3100 (every white space) also alone
        // and doubled.
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let s = format!("a{c}b");
            assert_eq!(collapse_spaces(&s), slow(&s), "{s:?}");
            if u32::from(c) < 0x3100 {
                for s in [format!("{c}"), format!(" {c}{c} ")] {
                    assert_eq!(collapse_spaces(&s), slow(&s), "{s:?}");
                }
            }
        }
    }

    /// Every character between letters, alone and doubled, at the ends and inside.
    #[test]
    fn is_collapsed_when_collapsing_changes_nothing() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for s in [
                format!("a{c}b"),
                format!("{c}"),
                format!("a {c}"),
                format!("{c}{c} x"),
            ] {
                assert_eq!(is_collapsed(&s), collapse_spaces(&s) == s, "{s:?}");
            }
        }
        for s in ["", " ", "a b", "a  b", " a", "a ", "a\tb", "é ü"] {
            assert_eq!(is_collapsed(s), collapse_spaces(s) == s, "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn collapse_spaces_agrees_on_any_text(s in "[ a\t\n\r\x0B\x0Cé\u{A0}\u{3000}\u{2028}注\u{85}]{0,40}") {
            proptest::prop_assert_eq!(collapse_spaces(&s), s.split_whitespace().collect::<Vec<_>>().join(" "));
        }

        /// Words long and short, so that eight bytes are read together at every offset.
        #[test]
        fn collapse_spaces_agrees_on_words(s in "([\x00-\x7F]{0,3}|[!-~]{1,20}|[ \t\u{A0}é\u{3000}])*") {
            proptest::prop_assert_eq!(collapse_spaces(&s), s.split_whitespace().collect::<Vec<_>>().join(" "));
        }

        #[test]
        fn word_run_is_printable_ascii_but_space(s in "[\x00-\x7F\u{80}-\u{7FF}]{0,30}") {
            let b = s.as_bytes();
            proptest::prop_assert_eq!(word_run(b), b.iter().take_while(|c| (b'!'..=0x7F).contains(*c)).count());
        }

        #[test]
        fn alphanumerics_of_any_text(s in "[ -~é①注Ⅻ\u{200B}\u{301}]{0,40}") {
            proptest::prop_assert_eq!(alphanumerics(&s), s.chars().filter(|c| c.is_alphanumeric()).collect::<String>());
        }

        #[test]
        fn disguises_of_any_text(s in "(microsoft|soft|micr|[a-z0-9 .\t\u{200B}\u{AD}\u{3164}\u{FE00}éçãÀßİıłŁǅ©·×注のアｶ\u{301}\u{3099}\u{338}ＡｍоМαΣ\u{13B7}]){0,12}") {
            proptest::prop_assert_eq!(disguises(&s), disguises_of_every_word(&s));
        }

        /// Latin letters and plain characters in words near and far apart.
        #[test]
        fn disguises_of_latin_and_plain_words(s in "(microsoft|[a \t\né·©–注\u{A0}]){0,40}") {
            proptest::prop_assert_eq!(disguises(&s), disguises_of_every_word(&s));
        }

        #[test]
        fn is_collapsed_on_any_text(s in "(ab|cd e|  |[ a-z.\t\u{A0}\u{3000}é注\u{2028}\u{1}]){0,40}") {
            proptest::prop_assert_eq!(is_collapsed(&s), collapse_spaces(&s) == s);
        }

        #[test]
        fn fold_of_any_text(s in "[a<=>.1 \u{A0}\u{2007}\u{2026}\u{2024}\u{3000}！１Ａéü’–\u{301}\u{338}\u{3099}かが注ｶﾞ\u{200B}\u{FB01}ª\u{3164}\u{3131}\u{314F}\u{1100}\u{1160}\u{1161}\u{11A8}가]{0,24}") {
            let slow = fold_by_nfkc(&s);
            proptest::prop_assert_eq!(fold(&s), slow.clone());
            let letters: String = slow.chars().filter(|c| c.is_alphanumeric()).collect();
            proptest::prop_assert_eq!(folded_alphanumerics(&s), letters.into_bytes());
        }

        #[test]
        fn ascii_alphanumerics_of_any_ascii(s in "[ -~\t\n]{0,40}") {
            let expected: Vec<u8> = s.bytes().filter(u8::is_ascii_alphanumeric).map(|b| b.to_ascii_lowercase()).collect();
            let mut out = Vec::new();
            push_ascii_alphanumerics(&mut out, s.as_bytes());
            proptest::prop_assert_eq!(out, expected);
        }

        #[test]
        fn ascii_run_is_the_ascii_bytes_before_the_first_other(s in "[ -~]{0,80}[ -~é注]{0,40}") {
            let slow = s.bytes().take_while(u8::is_ascii).count();
            proptest::prop_assert_eq!(ascii_run(s.as_bytes()), slow);
        }

        /// Any byte in any place, several times or not at all, in and past the first word.
        #[test]
        fn find_byte_is_memchr(
            haystack in proptest::collection::vec(
                proptest::sample::select(vec![0u8, 1, b'&', b';', b'<', 0x7f, 0x80, 0xbc, 0xff]),
                0..24,
            ),
            needle in proptest::sample::select(vec![0u8, 1, b'&', b'<', 0x80, 0xbc, 0xff]),
        ) {
            proptest::prop_assert_eq!(find_byte(needle, &haystack), memchr::memchr(needle, &haystack));
        }

        #[test]
        fn find_any_is_the_first_needle(
            bytes in proptest::collection::vec(
                proptest::sample::select(vec![0u8, 1, b'<', b'&', b'"', 0x7f, 0x80, 0xbc, 0xff]),
                0..40,
            ),
            non_ascii: bool,
        ) {
            let slow = bytes.iter().position(|&b| b == b'<' || b == b'&' || (non_ascii && b >= 0x80));
            proptest::prop_assert_eq!(find_any(&bytes, [b'<', b'&'], non_ascii), slow);
        }

        #[test]
        fn fold_line_of_ascii_is_the_folded_line(s in "[ -~\t\n\r\x0B\x0C]{0,40}") {
            proptest::prop_assert_eq!(fold_line(&s), collapse_spaces(&fold(&s)));
        }
    }

    #[test]
    fn hex_escapes() {
        assert_eq!(hex_byte(b"=4a", 1), Some(0x4A));
        assert_eq!(hex_byte(b"=4", 1), None);
        assert_eq!(hex_byte(b"+4", 0), None);
        assert_eq!(
            unescape_hex(b"a%20b%2%zz%E2%84%96", b'%'),
            b"a b%2%zz\xE2\x84\x96"
        );
        assert_eq!(unescape_hex(b"=3D=\n", b'='), b"==\n");
    }
}
