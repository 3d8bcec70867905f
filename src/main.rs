//! The `msorder` command line: argument parsing, output files, progress and exit status. All
//! logic lives in the library.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use msorder::input::{self, DEFAULT_MAX_SIZE, ReadOptions};
use msorder::output::html::HtmlReport;
use msorder::output::{self, ColorChoice, Format, RecordWriter, Style, color_enabled};
use msorder::{Label, Lang, Options, Record, Trust};

mod cli;
use cli::{Generate, Size, examples, generate};

/// Tell a harmless 0-yen Microsoft Office activation notice from a real charge or a fake.
///
/// Exit status: 0 nothing needs attention, 1 a charge, trial, suspicious or unclear mail was
/// found, 2 an error (the rest of the input is still processed), or the output was closed before
/// the run finished (as `| head` does; nothing is printed then).
#[derive(Parser)]
#[command(name = "msorder", version, after_help = examples::MAIN, args_conflicts_with_subcommands = true)]
struct Cli {
    /// Write shell completions or the man page to stdout (see the README for where they go).
    #[arg(long, value_enum, value_name = "KIND", exclusive = true)]
    generate: Option<Generate>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Judge one mail (a file, or stdin when FILE is `-` or absent) and explain the verdict.
    #[command(after_help = examples::CHECK)]
    Check(CheckArgs),
    /// Judge every message in files, mbox files, directories or Maildirs; one record each.
    #[command(after_help = examples::SCAN)]
    Scan(ScanArgs),
    /// For delivery agents: copy one mail from stdin to stdout with X-MSOrder-Label and
    /// X-MSOrder-Reasons header fields added at the top. Exit 0 whenever the mail was passed
    /// through, whatever the label; 75 (temporary failure) when it could not be.
    #[command(after_help = examples::FILTER)]
    Filter(FilterArgs),
}

#[derive(Args)]
struct Common {
    /// Language of verdicts and reasons (default: from LC_ALL / LC_MESSAGES / LANG, else English).
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// Trust Authentication-Results from this authserv-id too (repeatable).
    #[arg(long = "trust-authserv", value_name = "ID")]
    trust_authserv: Vec<String>,
    /// Show product keys in full instead of only their last group.
    #[arg(long)]
    show_keys: bool,
    /// Colour labels: auto (on a terminal, unless NO_COLOR is set or TERM=dumb), always, never.
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    color: ColorArg,
    /// Largest message to read; larger ones are reported as errors. SIZE is bytes, or a number
    /// with a binary unit K, M or G (1K = 1024 bytes, any case): 512K, 64M, 1G.
    #[arg(long, value_name = "SIZE", default_value_t = Size(DEFAULT_MAX_SIZE), allow_hyphen_values = true)]
    max_size: Size,
}

#[derive(Args)]
struct CheckArgs {
    /// The mail (.eml); `-` or nothing reads stdin.
    file: Option<PathBuf>,
    /// Print the record as one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// List every check with its evidence, the passed ones included.
    #[arg(long)]
    explain: bool,
    #[command(flatten)]
    common: Common,
}

#[derive(Args)]
struct ScanArgs {
    /// Files, mbox files, directories, or `-` for stdin (the default).
    paths: Vec<PathBuf>,
    /// Output format (default: table on a terminal, csv otherwise).
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Write records to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write a record for every message, `unrelated` ones included.
    #[arg(long)]
    all: bool,
    /// CSV for Excel: UTF-8 byte order mark and CRLF line ends.
    #[arg(long)]
    excel: bool,
    /// Worker threads (default: one per core; at most 1024).
    #[arg(short, long, value_name = "N", default_value_t = 0,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=msorder::scan::MAX_JOBS as u64))]
    jobs: usize,
    /// No progress bar and no summary line.
    #[arg(short, long)]
    quiet: bool,
    /// Decode every message fully instead of skipping ones whose headers rule them out.
    #[arg(long)]
    decode_all: bool,
    /// Also write one JSON object to FILE: messages, counts per label, errors, skipped files,
    /// counts per input path, elapsed seconds.
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
    #[command(flatten)]
    common: Common,
}

#[derive(Args)]
struct FilterArgs {
    /// Exit as `check` does (1 for a mail that needs attention, 2 for an error) once the mail
    /// has been passed through.
    #[arg(long)]
    exit_status: bool,
    #[command(flatten)]
    common: Common,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Ja,
    En,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Csv,
    Jsonl,
    Table,
    /// One self-contained HTML page: counts per label, then the records needing attention first.
    Html,
}

/// Exit status of `filter` when it could not pass the mail through (EX_TEMPFAIL: delivery agents
/// keep the mail and try again).
const TEMPFAIL: u8 = 75;

fn main() -> ExitCode {
    let cli = match Cli::try_parse_from(dropped_files_checked(std::env::args_os().collect())) {
        Ok(cli) => cli,
        // A bad value (`--max-size 64X`) is said in one line, without the usage tip.
        Err(e) if e.kind() == clap::error::ErrorKind::ValueValidation => {
            let text = e.render().to_string();
            warn(format_args!("{}", text.lines().next().unwrap_or_default()));
            return ExitCode::from(2);
        }
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match (cli.generate, cli.command) {
        (Some(kind), _) => generate(kind).map(|()| Outcome::default()),
        (None, Some(Command::Check(args))) => check(args),
        (None, Some(Command::Scan(args))) => scan(args),
        (None, Some(Command::Filter(args))) => return filter(args),
        (None, None) => {
            let e = Cli::command().error(
                clap::error::ErrorKind::MissingSubcommand,
                "a command is needed: check, scan or filter (or --generate)",
            );
            let _ = e.print();
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(outcome) => ExitCode::from(outcome.code()),
        // The reader closed the output: quiet, and not "nothing needs attention" for a run that
        // did not finish.
        Err(e) if is_broken_pipe(&e) => ExitCode::from(2),
        Err(e) => {
            warn(format_args!("msorder: {e}"));
            ExitCode::from(2)
        }
    }
}

/// A write to a closed pipe, also when the csv crate wraps it in its own error.
fn is_broken_pipe(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe
        || e.get_ref()
            .and_then(|inner| inner.downcast_ref::<csv::Error>())
            .is_some_and(
                |e| matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == io::ErrorKind::BrokenPipe),
            )
}

/// One line on stderr; a stderr that cannot be written (`2>/dev/full`) is no reason to stop.
fn warn(line: std::fmt::Arguments) {
    let _ = writeln!(io::stderr(), "{line}");
}

/// A file dropped on the program arrives as a bare path (`msorder mail.eml`): run `check` on it,
/// or `scan` when several are dropped. A first argument that names no subcommand counts as a path
/// when it exists or looks like one, so a mistyped subcommand still gets clap's suggestion.
fn dropped_files_checked(mut args: Vec<OsString>) -> Vec<OsString> {
    let Some(first) = args.get(1) else { return args };
    let text = first.to_string_lossy();
    let subcommand = Cli::command()
        .get_subcommands()
        .any(|c| c.get_name() == text || c.get_all_aliases().any(|a| a == text))
        || text == "help";
    let path_like = Path::new(first).exists() || text.contains(['.', '/', '\\']);
    if !subcommand && !text.starts_with('-') && path_like {
        let command = if args.len() > 2 { "scan" } else { "check" };
        args.insert(1, command.into());
    }
    args
}

/// What the records add up to, for the exit status.
#[derive(Default)]
struct Outcome {
    counts: Vec<(Label, usize)>,
    /// A named input held no message: a typo or an unmounted share must not pass as clean.
    empty_input: bool,
}

impl Outcome {
    fn add(&mut self, label: Label) {
        match self.counts.iter_mut().find(|(l, _)| *l == label) {
            Some((_, n)) => *n += 1,
            None => self.counts.push((label, 1)),
        }
    }

    fn code(&self) -> u8 {
        let has = |pred: fn(Label) -> bool| self.counts.iter().any(|(l, _)| pred(*l));
        if has(|l| l == Label::Error) || self.empty_input {
            2
        } else if has(Label::needs_attention) {
            1
        } else {
            0
        }
    }
}

impl Common {
    fn lang(&self) -> Lang {
        match self.lang {
            Some(LangArg::Ja) => Lang::Ja,
            Some(LangArg::En) => Lang::En,
            None => Lang::from_locale(|k| std::env::var(k).ok()),
        }
    }

    /// How to write to stdout (or to a file, which is no terminal).
    fn style(&self, to_terminal: bool) -> Style {
        let choice = match self.color {
            ColorArg::Auto => ColorChoice::Auto,
            ColorArg::Always => ColorChoice::Always,
            ColorArg::Never => ColorChoice::Never,
        };
        let env = |k: &str| std::env::var(k).ok();
        // The terminal's own size; else COLUMNS, as a shell or a test sets it.
        let terminal_width = to_terminal
            .then(|| {
                console::Term::stdout()
                    .size_checked()
                    .map(|(_, cols)| usize::from(cols))
            })
            .flatten();
        Style {
            lang: self.lang(),
            excel: false,
            color: color_enabled(choice, to_terminal, env),
            width: terminal_width.or_else(|| env("COLUMNS").and_then(|c| c.trim().parse().ok())),
        }
    }

    fn options(&self, decode_all: bool) -> Options {
        Options {
            trust: Trust {
                authserv_ids: self.trust_authserv.clone(),
            },
            show_keys: self.show_keys,
            decode_all,
        }
    }

    fn read_options(&self) -> ReadOptions {
        ReadOptions {
            max_size: self.max_size.0,
            ..ReadOptions::default()
        }
    }
}

/// One line per unreadable input or message on stderr, naming it.
fn report_error(record: &Record, lang: Lang) {
    if let Some(e) = &record.error {
        let place = if record.index > 1 {
            format!("{}:{}", record.source, record.index)
        } else {
            record.source.clone()
        };
        warn(format_args!(
            "msorder: {}: {}",
            output::terminal_safe(&place),
            output::terminal_safe(&e.message(lang))
        ));
    }
}

fn check(args: CheckArgs) -> io::Result<Outcome> {
    let path = args.file.clone().unwrap_or_else(|| "-".into());
    let lang = args.common.lang();
    let style = args.common.style(io::stdout().is_terminal());
    let opts = args.common.options(true);
    let mut outcome = Outcome::default();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let paths = vec![path];
    let mut tally = Tally::new(&paths);
    stdin_hint(&paths, lang);
    let messages = input::messages(paths, args.common.read_options());
    msorder::scan::run(messages, &opts, 0, |record| -> io::Result<()> {
        report_error(&record, lang);
        outcome.add(record.label);
        tally.add(&record);
        if args.json {
            serde_json::to_writer(&mut out, &record)?;
            writeln!(out)
        } else {
            if outcome.counts.iter().map(|(_, n)| n).sum::<usize>() > 1 {
                writeln!(out)?;
            }
            output::write_check(&mut out, &record, style, args.explain)
        }
    })?;
    tally.warn_empty(&mut outcome, lang);
    Ok(outcome)
}

fn scan(args: ScanArgs) -> io::Result<Outcome> {
    let lang = args.common.lang();
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.paths.clone()
    };
    let mut tally = Tally::new(&paths);
    let read_opts = args.common.read_options();
    let skipped = read_opts.skipped.clone();
    let progress = progress_bar(&args, &paths, read_opts.bytes_read.clone());
    let sink: Box<dyn Write> = match &args.output {
        Some(path) => {
            Box::new(io::BufWriter::new(open_output(path, &paths).map_err(|e| {
                io::Error::new(e.kind(), format!("{}: {e}", path.display()))
            })?))
        }
        None => Box::new(io::BufWriter::new(io::stdout().lock())),
    };
    let to_terminal = args.output.is_none() && io::stdout().is_terminal();
    let format = match args.format {
        Some(FormatArg::Html) => None,
        Some(FormatArg::Csv) => Some(Format::Csv),
        Some(FormatArg::Jsonl) => Some(Format::Jsonl),
        Some(FormatArg::Table) => Some(Format::Table),
        None if to_terminal => Some(Format::Table),
        None => Some(Format::Csv),
    };
    let mut writer = match format {
        None => ScanWriter::Html(HtmlReport::new(sink, lang, args.all)),
        Some(format) => ScanWriter::Records(RecordWriter::new(
            format,
            Style {
                excel: args.excel,
                ..args.common.style(to_terminal)
            },
            sink,
        )?),
    };
    let mut outcome = Outcome::default();
    let opts = args.common.options(args.decode_all);
    stdin_hint(&paths, lang);
    let messages = input::messages(paths, read_opts);
    let written = msorder::scan::run(messages, &opts, args.jobs, |record| -> io::Result<()> {
        outcome.add(record.label);
        tally.add(&record);
        // The error line and the row go out together and in input order; on a terminal the
        // row is flushed at once, both while the progress bar is off the screen.
        let mut emit = || -> io::Result<()> {
            report_error(&record, lang);
            writer.write(&record, args.all)?;
            if to_terminal {
                writer.flush()?;
            }
            Ok(())
        };
        match &progress {
            Some(bar) => {
                bar.suspend(emit)?;
                bar.set_message((output::words::words(lang).messages)(
                    outcome.counts.iter().map(|(_, n)| n).sum::<usize>(),
                ));
            }
            None => emit()?,
        }
        Ok(())
    });
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    written.and_then(|()| writer.finish())?;
    tally.warn_empty(&mut outcome, lang);
    if !args.quiet {
        warn(format_args!("{}", output::summary(&outcome.counts, lang)));
    }
    if let Some(path) = &args.summary {
        tally.write(path, &outcome, skipped.load(Ordering::Relaxed))?;
    }
    Ok(outcome)
}

// ---- scan's writers: the record formats, or the HTML report (h/html). ----

/// Where `scan` writes records.
enum ScanWriter {
    Records(RecordWriter<Box<dyn Write>>),
    /// Counts every record (so the page can say how many were unrelated) and lists the shown ones.
    Html(HtmlReport<Box<dyn Write>>),
}

impl ScanWriter {
    /// Write a record; `unrelated` ones only with `all`.
    fn write(&mut self, record: &Record, all: bool) -> io::Result<()> {
        match self {
            ScanWriter::Records(w) if all || record.label != Label::Unrelated => w.write(record),
            ScanWriter::Records(_) => Ok(()),
            ScanWriter::Html(report) => {
                report.write(record);
                Ok(())
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            ScanWriter::Records(w) => w.flush(),
            ScanWriter::Html(_) => Ok(()),
        }
    }

    fn finish(self) -> io::Result<()> {
        match self {
            ScanWriter::Records(w) => w.finish().map(drop),
            ScanWriter::Html(report) => report.finish().map(drop),
        }
    }
}

// ---- end of scan's writers ----

/// The output file, emptied only once it is known not to be one of the inputs (the same file
/// under any name, also inside a folder given); a file created here for the check is removed
/// again when it is refused.
fn open_output(path: &Path, inputs: &[PathBuf]) -> io::Result<std::fs::File> {
    let existed = path.exists();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    let output = same_file::Handle::from_file(file.try_clone()?)?;
    // Only regular files are opened to compare: opening a FIFO would wait for a writer.
    let is_output = |p: &std::path::Path| {
        std::fs::metadata(p).is_ok_and(|m| m.is_file())
            && same_file::Handle::from_path(p).is_ok_and(|h| h == output)
    };
    let clash = inputs.iter().filter(|p| p.as_os_str() != "-").find_map(|input| {
        walkdir::WalkDir::new(input)
            .into_iter()
            .filter_map(Result::ok)
            .find(|e| !e.file_type().is_dir() && is_output(e.path()))
            .map(|e| e.path().display().to_string())
    });
    if let Some(input) = clash {
        if !existed {
            let _ = std::fs::remove_file(path);
        }
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("the output is also an input ({input}); nothing written"),
        ));
    }
    file.set_len(0)?;
    Ok(file)
}

/// Someone who runs the tool without a file sees a waiting cursor: say what it waits for.
fn stdin_hint(paths: &[PathBuf], lang: Lang) {
    if paths.iter().any(|p| p.as_os_str() == "-") && io::stdin().is_terminal() {
        warn(format_args!(
            "{}",
            match lang {
                Lang::En =>
                    "msorder: reading a mail from the keyboard: paste it, then press Ctrl-D (Ctrl-Z, Enter on Windows); to check a file: msorder check mail.eml",
                Lang::Ja =>
                    "msorder: キーボードからメールを読みます。貼り付けて Ctrl-D（Windows では Ctrl-Z の後 Enter）を押してください。ファイルを調べるには: msorder check mail.eml",
            }
        ));
    }
}

fn filter(args: FilterArgs) -> ExitCode {
    let opts = args.common.options(true);
    stdin_hint(&[PathBuf::from("-")], args.common.lang());
    let written = msorder::filter::run(
        &mut io::stdin().lock(),
        &mut io::stdout().lock(),
        &opts,
        args.common.max_size.0,
    );
    match written {
        Ok(record) => {
            report_error(&record, args.common.lang());
            let mut outcome = Outcome::default();
            outcome.add(record.label);
            ExitCode::from(if args.exit_status { outcome.code() } else { 0 })
        }
        Err(e) => {
            warn(format_args!("msorder: -: {e}"));
            ExitCode::from(TEMPFAIL)
        }
    }
}

/// Counts for `--summary`, kept as records go by (records come in input order, so each one
/// belongs to the current named input or a later one).
struct Tally {
    started: Instant,
    paths: Vec<PathBuf>,
    /// Messages and error records per named input.
    per_input: Vec<(usize, usize)>,
    current: usize,
}

impl Tally {
    fn new(paths: &[PathBuf]) -> Self {
        Tally {
            started: Instant::now(),
            paths: paths.to_vec(),
            per_input: vec![(0, 0); paths.len()],
            current: 0,
        }
    }

    fn add(&mut self, record: &Record) {
        // Records name their input lossily, as people see it.
        let mine = |input: &Path| {
            let input = input.to_string_lossy();
            *record.source == *input || Path::new(&record.source).starts_with(&*input)
        };
        if let Some(at) = (self.current..self.paths.len()).find(|&i| mine(&self.paths[i])) {
            self.current = at;
            let counts = &mut self.per_input[at];
            if record.label == Label::Error {
                counts.1 += 1;
            } else {
                counts.0 += 1;
            }
        }
    }

    /// Warn about each named input that gave no record at all, and make the exit status 2.
    fn warn_empty(&self, outcome: &mut Outcome, lang: Lang) {
        for (path, _) in self
            .paths
            .iter()
            .zip(&self.per_input)
            .filter(|(_, c)| **c == (0, 0))
        {
            let why = match lang {
                Lang::En => "no message found in it: nothing was checked",
                Lang::Ja => "メールが見つからず、何も確認していません",
            };
            warn(format_args!(
                "msorder: {}: {why}",
                output::terminal_safe(&path.to_string_lossy())
            ));
            outcome.empty_input = true;
        }
    }

    /// The summary object: what a script needs to tell "errors and a fake" from "errors only".
    fn write(&self, path: &Path, outcome: &Outcome, skipped: u64) -> io::Result<()> {
        let count = |label: Label| {
            outcome
                .counts
                .iter()
                .find(|(l, _)| *l == label)
                .map_or(0, |(_, n)| *n)
        };
        let labels: serde_json::Map<String, serde_json::Value> = Label::ALL
            .iter()
            .map(|&label| (label.as_str().to_owned(), count(label).into()))
            .collect();
        let inputs: Vec<serde_json::Value> = self
            .paths
            .iter()
            .zip(&self.per_input)
            .map(|(p, (messages, errors))| serde_json::json!({ "path": p.to_string_lossy(), "messages": messages, "errors": errors }))
            .collect();
        let total: usize = outcome.counts.iter().map(|(_, n)| n).sum();
        let errors = count(Label::Error);
        let summary = serde_json::json!({
            "messages": total - errors,
            "labels": labels,
            "errors": errors,
            "skipped": skipped,
            "inputs": inputs,
            "elapsed_seconds": self.started.elapsed().as_secs_f64(),
        });
        let mut out = std::fs::File::create(path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        serde_json::to_writer_pretty(&mut out, &summary)?;
        writeln!(out)
    }
}

/// A progress bar on stderr for a terminal: bytes with rate, and ETA when every input is a file
/// of known size.
fn progress_bar(
    args: &ScanArgs,
    paths: &[PathBuf],
    bytes_read: Arc<std::sync::atomic::AtomicU64>,
) -> Option<indicatif::ProgressBar> {
    if args.quiet || !io::stderr().is_terminal() {
        return None;
    }
    let sizes: Option<u64> = paths
        .iter()
        .map(|p| std::fs::metadata(p).ok().filter(|m| m.is_file()).map(|m| m.len()))
        .sum();
    let bar = match sizes {
        Some(total) => indicatif::ProgressBar::new(total).with_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
            )
            .expect("valid template"),
        ),
        None => indicatif::ProgressBar::new_spinner().with_style(
            indicatif::ProgressStyle::with_template("{spinner} {bytes} {binary_bytes_per_sec} {msg}")
                .expect("valid template"),
        ),
    };
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
    let ticker = bar.clone();
    // Without a thread for it (thread limits), the bar only shows the messages counted.
    let _ = std::thread::Builder::new().spawn(move || {
        while !ticker.is_finished() {
            ticker.set_position(bytes_read.load(Ordering::Relaxed));
            std::thread::sleep(Duration::from_millis(250));
        }
    });
    Some(bar)
}
