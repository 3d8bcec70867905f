//! Content signals: disguised letters, phone numbers, callback and urgency wording, business-sized
//! quantities.

use std::borrow::Cow;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::Findings;
use crate::lexicon::microsoft::PRODUCT_NUMBER_WORDS;
use crate::lexicon::pattern::Pattern;
use crate::lexicon::{LANGUAGES, Language};
use crate::reason::ReasonId;
use crate::text::{self, Disguise};
use crate::view::{Mailbox, MessageView};

/// Fewest licences/users in one order that counts as business-sized.
const BUSINESS_QUANTITY: u64 = 5;

/// Every language's callback and urgency wording, in [`LANGUAGES`] order.
static CALLBACK: LazyLock<AhoCorasick> = LazyLock::new(|| text::phrase_set(&all(|l| l.callback_phrases)));
static URGENCY: LazyLock<AhoCorasick> = LazyLock::new(|| text::phrase_set(&all(|l| l.urgency_phrases)));

/// One table's entries from every language, in [`LANGUAGES`] order.
fn all(table: fn(&Language) -> &'static [&'static str]) -> Vec<&'static str> {
    LANGUAGES.iter().flat_map(|l| table(l)).copied().collect()
}

/// A regex alternation of literal words. With `bounded`, a word that starts with an ASCII letter
/// or digit matches only on a word boundary (`qty`, not `xqty`); Japanese runs straight into what
/// precedes it, so its words never need one.
fn alternation(words: &[&str], bounded: bool) -> String {
    let alternatives: Vec<String> = words
        .iter()
        .map(|w| {
            let bound = if bounded && w.starts_with(|c: char| c.is_ascii_alphanumeric()) {
                r"(?-u:\b)"
            } else {
                ""
            };
            format!("{bound}{}", regex::escape(w))
        })
        .collect();
    format!("(?:{})", alternatives.join("|"))
}

/// Phone numbers in folded text (full-width digits are ASCII by then). Every form needs its
/// separators, so order numbers (1234567890), dates (2025-04-12) and prices never match; digit
/// counts are checked afterwards by [`phone_digits_ok`].
static PHONE: LazyLock<Pattern> = LazyLock::new(|| {
    // Hyphen, dot, space and the dashes Japanese text uses between digit groups.
    let s = r"[-.\x20‐‑‒–—−ー]";
    let us = [
        // +1 (888) 320-8274, (845) 407-0627
        format!(r"(?:\+?1{s}?\x20*)?\(\x20*[2-9]\d{{2}}\x20*\)\x20*[2-9]\d{{2}}{s}\d{{4}}"),
        // 1-855-574-9409, 888.929.2670, +1 888 929 2670
        format!(r"(?:\+?1{s}\x20*)?[2-9]\d{{2}}{s}[2-9]\d{{2}}{s}\d{{4}}"),
    ];
    let jp = [
        // +81 3 1234 5678, +81-50-1234-5678, +81 (0)3-1234-5678
        format!(r"\+81{s}?\x20*(?:\(0\)\x20*)?[1-9]\d{{0,3}}{s}\d{{1,4}}{s}\d{{3,4}}"),
        // (03) 1234-5678
        format!(r"\(0\d{{1,4}}\)\x20*\d{{1,4}}{s}\d{{4}}"),
        // 0120-12-3456, 0120-123-456, 0800-123-4567, 050-1234-5678, 03-1234-5678, 090-…
        format!(r"0\d{{1,4}}{s}\d{{1,4}}{s}\d{{3,4}}"),
    ];
    Pattern::new(us.iter().chain(&jp).cloned().collect::<Vec<_>>().join("|"))
});

/// URLs in folded text, ASCII only so a URL stops where Japanese text resumes; digits inside a
/// URL are never a phone number.
static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:https?://|www\.)[!-~]+").expect("url pattern is valid"));

/// "Quantity: 10", "数量 25" (folded, one line).
static QUANTITY: LazyLock<Pattern> = LazyLock::new(|| {
    let labels = alternation(&all(|l| l.seat_count_labels), true);
    Pattern::new(format!(r"{labels}\x20*[:=x×]?\x20*(\d[\d,]{{0,9}})"))
});

/// "25 licenses", "10 seats", "5 ライセンス" (folded, one line).
static LICENCES: LazyLock<Pattern> = LazyLock::new(|| {
    let qualifiers = all(|l| l.seat_unit_qualifiers);
    let qualifier = if qualifiers.is_empty() {
        String::new()
    } else {
        format!(r"(?:{}\x20)?", alternation(&qualifiers, false))
    };
    let units = alternation(&all(|l| l.seat_units), false);
    Pattern::new(format!(r"(?-u:\b)(\d[\d,]{{0,9}})\x20*-?\x20*{qualifier}{units}"))
});

/// Words before a number that make it a product's name or a limit, not a count.
static NOT_A_COUNT: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut words = PRODUCT_NUMBER_WORDS.to_vec();
    words.extend(all(|l| l.seat_limit_words));
    words
});

pub(super) fn disguise_reasons(
    view: &MessageView,
    from: Option<&Mailbox>,
    subject: &str,
    found: &mut Findings,
) {
    let name = from.map(|m| m.name.as_str()).unwrap_or("");
    for line in [subject, name] {
        for d in text::disguises(line) {
            found.add(disguise_id(d), make_visible(line));
        }
    }
    let body = view.body();
    let mut bodies = vec![body];
    if !std::ptr::eq(body, view.html_text.as_str()) {
        bodies.push(&view.html_text);
    }
    for body in bodies {
        for d in text::disguises(body) {
            let id = disguise_id(d);
            if !found.has(id) {
                found.add(id, make_visible(offending_word(body, d)));
            }
        }
    }
}

fn disguise_id(d: Disguise) -> ReasonId {
    match d {
        Disguise::Hidden => ReasonId::HiddenCharacters,
        Disguise::Confusable => ReasonId::ConfusableLetters,
    }
}

/// The first word showing the disguise, else the first line that does.
fn offending_word(body: &str, d: Disguise) -> &str {
    // An ASCII word disguises nothing ([`text::disguises`] skips it): not asked about.
    body.split_whitespace()
        .find(|w| !w.is_ascii() && text::disguises(w).contains(&d))
        .or_else(|| body.lines().find(|l| text::disguises(l).contains(&d)))
        .unwrap_or("")
}

/// Invisible characters written out as `<U+200B>`.
pub fn make_visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().take(400) {
        if text::is_invisible(c) {
            out.push_str(&format!("<U+{:04X}>", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Content: phone numbers, wording, quantities
// ---------------------------------------------------------------------------------------------

pub(super) fn content_reasons(view: &MessageView, found: &mut Findings) {
    let texts: Vec<Cow<str>> = [
        (&view.text, view.folded_text()),
        (&view.html_text, view.folded_html()),
    ]
    .into_iter()
    .filter(|(t, _)| !t.trim().is_empty())
    .map(|(_, folded)| {
        if folded.contains('’') {
            Cow::Owned(folded.replace('’', "'"))
        } else {
            folded
        }
    })
    .collect();
    for t in texts.iter().map(|t| t.as_ref()) {
        if let Some(number) = find_phone(t) {
            found.add(ReasonId::PhoneNumber, number);
        }
        if let Some(m) = CALLBACK.find(t) {
            found.add(ReasonId::CallbackWording, line_at(t, m.start()));
        }
        if let Some(m) = URGENCY.find(t) {
            found.add(ReasonId::Urgency, line_at(t, m.start()));
        }
        if let Some(line) = business_quantity(t) {
            found.add(ReasonId::BusinessQuantity, line);
        }
    }
}

/// The first phone number in folded text, as written.
pub fn find_phone(t: &str) -> Option<&str> {
    let mut urls: Option<Vec<(usize, usize)>> = None;
    for (start, end) in phone_matches(t).take(1000) {
        let number = &t[start..end];
        if !isolated(t, start, end) || !phone_digits_ok(number) {
            continue;
        }
        let urls = urls.get_or_insert_with(|| URL.find_iter(t).map(|u| (u.start(), u.end())).collect());
        if urls.iter().any(|&(s, e)| (s..e).contains(&start)) {
            continue;
        }
        return Some(number.trim());
    }
    None
}

/// The matches of [`PHONE`] in `t`, as byte ranges in order, as its `find_iter` over the whole
/// text gives them: each lies inside one of the [`phone_stretches`].
/// The regex is picked for each stretch: where a stretch [`is_plain`], both forms match alike.
///
/// [`is_plain`]: crate::lexicon::pattern::is_plain
fn phone_matches(t: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    phone_stretches(t).flat_map(move |(start, end)| {
        let stretch = &t[start..end];
        PHONE
            .on(stretch)
            .find_iter(stretch)
            .map(move |m| (start + m.start(), start + m.end()))
    })
}

/// Fewest digits in a match of [`PHONE`] (`0\d{1,4}-\d{1,4}-\d{3,4}`).
const PHONE_MIN_DIGITS: usize = 6;

/// Whether a [`PHONE`] match can hold `c`: its digits (any script's, as `\d` reads them where
/// the text is not plain), `+`, parentheses, spaces and separators.
fn in_phone(c: char) -> bool {
    c.is_ascii_digit()
        || matches!(
            c,
            '+' | '(' | ')' | ' ' | '-' | '.' | '‐' | '‑' | '‒' | '–' | '—' | '−' | 'ー'
        )
        || (!c.is_ascii() && c.is_numeric())
}

/// The stretches of `t` a [`PHONE`] match can lie in, as byte ranges in order: a match is made
/// of [`in_phone`] characters only, holds an ASCII digit (each form starts its groups with one)
/// and [`PHONE_MIN_DIGITS`] digits, and the pattern looks at nothing around it. So the regex
/// runs on few bytes of a body instead of all of them: the stretches of such characters around
/// each ASCII digit, those with digits enough, merged when close (one search over a short gap
/// costs less than starting another).
fn phone_stretches(t: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    /// Gap up to which two stretches are searched as one.
    const MERGE: usize = 256;
    let bytes = t.as_bytes();
    let mut at = 0;
    let mut next = move || -> Option<(usize, usize)> {
        loop {
            let digit = text::first_digit(bytes, at)?;
            // Back over the stretch (never before `at`: the byte before it is no part of one,
            // or the last stretch's end), then on; ASCII told by its byte.
            let mut digits = 0;
            let mut start = digit;
            while start > at {
                let c = match bytes[start - 1] {
                    b if b.is_ascii() => char::from(b),
                    _ => t[at..start].chars().next_back().unwrap_or_default(),
                };
                if !in_phone(c) {
                    break;
                }
                digits += usize::from(c.is_numeric());
                start -= c.len_utf8();
            }
            let mut end = digit;
            while let Some(&b) = bytes.get(end) {
                let c = match b {
                    b if b.is_ascii() => char::from(b),
                    _ => t[end..].chars().next().unwrap_or_default(),
                };
                if !in_phone(c) {
                    break;
                }
                digits += usize::from(c.is_numeric());
                end += c.len_utf8();
            }
            at = end;
            if digits >= PHONE_MIN_DIGITS {
                return Some((start, end));
            }
        }
    };
    let mut pending = None;
    std::iter::from_fn(move || {
        let (start, mut end) = pending.take().or_else(&mut next)?;
        while let Some((s, e)) = next() {
            if s - end > MERGE {
                pending = Some((s, e));
                break;
            }
            end = e;
        }
        Some((start, end))
    })
}

/// Not part of a longer token: no letter or digit run, version, or number list around it.
fn isolated(t: &str, start: usize, end: usize) -> bool {
    let mut before = t[..start].chars().rev();
    let ok_before = match before.next() {
        None => true,
        Some(c) if c.is_alphanumeric() && !crate::text::is_cjk(c) => false,
        Some(c) if "_-+#@/=".contains(c) => false,
        Some('.' | ',') => !before.next().is_some_and(|p| p.is_ascii_digit()),
        Some(_) => true,
    };
    let mut after = t[end..].chars();
    let ok_after = match after.next() {
        None => true,
        Some(c) if c.is_alphanumeric() && !crate::text::is_cjk(c) => false,
        Some(c) if "_@".contains(c) => false,
        Some('-' | '.' | '/' | ',') => !after.next().is_some_and(|n| n.is_ascii_digit()),
        Some(_) => true,
    };
    ok_before && ok_after
}

/// A real number's length: NANP 10 digits (11 with the leading 1), Japan 10 or 11 digits
/// domestically, 9 or 10 after +81.
fn phone_digits_ok(number: &str) -> bool {
    let digits = number.chars().filter(char::is_ascii_digit).count();
    let trimmed = number.trim_start_matches(['(', ' ']);
    if trimmed.starts_with("+81") {
        (11..=12).contains(&digits)
    } else if trimmed.starts_with('0') {
        (10..=11).contains(&digits)
    } else if trimmed.starts_with('+') || trimmed.starts_with('1') {
        digits == 11
    } else {
        digits == 10
    }
}

/// The line of `t` around byte `at`, trimmed.
fn line_at(t: &str, at: usize) -> &str {
    let at = at.min(t.len());
    let start = t[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = t[at..].find('\n').map_or(t.len(), |i| at + i);
    t[start..end].trim()
}

/// A line with a quantity of [`BUSINESS_QUANTITY`] or more licences or users.
fn business_quantity(t: &str) -> Option<&str> {
    let big = |s: &str| {
        s.replace(',', "")
            .parse::<u64>()
            .is_ok_and(|n| n >= BUSINESS_QUANTITY)
    };
    let lines = quantity_lines(t);
    // The captures of a pattern over the lines, each with where its line starts in `t`.
    let captures = |pattern: &'static Pattern| {
        lines.iter().flat_map(move |&(start, end)| {
            let line = &t[start..end];
            pattern.on(line).captures_iter(line).map(move |c| (start, c))
        })
    };
    if let Some((start, c)) = captures(&QUANTITY).take(200).find(|(_, c)| big(&c[1])) {
        return c.get(0).map(|m| line_at(t, start + m.start()));
    }
    // "Microsoft 365 licenses" and "up to 5 …" speak of a product or a limit, not a count.
    captures(&LICENCES)
        .take(200)
        .filter_map(|(start, c)| c.get(1).map(|n| (start + n.start(), n.as_str())))
        .find(|&(at, n)| {
            let before = t[..at].trim_end();
            big(n) && !NOT_A_COUNT.iter().any(|w| before.ends_with(w))
        })
        .map(|(at, _)| line_at(t, at))
}

/// Every label and unit [`QUANTITY`] and [`LICENCES`] are written with.
static QUANTITY_WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    let words = [all(|l| l.seat_count_labels), all(|l| l.seat_units)].concat();
    text::phrase_set(&words)
});

/// The lines of `t` (byte ranges without their line end) that hold a label or a unit, in order:
/// a match of [`QUANTITY`] or [`LICENCES`] stays on one line (it spans spaces, never a line
/// end) and holds one, and the patterns look at nothing beyond the line (a word boundary at its
/// start reads a line start as it reads a line end before it). So the regexes run on these lines
/// alone, and a text without such words costs one search for them.
fn quantity_lines(t: &str) -> Vec<(usize, usize)> {
    let mut lines: Vec<(usize, usize)> = Vec::new();
    // A word a match shadows overlaps that match, so it is on its line.
    for m in QUANTITY_WORDS.find_iter(t) {
        if lines.last().is_some_and(|&(_, end)| m.start() < end) {
            continue;
        }
        let start = t[..m.start()].rfind('\n').map_or(0, |i| i + 1);
        let end = t[m.start()..].find('\n').map_or(t.len(), |i| m.start() + i);
        lines.push((start, end));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::AuthStatus;
    use crate::auth::tests::*;
    use crate::reason::Kind;

    /// The genuine mail with each of these texts gives this reason, or does not.
    fn expect_reason(texts: &[&str], id: ReasonId, want: bool) {
        for text in texts {
            assert_eq!(has(&judge_default(&with_text(text)), id), want, "{text}");
        }
    }

    #[test]
    fn disguised_subjects_names_and_bodies() {
        let a = judge_default(&MessageView {
            subject: "\u{13B7}icrosoft の注文 #1234567890 が処理されました".into(),
            ..genuine()
        });
        assert!(has(&a, ReasonId::ConfusableLetters) && a.claims_microsoft);

        let a = judge_default(&MessageView {
            from: Some(mailbox("Micro\u{200B}soft", "billing@example.jp")),
            subject: "Your Micro\u{200B}soft order".into(),
            ..genuine()
        });
        assert_eq!(
            evidence(&a, ReasonId::HiddenCharacters),
            "Your Micro<U+200B>soft order"
        );
        assert!(a.claims_microsoft && has(&a, ReasonId::DisplayNameClaimsMicrosoft));

        let a = judge_default(&with_text(
            "ご注文ありがとうございます。 M\u{E0100}icrosoft Store",
        ));
        assert_eq!(evidence(&a, ReasonId::HiddenCharacters), "M<U+E0100>icrosoft");
        let a = judge_default(&MessageView {
            html_text: "Thanks from Micr\u{43E}soft".into(),
            ..genuine()
        });
        assert_eq!(evidence(&a, ReasonId::ConfusableLetters), "Micr\u{43E}soft");

        let a = judge_default(&genuine());
        assert!(!has(&a, ReasonId::HiddenCharacters) && !has(&a, ReasonId::ConfusableLetters));
    }

    #[test]
    fn phone_numbers_are_found() {
        for (text, number) in [
            ("Call +1 (888) 320-8274 now", "+1 (888) 320-8274"),
            ("Helpline: 1-855-574-9409.", "1-855-574-9409"),
            ("(845) 407-0627", "(845) 407-0627"),
            ("call 888.929.2670 today", "888.929.2670"),
            ("+1 888 929 2670", "+1 888 929 2670"),
            ("電話0120-12-3456まで", "0120-12-3456"),
            ("0120-123-456", "0120-123-456"),
            ("0800-123-4567", "0800-123-4567"),
            ("050-1234-5678", "050-1234-5678"),
            ("TEL:03-1234-5678", "03-1234-5678"),
            ("090ー1234ー5678", "090ー1234ー5678"),
            ("+81 3 1234 5678", "+81 3 1234 5678"),
            ("+81-50-1234-5678", "+81-50-1234-5678"),
            ("(03) 1234-5678", "(03) 1234-5678"),
        ] {
            assert_eq!(find_phone(&text::fold(text)), Some(number), "{text}");
        }
    }

    #[test]
    fn phone_numbers_are_not_confused_with_other_numbers() {
        for text in [
            "注文番号: 1234567890",
            "購入日: 2025-04-12",
            "購入日: 2025/04/12",
            "プロダクトキー: ABCDE-FGHIJ-KLMNO-PQRST-UVWXY",
            "プロダクトキー: VK7JG-NPHTM-C97JM-9MPGT-3V66T",
            "¥21,300",
            "USD 1,059.00",
            "USD 0.00 2025年4月12日",
            "sender IP is 40.107.222.55",
            "05-12-2025",
            "https://example.com/track/888-929-2670",
            "order 12345-678-9012",
            "+1 888 929 26701",
            "version 16.0.18526.20168",
        ] {
            assert_eq!(find_phone(&text::fold(text)), None, "{text}");
        }
    }

    /// The pattern's matches over the whole text.
    fn phone_matches_in_full(t: &str) -> Vec<(usize, usize)> {
        PHONE.on(t).find_iter(t).map(|m| (m.start(), m.end())).collect()
    }

    /// Every character a [`PHONE`] match can hold, told by a class written apart from the
    /// pattern, is one [`in_phone`] takes.
    #[test]
    fn phone_characters_are_in_phone() {
        let class = Regex::new(r"^[\d+()\x20.\-\u{2010}-\u{2014}\u{2212}\u{30FC}]$").unwrap();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if class.is_match(c.encode_utf8(&mut [0; 4])) {
                assert!(in_phone(c), "{c:?}");
            }
        }
    }

    #[test]
    fn phone_matches_far_apart_and_close() {
        let gap = "x".repeat(300);
        for t in [
            format!("call 1-855-574-9409{gap}or 050-1234-5678 x"),
            format!("12-34{gap}0120-12-3456 and 1234567 ٣٣-٣٣٣-٣٣٣٣ +81 3 1234 5678{gap}"),
            format!("(845) 407-0627 a 888.929.2670{gap}"),
            "0120-12-3456".repeat(200),
        ] {
            assert_eq!(phone_matches(&t).collect::<Vec<_>>(), phone_matches_in_full(&t));
        }
    }

    proptest::proptest! {
        #[test]
        fn phone_matches_are_those_of_the_whole_text(
            s in "(0|1|81|888|555|0120|1234|[0-9]{1,4}|[-. ()+]|ー|−|–|‐|\u{a0}|a|/|\n|٣|x|x{300}|é){0,40}"
        ) {
            proptest::prop_assert_eq!(phone_matches(&s).collect::<Vec<_>>(), phone_matches_in_full(&s));
        }
    }

    /// [`business_quantity`] as it read before the lines: both patterns over the whole text.
    fn business_quantity_in_full(t: &str) -> Option<&str> {
        let big = |s: &str| {
            s.replace(',', "")
                .parse::<u64>()
                .is_ok_and(|n| n >= BUSINESS_QUANTITY)
        };
        let plain = crate::lexicon::pattern::is_plain(t);
        if let Some(c) = QUANTITY
            .get(plain)
            .captures_iter(t)
            .take(200)
            .find(|c| big(&c[1]))
        {
            return c.get(0).map(|m| line_at(t, m.start()));
        }
        LICENCES
            .get(plain)
            .captures_iter(t)
            .take(200)
            .filter_map(|c| c.get(1))
            .find(|n| {
                let before = t[..n.start()].trim_end();
                big(n.as_str()) && !NOT_A_COUNT.iter().any(|w| before.ends_with(w))
            })
            .map(|n| line_at(t, n.start()))
    }

    proptest::proptest! {
        #[test]
        fn business_quantities_are_those_of_the_whole_text(
            s in "(qty|quantity|number of users|licenses|seats|user |up to|数量|ライセンス|最大|microsoft|[0-9]{1,3}|,|:|x|×| |-|\\n|a|٣|\u{A0}){0,30}"
        ) {
            proptest::prop_assert_eq!(business_quantity(&s), business_quantity_in_full(&s));
        }
    }

    #[test]
    fn business_quantities_past_many_small_ones() {
        let small = "qty 1\n".repeat(150) + &"2 seats\n".repeat(150);
        for t in [
            small.clone() + "quantity: 12",
            small.clone() + "12 licenses",
            "quantity 3 ".repeat(300) + "qty 9",
            "x\nnumber of users: 7 seats\n".into(),
        ] {
            assert_eq!(business_quantity(&t), business_quantity_in_full(&t), "{t:?}");
        }
    }

    #[test]
    fn full_width_phone_on_a_genuine_sender() {
        let a = judge_default(&with_text(
            "ご不明な点は ０１２０－１２－３４５６ までお電話ください",
        ));
        assert!(a.microsoft_sender && a.status == AuthStatus::Pass);
        assert_eq!(evidence(&a, ReasonId::PhoneNumber), "0120-12-3456");
        assert!(has(&a, ReasonId::CallbackWording));
        assert_eq!(a.reasons[0].id, ReasonId::SenderMicrosoft);
        assert_eq!(a.reasons.last().map(|r| r.id.kind()), Some(Kind::SignOfFake));
    }

    #[test]
    fn callback_and_urgency_wording() {
        expect_reason(
            &[
                "If you did not authorize this purchase, call us",
                "Call to cancel your order",
                "To get a refund contact our support",
                "Toll Free: 1-800",
                "If you didn’t make this purchase",
                "キャンセルをご希望の場合は",
                "返金をご希望の方は",
                "サポートセンターへご連絡ください",
                "お電話ください",
            ],
            ReasonId::CallbackWording,
            true,
        );
        expect_reason(
            &[
                "To cancel, go to account.microsoft.com/services",
                "Thanks for shopping with Microsoft!",
                "購入したダウンロードは今すぐ利用できます",
                "心当たりがない場合は、https://account.live.com/acsr でアカウントを保護してください",
                "If you don't recognize this activity, secure your account",
            ],
            ReasonId::CallbackWording,
            false,
        );
        for text in [
            "Reply within 24 hours",
            "URGENT: your account",
            "24時間以内にご連絡",
            "至急ご確認ください",
            "本日中に",
            "Please call immediately",
        ] {
            let a = judge_default(&with_text(text));
            assert_eq!(evidence(&a, ReasonId::Urgency), text::fold(text).trim(), "{text}");
        }
        expect_reason(
            &[
                "Your downloads are available immediately.",
                "Renewal in 24 months",
            ],
            ReasonId::Urgency,
            false,
        );
    }

    #[test]
    fn every_languages_words_are_matched() {
        for l in LANGUAGES {
            for p in l.callback_phrases {
                assert!(CALLBACK.is_match(p), "{} {p}", l.code);
            }
            for p in l.urgency_phrases {
                assert!(URGENCY.is_match(p), "{} {p}", l.code);
            }
            for label in l.seat_count_labels {
                assert!(
                    business_quantity(&format!("{label}: 10")).is_some(),
                    "{} {label}",
                    l.code
                );
            }
            for unit in l.seat_units {
                assert!(
                    business_quantity(&format!("order of 25 {unit}")).is_some(),
                    "{} {unit}",
                    l.code
                );
            }
            for (limit, unit) in l.seat_limit_words.iter().zip(l.seat_units.iter().cycle()) {
                assert!(
                    business_quantity(&format!("{limit} 25 {unit}")).is_none(),
                    "{} {limit}",
                    l.code
                );
            }
        }
    }

    #[test]
    fn business_quantities() {
        expect_reason(
            &[
                "Quantity: 10",
                "Qty 25 x USD 299.00",
                "数量：２５",
                "Microsoft 365 Business Premium - 50 licenses",
                "Number of users: 12",
            ],
            ReasonId::BusinessQuantity,
            true,
        );
        expect_reason(
            &[
                "Quantity: 1",
                "数量: 1",
                "Microsoft 365 licenses",
                "Office 365 ライセンス",
                "Use on up to 5 licenses",
                "Quantity\n12345",
            ],
            ReasonId::BusinessQuantity,
            false,
        );
    }
}
