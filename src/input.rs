//! Reading inputs: single-message files, mbox files (recognised by content), directories (walked
//! recursively, Maildir included, symlinks not followed) and stdin. Mailboxes are streamed one
//! message at a time, so memory is bounded by the largest message, not by the mailbox. The
//! messages of an mbox are ranges of the buffers it is read into, not copies.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Read};
use std::ops::{Deref, Range};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use memchr::memmem::Finder;

use crate::error::{IoKind, ReadError};

/// Default largest message read (`--max-size`).
pub const DEFAULT_MAX_SIZE: usize = 64 << 20;

/// Bytes read from the underlying file per refill when scanning an mbox.
const CHUNK: usize = 1 << 20;

/// Read buffers kept to be read into again once the messages in them are dropped: more than the
/// batches of a scan hold at once, so a long mailbox reuses the same memory instead of asking
/// the system for fresh (zeroed, page-faulted) memory for every megabyte.
const SPARE_BUFFERS: usize = 64;

/// One message read from an input, or the reason it could not be read.
#[derive(Debug)]
pub struct RawMessage {
    /// The path as given or as found in a directory; `-` for stdin.
    pub source: Arc<str>,
    /// 1-based position in an mbox; 1 for single-message files.
    pub index: usize,
    /// The message bytes, or why they could not be read.
    pub data: Result<Bytes, ReadError>,
}

/// The bytes of one message. An mbox message is a range of the buffer it was read into, shared
/// with the other messages read with it; an unescaped one, or a single-message file, owns its
/// bytes.
#[derive(Clone)]
pub struct Bytes(Held);

#[derive(Clone)]
enum Held {
    Own(Vec<u8>),
    Shared(Arc<Vec<u8>>, Range<usize>),
}

impl Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match &self.0 {
            Held::Own(bytes) => bytes,
            Held::Shared(buf, range) => &buf[range.clone()],
        }
    }
}

impl Bytes {
    /// Tells the read buffer this is a range of apart from the others alive; None when the
    /// bytes are owned.
    pub fn buffer_id(&self) -> Option<usize> {
        match &self.0 {
            Held::Own(_) => None,
            Held::Shared(buf, _) => Some(Arc::as_ptr(buf) as usize),
        }
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes(Held::Own(bytes))
    }
}

impl From<Bytes> for Vec<u8> {
    fn from(bytes: Bytes) -> Self {
        match bytes.0 {
            Held::Own(own) => own,
            Held::Shared(..) => bytes.to_vec(),
        }
    }
}

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
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
        return stream_messages(source, Box::new(stdin), opts.max_size, CHUNK);
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
            // A small file is read into a buffer of its size: a folder of single mails asks for
            // no megabyte each. At least enough to tell an mbox, whatever size is claimed.
            let first = file
                .metadata()
                .ok()
                .filter(std::fs::Metadata::is_file)
                .and_then(|m| usize::try_from(m.len()).ok())
                .map_or(CHUNK, |len| len.saturating_add(1).clamp(SEPARATOR.len(), CHUNK));
            let counted = Counting {
                inner: file,
                count: opts.bytes_read.clone(),
            };
            stream_messages(source, Box::new(counted), opts.max_size, first)
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

/// How an mbox separator line starts.
const SEPARATOR: &[u8] = b"From ";

/// A stream holding one message, or an mbox when its first line is a `From ` separator. The
/// first read fills `first` bytes.
fn stream_messages(
    source: Arc<str>,
    reader: Box<dyn Read + Send>,
    max_size: usize,
    first: usize,
) -> Messages {
    let mut mbox = Mbox::with_first_read(reader, max_size, CHUNK, first);
    if let Err(e) = mbox.refill() {
        return Box::new(std::iter::once(error(source, 1, io_error(&e))));
    }
    if mbox.held().starts_with(SEPARATOR) {
        Box::new(
            std::iter::from_fn(move || mbox.next_message()).map(move |(index, data)| RawMessage {
                source: source.clone(),
                index,
                data,
            }),
        )
    } else {
        Box::new(std::iter::once(RawMessage {
            source,
            index: 1,
            data: mbox.into_message(),
        }))
    }
}

/// Reads into `buf` until it is full or the input ends (a read of nothing: never read again, or a
/// terminal would wait for a second Ctrl-D). Returns the bytes read, whether the input ended, and
/// the error that stopped it early.
fn fill(reader: &mut impl Read, buf: &mut [u8]) -> (usize, bool, Option<io::Error>) {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..]) {
            Ok(0) => return (n, true, None),
            Ok(read) => n += read,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (n, false, Some(e)),
        }
    }
    (n, false, None)
}

/// Streaming mbox reader (mboxrd, mboxo, CRLF). Splits on `From ` lines that look like
/// separators (`From sender date`), so a body line "From the team…" in an unescaped mboxo file
/// does not split a message; unescapes `>From ` quoting (mboxrd).
///
/// The input is read in buffers of about [`CHUNK`] bytes, and a message is a range of the buffer
/// it lies in ([`Mbox::next_message`]); a buffer is never written again while a message holds
/// it: the message cut by its end moves to the front of the next buffer with the bytes after it.
pub struct Mbox<R> {
    reader: R,
    /// What has been read is `buf[..filled]`; the bytes after it are left from an earlier use.
    buf: Arc<Vec<u8>>,
    filled: usize,
    /// Size of the buffers read into.
    chunk: usize,
    /// Size of the next one (the first may be smaller: a small file's size).
    next: usize,
    /// Buffers read into before, the oldest first, taken again once no message holds them.
    spare: VecDeque<Arc<Vec<u8>>>,
    /// A read error met after some bytes came in: raised once those are split.
    failure: Option<io::Error>,
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
    /// A `>From ` was met in the current message, or some of its bytes went unsearched: only
    /// then is it searched for lines to unescape (the separator search sees every `From `).
    quoted: bool,
    failed: bool,
}

impl<R: Read> Mbox<R> {
    /// An mbox reader over a stream whose first line is a `From ` separator.
    pub fn new(reader: R, max_size: usize) -> Self {
        Self::with_chunk(reader, max_size, CHUNK)
    }

    /// An mbox reader that reads `chunk` bytes at a time (at least 1): small ones put messages
    /// across buffer ends, as tests want.
    pub fn with_chunk(reader: R, max_size: usize, chunk: usize) -> Self {
        Self::with_first_read(reader, max_size, chunk, chunk)
    }

    fn with_first_read(reader: R, max_size: usize, chunk: usize, first: usize) -> Self {
        Mbox {
            reader,
            buf: Arc::default(),
            filled: 0,
            chunk: chunk.max(1),
            next: first.max(1),
            spare: VecDeque::new(),
            failure: None,
            start: 0,
            scan: 0,
            eof: false,
            index: 0,
            max_size,
            dropped: false,
            framed: false,
            quoted: false,
            failed: false,
        }
    }

    /// The bytes in the current buffer.
    fn held(&self) -> &[u8] {
        &self.buf[..self.filled]
    }

    /// Honour a `Content-Length` header (mboxcl/mboxcl2): when it lands exactly on the next
    /// separator or the end, resume the separator search there, so unescaped `From ` lines in
    /// the body do not split the message. Returns false when more bytes are needed to decide.
    fn apply_content_length(&mut self) -> bool {
        let data = &self.buf[..self.filled];
        let held = &data[self.start..];
        let Some(body_start) = header_end(held) else {
            return self.eof || held.len() > MAX_HEADER_BLOCK;
        };
        let Some(length) = content_length(&held[..body_start]).filter(|&n| n <= MAX_FRAMED) else {
            return true;
        };
        let end = self.start + body_start + length;
        if end + 7 > data.len() && !self.eof {
            return false;
        }
        // A length that runs past the data, or lands anywhere but on a separator, is ignored; so
        // is one that would swallow what looks like another message (a separator line followed
        // by a header field), since a sender can write any Content-Length.
        let lands = data.get(end..).is_some_and(|after| {
            after.is_empty() || after.starts_with(b"\nFrom ") || after.starts_with(b"\r\nFrom ")
        });
        let body = &data[self.start + body_start..end.min(data.len())];
        if lands && !holds_a_message(body) {
            self.scan = end;
            self.quoted = true;
        }
        true
    }

    /// Read more: into a buffer that starts with the bytes of the message not yet complete. The
    /// current buffer is reused when no message holds it, else a spare one or a new one; a
    /// buffer at least twice the message, so a long message is moved a bounded number of times.
    fn refill(&mut self) -> io::Result<()> {
        if let Some(e) = self.failure.take() {
            return Err(e);
        }
        let kept = self.filled - self.start;
        let size = std::mem::replace(&mut self.next, self.chunk).max(kept.saturating_mul(2));
        let mut next = match Arc::try_unwrap(std::mem::take(&mut self.buf)) {
            Ok(mut own) => {
                own.copy_within(self.start..self.filled, 0);
                own
            }
            Err(shared) => {
                let mut next = self.spare_buffer(size);
                next[..kept].copy_from_slice(&shared[self.start..self.filled]);
                if shared.len() <= self.chunk {
                    self.spare.push_back(shared);
                    if self.spare.len() > SPARE_BUFFERS {
                        self.spare.pop_front();
                    }
                }
                next
            }
        };
        if next.len() < size {
            next.resize(size, 0);
        }
        self.scan -= self.start;
        self.start = 0;
        let (n, eof, failure) = fill(&mut self.reader, &mut next[kept..]);
        self.buf = Arc::new(next);
        self.filled = kept + n;
        self.eof = eof;
        match failure {
            Some(e) if n == 0 => Err(e),
            failure => {
                self.failure = failure;
                Ok(())
            }
        }
    }

    /// A spare buffer no message holds any more, at least `size` bytes long.
    fn spare_buffer(&mut self, size: usize) -> Vec<u8> {
        for _ in 0..self.spare.len() {
            let Some(buf) = self.spare.pop_front() else {
                break;
            };
            match Arc::try_unwrap(buf) {
                Ok(mut own) => {
                    if own.len() < size {
                        own.resize(size, 0);
                    }
                    return own;
                }
                Err(shared) => self.spare.push_back(shared),
            }
        }
        // Zeroed by the system as it maps the pages, not written here.
        vec![0; size]
    }

    /// Position of the `\n` before the next separator line, if one is in the buffer. Notes a
    /// `>From ` on the way, one search for both.
    fn find_separator(&mut self) -> Option<usize> {
        let data = &self.buf[..self.filled];
        let mut from = self.scan;
        while let Some(found) = FROM.find(&data[from..]) {
            let hit = from + found;
            from = hit + 1;
            // The byte before must lie in the search, as the `\n` of `\nFrom ` did.
            match data[..hit].last() {
                Some(b'\n') if hit > self.scan => {}
                Some(b'>') if hit > self.scan => {
                    self.quoted = true;
                    continue;
                }
                _ => continue,
            }
            let at = hit - 1;
            let line_start = hit;
            let Some(line_len) = memchr::memchr(b'\n', &data[line_start..]) else {
                // The separator line is cut by the buffer's end: decide after the next refill.
                if self.eof {
                    self.scan = data.len();
                    return None;
                }
                return None;
            };
            self.scan = line_start;
            if after_blank_line(&data[self.start..at])
                && is_separator(&data[line_start..line_start + line_len])
            {
                return Some(at);
            }
        }
        // Keep the last few bytes: a separator may straddle the refill.
        self.scan = data.len().saturating_sub(5).max(self.scan);
        None
    }
}

/// Searchers built once: these searches run over every byte read, a few at a time.
static FROM: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(SEPARATOR));
static QUOTED_FROM: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b">From "));

/// Where the header block at the start of `message` ends: after its first blank line, LF or CRLF.
/// The first of either: a CRLF message is not measured to a blank line further on.
fn header_end(message: &[u8]) -> Option<usize> {
    crate::skim::blank_line(message).map(|(_, end)| end)
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
    // The tail starts with the space, so a time or year never starts it.
    let tail = &rest[space..];
    address_like && has_time(tail) && has_year(tail)
}

/// A time `h:mm` or `hh:mm` not preceded by a digit.
fn has_time(tail: &[u8]) -> bool {
    let digit = |i: usize| tail.get(i).is_some_and(u8::is_ascii_digit);
    (1..tail.len()).any(|i| {
        let hour = if digit(i + 1) { 2 } else { 1 };
        digit(i)
            && tail.get(i + hour) == Some(&b':')
            && digit(i + hour + 1)
            && digit(i + hour + 2)
            && ends_in_non_digit(&tail[..i])
    })
}

/// A year 19xx or 20xx standing apart from other digits.
fn has_year(tail: &[u8]) -> bool {
    (1..tail.len()).any(|i| {
        (tail[i..].starts_with(b"19") || tail[i..].starts_with(b"20"))
            && tail
                .get(i + 2..i + 4)
                .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
            && starts_with_non_digit(&tail[i + 4..])
            && ends_in_non_digit(&tail[..i])
    })
}

/// Whether `bytes` ends with a character (well-formed UTF-8) that is no ASCII digit, as the
/// `[^0-9]` of a Unicode regex before a match reads it.
fn ends_in_non_digit(bytes: &[u8]) -> bool {
    (1..=bytes.len().min(4)).any(|n| {
        std::str::from_utf8(&bytes[bytes.len() - n..])
            .is_ok_and(|c| c.chars().count() == 1 && !c.starts_with(|c: char| c.is_ascii_digit()))
    })
}

/// Whether `bytes` is empty or starts with a character (well-formed UTF-8) that is no ASCII
/// digit, as `([^0-9]|$)` after a match reads it.
fn starts_with_non_digit(bytes: &[u8]) -> bool {
    match bytes.utf8_chunks().next() {
        None => true,
        Some(chunk) => chunk.valid().chars().next().is_some_and(|c| !c.is_ascii_digit()),
    }
}

/// Whether the separator whose line ends `before` comes at the start of the data or after a
/// blank line, as mbox writers put it.
fn after_blank_line(before: &[u8]) -> bool {
    let before = before.strip_suffix(b"\r").unwrap_or(before);
    before.is_empty() || before.ends_with(b"\n")
}

impl<R: Read> Mbox<R> {
    /// The next message, sharing the buffer it was read into.
    fn next_message(&mut self) -> Option<(usize, Result<Bytes, ReadError>)> {
        if self.failed || (self.eof && self.start >= self.filled) {
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
                let start = std::mem::replace(&mut self.start, self.filled);
                if start == self.filled {
                    return None;
                }
                return Some(self.emit(start, self.filled));
            }
            if self.filled - self.start > self.max_size.saturating_add(self.chunk) {
                // Too large: drop what we hold but keep scanning for the next separator.
                self.dropped = true;
                self.start = self.filled - 5;
                self.scan = self.start;
            }
            if let Err(e) = self.refill() {
                self.failed = true;
                self.index += 1;
                return Some((self.index, Err(ReadError::MboxRead((&e).into()))));
            }
        }
    }

    /// The message held in `buf[start..end]`: separator dropped, unescaped.
    fn emit(&mut self, start: usize, end: usize) -> (usize, Result<Bytes, ReadError>) {
        self.index += 1;
        let quoted = std::mem::take(&mut self.quoted);
        let inner = without_separator(&self.buf[start..end]);
        let range = start + inner.start..start + inner.end;
        if std::mem::take(&mut self.dropped) || range.len() > self.max_size {
            return (
                self.index,
                Err(ReadError::TooLarge {
                    max_size: self.max_size,
                }),
            );
        }
        let message = match quoted.then(|| unescape(&self.buf[range.clone()])).flatten() {
            Some(unescaped) => Bytes::from(unescaped),
            None => Bytes(Held::Shared(self.buf.clone(), range)),
        };
        (self.index, Ok(message))
    }

    /// The whole input as one message, as it is no mbox: what the first read got, and the rest.
    fn into_message(mut self) -> Result<Bytes, ReadError> {
        if let Some(e) = self.failure.take() {
            return Err(io_error(&e));
        }
        // No message was taken out of the buffer, so it is ours and becomes the message.
        let mut data = Arc::try_unwrap(self.buf).unwrap_or_else(|shared| shared.to_vec());
        data.truncate(self.filled);
        if !self.eof {
            let rest = (self.max_size as u64)
                .saturating_add(1)
                .saturating_sub(data.len() as u64);
            self.reader
                .take(rest)
                .read_to_end(&mut data)
                .map_err(|e| io_error(&e))?;
        }
        if data.len() > self.max_size {
            return Err(ReadError::TooLarge {
                max_size: self.max_size,
            });
        }
        Ok(Bytes::from(data))
    }
}

/// Each message as its own bytes (a copy: [`messages`] hands out shared ranges instead).
impl<R: Read> Iterator for Mbox<R> {
    type Item = (usize, Result<Vec<u8>, ReadError>);

    fn next(&mut self) -> Option<Self::Item> {
        self.next_message()
            .map(|(index, message)| (index, message.map(Vec::from)))
    }
}

/// Where the message is in `message`: after the `From ` line, before the blank line mbox writers
/// put before the next separator.
fn without_separator(message: &[u8]) -> Range<usize> {
    let body_start = memchr::memchr(b'\n', message).map_or(message.len(), |i| i + 1);
    let body = &message[body_start..];
    for ending in [&b"\r\n\r\n"[..], b"\n\n"] {
        if body.ends_with(ending) {
            return body_start..message.len() - ending.len() / 2;
        }
    }
    body_start..message.len()
}

/// mboxrd: `>From `, `>>From ` … at a line start lose one `>`. None when no line is quoted so.
fn unescape(message: &[u8]) -> Option<Vec<u8>> {
    QUOTED_FROM.find(message)?;
    let mut out = Vec::with_capacity(message.len());
    for line in message.split_inclusive(|&b| b == b'\n') {
        let quotes = line.iter().take_while(|&&b| b == b'>').count();
        if quotes > 0 && line[quotes..].starts_with(b"From ") {
            out.extend_from_slice(&line[1..]);
        } else {
            out.extend_from_slice(line);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(data: &[u8], max: usize) -> Vec<Result<Vec<u8>, ReadError>> {
        Mbox::with_chunk(data, max, 7).map(|(_, m)| m).collect()
    }

    /// What [`messages`] makes of a stream whose first read takes `first` bytes.
    fn read(data: &'static [u8], max: usize, first: usize) -> Vec<RawMessage> {
        stream_messages("-".into(), Box::new(data), max, first).collect()
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
        let one = read(b"Subject: x\n\nbody\n", usize::MAX, 5);
        assert_eq!(one[0].data.as_ref().unwrap().len(), 17);
    }

    /// An mbox with what buffer ends may cut: `>From ` quoting, CRLF, a `Content-Length` that
    /// frames an unescaped `From ` line, an empty message, one longer than the small buffers.
    fn tricky_mbox() -> Vec<u8> {
        let framed = "line\n\nFrom team@example.com Thu Jan  1 00:00:00 2026\n";
        let mut data = format!(
            "From a@b Thu Jan  1 00:00:00 2026\nSubject: one\n\n>From here\n>>From there\n\n\
             From a@b Thu Jan  1 00:00:00 2026\r\nSubject: crlf\r\n\r\n>From x\r\nbody\r\n\r\n\
             From a@b Thu Jan  1 00:00:00 2026\nContent-Length: {}\nSubject: framed\n\n{framed}\n\
             From a@b Thu Jan  1 00:00:00 2026\n\n\
             From a@b Thu Jan  1 00:00:00 2026\nSubject: long\n\n",
            framed.len()
        )
        .into_bytes();
        data.extend(b"0123456789abcdef\n".repeat(40));
        data.extend_from_slice(b"\nFrom a@b Thu Jan  1 00:00:00 2026\nSubject: last\n\n>From end");
        data
    }

    #[test]
    fn buffer_ends_do_not_change_the_messages() {
        let data = tricky_mbox();
        let whole: Vec<_> = Mbox::new(&data[..], 1 << 20).collect();
        assert_eq!(whole.len(), 6, "{whole:?}");
        assert_eq!(
            whole[0].1.as_ref().unwrap(),
            b"Subject: one\n\nFrom here\n>From there\n"
        );
        assert_eq!(
            whole[1].1.as_ref().unwrap(),
            b"Subject: crlf\r\n\r\nFrom x\r\nbody\r\n"
        );
        assert_eq!(whole[3].1.as_ref().unwrap(), b"\n");
        assert_eq!(whole[5].1.as_ref().unwrap(), b"Subject: last\n\nFrom end");
        for chunk in 1..=data.len() + 1 {
            // All kept while reading on: a buffer a message holds is never written again.
            let shared: Vec<_> = std::iter::from_fn({
                let mut mbox = Mbox::with_chunk(&data[..], 1 << 20, chunk);
                move || mbox.next_message()
            })
            .collect();
            let copied: Vec<_> = shared
                .iter()
                .map(|(i, m)| (*i, m.clone().map(Vec::from)))
                .collect();
            assert_eq!(copied, whole, "buffers of {chunk} bytes");
        }
    }

    #[test]
    fn buffers_are_reused_once_their_messages_are_dropped() {
        let data = [tricky_mbox(), b"\n\n".to_vec()].concat().repeat(50);
        let mut mbox = Mbox::with_chunk(&data[..], 1 << 20, 256);
        let mut count = 0;
        while let Some((_, message)) = mbox.next_message() {
            drop(message);
            count += 1;
        }
        assert_eq!(count, 300);
        assert!(mbox.spare.len() <= 2, "{} spare buffers", mbox.spare.len());
    }

    #[test]
    fn messages_tell_the_buffer_they_share() {
        let data = tricky_mbox();
        let mut mbox = Mbox::new(&data[..], 1 << 20);
        let ids: Vec<_> = std::iter::from_fn(|| mbox.next_message())
            .map(|(_, m)| m.unwrap().buffer_id())
            .collect();
        // The unescaped ones own their bytes; the others are ranges of the one buffer.
        assert_eq!([ids[0], ids[1], ids[5]], [None; 3]);
        assert!(ids[2].is_some() && ids[2] == ids[3] && ids[3] == ids[4]);
    }

    /// Gives `data` a few bytes at a time, then fails.
    struct FailingAfter<'a>(&'a [u8]);

    impl Read for FailingAfter<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Err(io::Error::other("device gone"));
            }
            let n = buf.len().min(self.0.len()).min(10);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_read_error_ends_the_mbox_after_the_messages_before_it() {
        let data = tricky_mbox();
        // Cut inside the fourth message: the first three are whole.
        let cut = memchr::memmem::rfind(&data, b"Subject: long").unwrap();
        for chunk in [7, 64, 1 << 20] {
            let got: Vec<_> = Mbox::with_chunk(FailingAfter(&data[..cut]), 1 << 20, chunk).collect();
            assert_eq!(got.len(), 5, "buffers of {chunk}: {got:?}");
            assert!(got[..4].iter().all(|(_, m)| m.is_ok()));
            assert!(matches!(got[4], (5, Err(ReadError::MboxRead(_)))), "{got:?}");
        }
        // Nothing read at all: the input could not be read.
        let none = stream_messages("-".into(), Box::new(FailingAfter(b"")), 1 << 20, CHUNK);
        let none: Vec<_> = none.collect();
        assert_eq!(none.len(), 1);
        assert!(matches!(none[0].data, Err(ReadError::Io(_))));
    }

    #[test]
    fn empty_short_and_single_inputs() {
        assert_eq!(read(b"", 1 << 20, CHUNK)[0].data.as_ref().unwrap().len(), 0);
        assert_eq!(
            &**read(b"From", 1 << 20, CHUNK)[0].data.as_ref().unwrap(),
            b"From"
        );
        // A single message longer than the first read, and one over the limit.
        let mail = b"Subject: x\n\nbody that runs past the first read\n";
        for first in [5, 16, mail.len() + 1] {
            assert_eq!(&**read(mail, 1 << 20, first)[0].data.as_ref().unwrap(), mail);
            assert_eq!(
                read(mail, 20, first)[0].data.as_ref().unwrap_err(),
                &ReadError::TooLarge { max_size: 20 }
            );
        }
    }

    proptest::proptest! {
        /// The separator test reads a line as the two regexes it replaced (a time, a year, each
        /// apart from other digits, in a Unicode regex's idea of a character) did.
        #[test]
        fn separator_dates_read_as_the_regexes(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    &b" "[..], b"1", b"9", b"0", b"19", b"20", b":", b"12:34", b"a", b"\xc3\xa9",
                    b"\xc3", b"\xa9", b"\xe3\x81\x82", b"\xff", b"\xf0\x9f\x98\x80", b"\r",
                ]),
                0..14,
            ),
        ) {
            let tail = [&b" "[..], &pieces.concat()].concat();
            let time = regex::bytes::Regex::new(r"(^|[^0-9])[0-9]{1,2}:[0-9]{2}").unwrap();
            let year = regex::bytes::Regex::new(r"(^|[^0-9])(19|20)[0-9]{2}([^0-9]|$)").unwrap();
            proptest::prop_assert_eq!(has_time(&tail), time.is_match(&tail), "{:?}", tail);
            proptest::prop_assert_eq!(has_year(&tail), year.is_match(&tail), "{:?}", tail);
        }
    }

    #[test]
    fn unescape_only_quoted_from() {
        assert_eq!(unescape(b">From x\n>> From y\n").unwrap(), b"From x\n>> From y\n");
        assert_eq!(unescape(b"From x\n>> From y\n"), None);
    }

    proptest::proptest! {
        /// Quoted `From ` lines are unescaped wherever buffer ends fall: the separator search
        /// that notes them sees each one, at a line start or not, as its own search did.
        #[test]
        fn quoted_from_lines_are_unescaped_across_buffer_ends(
            bodies in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(vec![">From x", ">>From y", "a>From z", "From the team", "text", ""]),
                    0..6,
                ),
                1..5,
            ),
            chunk in 1usize..40,
        ) {
            let separator = "From a@b Thu Jan  1 00:00:00 2026\n";
            let mut data = String::new();
            let mut expected = Vec::new();
            for lines in &bodies {
                let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
                data.push_str(separator);
                data.push_str(&body);
                data.push('\n');
                let unquoted: String = lines
                    .iter()
                    .map(|l| match l.strip_prefix('>') {
                        Some(rest) if rest.trim_start_matches('>').starts_with("From ") => format!("{rest}\n"),
                        _ => format!("{l}\n"),
                    })
                    .collect::<String>()
                    + "\n";
                // The blank line before a separator is the mbox's, not the message's.
                let unquoted = unquoted.strip_suffix("\n\n").map_or(unquoted.clone(), |m| format!("{m}\n"));
                expected.push(unquoted.into_bytes());
            }
            let got: Vec<Vec<u8>> = Mbox::with_chunk(data.as_bytes(), 1 << 20, chunk)
                .map(|(_, m)| m.unwrap())
                .collect();
            proptest::prop_assert_eq!(got, expected);
        }
    }
}
