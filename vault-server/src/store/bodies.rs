//! Item bodies of the sled store, kept apart from sled in one append-only file.
//!
//! sled 0.34 keeps up to sixteen values in a leaf and reads and decodes the whole leaf when
//! it is not in its cache. With item bodies of a kilobyte or more inside the `items` tree,
//! every item read that missed the cache decoded some twenty kilobytes, and once a server
//! holds more items than its cache (a few tens of thousands with the default 32 MiB), most
//! reads missed. Here the tree keeps a small record per item with a [`BodyRef`], which the
//! cache holds for far more items, and a body is one positioned read from this file.
//!
//! Crash safety: bodies are written and synced to the file *before* the sled transaction
//! that stores their references commits, so a reference never points to bytes that a crash
//! can lose. The same transaction records the file's committed length (`bodies_end` in the
//! `meta` tree). A write refused inside its transaction is cut off the file again; bytes
//! beyond the committed length (a crash between the sync and the commit) are cut off at the
//! next open; a file shorter than the committed length (lost, or restored without it) is
//! refused at open instead of being written over. A reference also carries the body's
//! CRC-32, so a damaged file is reported as corrupt instead of handing out wrong bytes.
//!
//! Reads are positioned (`pread`), so they need no lock; that makes the server Unix-only,
//! which it is in practice (Linux).

use std::fs::{File, OpenOptions};
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::os::unix::fs::FileExt as _;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

use super::{StoreError, StoreResult};

/// The file's name inside the data directory (beside sled's own files).
pub const FILE_NAME: &str = "item-bodies";

/// Where an item's body lies in the body file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyRef {
    /// Byte offset in the file.
    pub offset: u64,
    /// Length in bytes.
    pub len: u32,
    /// CRC-32 (IEEE) of the body.
    pub crc: u32,
}

/// The append-only file of item bodies.
#[derive(Debug)]
pub struct BodyFile {
    file: File,
    /// The file's length: where the next body goes. Held while a write is in progress, so
    /// writes follow one another and a failed one can be cut off again.
    end: Mutex<u64>,
    /// The same length for readers, which take no lock: a reference beyond it is corrupt.
    readable: AtomicU64,
}

/// A write in progress: bodies appended and synced, their references not yet committed.
#[must_use]
pub struct Appended<'a> {
    file: &'a BodyFile,
    end: MutexGuard<'a, u64>,
    before: u64,
    /// The references, in the order of the bodies given.
    pub refs: Vec<BodyRef>,
}

impl BodyFile {
    /// Opens the body file in `dir`, whose store has committed references up to byte
    /// `committed` (0: none yet, the file is created if missing). Cuts off bytes beyond it;
    /// refuses a file shorter than it.
    pub fn open(dir: &Path, committed: u64) -> StoreResult<Self> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(committed == 0)
            .truncate(false)
            .open(dir.join(FILE_NAME))
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => StoreError::BodiesMissing {
                    found: 0,
                    expected: committed,
                },
                _ => io_error(e),
            })?;
        let found = file.metadata().map_err(io_error)?.len();
        if found < committed {
            return Err(StoreError::BodiesMissing {
                found,
                expected: committed,
            });
        }
        if found > committed {
            file.set_len(committed).map_err(io_error)?;
            file.sync_all().map_err(io_error)?;
        }
        Ok(Self {
            file,
            end: Mutex::new(committed),
            readable: AtomicU64::new(committed),
        })
    }

    fn lock(&self) -> MutexGuard<'_, u64> {
        // A plain length, consistent after any panic.
        self.end.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends `bodies` and syncs them to disk. The caller commits the references and
    /// [`Appended::end`] in one transaction, then calls [`Appended::keep`]; dropping the write
    /// instead cuts the bodies off again.
    pub fn append<'b>(
        &self,
        bodies: impl IntoIterator<Item = &'b [u8]>,
    ) -> StoreResult<Appended<'_>> {
        let end = self.lock();
        let before = *end;
        let mut appended = Appended {
            file: self,
            end,
            before,
            refs: Vec::new(),
        };
        let mut offset = before;
        let mut buffer = Vec::new();
        for body in bodies {
            let len = u32::try_from(body.len())
                .map_err(|_| StoreError::Internal("item body longer than 4 GiB"))?;
            appended.refs.push(BodyRef {
                offset,
                len,
                crc: crc32fast::hash(body),
            });
            buffer.extend_from_slice(body);
            offset += u64::from(len);
        }
        if buffer.is_empty() {
            return Ok(appended);
        }
        self.file.write_all_at(&buffer, before).map_err(io_error)?;
        self.file.sync_data().map_err(io_error)?;
        *appended.end = offset;
        self.readable.store(offset, Ordering::Release);
        Ok(appended)
    }

    /// Reads the body `r` points to, checking its CRC.
    pub fn read(&self, r: &BodyRef) -> StoreResult<Vec<u8>> {
        let within = r
            .offset
            .checked_add(u64::from(r.len))
            .is_some_and(|end| end <= self.readable.load(Ordering::Acquire));
        if !within {
            return Err(StoreError::Corrupt { tree: FILE_NAME });
        }
        let mut body = vec![0; r.len as usize];
        self.file
            .read_exact_at(&mut body, r.offset)
            .map_err(|_| StoreError::Corrupt { tree: FILE_NAME })?;
        if crc32fast::hash(&body) == r.crc {
            Ok(body)
        } else {
            Err(StoreError::Corrupt { tree: FILE_NAME })
        }
    }

    /// Empties the file (only for a format upgrade that writes every body again).
    pub fn clear(&self) -> StoreResult<()> {
        let mut end = self.lock();
        self.file.set_len(0).map_err(io_error)?;
        self.file.sync_all().map_err(io_error)?;
        *end = 0;
        self.readable.store(0, Ordering::Release);
        Ok(())
    }

    /// Copies the file's content to `dest` (a new file), syncs the copy and checks it.
    pub fn copy_to(&self, dest: &Path) -> StoreResult<()> {
        let end = self.lock();
        let mut source = &self.file;
        source.seek(SeekFrom::Start(0)).map_err(io_error)?;
        let mut copy = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(dest)
            .map_err(io_error)?;
        let mut crc = crc32fast::Hasher::new();
        let mut reader = source.take(*end);
        let mut chunk = vec![0; 1 << 20];
        loop {
            let n = reader.read(&mut chunk).map_err(io_error)?;
            if n == 0 {
                break;
            }
            crc.update(&chunk[..n]);
            copy.write_all(&chunk[..n]).map_err(io_error)?;
        }
        copy.sync_all().map_err(io_error)?;
        if crc_of_file(dest)? == (*end, crc.finalize()) {
            Ok(())
        } else {
            Err(StoreError::Backend(
                "body file copy differs from the store".into(),
            ))
        }
    }
}

/// Length and CRC-32 of a whole file, read in chunks.
fn crc_of_file(path: &Path) -> StoreResult<(u64, u32)> {
    let mut file = File::open(path).map_err(io_error)?;
    let (mut len, mut crc) = (0u64, crc32fast::Hasher::new());
    let mut chunk = vec![0; 1 << 20];
    loop {
        let n = file.read(&mut chunk).map_err(io_error)?;
        if n == 0 {
            return Ok((len, crc.finalize()));
        }
        crc.update(&chunk[..n]);
        len += n as u64;
    }
}

impl Appended<'_> {
    /// The file's length with these bodies: what the committing transaction records.
    pub fn end(&self) -> u64 {
        *self.end
    }

    /// The references were committed (or may have been): the bodies stay.
    pub fn keep(mut self) {
        self.before = *self.end;
    }
}

impl Drop for Appended<'_> {
    fn drop(&mut self) {
        if *self.end == self.before {
            return;
        }
        // Not committed: cut the bodies off so refused writes cannot fill the disk. If that
        // fails they only cost space; the next write goes after them.
        if self.file.file.set_len(self.before).is_ok() {
            *self.end = self.before;
            self.file.readable.store(self.before, Ordering::Release);
        } else {
            tracing::warn!("could not cut unreferenced item bodies off the body file");
        }
    }
}

fn io_error(e: std::io::Error) -> StoreError {
    StoreError::Backend(format!("item body file: {}", e.kind()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn kept(file: &BodyFile, body: &[u8]) -> BodyRef {
        let a = file.append([body]).unwrap();
        let r = a.refs[0];
        a.keep();
        r
    }

    fn file_len(dir: &Path) -> u64 {
        std::fs::metadata(dir.join(FILE_NAME)).unwrap().len()
    }

    #[test]
    fn kept_bodies_read_back_and_dropped_ones_are_cut_off() {
        let dir = tempfile::tempdir().unwrap();
        let file = BodyFile::open(dir.path(), 0).unwrap();
        let two = file.append([&b"eerste"[..], b"tweede"]).unwrap();
        let refs = two.refs.clone();
        assert_eq!(two.end(), 12);
        two.keep();
        let refused = file.append([&b"geweigerd"[..]]).unwrap();
        let refused_ref = refused.refs[0];
        drop(refused);
        let third = kept(&file, b"derde");

        assert_eq!(file.read(&refs[0]).unwrap(), b"eerste");
        assert_eq!(file.read(&refs[1]).unwrap(), b"tweede");
        assert_eq!(file.read(&third).unwrap(), b"derde");
        assert_eq!(third.offset, 12, "the refused body was cut off");
        assert_eq!(file_len(dir.path()), 17);
        assert!(
            matches!(
                file.read(&BodyRef {
                    len: 9,
                    ..refused_ref
                }),
                Err(StoreError::Corrupt { .. })
            ),
            "a reference into a cut-off range is refused, not read"
        );
    }

    #[test]
    fn nothing_to_append_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = BodyFile::open(dir.path(), 0).unwrap();
        let none = file.append(std::iter::empty()).unwrap();
        assert!(none.refs.is_empty());
        assert_eq!(none.end(), 0);
        none.keep();
        assert_eq!(file_len(dir.path()), 0);
    }

    #[test]
    fn a_reopened_file_appends_after_what_was_committed_and_cuts_off_a_crash_tail() {
        let dir = tempfile::tempdir().unwrap();
        let first = {
            let file = BodyFile::open(dir.path(), 0).unwrap();
            let first = kept(&file, b"voor");
            // Synced but never committed: a crash came before the transaction.
            let _ = kept(&file, b"staart");
            first
        };
        let file = BodyFile::open(dir.path(), 4).unwrap();
        assert_eq!(file_len(dir.path()), 4, "the uncommitted tail is gone");
        let second = kept(&file, b"na");
        assert_eq!(second.offset, 4);
        assert_eq!(file.read(&first).unwrap(), b"voor");
        assert_eq!(file.read(&second).unwrap(), b"na");
    }

    #[test]
    fn a_missing_or_short_file_is_refused_not_written_over() {
        let dir = tempfile::tempdir().unwrap();
        {
            let file = BodyFile::open(dir.path(), 0).unwrap();
            let _ = kept(&file, b"inhoud");
        }
        assert!(matches!(
            BodyFile::open(dir.path(), 10),
            Err(StoreError::BodiesMissing {
                found: 6,
                expected: 10
            })
        ));
        std::fs::remove_file(dir.path().join(FILE_NAME)).unwrap();
        assert!(matches!(
            BodyFile::open(dir.path(), 6),
            Err(StoreError::BodiesMissing {
                found: 0,
                expected: 6
            })
        ));
        assert!(
            !dir.path().join(FILE_NAME).exists(),
            "a missing file is not created in place of the lost one"
        );
    }

    #[test]
    fn damaged_bytes_are_reported_as_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let file = BodyFile::open(dir.path(), 0).unwrap();
        let r = kept(&file, b"inhoud");
        let flipped = BodyRef {
            crc: r.crc ^ 1,
            ..r
        };
        let beyond = BodyRef { offset: 100, ..r };
        let huge = BodyRef { len: u32::MAX, ..r };
        for bad in [flipped, beyond, huge] {
            assert!(matches!(
                file.read(&bad),
                Err(StoreError::Corrupt { tree: FILE_NAME })
            ));
        }
    }

    #[test]
    fn a_copy_holds_exactly_the_committed_bodies() {
        let dir = tempfile::tempdir().unwrap();
        let file = BodyFile::open(dir.path(), 0).unwrap();
        let _ = kept(&file, b"een");
        let _ = kept(&file, b"twee");
        let dest = dir.path().join("kopie");
        file.copy_to(&dest).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"eentwee");
        assert!(file.copy_to(&dest).is_err(), "never overwrites");
    }
}
