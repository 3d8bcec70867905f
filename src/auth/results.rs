//! Authentication-Results and ARC-Authentication-Results: parsing the fields, and which block of
//! them to trust (only the receiving provider's own).

use std::borrow::Cow;
use std::ops::Range;

use super::{AuthStatus, Findings, Trust};
use crate::address::on_suffix;
use crate::lexicon::microsoft::MICROSOFT_ARC_ID;
use crate::lexicon::providers::TRUSTED_AUTHSERV;
use crate::reason::ReasonId;
use crate::view::AuthField;

/// One method result (`dkim=pass header.d=microsoft.com`), of the [`AUTH_METHODS`] only: no
/// other is read.
#[derive(Debug)]
struct MethodResult {
    /// One of [`AUTH_METHODS`].
    method: &'static str,
    /// Lowercased; one of [`KNOWN_RESULTS`] is borrowed.
    result: Cow<'static, str>,
    /// Where the result stands in its field's [`AuthResults::value`]: its properties are read
    /// only for a summary (a skipped mail's status needs none).
    segment: Range<usize>,
}

impl MethodResult {
    /// The property shown as evidence (`header.d=microsoft.com`, white space around `=`
    /// dropped): the first named by the most preferred of [`AUTH_PROPS`], its value lowercased.
    /// Only that value is: a result's other properties are passed over uncopied.
    fn shown_prop(&self, value: &str) -> Option<(&'static str, String)> {
        let segment = tight_equals(&value[self.segment.clone()]);
        let mut shown: Option<(usize, &str)> = None;
        for (k, v) in split_unquoted_ws(&segment)
            .skip(1)
            .filter_map(|t| t.split_once('='))
        {
            let rank = AUTH_PROPS.iter().position(|p| k.eq_ignore_ascii_case(p));
            if let Some(rank) = rank
                && shown.is_none_or(|(best, _)| rank < best)
            {
                shown = Some((rank, v));
            }
        }
        shown.map(|(rank, v)| (AUTH_PROPS[rank], v.trim_matches('"').to_lowercase()))
    }
}

/// One parsed Authentication-Results field.
#[derive(Debug)]
struct AuthResults<'a> {
    /// An `ARC-Authentication-Results` field.
    arc: bool,
    /// The authserv-id, lowercased; `None` when the value starts with a result (Outlook).
    id: Option<String>,
    /// The value, comments dropped (the field's own when it has none).
    value: Cow<'a, str>,
    results: Vec<MethodResult>,
}

/// The receiving provider that wrote a field.
#[derive(Debug, PartialEq, Eq)]
enum Provider {
    /// Outlook.com / Microsoft 365: results without an authserv-id (with `compauth`), and the ARC
    /// set it seals on top with `mx.microsoft.com`.
    Microsoft,
    /// Any other trusted authserv-id, as written.
    Named(String),
}

/// Methods the verdict and the evidence speak of.
const AUTH_METHODS: &[&str] = &["spf", "dkim", "dmarc", "compauth"];

/// The results fields write most, lowercase: one of these is borrowed, not copied, as a result
/// is of every method of every skipped mail.
const KNOWN_RESULTS: &[&str] = &[
    "pass",
    "fail",
    "softfail",
    "none",
    "neutral",
    "temperror",
    "permerror",
    "bestguesspass",
];

/// Properties worth showing as evidence, by preference.
const AUTH_PROPS: &[&str] = &["header.from", "header.d", "header.i", "smtp.mailfrom"];

impl<'a> AuthResults<'a> {
    fn parse(field: &'a AuthField) -> AuthResults<'a> {
        let value = strip_comments(&field.value);
        let mut segments = split_unquoted(&value, b';').map(str::trim).peekable();
        // ARC fields start with the instance `i=N;`.
        if segments.peek().is_some_and(|s| is_arc_instance(s)) {
            segments.next();
        }
        let mut id = None;
        if let Some(first) = segments.peek()
            && !first.contains('=')
        {
            id = first.split_whitespace().next().map(str::to_lowercase);
            segments.next();
        }
        let results = segments
            .filter_map(|segment| {
                let (method, result) = parse_method(segment)?;
                // The segment is a slice of the value.
                let start = segment.as_ptr().addr() - value.as_ptr().addr();
                Some(MethodResult {
                    method,
                    result,
                    segment: start..start + segment.len(),
                })
            })
            .collect();
        AuthResults {
            arc: field.arc,
            id,
            value,
            results,
        }
    }

    fn results_of<'s>(&'s self, method: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.results
            .iter()
            .filter(move |r| r.method == method)
            .map(|r| &*r.result)
    }

    fn any(&self, method: &str, values: &[&str]) -> bool {
        self.results_of(method).any(|r| values.contains(&r))
    }

    /// Outlook.com / Microsoft 365 write no authserv-id but always a compauth result.
    fn is_microsoft_unnamed(&self) -> bool {
        self.id.is_none() && self.results_of("compauth").next().is_some()
    }

    /// The trusted provider that wrote this field, if any.
    fn provider(&self, trust: &Trust) -> Option<Provider> {
        match &self.id {
            None => self.is_microsoft_unnamed().then_some(Provider::Microsoft),
            Some(id) if self.arc && id == MICROSOFT_ARC_ID => Some(Provider::Microsoft),
            Some(id) => {
                let trusted = TRUSTED_AUTHSERV.iter().any(|s| on_suffix(id, s))
                    || trust
                        .authserv_ids
                        .iter()
                        .any(|t| t.trim().eq_ignore_ascii_case(id));
                trusted.then(|| Provider::Named(id.clone()))
            }
        }
    }
}

/// The receiving provider's own block: the top-most field and, when that is the provider's ARC
/// set, the Authentication-Results the same provider wrote right below it (Outlook.com puts
/// `ARC-Authentication-Results: i=1; mx.microsoft.com …` above its own results; Gmail its
/// `mx.google.com` ARC set above its own). Empty when the top-most field is from no trusted
/// provider. Anything further down may have come with the mail.
struct Block<'a> {
    fields: Vec<AuthResults<'a>>,
    /// The first field below the block (or the untrusted top-most one), to name as ignored: read
    /// only for the reasons, which a skipped mail's status does without.
    ignored: Option<&'a AuthField>,
}

impl<'a> Block<'a> {
    fn of(fields: &'a [AuthField], trust: &Trust) -> Block<'a> {
        let Some(top) = fields.first() else {
            return Block {
                fields: Vec::new(),
                ignored: None,
            };
        };
        let parsed = AuthResults::parse(top);
        let Some(provider) = parsed.provider(trust) else {
            return Block {
                fields: Vec::new(),
                ignored: Some(top),
            };
        };
        let mut block = vec![parsed];
        let mut next = fields.get(1);
        if block[0].arc
            && let Some(below) = next.map(AuthResults::parse)
            && !below.arc
            && below.provider(trust).as_ref() == Some(&provider)
        {
            block.push(below);
            next = fields.get(2);
        }
        Block {
            fields: block,
            ignored: next,
        }
    }

    /// Failed if any of the provider's own results failed; passed if one passed and none failed.
    fn status(&self) -> AuthStatus {
        let statuses: Vec<AuthStatus> = self.fields.iter().map(AuthResults::status).collect();
        AuthStatus::of(
            statuses.contains(&AuthStatus::Fail),
            statuses.contains(&AuthStatus::Pass),
        )
    }

    fn summary(&self) -> String {
        let parts: Vec<String> = self.fields.iter().map(AuthResults::summary).collect();
        parts.join(" + ")
    }
}

impl AuthStatus {
    /// A failure outweighs any pass.
    fn of(failed: bool, passed: bool) -> AuthStatus {
        if failed {
            AuthStatus::Fail
        } else if passed {
            AuthStatus::Pass
        } else {
            AuthStatus::None
        }
    }
}

impl AuthResults<'_> {
    fn status(&self) -> AuthStatus {
        let failed = self.any("dmarc", &["fail"])
            || self.any("spf", &["fail", "softfail"])
            || self.any("dkim", &["fail"])
            || self.any("compauth", &["fail"]);
        let passed = self.any("dmarc", &["pass"])
            || self.any("compauth", &["pass"])
            || (self.any("spf", &["pass"]) && self.any("dkim", &["pass"]));
        AuthStatus::of(failed, passed)
    }

    /// `mx.google.com; spf=pass smtp.mailfrom=microsoft.com; dkim=pass header.d=…`.
    fn summary(&self) -> String {
        let id = match (&self.id, self.is_microsoft_unnamed()) {
            (Some(id), _) => id.clone(),
            (None, true) => "(Microsoft, no authserv-id)".to_owned(),
            (None, false) => "(no authserv-id)".to_owned(),
        };
        let id = if self.arc { format!("ARC {id}") } else { id };
        let mut parts = vec![id];
        for r in &self.results {
            let prop = r
                .shown_prop(&self.value)
                .map(|(k, v)| format!(" {k}={v}"))
                .unwrap_or_default();
            parts.push(format!("{}={}{prop}", r.method, r.result));
        }
        if parts.len() == 1 {
            parts.push("no results".to_owned());
        }
        parts.join("; ")
    }
}

/// `i=N`, white space anywhere ignored; read on the segment, no copy made, as it is for every
/// field of every mail.
fn is_arc_instance(segment: &str) -> bool {
    let mut compact = segment.chars().filter(|c| !c.is_whitespace());
    let mut digits = 0;
    compact.next() == Some('i')
        && compact.next() == Some('=')
        && compact.all(|c| {
            digits += 1;
            c.is_ascii_digit()
        })
        && digits > 0
}

/// `spf=pass smtp.mailfrom=microsoft.com` → method and result; None for a method not in
/// [`AUTH_METHODS`]. Spaces around `=` and a method version (`dkim/1=pass`) are allowed.
fn parse_method(segment: &str) -> Option<(&'static str, Cow<'static, str>)> {
    // The method starts the (trimmed) segment, white space only ever dropped after it: one
    // that starts with no method read is passed over before it is taken apart.
    let starts_known = |m: &&str| segment.get(..m.len()).is_some_and(|p| p.eq_ignore_ascii_case(m));
    if !AUTH_METHODS.iter().any(starts_known) {
        return None;
    }
    let first = first_piece(segment);
    let (method, result) = first.split_once('=')?;
    let method = method.split('/').next().unwrap_or("").trim();
    let method = AUTH_METHODS.iter().find(|m| m.eq_ignore_ascii_case(method))?;
    let result = result.trim_matches('"');
    // A known result equal but for ASCII case is the lowercased one.
    let result = match KNOWN_RESULTS.iter().find(|k| k.eq_ignore_ascii_case(result)) {
        Some(known) => Cow::Borrowed(*known),
        None => Cow::Owned(result.to_ascii_lowercase()),
    };
    Some((method, result))
}

/// The first piece of a trimmed segment with white space around each `=` dropped
/// ([`tight_equals`]), split at white space outside double quotes ([`split_unquoted_ws`]), read
/// on the segment itself: the piece ends at the first run of white space outside quotes with no
/// `=` next to it (the others are dropped), and only the piece before it is tightened. A status
/// reads this piece alone, of every result of every skipped mail.
fn first_piece(segment: &str) -> Cow<'_, str> {
    let (mut quoted, mut spaced) = (false, false);
    let mut at = 0;
    let end = loop {
        let Some(c) = segment[at..].chars().next() else {
            break segment.len();
        };
        if c == '"' {
            quoted = !quoted;
        } else if c.is_whitespace() {
            let run_end = segment.len() - segment[at..].trim_start().len();
            if !quoted && !segment[..at].ends_with('=') && !segment[run_end..].starts_with('=') {
                break at;
            }
            // Tightened with the piece, wherever it stands (quoted white space too); a piece
            // with none is its own tightening, and is borrowed.
            spaced = true;
            at = run_end;
            continue;
        }
        at += c.len_utf8();
    };
    let piece = &segment[..end];
    if spaced {
        tight_equals(piece)
    } else {
        Cow::Borrowed(piece)
    }
}

/// White space around each `=` dropped (what `\s*=\s*` → `=` does; read by hand, since it runs
/// on every result of every skipped mail).
fn tight_equals(segment: &str) -> Cow<'_, str> {
    if !segment.contains('=') {
        return Cow::Borrowed(segment);
    }
    let mut out = String::with_capacity(segment.len());
    for (i, piece) in segment.split('=').enumerate() {
        let piece = if i == 0 { piece } else { piece.trim_start() };
        if i > 0 {
            out.truncate(out.trim_end().len());
            out.push('=');
        }
        out.push_str(piece);
    }
    Cow::Owned(out)
}

/// Drop RFC 5322 comments (nested parentheses), keeping quoted strings intact. Runs of other
/// bytes are copied whole: the value of every skipped mail's fields is read.
fn strip_comments(s: &str) -> Cow<'_, str> {
    let bytes = s.as_bytes();
    let Some(first) = memchr::memchr3(b'(', b'"', b'\\', bytes) else {
        return Cow::Borrowed(s);
    };
    let mut out = Vec::with_capacity(s.len());
    let (mut depth, mut quoted) = (0usize, false);
    let mut at = first;
    // The next backslash, searched again only once passed: searching it for every run would
    // read to the end of the value each time.
    let mut backslash = memchr::memchr(b'\\', bytes);
    out.extend_from_slice(&bytes[..at]);
    while at < bytes.len() {
        let b = bytes[at];
        let keep = depth == 0;
        match b {
            // An escape keeps the character after it as it is (kept or dropped with it).
            b'\\' if quoted || depth > 0 => {
                let next = at + 1 + s[at + 1..].chars().next().map_or(0, char::len_utf8);
                if keep {
                    out.extend_from_slice(&bytes[at..next]);
                }
                at = next;
                continue;
            }
            b'"' if depth == 0 => {
                quoted = !quoted;
                out.push(b);
            }
            b'(' if !quoted => depth = depth.saturating_add(1),
            b')' if !quoted && depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push(b' ');
                }
            }
            _ => {
                // Up to the next byte that can change the state, kept or dropped whole.
                if backslash.is_some_and(|b| b <= at) {
                    backslash = memchr::memchr(b'\\', &bytes[at + 1..]).map(|n| at + 1 + n);
                }
                let run = memchr::memchr3(b'(', b')', b'"', &bytes[at + 1..])
                    .map(|n| at + 1 + n)
                    .into_iter()
                    .chain(backslash)
                    .min()
                    .unwrap_or(bytes.len());
                if keep {
                    out.extend_from_slice(&bytes[at..run]);
                }
                at = run;
                continue;
            }
        }
        at += 1;
    }
    // Only whole characters were copied or dropped: the cuts are all at ASCII bytes.
    Cow::Owned(String::from_utf8(out).unwrap_or_default())
}

/// Split on `sep` (ASCII) outside double quotes; read as far as the parts are taken, with no
/// list of them made.
fn split_unquoted(s: &str, sep: u8) -> impl Iterator<Item = &str> {
    let mut seps = memchr::memchr2_iter(sep, b'"', s.as_bytes());
    let (mut start, mut quoted, mut done) = (0, false, false);
    std::iter::from_fn(move || {
        for at in seps.by_ref() {
            if s.as_bytes()[at] == b'"' {
                quoted = !quoted;
            } else if !quoted {
                let part = &s[start..at];
                start = at + 1;
                return Some(part);
            }
        }
        // The rest, once.
        (!std::mem::replace(&mut done, true)).then(|| &s[start..])
    })
}

/// Split on white space outside double quotes, dropping empty pieces; read only as far as the
/// pieces are taken (a status needs the first alone).
fn split_unquoted_ws(s: &str) -> impl Iterator<Item = &str> {
    let mut chars = s.char_indices();
    let (mut start, mut quoted, mut done) = (0, false, false);
    std::iter::from_fn(move || {
        for (at, c) in chars.by_ref() {
            if c == '"' {
                quoted = !quoted;
            } else if c.is_whitespace() && !quoted {
                let piece = &s[start..at];
                start = at + c.len_utf8();
                return Some(piece);
            }
        }
        // The rest, once.
        (!std::mem::replace(&mut done, true)).then(|| &s[start..])
    })
    .filter(|p| !p.is_empty())
}

/// The trusted authentication verdict alone, for messages the first look skips: the same
/// provider block as [`judge`](super::judge) reads; no reasons are written.
pub fn trusted_status(fields: &[AuthField], trust: &Trust) -> AuthStatus {
    Block::of(fields, trust).status()
}

/// Only the receiving provider's own block can be trusted: anything below it may have come with
/// the mail (a forged `dmarc=pass` under the provider's `dmarc=fail` is a known trick).
pub(super) fn auth_reasons(fields: &[AuthField], trust: &Trust, found: &mut Findings) -> AuthStatus {
    if fields.is_empty() {
        found.add(ReasonId::AuthMissing, "no Authentication-Results");
        return AuthStatus::None;
    }
    let block = Block::of(fields, trust);
    let status = block.status();
    match status {
        AuthStatus::Pass => found.add(ReasonId::AuthPass, block.summary()),
        AuthStatus::Fail => found.add(ReasonId::AuthFail, block.summary()),
        AuthStatus::None if !block.fields.is_empty() => found.add(ReasonId::AuthMissing, block.summary()),
        AuthStatus::None => {
            let top = block
                .ignored
                .map(|field| AuthResults::parse(field).summary())
                .unwrap_or_default();
            found.add(ReasonId::AuthMissing, format!("untrusted: {top}"));
        }
    }
    if let Some(ignored) = block.ignored {
        found.add(
            ReasonId::AuthUntrustedIgnored,
            AuthResults::parse(ignored).summary(),
        );
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The character-by-character reading the byte one replaced, kept to test it against.
    fn strip_comments_by_char(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
        for c in s.chars() {
            if escaped {
                escaped = false;
                if depth == 0 {
                    out.push(c);
                }
                continue;
            }
            match c {
                '\\' if quoted || depth > 0 => {
                    escaped = true;
                    if depth == 0 {
                        out.push(c);
                    }
                }
                '"' if depth == 0 => {
                    quoted = !quoted;
                    out.push(c);
                }
                '(' if !quoted => depth = depth.saturating_add(1),
                ')' if !quoted && depth > 0 => {
                    depth -= 1;
                    if depth == 0 {
                        out.push(' ');
                    }
                }
                _ if depth == 0 => out.push(c),
                _ => {}
            }
        }
        out
    }

    /// `s` cut at every character `sep` takes outside double quotes, read a character at a time.
    fn split_by_char(s: &str, sep: impl Fn(char) -> bool) -> Vec<&str> {
        let mut pieces = Vec::new();
        let (mut start, mut quoted) = (0, false);
        for (at, c) in s.char_indices() {
            if c == '"' {
                quoted = !quoted;
            } else if sep(c) && !quoted {
                pieces.push(&s[start..at]);
                start = at + c.len_utf8();
            }
        }
        pieces.push(&s[start..]);
        pieces
    }

    /// Every property of a result, names and values lowercased, and the first of the most
    /// preferred name among them: [`MethodResult::shown_prop`] as it read before.
    fn shown_prop_of_all(segment: &str) -> Option<(String, String)> {
        let props: Vec<(String, String)> = split_unquoted_ws(&tight_equals(segment))
            .skip(1)
            .filter_map(|t| t.split_once('='))
            .map(|(k, v)| (k.to_ascii_lowercase(), v.trim_matches('"').to_lowercase()))
            .collect();
        AUTH_PROPS
            .iter()
            .find_map(|p| props.iter().find(|(k, _)| k == p))
            .cloned()
    }

    proptest::proptest! {
        #[test]
        fn shown_prop_is_the_preferred_one(
            s in "(dkim|spf|=| |\"|pass|header\\.[dDiI]|header\\.From|smtp\\.mailfrom|Microsoft\\.COM|x|Ü){0,16}"
        ) {
            let r = MethodResult { method: "dkim", result: Cow::Borrowed(""), segment: 0..s.len() };
            proptest::prop_assert_eq!(
                r.shown_prop(&s).map(|(k, v)| (k.to_owned(), v)),
                shown_prop_of_all(&s)
            );
        }

        #[test]
        fn strip_comments_reads_as_by_char(s in "[a()\"\\\\;= é漢]{0,32}") {
            proptest::prop_assert_eq!(strip_comments(&s), strip_comments_by_char(&s));
        }

        #[test]
        fn first_piece_is_that_of_the_tightened_segment(s in "[a=\" \t\u{a0}é/;]{0,24}") {
            let s = s.trim();
            let tightened = tight_equals(s);
            let by_tightening = split_unquoted_ws(&tightened).next().unwrap_or("");
            proptest::prop_assert_eq!(first_piece(s), by_tightening);
        }

        #[test]
        fn arc_instance_is_i_and_digits_once_compact(s in "[i= \t1é]{0,8}") {
            let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            let expected = compact
                .strip_prefix("i=")
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            proptest::prop_assert_eq!(is_arc_instance(&s), expected);
        }

        #[test]
        fn split_unquoted_splits_as_by_char(s in "[a;\" é]{0,24}") {
            proptest::prop_assert_eq!(split_unquoted(&s, b';').collect::<Vec<_>>(), split_by_char(&s, |c| c == ';'));
        }

        #[test]
        fn split_unquoted_ws_splits_as_by_char(s in "[a\" \t\u{a0}é]{0,24}") {
            let mut by_char = split_by_char(&s, char::is_whitespace);
            by_char.retain(|p| !p.is_empty());
            proptest::prop_assert_eq!(split_unquoted_ws(&s).collect::<Vec<_>>(), by_char);
        }

        /// The hand squeeze of white space around `=` is the regex replacement it replaces.
        #[test]
        fn tight_equals_is_the_regex_replacement(segment in "[a= \t\u{a0}\u{3000}\"b.\n]{0,24}") {
            let regex = regex::Regex::new(r"\s*=\s*").unwrap();
            proptest::prop_assert_eq!(tight_equals(&segment), regex.replace_all(&segment, "="));
        }
    }
    use crate::auth::judge;
    use crate::auth::tests::*;
    use crate::view::MessageView;

    /// The genuine mail's status under one Authentication-Results field.
    fn status_of(value: &str) -> AuthStatus {
        judge_default(&MessageView {
            auth: vec![ar(value)],
            ..genuine()
        })
        .status
    }

    #[test]
    fn forged_pass_below_failing_result_does_not_count() {
        let v = MessageView {
            auth: vec![
                ar(
                    "mx.google.com; spf=softfail smtp.mailfrom=evil.example; dkim=none; \
                    dmarc=fail (p=REJECT) header.from=microsoft.com",
                ),
                ar("mx.google.com; spf=pass smtp.mailfrom=microsoft.com; dkim=pass \
                    header.d=microsoft.com; dmarc=pass header.from=microsoft.com"),
            ],
            ..genuine()
        };
        let a = judge_default(&v);
        assert_eq!(a.status, AuthStatus::Fail);
        assert!(has(&a, ReasonId::AuthFail) && has(&a, ReasonId::AuthUntrustedIgnored));
        assert!(!has(&a, ReasonId::AuthPass));
        assert!(evidence(&a, ReasonId::AuthFail).contains("dmarc=fail"));
    }

    #[test]
    fn trusted_status_agrees_with_the_reasons() {
        let forged = ar("evil.example; dmarc=pass header.from=microsoft.com");
        let fail = GMAIL_PASS.replace("dmarc=pass", "dmarc=fail");
        let cases: [Vec<AuthField>; 5] = [
            vec![],
            vec![ar(GMAIL_PASS)],
            vec![ar(&fail), ar(GMAIL_PASS)],
            vec![forged],
            vec![ar(OUTLOOK_PASS)],
        ];
        for fields in cases {
            let full = auth_reasons(&fields, &Trust::default(), &mut Findings::default());
            assert_eq!(trusted_status(&fields, &Trust::default()), full, "{fields:?}");
        }
    }

    #[test]
    fn outlook_results_without_authserv_id() {
        let v = MessageView {
            auth: vec![ar(OUTLOOK_PASS)],
            ..genuine()
        };
        let a = judge_default(&v);
        assert_eq!(a.status, AuthStatus::Pass);
        assert!(evidence(&a, ReasonId::AuthPass).contains("Microsoft"));
        assert!(!has(&a, ReasonId::AuthUntrustedIgnored));

        let failing = OUTLOOK_PASS
            .replace("compauth=pass", "compauth=fail")
            .replace("dmarc=pass", "dmarc=none");
        let a = judge_default(&MessageView {
            auth: vec![ar(&failing)],
            ..genuine()
        });
        assert_eq!(a.status, AuthStatus::Fail);

        // No authserv-id and no compauth: nobody we know wrote it.
        let a = judge_default(&MessageView {
            auth: vec![ar("spf=pass smtp.mailfrom=microsoft.com; dmarc=pass")],
            ..genuine()
        });
        assert_eq!(a.status, AuthStatus::None);
        assert!(has(&a, ReasonId::AuthUntrustedIgnored) && has(&a, ReasonId::AuthMissing));
    }

    fn arc(value: &str) -> AuthField {
        AuthField {
            arc: true,
            value: value.into(),
        }
    }

    const MS_ARC_PASS: &str = "i=1; mx.microsoft.com 1; spf=pass (sender ip is 52.101.1.2) \
        smtp.rcpttodomain=outlook.jp smtp.mailfrom=microsoft.com; dmarc=pass (p=reject sp=reject \
        pct=100) action=none header.from=microsoft.com; dkim=pass (signature was verified) \
        header.d=microsoft.com; arc=none (0)";

    #[test]
    fn microsoft_hosted_mailboxes_read_the_arc_set_and_the_results_below() {
        let status = |fields: Vec<AuthField>| {
            let a = judge_default(&MessageView {
                auth: fields.clone(),
                ..genuine()
            });
            assert_eq!(trusted_status(&fields, &Trust::default()), a.status, "{fields:?}");
            a
        };
        // Genuine: ARC on top, unnamed results with compauth right below.
        let a = status(vec![arc(MS_ARC_PASS), ar(OUTLOOK_PASS)]);
        assert_eq!(a.status, AuthStatus::Pass);
        assert!(evidence(&a, ReasonId::AuthPass).starts_with("ARC mx.microsoft.com; spf=pass"));
        assert!(evidence(&a, ReasonId::AuthPass).contains("(Microsoft, no authserv-id)"));
        assert!(!has(&a, ReasonId::AuthUntrustedIgnored));
        // Forged: either of the provider's own results failing fails.
        for comp in ["fail reason=000", "softpass reason=201", "none reason=451"] {
            let failing = OUTLOOK_PASS
                .replace("dmarc=pass action=none", "dmarc=fail action=oreject")
                .replace("compauth=pass reason=100", &format!("compauth={comp}"));
            let a = status(vec![
                arc(&MS_ARC_PASS.replace("dmarc=pass", "dmarc=fail")),
                ar(&failing),
            ]);
            assert_eq!(a.status, AuthStatus::Fail, "{comp}");
            let a = status(vec![arc(MS_ARC_PASS), ar(&failing)]);
            assert_eq!(a.status, AuthStatus::Fail, "{comp}");
        }
        // ARC alone (results dropped by the client) still counts; a forged pass below the block
        // does not.
        assert_eq!(status(vec![arc(MS_ARC_PASS)]).status, AuthStatus::Pass);
        let forged = "mx.microsoft.com; dmarc=pass header.from=microsoft.com";
        let a = status(vec![
            arc(&MS_ARC_PASS.replace("dmarc=pass", "dmarc=fail")),
            ar(&OUTLOOK_PASS.replace("compauth=pass", "compauth=fail")),
            ar(forged),
        ]);
        assert_eq!(a.status, AuthStatus::Fail);
        assert!(evidence(&a, ReasonId::AuthUntrustedIgnored).starts_with("mx.microsoft.com"));
        // Plain results naming mx.microsoft.com are no provider's; nor is an ARC set lower down.
        assert_eq!(status(vec![ar(forged)]).status, AuthStatus::None);
        let fail = GMAIL_PASS.replace("dmarc=pass", "dmarc=fail");
        assert_eq!(status(vec![ar(&fail), arc(MS_ARC_PASS)]).status, AuthStatus::Fail);
        // Only the provider's own results join its ARC set: another id right below does not.
        let a = status(vec![arc(MS_ARC_PASS), ar(&fail)]);
        assert_eq!(a.status, AuthStatus::Pass);
        assert!(has(&a, ReasonId::AuthUntrustedIgnored));
    }

    #[test]
    fn gmail_arc_sets_join_gmail_results() {
        let fields = vec![
            arc(&format!("i=1; {GMAIL_PASS}")),
            ar(&GMAIL_PASS.replace("dmarc=pass", "dmarc=fail")),
        ];
        assert_eq!(trusted_status(&fields, &Trust::default()), AuthStatus::Fail);
        // Microsoft's ARC i=2 over Gmail's forwarded i=1: the lower set is ignored.
        let fields = vec![
            arc(&MS_ARC_PASS.replace("i=1", "i=2")),
            ar(OUTLOOK_PASS),
            arc(&format!(
                "i=1; {}",
                GMAIL_PASS.replace("dmarc=pass", "dmarc=fail")
            )),
        ];
        assert_eq!(trusted_status(&fields, &Trust::default()), AuthStatus::Pass);
    }

    #[test]
    fn untrusted_top_most_is_ignored_unless_trusted_by_the_user() {
        let v = MessageView {
            auth: vec![ar("spam-filter.example.jp; dmarc=pass header.from=microsoft.com")],
            ..genuine()
        };
        let a = judge_default(&v);
        assert_eq!(a.status, AuthStatus::None);
        assert!(has(&a, ReasonId::AuthUntrustedIgnored) && has(&a, ReasonId::AuthMissing));
        assert!(
            evidence(&a, ReasonId::AuthUntrustedIgnored).starts_with("spam-filter.example.jp; dmarc=pass")
        );

        let trust = Trust {
            authserv_ids: vec!["Spam-Filter.Example.JP".into()],
        };
        let a = judge(&v, false, &trust);
        assert_eq!(a.status, AuthStatus::Pass);
        assert!(has(&a, ReasonId::AuthPass) && !has(&a, ReasonId::AuthUntrustedIgnored));
        // Exact only: a sub-domain of a user-trusted id is not trusted.
        let sub = MessageView {
            auth: vec![ar("x.spam-filter.example.jp; dmarc=pass")],
            ..genuine()
        };
        assert_eq!(judge(&sub, false, &trust).status, AuthStatus::None);
    }

    #[test]
    fn built_in_providers_match_on_label_boundaries() {
        let status = |id: &str| status_of(&format!("{id}; dmarc=pass"));
        for id in [
            "mx.google.com",
            "mta4463.mail.bf1.yahoo.com",
            "mx.yahoo.co.jp",
            "mx01.mail.icloud.com",
            "docomo.ne.jp",
            "mx.ezweb.ne.jp",
            "i.softbank.jp",
            "mx.nifty.com",
            "mx.biglobe.ne.jp",
            "mx.ocn.ne.jp",
            "so-net.ne.jp",
            "mx6.messagingengine.com",
            "mail.protonmail.ch",
            "tyapr01mb1234.jpnprd01.prod.outlook.com",
            "MX.Google.Com 1",
        ] {
            assert_eq!(status(id), AuthStatus::Pass, "{id}");
        }
        for id in [
            "evilyahoo.com",
            "google.com",
            "mx.google.com.example.jp",
            "notdocomo.ne.jp",
            "mx.microsoft.com",
        ] {
            assert_eq!(status(id), AuthStatus::None, "{id}");
        }
    }

    #[test]
    fn verdict_from_methods() {
        let status = |r: &str| status_of(&format!("mx.google.com; {r}"));
        assert_eq!(status("spf=pass; dkim=pass"), AuthStatus::Pass);
        assert_eq!(status("spf=pass; dkim=none; dmarc=none"), AuthStatus::None);
        assert_eq!(status("spf=softfail; dmarc=pass"), AuthStatus::Fail);
        assert_eq!(status("dkim/1 = fail; dmarc=pass"), AuthStatus::Fail);
        assert_eq!(
            status("spf=pass (a; dmarc=fail) smtp.mailfrom=x; dmarc=pass"),
            AuthStatus::Pass
        );
        assert_eq!(status("none"), AuthStatus::None);
        let a = judge_default(&MessageView {
            auth: vec![ar("mx.google.com; spf=neutral")],
            ..genuine()
        });
        assert!(has(&a, ReasonId::AuthMissing) && !has(&a, ReasonId::AuthUntrustedIgnored));
    }
}
