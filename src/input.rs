//! Reading inputs: single-message files, mbox files (recognised by content), directories (walked
//! recursively, Maildir included, symlinks not followed) and stdin. Mailboxes are streamed one
//! message at a time, so memory is bounded by the largest message, not by the mailbox.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use regex::bytes::Regex;

use crate::error::{IoKind, ReadError};

/// Default largest message read (`--max-size`).
pub const DEFAULT_MAX_SIZE: usize = 64 << 20;

/// Bytes read from the underlying file per refill when scanning an mbox.
const CHUNK: usize = 1 << 20;

/// One message read from an input, or the reason it could not be read.
#[derive(Debug)]
pub struct RawMessage {
    /// The path as given or as found in a directory; `-` for stdin.
    pub source: Arc<str>,
    /// 1-based position in an mbox; 1 for single-message files.
    pub index: usize,
    /// The message bytes, or why they could not be read.
    pub data: Result<Vec<u8>, ReadError>,
}

/// How to read.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Largest message accepted; a larger one becomes an error record.
    pub max_size: usize,
    /// Counts bytes read, for progress display.
    pub bytes_read: Arc<AtomicU64>,
    /// Counts files passed over in walked folders (desktop.ini, .DS_Store…).
    pub skipped: Arc<AtomicU64>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_size: DEFAULT_MAX_SIZE,
            bytes_read: Arc::default(),
            skipped: Arc::default(),
        }
    }
}

/// All messages of the given inputs, in order. `-` is stdin. Paths are opened exactly as given
/// (a Shift_JIS name from a Windows ZIP archive is no UTF-8, and needn't be); records name them
/// lossily.
pub fn messages<P: Into<PathBuf>>(
    paths: impl IntoIterator<Item = P>,
    opts: ReadOptions,
) -> impl Iterator<Item = RawMessage> + Send {
    let paths: Vec<PathBuf> = paths.into_iter().map(Into::into).collect();
    paths
        .into_iter()
        .flat_map(move |path| source_messages(path, opts.clone()))
}

/// How a path is named in records and messages.
fn shown(path: &Path) -> Arc<str> {
    Arc::from(path.to_string_lossy().as_ref())
}

type Messages = Box<dyn Iterator<Item = RawMessage> + Send>;

fn source_messages(path: PathBuf, opts: ReadOptions) -> Messages {
    let source = shown(&path);
    if path.as_os_str() == "-" {
        let stdin = Counting {
            inner: io::stdin(),
            count: opts.bytes_read.clone(),
        };
        return stream_messages(source, Box::new(stdin), opts.max_size);
    }
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_dir() => Box::new(walk(path, opts)),
        Ok(_) => file_messages(&path, opts),
        Err(e) => Box::new(std::iter::once(error(source, 1, io_error(&e)))),
    }
}

fn error(source: Arc<str>, index: usize, error: ReadError) -> RawMessage {
    RawMessage {
        source,
        index,
        data: Err(error),
    }
}

fn io_error(e: &io::Error) -> ReadError {
    ReadError::Io(e.into())
}

fn file_messages(path: &Path, opts: ReadOptions) -> Messages {
    let source = shown(path);
    match File::open(path) {
        Ok(file) => {
            let counted = Counting {
                inner: file,
                count: opts.bytes_read.clone(),
            };
            stream_messages(source, Box::new(counted), opts.max_size)
        }
        Err(e) => Box::new(std::iter::once(error(source, 1, io_error(&e)))),
    }
}

/// Files under a directory, sorted by name so output is deterministic. Maildir `tmp/` (mail
/// still being delivered) and the index files mail servers keep beside `cur/` and `new/` are
/// not messages and are passed over.
fn walk(root: PathBuf, opts: ReadOptions) -> impl Iterator<Item = RawMessage> + Send {
    walkdir::WalkDir::new(&root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_maildir_tmp(e.path()))
        .flat_map(move |entry| -> Messages {
            match entry {
                Ok(e) if e.file_type().is_dir() => Box::new(std::iter::empty()),
                Ok(e) if is_maildir_metadata(e.path()) => Box::new(std::iter::empty()),
                Ok(e) if is_junk(e.path()) => {
                    opts.skipped.fetch_add(1, Ordering::Relaxed);
                    Box::new(std::iter::empty())
                }
                Ok(e) if e.file_type().is_symlink() => {
                    let source = shown(e.path());
                    match std::fs::metadata(e.path()) {
                        Ok(m) if m.is_file() => file_messages(e.path(), opts.clone()),
                        Ok(m) if m.is_dir() => {
                            Box::new(std::iter::once(error(source, 1, ReadError::SymlinkToDir)))
                        }
                        Ok(_) => Box::new(std::iter::once(error(source, 1, ReadError::NotRegular))),
                        Err(err) => Box::new(std::iter::once(error(source, 1, io_error(&err)))),
                    }
                }
                // Never opened: reading a FIFO would wait for a writer, a device may never end; one
                // named on the command line is read, as it is how `<(…)` reaches us.
                Ok(e) if !e.file_type().is_file() => {
                    Box::new(std::iter::once(error(shown(e.path()), 1, ReadError::NotRegular)))
                }
                Ok(e) => file_messages(e.path(), opts.clone()),
                Err(err) => {
                    let path = shown(err.path().unwrap_or(&root));
                    let why = err
                        .io_error()
                        .map_or_else(|| ReadError::Io(IoKind::Other(err.to_string())), io_error);
                    Box::new(std::iter::once(error(path, 1, why)))
                }
            }
        })
}

fn is_maildir(dir: &Path) -> bool {
    dir.join("cur").is_dir() && dir.join("new").is_dir()
}

fn is_maildir_tmp(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "tmp") && path.parent().is_some_and(is_maildir)
}

/// Files Dovecot and Courier keep in a Maildir's root.
const MAILDIR_METADATA: &[&str] = &[
    "dovecot",
    "maildirfolder",
    "subscriptions",
    "courierimap",
    ".uidvalidity",
];

fn is_maildir_metadata(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    MAILDIR_METADATA.iter().any(|m| name.starts_with(m)) && path.parent().is_some_and(is_maildir)
}

/// Files that file managers leave in folders, never mail: passed over (and counted) in walked
/// folders, still read when named.
fn is_junk(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let lower = name.to_ascii_lowercase();
    ["desktop.ini", "thumbs.db", "ehthumbs.db", ".ds_store"].contains(&lower.as_str())
        || name.starts_with("._")
}

/// Counts bytes as they are read.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A stream holding one message, or an mbox when its first line is a `From ` separator.
fn stream_messages(source: Arc<str>, reader: Box<dyn Read + Send>, max_size: usize) -> Messages {
    let mut reader = BufReader::with_capacity(CHUNK, reader);
    let is_mbox = match reader.fill_buf() {
        Ok(head) => head.starts_with(b"From "),
        Err(e) => return Box::new(std::iter::once(error(source, 1, io_error(&e)))),
    };
    // Nothing at all: don't read again, or a terminal would wait for a second Ctrl-D.
    if reader.buffer().is_empty() {
        return Box::new(std::iter::once(RawMessage {
            source,
            index: 1,
            data: Ok(Vec::new()),
        }));
    }
    if is_mbox {
        Box::new(Mbox::new(reader, max_size).map(move |(index, data)| RawMessage {
            source: source.clone(),
            index,
            data,
        }))
    } else {
        let data = read_limited(reader, max_size);
        Box::new(std::iter::once(RawMessage {
            source,
            index: 1,
            data,
        }))
    }
}

fn read_limited(reader: impl Read, max_size: usize) -> Result<Vec<u8>, ReadError> {
    let mut data = Vec::new();
    reader
        .take((max_size as u64).saturating_add(1))
        .read_to_end(&mut data)
        .map_err(|e| io_error(&e))?;
    if data.len() > max_size {
        return Err(ReadError::TooLarge { max_size });
    }
    Ok(data)
}

/// Streaming mbox reader (mboxrd, mboxo, CRLF). Splits on `From ` lines that look like
/// separators (`From sender date`), so a body line "From the team…" in an unescaped mboxo file
/// does not split a message; unescapes `>From ` quoting (mboxrd).
pub struct Mbox<R> {
    reader: R,
    buf: Vec<u8>,
    /// Where the current message starts in `buf`; bytes before it are spent.
    start: usize,
    /// Where the search for the next separator resumes.
    scan: usize,
    eof: bool,
    index: usize,
    max_size: usize,
    /// Bytes of the current message dropped because it exceeded `max_size`.
    dropped: bool,
    /// The current message's `Content-Length` has been looked at.
    framed: bool,
    failed: bool,
}

impl<R: BufRead> Mbox<R> {
    /// An mbox reader over a stream whose first line is a `From ` separator.
    pub fn new(reader: R, max_size: usize) -> Self {
        Mbox {
            reader,
            buf: Vec::new(),
            start: 0,
            scan: 0,
            eof: false,
            index: 0,
            max_size,
            dropped: false,
            framed: false,
            failed: false,
        }
    }

    /// Honour a `Content-Length` header (mboxcl/mboxcl2): when it lands exactly on the next
    /// separator or the end, resume the separator search there, so unescaped `From ` lines in
    /// the body do not split the message. Returns false when more bytes are needed to decide.
    fn apply_content_length(&mut self) -> bool {
        let held = &self.buf[self.start..];
        let blank = memchr::memmem::find(held, b"\n\n")
            .map(|i| i + 2)
            .or_else(|| memchr::memmem::find(held, b"\n\r\n").map(|i| i + 3));
        let Some(body_start) = blank else {
            return self.eof || held.len() > MAX_HEADER_BLOCK;
        };
        let Some(length) = content_length(&held[..body_start]).filter(|&n| n <= MAX_FRAMED) else {
            return true;
        };
        let end = self.start + body_start + length;
        if end + 7 > self.buf.len() && !self.eof {
            return false;
        }
        // A length that runs past the data, or lands anywhere but on a separator, is ignored; so
        // is one that would swallow what looks like another message (a separator line followed
        // by a header field), since a sender can write any Content-Length.
        let lands = self.buf.get(end..).is_some_and(|after| {
            after.is_empty() || after.starts_with(b"\nFrom ") || after.starts_with(b"\r\nFrom ")
        });
        let body = &self.buf[self.start + body_start..end.min(self.buf.len())];
        if lands && !holds_a_message(body) {
            self.scan = end;
        }
        true
    }

    fn refill(&mut self) -> io::Result<()> {
        if self.start > 0 && self.start >= self.buf.len() / 2 {
            // Drop spent bytes once they are half the buffer: amortised, each byte moves at
            // most once, and the buffer stays within twice a message plus a chunk.
            self.buf.drain(..self.start);
            self.scan -= self.start;
            self.start = 0;
        }
        // Straight into our buffer: a request this large bypasses BufReader's own copy.
        self.buf.reserve(CHUNK);
        let n = (&mut self.reader).take(CHUNK as u64).read_to_end(&mut self.buf)?;
        self.eof = n == 0;
        Ok(())
    }
    /// Position of the `\n` before the next separator line, if one is in the buffer.
    fn find_separator(&mut self) -> Option<usize> {
        while let Some(found) = memchr::memmem::find(&self.buf[self.scan..], b"\nFrom ") {
            let at = self.scan + found;
            let line_start = at + 1;
            let Some(line_len) = memchr::memchr(b'\n', &self.buf[line_start..]) else {
                // The separator line is cut by the buffer's end: decide after the next refill.
                if self.eof {
                    self.scan = self.buf.len();
                    return None;
                }
                return None;
            };
            self.scan = line_start;
            if after_blank_line(&self.buf[self.start..at])
                && is_separator(&self.buf[line_start..line_start + line_len])
            {
                return Some(at);
            }
        }
        // Keep the last few bytes: a separator may straddle the refill.
        self.scan = self.buf.len().saturating_sub(5).max(self.scan);
        None
    }
}

/// Largest `Content-Length` honoured. Copied-over headers often carry lengths that don't fit the
/// mbox; checking one means reading ahead to where it ends, so a huge one is not worth it.
const MAX_FRAMED: usize = 8 << 20;

/// Largest header block searched for `Content-Length`.
const MAX_HEADER_BLOCK: usize = 256 << 10;

/// The value of a `Content-Length` field in a header block. Found by its rarer tail with a SIMD
/// search, then checked whole in any letter case: mail header blocks run to many lines.
fn content_length(headers: &[u8]) -> Option<usize> {
    const FIELD: &[u8] = b"\ncontent-length:";
    let tail = FIELD.len() - 6;
    let at = memchr::memmem::find_iter(headers, b"ength:")
        .chain(memchr::memmem::find_iter(headers, b"ENGTH:"))
        .find(|&at| at >= tail && headers[at - tail..at + 6].eq_ignore_ascii_case(FIELD))?;
    let value = headers[at + 6..].split(|&b| b == b'\n').next()?;
    std::str::from_utf8(value).ok()?.trim().parse().ok()
}
/// A separator line followed by a header field line inside a body: a message, not quoted text.
fn holds_a_message(body: &[u8]) -> bool {
    memchr::memmem::find_iter(body, b"\nFrom ").any(|at| {
        let mut lines = body[at + 1..].split(|&b| b == b'\n');
        let separator = lines.next().is_some_and(is_separator);
        let field = lines.next().is_some_and(|l| {
            let name_len = l
                .iter()
                .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'-')
                .count();
            name_len > 0 && l.get(name_len) == Some(&b':')
        });
        separator && field
    })
}

/// `From sender date…`: a separator line has an address-like sender token (no comma or other
/// punctuation a sentence puts there) and a date-like tail: a time `hh:mm` and a year (19xx or 20xx),
/// as ctime and the mbox writers put them. `From the station at 9 am, walk north` and `From me,
/// 2 apples` are body text.
fn is_separator(line: &[u8]) -> bool {
    static TIME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(^|[^0-9])[0-9]{1,2}:[0-9]{2}").unwrap());
    static YEAR: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(^|[^0-9])(19|20)[0-9]{2}([^0-9]|$)").unwrap());
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.len() >= 512 || line.len() < 5 {
        return false;
    }
    let rest = &line[5..];
    let Some(space) = memchr::memchr(b' ', rest) else {
        return false;
    };
    let sender = &rest[..space];
    let address_like = !sender.is_empty()
        && sender
            .iter()
            .all(|&b| b.is_ascii_graphic() && !matches!(b, b',' | b';' | b'(' | b')' | b'"'));
    let tail = &rest[space..];
    address_like && TIME.is_match(tail) && YEAR.is_match(tail)
}

/// Whether the separator whose line ends `before` comes at the start of the data or after a
/// blank line, as mbox writers put it.
fn after_blank_line(before: &[u8]) -> bool {
    let before = before.strip_suffix(b"\r").unwrap_or(before);
    before.is_empty() || before.ends_with(b"\n")
}

impl<R: BufRead> Iterator for Mbox<R> {
    type Item = (usize, Result<Vec<u8>, ReadError>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || (self.eof && self.start >= self.buf.len()) {
            return None;
        }
        loop {
            if !self.framed {
                self.framed = self.apply_content_length();
            }
            if let Some(at) = self.framed.then(|| self.find_separator()).flatten() {
                let start = std::mem::replace(&mut self.start, at + 1);
                self.scan = self.start;
                self.framed = false;
                return Some(self.emit(start, at + 1));
            }
            if self.eof {
                let start = std::mem::replace(&mut self.start, self.buf.len());
                if start == self.buf.len() {
                    return None;
                }
                return Some(self.emit(start, self.buf.len()));
            }
            if self.buf.len() - self.start > self.max_size.saturating_add(CHUNK) {
                // Too large: drop what we hold but keep scanning for the next separator.
                self.dropped = true;
                self.start = self.buf.len() - 5;
                self.scan = self.start;
            }
            if let Err(e) = self.refill() {
                self.failed = true;
                self.index += 1;
                return Some((self.index, Err(ReadError::MboxRead((&e).into()))));
            }
        }
    }
}

impl<R> Mbox<R> {
    /// The message held in `buf[start..end]`, copied out once: separator dropped, unescaped.
    fn emit(&mut self, start: usize, end: usize) -> (usize, Result<Vec<u8>, ReadError>) {
        self.index += 1;
        let message = strip_separator(&self.buf[start..end]);
        if std::mem::take(&mut self.dropped) || message.len() > self.max_size {
            return (
                self.index,
                Err(ReadError::TooLarge {
                    max_size: self.max_size,
                }),
            );
        }
        (self.index, Ok(unescape(message)))
    }
}

/// Without the `From ` line and the blank line mbox writers put before the next separator.
fn strip_separator(message: &[u8]) -> &[u8] {
    let body_start = memchr::memchr(b'\n', message).map_or(message.len(), |i| i + 1);
    let message = &message[body_start..];
    for ending in [&b"\r\n\r\n"[..], b"\n\n"] {
        if message.ends_with(ending) {
            return &message[..message.len() - ending.len() / 2];
        }
    }
    message
}

/// mboxrd: `>From `, `>>From ` … at a line start lose one `>`.
fn unescape(message: &[u8]) -> Vec<u8> {
    if memchr::memmem::find(message, b">From ").is_none() {
        return message.to_vec();
    }
    let mut out = Vec::with_capacity(message.len());
    for line in message.split_inclusive(|&b| b == b'\n') {
        let quotes = line.iter().take_while(|&&b| b == b'>').count();
        if quotes > 0 && line[quotes..].starts_with(b"From ") {
            out.extend_from_slice(&line[1..]);
        } else {
            out.extend_from_slice(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(data: &[u8], max: usize) -> Vec<Result<Vec<u8>, ReadError>> {
        Mbox::new(BufReader::with_capacity(7, data), max)
            .map(|(_, m)| m)
            .collect()
    }

    #[test]
    fn mboxrd_split_and_unescape() {
        let data = b"From a@b Thu Jan  1 00:00:00 2026\nSubject: one\n\n>From here\n>>From there\nFrom the team with love\n\nFrom a@b Thu Jan  1 00:00:00 2026\r\nSubject: two\r\n\r\nbody\r\n";
        let msgs = split(data, 1 << 20);
        assert_eq!(msgs.len(), 2);
        assert_eq!(
            msgs[0].as_ref().unwrap(),
            b"Subject: one\n\nFrom here\n>From there\nFrom the team with love\n"
        );
        assert_eq!(msgs[1].as_ref().unwrap(), b"Subject: two\r\n\r\nbody\r\n");
    }

    #[test]
    fn oversize_message_is_an_error_and_the_rest_goes_on() {
        let mut data = b"From a@b Thu Jan  1 00:00:00 2026\nSubject: big\n\n".to_vec();
        data.extend(std::iter::repeat_n(b'x', 5000));
        data.extend_from_slice(b"\n\nFrom a@b Thu Jan  1 00:00:00 2026\nSubject: small\n\nok\n");
        let msgs = split(&data, 100);
        assert_eq!(msgs.len(), 2);
        assert_eq!(
            msgs[0].as_ref().unwrap_err(),
            &ReadError::TooLarge { max_size: 100 }
        );
        assert!(msgs[1].is_ok());
    }

    #[test]
    fn content_length_frames_unescaped_from_lines() {
        let body = "line\n\nFrom team@example.com Thu Jan  1 00:00:00 2026\n";
        let data = format!(
            "From a@b Thu Jan  1 00:00:00 2026\nContent-Length: {}\nSubject: one\n\n{body}\nFrom a@b Thu Jan  1 00:00:00 2026\nSubject: two\n\nx\n",
            body.len()
        );
        let msgs = split(data.as_bytes(), 1 << 20);
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(String::from_utf8_lossy(msgs[0].as_ref().unwrap()).ends_with("00:00:00 2026\n"));
        // A wrong length is ignored and separators decide.
        let wrong = data.replace(&format!("Content-Length: {}", body.len()), "Content-Length: 5");
        assert_eq!(split(wrong.as_bytes(), 1 << 20).len(), 3);
        // A length past the end of the data (seen in real mailboxes) is ignored too.
        let past = data.replace(
            &format!("Content-Length: {}", body.len()),
            "Content-Length: 99999",
        );
        assert_eq!(split(past.as_bytes(), 1 << 20).len(), 3);
    }

    #[test]
    fn content_length_in_any_usual_case() {
        assert_eq!(content_length(b"From x\nContent-Length: 12\n"), Some(12));
        assert_eq!(content_length(b"From x\nCONTENT-LENGTH: 7\n"), Some(7));
        assert_eq!(content_length(b"From x\nX-Content-Length: 7\n"), None);
        assert_eq!(content_length(b"ength: 3\n"), None);
    }

    #[test]
    fn mboxo_body_lines_are_not_separators() {
        let data = b"From a@b Thu Jan  1 00:00:00 2026\nSubject: one\n\nDirections:\n\nFrom the station at 9 am, walk north\n\nFrom me, 2 apples\nFrom x@y Thu Jan  1 00:00:00 2026\n\nFrom MAILER-DAEMON Fri Jul  8 12:08:34 2011\nSubject: two\n\nx\n\nFrom - Sat Jan 03 10:00:00 2026\r\nSubject: three\r\n\r\nbody\r\n";
        let msgs = split(data, 1 << 20);
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        let first = String::from_utf8_lossy(msgs[0].as_ref().unwrap()).into_owned();
        assert!(
            first.contains("walk north\n\nFrom me, 2 apples\nFrom x@y"),
            "{first}"
        );
        assert!(msgs[2].as_ref().unwrap().starts_with(b"Subject: three"));
        assert!(!is_separator(b"From the station at 9 am, walk north"));
        assert!(!is_separator(b"From me, 2 apples"));
        assert!(is_separator(
            b"From 1782736384734@xxx Tue Mar 04 12:00:00 +0000 2025"
        ));
    }

    #[test]
    fn max_size_near_the_largest_integer() {
        let data = b"From a@b Thu Jan  1 00:00:00 2026\nSubject: one\n\nbody\n";
        assert!(split(data, usize::MAX)[0].is_ok());
        assert_eq!(
            read_limited(&b"Subject: x\n\nbody\n"[..], usize::MAX)
                .unwrap()
                .len(),
            17
        );
    }

    #[test]
    fn unescape_only_quoted_from() {
        assert_eq!(unescape(b">From x\n>> From y\n"), b"From x\n>> From y\n");
    }
}
