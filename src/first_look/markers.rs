//! ASCII-case-insensitive search for a set of short markers, fast where most bytes match none:
//! one SIMD scan (Teddy) for every case spelling of a three-byte fragment of each marker, each
//! hit checked against the markers that hold that fragment. A case-insensitive automaton steps
//! every byte, and has no prefilter to skip the text that matches nothing.

use aho_corasick::packed;
use aho_corasick::{AhoCorasick, Input, MatchKind};

/// Bytes of the fragment searched for each marker (Teddy compares at most three at once).
const FRAGMENT: usize = 3;

/// Buckets of slim Teddy, each searched for a set of the spellings.
const BUCKETS: usize = 8;

/// Markers matched ASCII-case-insensitively, as [`AhoCorasick`] with `ascii_case_insensitive`
/// finds them.
pub struct Markers {
    finder: Finder,
    /// For each spelling the finder knows, its fragment's index in `holders`.
    fragment_of: Vec<usize>,
    /// For each fragment, the markers that hold it, with where it starts in them.
    holders: Vec<Vec<(Box<[u8]>, usize)>>,
    /// Markers shorter than a fragment, searched alone.
    short: Vec<memchr::memmem::Finder<'static>>,
}

enum Finder {
    Teddy(packed::Searcher),
    /// Where no SIMD searcher can be built: the same spellings, case-sensitive.
    Automaton(AhoCorasick),
}

impl Markers {
    pub fn new<'a>(markers: impl IntoIterator<Item = &'a str>) -> Markers {
        let mut fragments: Vec<Vec<u8>> = Vec::new();
        let mut holders: Vec<Vec<(Box<[u8]>, usize)>> = Vec::new();
        let mut short = Vec::new();
        for marker in markers {
            let marker = marker.as_bytes();
            if marker.len() < FRAGMENT {
                short.push(memchr::memmem::Finder::new(marker).into_owned());
                continue;
            }
            // The window with the fewest letters: fewest spellings, and rarer in text.
            let at = (0..=marker.len() - FRAGMENT)
                .min_by_key(|&i| {
                    marker[i..i + FRAGMENT]
                        .iter()
                        .filter(|b| b.is_ascii_alphabetic())
                        .count()
                })
                .unwrap_or(0);
            let fragment = marker[at..at + FRAGMENT].to_ascii_lowercase();
            let index = match fragments.iter().position(|f| *f == fragment) {
                Some(index) => index,
                None => {
                    fragments.push(fragment);
                    holders.push(Vec::new());
                    fragments.len() - 1
                }
            };
            holders[index].push((marker.into(), at));
        }
        // (case, fragment, spelling) of every ASCII case of every fragment.
        let mut cased = Vec::new();
        for (index, fragment) in fragments.iter().enumerate() {
            let letters: Vec<usize> = (0..FRAGMENT)
                .filter(|&i| fragment[i].is_ascii_alphabetic())
                .collect();
            for mask in 0..1u32 << letters.len() {
                let mut spelling = fragment.clone();
                for (bit, &i) in letters.iter().enumerate() {
                    if mask >> bit & 1 == 1 {
                        spelling[i] = spelling[i].to_ascii_uppercase();
                    }
                }
                cased.push((mask, index, spelling));
            }
        }
        // Teddy puts a spelling in the bucket of the first one with its low nybbles (all cases of
        // a fragment have the same) and that first one in bucket 7 - (its index mod 8). Up to
        // eight fragments, one case of each handed in first gives each a bucket of its own,
        // which passes only its spellings; handed in fragment by fragment, most shared one,
        // whose masks then also pass the fragments' mixtures (`ge/` and `om:` pass `gm:`), in
        // ordinary text a verification every few bytes. Past eight some must share, and the
        // order given measured better than this one.
        if fragments.len() <= BUCKETS {
            cased.sort_by_key(|&(mask, ..)| mask != 0);
        }
        let (fragment_of, spellings): (Vec<usize>, Vec<Vec<u8>>) = cased
            .into_iter()
            .map(|(_, index, spelling)| (index, spelling))
            .unzip();
        // Slim Teddy (32 bytes a step) even past the 32 spellings where fat Teddy (16 a step)
        // is the default: a few more candidates to check cost less than half the speed.
        let finder = match packed::Config::new()
            .only_teddy_fat(Some(false))
            .builder()
            .extend(&spellings)
            .build()
        {
            Some(teddy) => Finder::Teddy(teddy),
            None => Finder::Automaton(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostFirst)
                    .build(&spellings)
                    .expect("literal patterns"),
            ),
        };
        Markers {
            finder,
            fragment_of,
            holders,
            short,
        }
    }

    /// Whether any marker occurs in `haystack`.
    pub fn is_match(&self, haystack: &[u8]) -> bool {
        if self.short.iter().any(|f| f.find(haystack).is_some()) {
            return true;
        }
        // Fragments are all as long and no two spell the same bytes: the leftmost hit at or
        // after `from` is the only one starting there, and resuming one byte on misses none.
        let mut from = 0;
        while let Some((spelling, at)) = self.next_fragment(haystack, from) {
            let held = self.holders[self.fragment_of[spelling]]
                .iter()
                .any(|(marker, offset)| {
                    at.checked_sub(*offset)
                        .and_then(|start| haystack.get(start..start + marker.len()))
                        .is_some_and(|found| found.eq_ignore_ascii_case(marker))
                });
            if held {
                return true;
            }
            from = at + 1;
        }
        false
    }

    /// The spelling and start of the leftmost fragment at or after `from`.
    fn next_fragment(&self, haystack: &[u8], from: usize) -> Option<(usize, usize)> {
        match &self.finder {
            Finder::Teddy(teddy) => teddy
                .find_in(haystack, aho_corasick::Span::from(from..haystack.len()))
                .map(|m| (m.pattern().as_usize(), m.start())),
            Finder::Automaton(ac) => ac
                .find(Input::new(haystack).span(from..haystack.len()))
                .map(|m| (m.pattern().as_usize(), m.start())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORDS: &[&str] = &[
        "message/",
        ".eml",
        "from :",
        "from：",
        "差出人",
        "送信者",
        "送信元",
        "=?",
        "\u{1b}",
        "utf-16",
        "utf-7",
    ];

    /// The reference: a case-insensitive automaton over the same markers.
    fn reference(haystack: &[u8]) -> bool {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(WORDS)
            .unwrap()
            .is_match(haystack)
    }

    #[test]
    fn finds_what_a_case_insensitive_automaton_finds() {
        let markers = Markers::new(WORDS.iter().copied());
        for text in [
            "plain text",
            "MESSAGE/rfc822",
            "a.EmL",
            "From : x",
            "FROM：",
            "差出人: a",
            "件名：送信元",
            "=?utf-8?",
            "\u{1b}$B",
            "UTF-16",
            "uTf-7",
            "utf-8",
            "messages/",
            "ge/ge/message/",
            "from",
            "",
            "mmmessage/",
            "送信",
            "--16",
        ] {
            assert_eq!(
                markers.is_match(text.as_bytes()),
                reference(text.as_bytes()),
                "{text}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn agrees_on_any_text(text in "([a-zA-Z7:/.= ?\u{1b}送信元者差出人：-]|message/|MeSsAgE/|utf-16|from :|差出人){0,30}") {
            let markers = Markers::new(WORDS.iter().copied());
            proptest::prop_assert_eq!(markers.is_match(text.as_bytes()), reference(text.as_bytes()));
        }
    }
}
