//! Running the pipeline over many messages on all cores, records in input order. A reader
//! thread streams messages in batches over a bounded channel while the worker pool classifies
//! the batches before it, a few at a time, so memory stays bounded whatever the mailbox size.

use std::collections::VecDeque;
use std::sync::mpsc;

use rayon::prelude::*;

use crate::error::ReadError;
use crate::input::RawMessage;
use crate::{Options, Record, classify};

/// Most messages in one batch.
const BATCH_MESSAGES: usize = 256;
/// Most bytes in one batch, as in one read buffer ([`crate::input`]), where a batch also ends:
/// with [`IN_FLIGHT`] batches and the reader's, a few times this is held, and the bytes are still
/// in the cache when a worker reads them.
const BATCH_BYTES: usize = 1 << 20;
/// Batches being classified or waiting to be written, besides the one the reader is filling:
/// enough work queued behind a batch with a slow message that the other workers don't run dry
/// while it is waited for.
const IN_FLIGHT: usize = 8;
/// Worker stack size: mail-parser recurses on nested parts.
const WORKER_STACK: usize = 32 << 20;

/// Most worker threads; more only cost time to start and memory for their stacks.
pub const MAX_JOBS: usize = 1024;

/// Classify every message, mark the patterns over records ([`crate::takeover`]) and hand the
/// records, in input order, to `sink`. `jobs` is the number of worker threads (0: one per core;
/// at most [`MAX_JOBS`]). Stops early only if `sink` fails. When threads cannot be started, the
/// messages are classified on this thread instead.
pub fn run<I, E>(
    messages: I,
    opts: &Options,
    jobs: usize,
    mut sink: impl FnMut(Record) -> Result<(), E>,
) -> Result<(), E>
where
    I: Iterator<Item = RawMessage> + Send,
{
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.min(MAX_JOBS))
        .stack_size(WORKER_STACK)
        .thread_name(|i| format!("msorder-worker-{i}"))
        .build();
    // Patterns over several records (account takeover) are marked between classifying and
    // writing; the window keeps input order and holds a bounded number of records.
    let mut window = crate::takeover::Window::default();
    let mut sink_marked = |record| window.push(record, &mut sink);
    let Ok(pool) = pool else {
        guarded(messages).try_for_each(|m| sink_marked(record_for(&m, opts)))?;
        return window.finish(&mut sink);
    };
    // Left here for this thread should the reader thread not start.
    let messages = std::sync::Mutex::new(Some(messages));
    let take = || messages.lock().ok().and_then(|mut m| m.take());
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<Vec<RawMessage>>(1);
        let reader = std::thread::Builder::new().name("msorder-reader".into());
        let spawned = reader.spawn_scoped(scope, move || {
            let Some(messages) = take() else {
                return;
            };
            let mut batch = Vec::new();
            let mut bytes = 0;
            let mut buffer = None;
            for message in guarded(messages) {
                let data = message.data.as_ref().ok();
                // A batch holds messages of one read buffer: the batches in flight pin no more
                // buffers than there are batches.
                let other_buffer = data
                    .and_then(|d| d.buffer_id())
                    .is_some_and(|id| buffer.replace(id).is_some_and(|b| b != id));
                let full = batch.len() >= BATCH_MESSAGES || bytes >= BATCH_BYTES;
                if (other_buffer || full) && !batch.is_empty() {
                    bytes = 0;
                    if tx.send(std::mem::take(&mut batch)).is_err() {
                        return;
                    }
                }
                bytes += data.map_or(0, |d| d.len());
                batch.push(message);
            }
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
        });
        if spawned.is_err() {
            let messages = take().into_iter().flat_map(guarded);
            return messages
                .map(|m| record_for(&m, opts))
                .try_for_each(&mut sink_marked);
        }
        // Batches are classified as pool jobs while earlier ones are written out, so neither a
        // batch's slowest message nor the writing leaves a core idle; records still go out in
        // input order, and memory stays bounded by the batches in flight.
        pool.in_place_scope(|jobs| {
            let mut pending = VecDeque::new();
            let mut write = |done: mpsc::Receiver<Vec<Record>>| {
                // Empty only if the job panicked, which the scope then raises.
                done.recv()
                    .unwrap_or_default()
                    .into_iter()
                    .try_for_each(&mut sink_marked)
            };
            for batch in rx {
                let (tx, done) = mpsc::sync_channel(1);
                jobs.spawn(move |_| {
                    let records: Vec<Record> = batch.par_iter().map(|m| record_for(m, opts)).collect();
                    let _ = tx.send(records);
                });
                pending.push_back(done);
                if pending.len() > IN_FLIGHT {
                    pending.pop_front().map_or(Ok(()), &mut write)?;
                }
            }
            pending.into_iter().try_for_each(write)
        })
    })?;
    window.finish(&mut sink)
}

/// The messages, with a panic inside a reader (a bug) turned into one error record for the
/// input it was reading, so the run still ends with the records read so far.
fn guarded(mut messages: impl Iterator<Item = RawMessage>) -> impl Iterator<Item = RawMessage> {
    let mut last: Option<(std::sync::Arc<str>, usize)> = None;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| messages.next())) {
            Ok(Some(message)) => {
                last = Some((message.source.clone(), message.index));
                Some(message)
            }
            Ok(None) => None,
            Err(_) => {
                done = true;
                let (source, index) = last.take().map_or_else(|| ("-".into(), 1), |(s, i)| (s, i + 1));
                Some(RawMessage {
                    source,
                    index,
                    data: Err(ReadError::InternalInput),
                })
            }
        }
    })
}

/// The record for one raw message.
pub fn record_for(message: &RawMessage, opts: &Options) -> Record {
    match &message.data {
        Ok(bytes) => classify(&message.source, message.index, bytes, opts),
        Err(e) => Record::error(&message.source, message.index, e.clone()),
    }
}
