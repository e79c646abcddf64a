//! The access-log journal of the sled store: the consent-log entries of grantee reads, kept
//! apart from sled in one append-only file.
//!
//! A grantee read costs one log entry, and writing a round of them into sled cost more than
//! the rest of the read (sled's transaction, page rewrites and I/O threads: measured in
//! `vault-server/README.md`). Here the log writer appends each round with one `write` and
//! syncs the file, and only then are the reads answered (after a sled flush too, if the round
//! built on a log write outside rounds that no flush covers yet). What a round changes besides
//! its entries (vault heads, grant use counts, where the entries lie) is kept in memory by the
//! store and written to sled lazily, together with the journal length it accounts for
//! (`journal_applied`); at open the records beyond that length are replayed, and the request
//! nonces their entries keep as proofs claimed again.
//!
//! Each record is framed as `len: u32 LE ‖ crc32: u32 LE ‖ payload`, the payload a postcard
//! [`JournalRecord`]. A torn or damaged tail (a crash during a write) ends the valid records
//! and is cut off at open.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt as _;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

use super::{LogEntryRecord, StoreError, StoreResult};
use crypto::{GrantId, VaultId};

/// The file's name inside the data directory.
pub const FILE_NAME: &str = "access-log";

/// Bytes before each record's payload: its length and CRC-32.
const FRAME: usize = 8;

/// Longest payload accepted when reading: a longer length field is damage, not a record.
const MAX_PAYLOAD: u32 = 1 << 20;

/// One logged grantee read: the entry and the grant whose use it counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalRecord {
    /// The vault whose log the entry is in.
    pub vault: VaultId,
    /// The grant used.
    pub grant: GrantId,
    /// The entry.
    pub entry: LogEntryRecord,
    /// The last record of its round: a replay applies only whole rounds, so a round cut off
    /// by a crash never leaves a vault's log ending on a deferred entry.
    pub ends_round: bool,
}

/// Where a run of records lies in the file: consecutive entries of one vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    /// Byte offset of the first record's frame.
    pub offset: u64,
    /// Bytes of all its frames.
    pub len: u32,
    /// Sequence number of its first entry.
    pub first_seq: u64,
}

/// A record as found in the file, with its frame's place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Framed {
    /// Byte offset of the frame.
    pub offset: u64,
    /// Bytes of the frame.
    pub len: u32,
    /// The record.
    pub record: JournalRecord,
}

/// The append-only journal file.
#[derive(Debug)]
pub struct Journal {
    file: File,
    /// The file's length: where the next record goes.
    end: Mutex<u64>,
    /// The length the last sync covered: a flush with no new record skips the sync.
    synced: AtomicU64,
    /// A sync failed: what it should have made durable may be lost even if a later sync
    /// succeeds (Linux may drop the dirty pages), so every later write and sync fails too.
    failed: AtomicBool,
}

fn io_error(e: std::io::Error) -> StoreError {
    StoreError::Backend(format!("access-log journal: {e}"))
}

const CORRUPT: StoreError = StoreError::Corrupt { tree: FILE_NAME };

impl Journal {
    /// Opens the journal in `dir`, of which sled has applied everything up to byte `applied`.
    /// `create`: the store has had no journal so far (new, or of a format before it), so a
    /// missing file is created; otherwise a missing file is refused, as is one shorter than
    /// `applied` (lost, or restored without it). Returns the journal with the records beyond
    /// `applied`, each with its frame's offset and length, for replay; cuts off a torn tail.
    pub fn open(dir: &Path, applied: u64, create: bool) -> StoreResult<(Self, Vec<Framed>)> {
        let path = dir.join(FILE_NAME);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(create)
            .truncate(false)
            .open(&path)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => CORRUPT,
                _ => io_error(e),
            })?;
        let found = file.metadata().map_err(io_error)?.len();
        if found < applied {
            return Err(CORRUPT);
        }
        let mut tail = vec![0; usize::try_from(found - applied).map_err(|_| CORRUPT)?];
        file.read_exact_at(&mut tail, applied).map_err(io_error)?;
        let mut records = Vec::new();
        let mut valid = 0;
        while let Some((record, len)) = frame_at(&tail[valid..]) {
            records.push(Framed {
                offset: applied + valid as u64,
                len: u32::try_from(len).map_err(|_| CORRUPT)?,
                record,
            });
            valid += len;
        }
        let end = applied + valid as u64;
        if end < found {
            tracing::warn!(
                cut = found - end,
                "access-log journal: a torn or damaged tail is cut off"
            );
            file.set_len(end).map_err(io_error)?;
        }
        // Also what a killed process wrote but never synced: replay makes sled depend on it.
        file.sync_all().map_err(io_error)?;
        if create {
            File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(io_error)?;
        }
        Ok((
            Self {
                file,
                end: Mutex::new(end),
                synced: AtomicU64::new(end),
                failed: AtomicBool::new(false),
            },
            records,
        ))
    }

    fn lock(&self) -> MutexGuard<'_, u64> {
        // A plain length, consistent after any panic.
        self.end.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The file's length: everything appended so far.
    pub fn len(&self) -> u64 {
        *self.lock()
    }

    /// Appends `records` with one write, not synced ([`Self::sync`] does that). Returns the
    /// offset and length of each record's frame. A failed write is cut off again.
    pub fn append(&self, records: &[JournalRecord]) -> StoreResult<Vec<(u64, u32)>> {
        self.check_not_failed()?;
        let mut end = self.lock();
        let mut buffer = Vec::new();
        let mut places = Vec::with_capacity(records.len());
        for record in records {
            let payload = postcard::to_allocvec(record)
                .map_err(|_| StoreError::Internal("journal record does not encode"))?;
            let len = u32::try_from(payload.len())
                .ok()
                .filter(|&len| len <= MAX_PAYLOAD)
                .ok_or(StoreError::Internal("journal record too long"))?;
            let at = *end + buffer.len() as u64;
            buffer.extend_from_slice(&len.to_le_bytes());
            buffer.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
            buffer.extend_from_slice(&payload);
            places.push((at, len + FRAME as u32));
        }
        if let Err(e) = self.file.write_all_at(&buffer, *end) {
            let _ = self.file.set_len(*end);
            return Err(io_error(e));
        }
        *end += buffer.len() as u64;
        Ok(places)
    }

    /// Cuts the file back to `len` bytes (records a replay could not apply) and syncs it.
    pub fn cut(&self, len: u64) -> StoreResult<()> {
        let mut end = self.lock();
        self.file.set_len(len).map_err(io_error)?;
        self.file.sync_all().map_err(io_error)?;
        *end = len;
        self.synced.store(len, Ordering::Release);
        Ok(())
    }

    /// Makes everything appended so far durable; returns the length it covers.
    pub fn sync(&self) -> StoreResult<u64> {
        self.check_not_failed()?;
        let covered = self.len();
        if self.synced.load(Ordering::Acquire) < covered {
            if let Err(e) = self.file.sync_data() {
                self.failed.store(true, Ordering::Release);
                return Err(io_error(e));
            }
            self.synced.fetch_max(covered, Ordering::AcqRel);
        }
        Ok(covered)
    }

    fn check_not_failed(&self) -> StoreResult<()> {
        if self.failed.load(Ordering::Acquire) {
            Err(StoreError::Backend(
                "access-log journal: an earlier sync failed".into(),
            ))
        } else {
            Ok(())
        }
    }

    /// The records of `run`, in order.
    pub fn read(&self, run: &Run) -> StoreResult<Vec<JournalRecord>> {
        let within = run
            .offset
            .checked_add(u64::from(run.len))
            .is_some_and(|end| end <= self.len());
        if !within {
            return Err(CORRUPT);
        }
        let mut bytes = vec![0; run.len as usize];
        self.file
            .read_exact_at(&mut bytes, run.offset)
            .map_err(|_| CORRUPT)?;
        let mut records = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let (record, len) = frame_at(&bytes[at..]).ok_or(CORRUPT)?;
            records.push(record);
            at += len;
        }
        Ok(records)
    }

    /// Copies the file's content to `dest` (a new file) and syncs the copy.
    pub fn copy_to(&self, dest: &Path) -> StoreResult<()> {
        let end = self.lock();
        let copy = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(dest)
            .map_err(io_error)?;
        let mut chunk = vec![0; 1 << 20];
        let mut at = 0;
        while at < *end {
            let n = usize::try_from((*end - at).min(chunk.len() as u64)).map_err(|_| CORRUPT)?;
            self.file
                .read_exact_at(&mut chunk[..n], at)
                .map_err(io_error)?;
            copy.write_all_at(&chunk[..n], at).map_err(io_error)?;
            at += n as u64;
        }
        copy.sync_all().map_err(io_error)
    }
}

/// The record framed at the start of `bytes` and the frame's length; `None` when the bytes
/// hold no whole, intact record (the end, or a torn or damaged tail).
fn frame_at(bytes: &[u8]) -> Option<(JournalRecord, usize)> {
    let len = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?);
    let crc = u32::from_le_bytes(bytes.get(4..FRAME)?.try_into().ok()?);
    if len > MAX_PAYLOAD {
        return None;
    }
    let payload = bytes.get(FRAME..FRAME + len as usize)?;
    if crc32fast::hash(payload) != crc {
        return None;
    }
    let record = postcard::from_bytes(payload).ok()?;
    Some((record, FRAME + len as usize))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use rand_core::OsRng;

    use super::*;
    use crate::store::Blob;

    fn record(seq: u64) -> JournalRecord {
        JournalRecord {
            vault: VaultId::random(&mut OsRng),
            grant: GrantId::random(&mut OsRng),
            entry: LogEntryRecord {
                seq,
                hash: crypto::encoding::sha256(&seq.to_be_bytes()),
                entry: Blob(vec![7; 300]),
            },
            ends_round: true,
        }
    }

    #[test]
    fn records_read_back_and_replay_from_where_sled_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let (journal, replay) = Journal::open(dir.path(), 0, true).unwrap();
        assert!(replay.is_empty());
        let records: Vec<_> = (0..5).map(record).collect();
        let places = journal.append(&records).unwrap();
        journal.sync().unwrap();
        let run = Run {
            offset: places[1].0,
            len: places[1].1 + places[2].1,
            first_seq: 1,
        };
        assert_eq!(journal.read(&run).unwrap(), records[1..3].to_vec());
        drop(journal);
        let (_, replay) = Journal::open(dir.path(), places[3].0, false).unwrap();
        let found: Vec<_> = replay
            .into_iter()
            .map(|f| (f.offset, f.len, f.record))
            .collect();
        assert_eq!(
            found,
            vec![
                (places[3].0, places[3].1, records[3].clone()),
                (places[4].0, places[4].1, records[4].clone())
            ]
        );
    }

    #[test]
    fn a_torn_or_damaged_tail_is_cut_off_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let (journal, _) = Journal::open(dir.path(), 0, true).unwrap();
        let records: Vec<_> = (0..3).map(record).collect();
        let places = journal.append(&records).unwrap();
        let full = journal.len();
        drop(journal);
        let path = dir.path().join(FILE_NAME);
        // Torn: the last record only half written.
        let file = OpenOptions::new().write(true).open(&path).unwrap();
        file.set_len(full - 10).unwrap();
        let (journal, replay) = Journal::open(dir.path(), 0, true).unwrap();
        assert_eq!(replay.len(), 2);
        assert_eq!(
            journal.len(),
            places[2].0,
            "cut back to the last whole record"
        );
        drop(journal);
        // Damaged: a flipped byte in the second record's payload ends the valid records.
        file.write_all_at(&[0xff], places[1].0 + 20).unwrap();
        let (journal, replay) = Journal::open(dir.path(), 0, true).unwrap();
        assert_eq!(replay.len(), 1);
        assert_eq!(replay[0].record, records[0]);
        assert_eq!(journal.len(), places[1].0);
    }

    #[test]
    fn a_journal_shorter_than_what_sled_applied_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (journal, _) = Journal::open(dir.path(), 0, true).unwrap();
        journal.append(&[record(0)]).unwrap();
        let len = journal.len();
        drop(journal);
        assert!(matches!(
            Journal::open(dir.path(), len + 1, false),
            Err(StoreError::Corrupt { .. })
        ));
        std::fs::remove_file(dir.path().join(FILE_NAME)).unwrap();
        assert!(matches!(
            Journal::open(dir.path(), 0, false),
            Err(StoreError::Corrupt { .. })
        ));
    }
}
