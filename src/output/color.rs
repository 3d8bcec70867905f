//! Colour for labels on a terminal: `--color auto|always|never`, `NO_COLOR`, `TERM=dumb`.

use crate::verdict::Label;

/// When to colour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set or `TERM` is `dumb`.
    #[default]
    Auto,
    /// Always, whatever the output and environment say (a flag beats `NO_COLOR`).
    Always,
    /// Never.
    Never,
}

/// Whether to colour output going to a terminal or not (`to_terminal`), with the environment
/// read through `env`.
pub fn color_enabled(choice: ColorChoice, to_terminal: bool, env: impl Fn(&str) -> Option<String>) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal
                && env("NO_COLOR").is_none_or(|v| v.is_empty())
                && env("TERM").is_none_or(|t| t != "dumb")
        }
    }
}

/// The SGR colour a label is shown in: green for nothing to do, yellow for a genuine order to
/// look at, bold red for a fake, dim for unrelated mail.
fn sgr(label: Label) -> &'static str {
    match label {
        Label::Activation | Label::Free => "32",
        Label::Trial | Label::Charge | Label::Unclear => "33",
        Label::Suspicious => "1;31",
        Label::Error => "31",
        Label::Unrelated => "2",
    }
}

/// `text` in the label's colour when `on`.
pub(super) fn paint(text: &str, label: Label, on: bool) -> String {
    if on {
        format!("\u{1b}[{}m{text}\u{1b}[0m", sgr(label))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn auto_follows_terminal_no_color_and_term() {
        assert!(color_enabled(ColorChoice::Auto, true, env(&[("TERM", "xterm")])));
        assert!(!color_enabled(ColorChoice::Auto, false, env(&[])));
        assert!(!color_enabled(ColorChoice::Auto, true, env(&[("NO_COLOR", "1")])));
        assert!(color_enabled(ColorChoice::Auto, true, env(&[("NO_COLOR", "")])));
        assert!(!color_enabled(ColorChoice::Auto, true, env(&[("TERM", "dumb")])));
        assert!(color_enabled(
            ColorChoice::Always,
            false,
            env(&[("NO_COLOR", "1")])
        ));
        assert!(!color_enabled(ColorChoice::Never, true, env(&[])));
    }

    #[test]
    fn paint_wraps_only_when_on() {
        assert_eq!(paint("x", Label::Suspicious, false), "x");
        assert_eq!(paint("x", Label::Suspicious, true), "\u{1b}[1;31mx\u{1b}[0m");
    }
}
