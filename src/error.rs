//! Why an input or a message could not be read, as a typed value: the writers say it in the
//! reader's language ([`crate::output`]'s words); CSV and JSONL keep its English text, which is
//! what [`std::fmt::Display`] gives.

use serde::{Serialize, Serializer};

pub use crate::mime::DecodeError;
pub use crate::msg::MsgError;
use crate::output::words::words;
use crate::reason::Lang;

/// Why an input or a message could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// A path could not be opened or read.
    Io(IoKind),
    /// An mbox stopped being readable partway; the rest of it is lost.
    MboxRead(IoKind),
    /// A symbolic link to a directory met in a walked folder (never followed).
    SymlinkToDir,
    /// A FIFO, socket or device met in a walked folder (never opened).
    NotRegular,
    /// A message larger than `--max-size`.
    TooLarge {
        /// The limit, in bytes.
        max_size: usize,
    },
    /// Not a mail that can be decoded.
    Decode(DecodeError),
    /// An Outlook `.msg` that can't be turned into a mail.
    Msg(MsgError),
    /// A bug caught while judging a message.
    Internal,
    /// A bug caught while reading an input; the rest of that input is lost.
    InternalInput,
}

/// What went wrong with a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IoKind {
    /// No such file or directory.
    NotFound,
    /// Not allowed to read it.
    PermissionDenied,
    /// Anything else, as the system says it.
    Other(String),
}

impl From<&std::io::Error> for IoKind {
    fn from(e: &std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::NotFound => IoKind::NotFound,
            std::io::ErrorKind::PermissionDenied => IoKind::PermissionDenied,
            _ => IoKind::Other(e.to_string()),
        }
    }
}

impl From<IoKind> for ReadError {
    fn from(e: IoKind) -> Self {
        ReadError::Io(e)
    }
}

impl From<DecodeError> for ReadError {
    fn from(e: DecodeError) -> Self {
        ReadError::Decode(e)
    }
}

impl From<MsgError> for ReadError {
    fn from(e: MsgError) -> Self {
        ReadError::Msg(e)
    }
}

impl ReadError {
    /// The one-line message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        (words(lang).error)(self)
    }
}

/// The English message: the stable text of CSV and JSONL.
impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for ReadError {}

impl Serialize for ReadError {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
