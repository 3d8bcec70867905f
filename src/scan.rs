//! Running the pipeline over many messages on all cores, records in input order. Each worker
//! takes the next batch of messages from the input itself (reading the next buffer when it is
//! due), classifies it while its bytes are still in that core's cache and hands the records to
//! the calling thread, which writes them in input order. A worker waits while it is too far
//! ahead of the writing, so memory stays bounded whatever the mailbox size.

use std::collections::VecDeque;
use std::sync::mpsc;
use std::sync::{Condvar, Mutex, PoisonError};

use crate::error::ReadError;
use crate::input::RawMessage;
use crate::{Options, Record, classify};

/// Most messages in one batch.
const BATCH_MESSAGES: usize = 256;
/// Most bytes in one batch, as in one read buffer ([`crate::input`]), where a batch also ends:
/// with [`IN_FLIGHT`] batches, a few times this is held.
const BATCH_BYTES: usize = 1 << 20;
/// Batches taken but not yet written: enough that the other workers go on while one works on a
/// batch with a slow message, few enough that memory stays small.
const IN_FLIGHT: u64 = 16;
/// Worker stack size: mail-parser recurses on nested parts.
const WORKER_STACK: usize = 32 << 20;

/// Most worker threads; more only cost time to start and memory for their stacks.
pub const MAX_JOBS: usize = 1024;

/// Classify every message, mark the patterns over records ([`crate::takeover`]) and hand the
/// records, in input order, to `sink`. `jobs` is the number of worker threads (0: one per core;
/// at most [`MAX_JOBS`]). Stops early only if `sink` fails. When any of the threads cannot be
/// started, the messages are all classified on this thread instead.
pub fn run<I, E>(
    messages: I,
    opts: &Options,
    jobs: usize,
    mut sink: impl FnMut(Record) -> Result<(), E>,
) -> Result<(), E>
where
    I: Iterator<Item = RawMessage> + Send,
{
    let jobs = match jobs {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    }
    .min(MAX_JOBS);
    // Patterns over several records (account takeover) are marked between classifying and
    // writing; the window keeps input order and holds a bounded number of records.
    let mut window = crate::takeover::Window::default();
    let mut sink_marked = |record| window.push(record, &mut sink);
    let input = Mutex::new(Batches {
        messages: guarded(messages),
        carried: None,
        next: 0,
        ended: false,
    });
    let gate = Gate::default();
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel();
        let mut workers = Vec::with_capacity(jobs);
        for i in 0..jobs {
            let tx = tx.clone();
            let (input, gate) = (&input, &gate);
            let spawned = std::thread::Builder::new()
                .name(format!("msorder-worker-{i}"))
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, move || work(input, gate, opts, &tx));
            match spawned {
                Ok(worker) => workers.push(worker),
                Err(_) => break,
            }
        }
        drop(tx);
        // All workers or none: when one can't start (a thread or memory limit), those that did
        // are stopped before taking any batch and their stacks freed, and this thread reads
        // everything, rather than running short of memory beside them.
        if workers.len() < jobs {
            gate.stop();
            // A worker stopped before its first batch has nothing to panic on.
            workers.into_iter().for_each(|worker| drop(worker.join()));
            let mut input = lock(&input);
            while let Some((_, batch)) = input.take() {
                batch.iter().try_for_each(|m| sink_marked(record_for(m, opts)))?;
            }
            return Ok(());
        }
        gate.open();
        // Batches come in any order; each is written once those before it are.
        let mut written = 0;
        let mut done: VecDeque<Option<Vec<Record>>> = VecDeque::new();
        for (seq, records) in rx {
            // Below IN_FLIGHT: no batch is taken further ahead.
            let at = (seq - written) as usize;
            if done.len() <= at {
                done.resize_with(at + 1, || None);
            }
            done[at] = Some(records);
            while let Some(Some(_)) = done.front() {
                let records = done.pop_front().flatten().unwrap_or_default();
                written += 1;
                gate.written(written);
                let out = records.into_iter().try_for_each(&mut sink_marked);
                if out.is_err() {
                    gate.stop();
                    return out;
                }
            }
        }
        // Fewer batches than were taken only if a worker panicked, which the scope then raises.
        Ok(())
    })?;
    window.finish(&mut sink)
}

/// One worker: take a batch, classify it, hand the records on, until the input ends or the
/// writing stops.
fn work<I: Iterator<Item = RawMessage>>(
    input: &Mutex<Batches<I>>,
    gate: &Gate,
    opts: &Options,
    tx: &mpsc::Sender<(u64, Vec<Record>)>,
) {
    // However this worker ends, none waits for it at the gate.
    let _stop = StopOnExit(gate);
    loop {
        let taken = {
            let mut input = lock(input);
            if !gate.wait_for(input.next) {
                return;
            }
            input.take()
        };
        let Some((seq, batch)) = taken else {
            return;
        };
        let records = batch.iter().map(|m| record_for(m, opts)).collect();
        // The batch's read buffer is free to be read into again before the records go out.
        drop(batch);
        if tx.send((seq, records)).is_err() {
            return;
        }
    }
}

/// The input, taken a batch at a time, each batch numbered in input order.
struct Batches<I> {
    messages: I,
    /// A message read but left for the next batch: it lies in another read buffer.
    carried: Option<RawMessage>,
    /// The number of the next batch.
    next: u64,
    ended: bool,
}

impl<I: Iterator<Item = RawMessage>> Batches<I> {
    /// The next batch and its number; None at the end of the input.
    fn take(&mut self) -> Option<(u64, Vec<RawMessage>)> {
        let mut batch = Vec::new();
        let mut bytes = 0;
        let mut buffer = None;
        while let Some(message) = self.carried.take().or_else(|| self.read()) {
            let data = message.data.as_ref().ok();
            // A batch holds messages of one read buffer: the batches in flight pin no more
            // buffers than there are batches.
            let other_buffer = data
                .and_then(|d| d.buffer_id())
                .is_some_and(|id| buffer.replace(id).is_some_and(|b| b != id));
            let full = batch.len() >= BATCH_MESSAGES || bytes >= BATCH_BYTES;
            if (other_buffer || full) && !batch.is_empty() {
                self.carried = Some(message);
                break;
            }
            bytes += data.map_or(0, |d| d.len());
            batch.push(message);
        }
        if batch.is_empty() {
            return None;
        }
        self.next += 1;
        Some((self.next - 1, batch))
    }

    /// The next message; never asks the input again once it has ended.
    fn read(&mut self) -> Option<RawMessage> {
        let message = (!self.ended).then(|| self.messages.next()).flatten();
        self.ended = message.is_none();
        message
    }
}

/// How far the writing has come, so that workers keep within [`IN_FLIGHT`] batches of it.
#[derive(Default)]
struct Gate {
    state: Mutex<Progress>,
    moved: Condvar,
}

#[derive(Default)]
struct Progress {
    /// Batches written.
    written: u64,
    /// No more batches are to be taken.
    stopped: bool,
    /// Batches may be taken: every worker has started.
    open: bool,
}

impl Gate {
    /// Wait until batch `seq` may be taken; false once no more are.
    fn wait_for(&self, seq: u64) -> bool {
        let mut state = lock(&self.state);
        while !state.stopped && (!state.open || seq >= state.written + IN_FLIGHT) {
            state = self.moved.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
        !state.stopped
    }

    /// Every worker started: batches may be taken.
    fn open(&self) {
        lock(&self.state).open = true;
        self.moved.notify_all();
    }

    fn written(&self, written: u64) {
        lock(&self.state).written = written;
        self.moved.notify_all();
    }

    fn stop(&self) {
        lock(&self.state).stopped = true;
        self.moved.notify_all();
    }
}

struct StopOnExit<'a>(&'a Gate);

impl Drop for StopOnExit<'_> {
    fn drop(&mut self) {
        self.0.stop();
    }
}

/// A lock whose holder panicked is still good: the panic is raised when the scope ends.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
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
