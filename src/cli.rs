//! The command line's help examples, `--generate` (completions and the man page) and the sizes
//! `--max-size` accepts. Part of the binary, not the library.

use std::io::{self, Write};

use clap::{CommandFactory, ValueEnum};

use crate::Cli;

/// The examples each command's help ends with (English, like all of the help).
pub mod examples {
    pub const MAIN: &str = "\
Examples:
  msorder check mail.eml                Judge one mail and say why
  cat Takeout.mbox | msorder scan       One row per order mail in a mailbox
  msorder scan --format html -o report.html Mail/
                                        A report to open in a browser
  msorder --generate complete-bash      Shell completions (also complete-zsh, complete-fish,
                                        complete-powershell) or the man page (man)";

    pub const CHECK: &str = "\
Examples:
  msorder check mail.eml                The verdict, its reasons and the order's fields
  msorder check --explain mail.msg      Also each finding's evidence and what was not found
  msorder check --lang ja < mail.eml    Read stdin; answer in Japanese
  msorder check --json mail.eml         One JSON object, as scan --format jsonl writes it
Exit status: 0 nothing to do, 1 needs attention (charge, trial, suspicious, unclear), 2 error.";

    pub const SCAN: &str = "\
Examples:
  cat Takeout.mbox | msorder scan                      CSV of the order mails on stdout
  msorder scan ~/Maildir --format jsonl -o orders.jsonl
  msorder scan --excel --lang ja -o report.csv Mail/   CSV for Excel on Japanese Windows
  msorder scan --format html -o report.html Mail/      One self-contained page, fakes first
  msorder scan --all --summary counts.json big.mbox    Every message, and the counts as JSON
  msorder scan --max-size 1G huge.mbox                 Read messages of up to 1 GiB";

    pub const FILTER: &str = "\
Examples:
  msorder filter < mail.eml > tagged.eml
  maildrop (~/.mailfilter):  xfilter \"msorder filter\"
  procmail (~/.procmailrc):  :0 fw
                             | msorder filter";
}

/// What `--generate` writes, in ripgrep's names.
#[derive(Clone, Copy, ValueEnum)]
pub enum Generate {
    CompleteBash,
    CompleteZsh,
    CompleteFish,
    CompletePowershell,
    Man,
}

/// Write a completion script or the man page to stdout. It is made in memory first, since
/// clap_complete panics on a failed write.
pub fn generate(kind: Generate) -> io::Result<()> {
    use clap_complete::Shell;
    let mut cmd = Cli::command();
    let mut text = Vec::new();
    let shell = match kind {
        Generate::CompleteBash => Shell::Bash,
        Generate::CompleteZsh => Shell::Zsh,
        Generate::CompleteFish => Shell::Fish,
        Generate::CompletePowershell => Shell::PowerShell,
        Generate::Man => {
            man_page(cmd, &mut text)?;
            return io::stdout().lock().write_all(&text);
        }
    };
    clap_complete::generate(shell, &mut cmd, "msorder", &mut text);
    io::stdout().lock().write_all(&text)
}

/// One man page: the program's, then each command's full help (its options and examples).
fn man_page(mut cmd: clap::Command, out: &mut Vec<u8>) -> io::Result<()> {
    clap_mangen::Man::new(cmd.clone()).render(out)?;
    cmd.build();
    let mut roff = roff::Roff::new();
    for sub in cmd.get_subcommands_mut().filter(|c| c.get_name() != "help") {
        let title = format!("COMMAND: {}", sub.get_name().to_uppercase());
        roff.control("SH", [title.as_str()])
            .control("nf", [])
            .text([roff::roman(sub.render_long_help().to_string())])
            .control("fi", []);
    }
    roff.to_writer(out)
}

/// A size in bytes: plain bytes, or a number with a binary unit K, M, G or T (1K = 1024
/// bytes), in any case, optionally followed by B or iB (`512K`, `64M`, `1g`, `64MiB`).
#[derive(Clone, Copy)]
pub struct Size(pub usize);

impl std::str::FromStr for Size {
    type Err = String;

    fn from_str(text: &str) -> Result<Size, String> {
        const HINT: &str = "expected bytes or a number with K, M or G (binary: 1K = 1024), such as 64M";
        let text = text.trim();
        let (number, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()));
        let shift = match unit.trim_start().to_ascii_lowercase().as_str() {
            "" | "b" => 0,
            "k" | "kb" | "kib" => 10,
            "m" | "mb" | "mib" => 20,
            "g" | "gb" | "gib" => 30,
            "t" | "tb" | "tib" => 40,
            _ => return Err(HINT.to_owned()),
        };
        let n: u64 = number.parse().map_err(|_| HINT.to_owned())?;
        let bytes = n
            .checked_mul(1 << shift)
            .and_then(|b| usize::try_from(b).ok())
            .ok_or_else(|| "too large for this machine".to_owned())?;
        if bytes == 0 {
            return Err("must be at least 1 byte".to_owned());
        }
        Ok(Size(bytes))
    }
}

/// The largest unit that gives a whole number, as `--max-size` accepts it (`64M`).
impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let units = [(40, "T"), (30, "G"), (20, "M"), (10, "K")];
        match units.iter().find(|(shift, _)| self.0.trailing_zeros() >= *shift) {
            Some((shift, unit)) => write!(f, "{}{unit}", self.0 >> shift),
            None => write!(f, "{}", self.0),
        }
    }
}

#[cfg(test)]
mod size_tests {
    use super::Size;

    fn parse(text: &str) -> Option<usize> {
        text.parse::<Size>().ok().map(|s| s.0)
    }

    #[test]
    fn sizes_in_binary_units() {
        assert_eq!(parse("512K"), Some(512 << 10));
        assert_eq!(parse("64m"), Some(64 << 20));
        assert_eq!(parse("1G"), Some(1 << 30));
        assert_eq!(parse("64MiB"), Some(64 << 20));
        assert_eq!(parse("64 mb"), Some(64 << 20));
        assert_eq!(parse("1000"), Some(1000));
        assert_eq!(parse("1000b"), Some(1000));
        for nonsense in [
            "",
            "M",
            "64X",
            "1.5G",
            "-1",
            "0",
            "0M",
            "+5",
            "5MM",
            "18446744073709551615T",
        ] {
            assert_eq!(parse(nonsense), None, "{nonsense:?}");
        }
    }

    #[test]
    fn sizes_shown_as_accepted() {
        for size in [64 << 20, 1 << 30, 1000, 1536, 3 << 40] {
            let shown = Size(size).to_string();
            assert_eq!(parse(&shown), Some(size), "{shown}");
        }
        assert_eq!(Size(64 << 20).to_string(), "64M");
        assert_eq!(Size(1536).to_string(), "1536");
    }
}
