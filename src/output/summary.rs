//! The one-line summary a scan prints on stderr.

use super::words::words;
use crate::reason::Lang;
use crate::verdict::Label;

/// Counts per label, in label order, zeros left out.
pub fn summary(counts: &[(Label, usize)], lang: Lang) -> String {
    let w = words(lang);
    let total: usize = counts.iter().map(|(_, n)| n).sum();
    let parts: Vec<String> = Label::ALL
        .iter()
        .filter_map(|label| {
            let n = counts.iter().find(|(l, _)| l == label).map_or(0, |(_, n)| *n);
            (n > 0).then(|| format!("{} {n}", (w.label)(*label).name))
        })
        .collect();
    format!("msorder: {}: {}", (w.messages_read)(total), parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_in_label_order_and_in_words() {
        let counts = [(Label::Charge, 2), (Label::Activation, 1)];
        assert_eq!(
            summary(&counts, Lang::En),
            "msorder: 3 messages read: activation 1, charge 2"
        );
        assert_eq!(
            summary(&[(Label::Error, 1)], Lang::En),
            "msorder: 1 message read: error 1"
        );
        assert_eq!(
            summary(&counts, Lang::Ja),
            "msorder: 3 通を読み取りました: 付属 Office 1, 課金 2"
        );
    }
}
