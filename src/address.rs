//! Addresses, domains and hosts: the one place that takes an address apart (addr-spec, local
//! part, domain) or finds the host of a URL. Every input is hostile mail: nothing here panics,
//! and what can't be found is empty (or `None`), never a guess.

/// An address as written in a header (`<Billing@Example.JP>`, ` a@b `), trimmed of white space
/// and angle brackets, lowercased.
pub fn addr_spec(written: &str) -> String {
    written.trim().trim_matches(['<', '>']).trim().to_lowercase()
}

/// The local part of an address, lowercased; the whole address when it has no `@`.
pub fn local_part(addr: &str) -> String {
    let addr = addr.trim().trim_matches(['<', '>']).trim();
    addr.rsplit_once('@')
        .map_or(addr, |(local, _)| local)
        .to_ascii_lowercase()
}

/// The domain of an address, lowercased, without a trailing dot (`a@Example.JP.` gives
/// `example.jp`); empty when there is none.
pub fn domain(addr: &str) -> String {
    addr.trim()
        .trim_matches(['<', '>'])
        .rsplit_once('@')
        .map(|(_, d)| d.trim().trim_end_matches('.').to_ascii_lowercase())
        .unwrap_or_default()
}

/// Registrable domain (eTLD+1) of a host, lowercased: `mail.microsoft.com.example.jp` gives
/// `example.jp`. Falls back to the host itself when the suffix list does not know it.
pub fn registrable_domain(host: &str) -> String {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    psl::domain_str(&host).map_or_else(|| host.clone(), str::to_owned)
}

/// The address a line of display text names (`Microsoft <a@b.example>`, `a@b.example`,
/// `Microsoft [mailto:a@b.example]`), as written. The one in angle or square brackets wins: a
/// display name may itself look like an address (`"billing@microsoft.com" <x@evil.example>`).
pub fn find_addr_spec(text: &str) -> Option<&str> {
    let bracketed = memchr::memrchr2(b'<', b'[', text.as_bytes()).and_then(|at| first_addr_spec(&text[at..]));
    bracketed.or_else(|| first_addr_spec(text))
}

/// The first match of `[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}` in `text`, found
/// without a regex (its setup costs more than these short lines): the first `@` with local-part
/// characters right before it and, in the run of domain characters after it, a dot that has one
/// of them before it and two letters after it. The match runs from the start of the local part
/// to the letters after the last such dot (the regex's `+` is greedy). Each `@` ends the runs
/// around the ones before it, so every byte is read at most twice.
fn first_addr_spec(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let local = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-');
    let in_domain = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-');
    let letters = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .count()
    };
    memchr::memchr_iter(b'@', bytes).find_map(|at| {
        let start = bytes[..at].iter().rposition(|&b| !local(b)).map_or(0, |i| i + 1);
        let domain_end = at + 1 + bytes[at + 1..].iter().take_while(|&&b| in_domain(b)).count();
        let dot = (at + 2..domain_end)
            .rev()
            .find(|&dot| bytes[dot] == b'.' && letters(dot + 1) >= 2)?;
        (start < at).then(|| &text[start..dot + 1 + letters(dot + 1)])
    })
}

/// Host of a URL, lowercased, without user info or port; `None` for non-web links.
pub fn url_host(url: &str) -> Option<String> {
    let url = url.trim();
    let scheme_end = url.find("://")?;
    if !matches!(url[..scheme_end].to_ascii_lowercase().as_str(), "http" | "https") {
        return None;
    }
    let host = host_of(&url[scheme_end + 3..])?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// The host of what follows a URL's `scheme://`, or of a bare host name with a path
/// (`user@host:port/path?query` gives `host`), as written.
pub fn host_of(authority_and_path: &str) -> Option<&str> {
    let authority = authority_and_path.split(['/', '?', '#']).next()?;
    authority.rsplit('@').next()?.split(':').next()
}

/// `host` is `suffix` or ends with `.suffix` (a label boundary: `evilyahoo.com` is not under
/// `yahoo.com`).
pub fn on_suffix(host: &str, suffix: &str) -> bool {
    host == suffix || host.strip_suffix(suffix).is_some_and(|rest| rest.ends_with('.'))
}

/// A host with its `xn--` labels decoded to Unicode; undecodable labels stay as they are.
pub fn host_unicode(host: &str) -> String {
    if !host.to_ascii_lowercase().contains("xn--") {
        return host.to_owned();
    }
    // A label that is not valid punycode stays as written (idna reports the error per host).
    let (unicode, _errors) = idna::domain_to_unicode(host);
    unicode
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrable() {
        assert_eq!(registrable_domain("mail.Microsoft.com.example.jp."), "example.jp");
        assert_eq!(registrable_domain("microsoft.com"), "microsoft.com");
        assert_eq!(registrable_domain("az.japaneast.microsoft.com"), "microsoft.com");
    }

    #[test]
    fn addr_specs_and_local_parts() {
        // (as written, addr-spec, local part)
        for (written, spec, local) in [
            (
                "<Microsoft-NoReply@Microsoft.com>",
                "microsoft-noreply@microsoft.com",
                "microsoft-noreply",
            ),
            ("  < a@b.example >  ", "a@b.example", "a"),
            ("<POSTMASTER@outlook.com>", "postmaster@outlook.com", "postmaster"),
            // Outside ASCII only the addr-spec is lowercased: local parts are compared to ASCII.
            ("ÄBC@Example.JP", "äbc@example.jp", "Äbc"),
            // The last `@` splits: a quoted local part may hold one.
            ("\"a@b\"@example.jp", "\"a@b\"@example.jp", "\"a@b\""),
            ("no-at-sign", "no-at-sign", "no-at-sign"),
            ("", "", ""),
            ("<>", "", ""),
        ] {
            assert_eq!(addr_spec(written), spec, "{written}");
            assert_eq!(local_part(written), local, "{written}");
        }
    }

    #[test]
    fn domains_of_every_shape() {
        for (addr, want) in [
            ("x@Mail.Microsoft.com.example.jp", "mail.microsoft.com.example.jp"),
            ("<billing@Example.JP>", "example.jp"),
            ("billing@example.jp.", "example.jp"),
            ("billing@example.jp..", "example.jp"),
            (" billing@ example.jp ", "example.jp"),
            ("mailto:billing@example.jp", "example.jp"),
            ("\"a@b.example\"@evil.example", "evil.example"),
            ("a@XN--MICROSFT-SBH.COM", "xn--microsft-sbh.com"),
            // Upper case outside ASCII is left alone: IDN hosts compare as punycode.
            ("a@MİCROSOFT.com", "mİcrosoft.com"),
            ("a@", ""),
            ("a@.", ""),
            ("no-at-sign", ""),
            ("", ""),
            ("<>", ""),
        ] {
            assert_eq!(domain(addr), want, "{addr}");
        }
    }

    /// What [`first_addr_spec`] replaced.
    fn regex_addr_spec(text: &str) -> Option<&str> {
        use regex::Regex;
        use std::sync::LazyLock;
        static ADDR: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}").expect("address pattern is valid")
        });
        ADDR.find(text).map(|m| m.as_str())
    }

    proptest::proptest! {
        #[test]
        fn first_addr_spec_is_the_regex_match(text in "[aZ9._%+\\-@<\\[ .:é注]{0,40}") {
            proptest::prop_assert_eq!(first_addr_spec(&text), regex_addr_spec(&text));
        }

        /// Address-like pieces glued together, so that matches are common.
        #[test]
        fn first_addr_spec_is_the_regex_match_on_addresses(
            picks in proptest::collection::vec(0..10usize, 0..12)
        ) {
            const PIECES: &[&str] = &["a", "@", ".", "b.cd", "x@y.z", "-", "<", "ab", "é", "9"];
            let text: String = picks.iter().map(|&i| PIECES[i]).collect();
            proptest::prop_assert_eq!(first_addr_spec(&text), regex_addr_spec(&text));
        }
    }

    #[test]
    fn addresses_in_display_text() {
        for (text, want) in [
            (
                "Microsoft <microsoft-noreply@microsoft.com>",
                Some("microsoft-noreply@microsoft.com"),
            ),
            (
                "microsoft-noreply@microsoft.com",
                Some("microsoft-noreply@microsoft.com"),
            ),
            (
                "Microsoft [mailto:microsoft-noreply@microsoft.com]",
                Some("microsoft-noreply@microsoft.com"),
            ),
            ("mailto:a@b.example", Some("a@b.example")),
            // A display name that looks like an address does not stand for the sender.
            (
                "\"microsoft-noreply@microsoft.com\" <x@evil.example>",
                Some("x@evil.example"),
            ),
            (
                "microsoft-noreply@microsoft.com <x@evil.example>",
                Some("x@evil.example"),
            ),
            (
                "Microsoft Store <Store@Microsoft.COM>",
                Some("Store@Microsoft.COM"),
            ),
            // An encoded word already decoded into the display name.
            ("マイクロソフト <a@b.example>", Some("a@b.example")),
            ("\"Microsoft\" <>", None),
            ("\"a@b.example\" <>", Some("a@b.example")),
            ("Microsoft", None),
            ("a@b", None),
            ("", None),
            ("<", None),
        ] {
            assert_eq!(find_addr_spec(text), want, "{text}");
        }
    }

    #[test]
    fn hosts_of_urls() {
        for (url, want) in [
            ("HTTPS://User@Go.Microsoft.com:443/x", Some("go.microsoft.com")),
            (
                "https://account.microsoft.com/billing?x=1#y",
                Some("account.microsoft.com"),
            ),
            ("http://evil.example", Some("evil.example")),
            ("  https://a.example/  ", Some("a.example")),
            ("https://xn--microsft-sbh.com/", Some("xn--microsft-sbh.com")),
            ("https://a:b@c.example/", Some("c.example")),
            ("mailto:a@b", None),
            ("ftp://a.example/", None),
            ("https://", None),
            ("https://:80", None),
            ("http://@", None),
            ("a.example", None),
        ] {
            assert_eq!(url_host(url).as_deref(), want, "{url}");
        }
        assert_eq!(
            host_of("account.microsoft.com/billing"),
            Some("account.microsoft.com")
        );
        assert_eq!(host_of("user@Host.example:8080?q"), Some("Host.example"));
        assert_eq!(host_of(""), Some(""));
    }

    #[test]
    fn suffixes_on_label_boundaries() {
        assert!(on_suffix("yahoo.com", "yahoo.com"));
        assert!(on_suffix("mta4463.mail.bf1.yahoo.com", "yahoo.com"));
        assert!(!on_suffix("evilyahoo.com", "yahoo.com"));
        assert!(!on_suffix("yahoo.com.example.jp", "yahoo.com"));
        assert!(!on_suffix("", "yahoo.com"));
    }

    #[test]
    fn punycode() {
        assert_eq!(host_unicode("xn--microsft-sbh.com"), "micros\u{43E}ft.com");
        for junk in [
            "xn--",
            "xn---",
            "xn--zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
            "xn--99999999999",
            "xn--a-!",
            "xn--ü",
        ] {
            let _ = host_unicode(junk);
        }
        assert_eq!(host_unicode("xn--.xn--zzzzzzzzzz.com").split('.').count(), 3);
    }
}
