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
//! can lose. A write whose transaction does not commit is cut off the file again. A crash
//! between the sync and the commit leaves unreferenced bytes at the end, which cost only
//! space. A reference also carries the body's CRC-32, so a damaged file is reported as
//! corrupt instead of handing out wrong bytes.
//!
//! Reads are positioned (`pread`), so they need no lock; that makes the server Unix-only,
//! which it is in practice (Linux).

use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt as _;
use std::path::Path;
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
    /// Opens (or creates) the body file in `dir`.
    pub fn open(dir: &Path) -> StoreResult<Self> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(dir.join(FILE_NAME))
            .map_err(io_error)?;
        let end = file.metadata().map_err(io_error)?.len();
        Ok(Self {
            file,
            end: Mutex::new(end),
        })
    }

    fn lock(&self) -> MutexGuard<'_, u64> {
        // A plain length, consistent after any panic.
        self.end.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends `bodies` and syncs them to disk. The caller commits the references, then
    /// calls [`Appended::keep`]; dropping the write instead cuts the bodies off again.
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
        self.file.write_all_at(&buffer, before).map_err(io_error)?;
        self.file.sync_data().map_err(io_error)?;
        *appended.end = offset;
        Ok(appended)
    }

    /// Reads the body `r` points to, checking its CRC.
    pub fn read(&self, r: &BodyRef) -> StoreResult<Vec<u8>> {
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
        Ok(())
    }

    /// Copies the file's content to `dest` (a new file) and checks the copy byte for byte.
    pub fn copy_to(&self, dest: &Path) -> StoreResult<()> {
        let end = self.lock();
        let mut content = vec![
            0;
            usize::try_from(*end)
                .map_err(|_| StoreError::Internal("body file too large"))?
        ];
        self.file.read_exact_at(&mut content, 0).map_err(io_error)?;
        std::fs::write(dest, &content).map_err(io_error)?;
        let copied = std::fs::read(dest).map_err(io_error)?;
        if crc32fast::hash(&copied) == crc32fast::hash(&content) && copied.len() == content.len() {
            Ok(())
        } else {
            Err(StoreError::Backend(
                "body file copy differs from the store".into(),
            ))
        }
    }
}

impl Appended<'_> {
    /// The references were committed: the bodies stay.
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

    #[test]
    fn kept_bodies_read_back_and_dropped_ones_are_cut_off() {
        let dir = tempfile::tempdir().unwrap();
        let file = BodyFile::open(dir.path()).unwrap();
        let kept = file.append([&b"eerste"[..], b"tweede"]).unwrap();
        let refs = kept.refs.clone();
        kept.keep();
        let refused = file.append([&b"geweigerd"[..]]).unwrap();
        drop(refused);
        let third = file.append([&b"derde"[..]]).unwrap();
        let third_ref = third.refs[0];
        third.keep();

        assert_eq!(file.read(&refs[0]).unwrap(), b"eerste");
        assert_eq!(file.read(&refs[1]).unwrap(), b"tweede");
        assert_eq!(file.read(&third_ref).unwrap(), b"derde");
        assert_eq!(third_ref.offset, 12, "the refused body was cut off");
        let len = std::fs::metadata(dir.path().join(FILE_NAME)).unwrap().len();
        assert_eq!(len, 17);
    }

    #[test]
    fn a_reopened_file_appends_after_what_it_holds() {
        let dir = tempfile::tempdir().unwrap();
        let first = {
            let file = BodyFile::open(dir.path()).unwrap();
            let a = file.append([&b"voor"[..]]).unwrap();
            let r = a.refs[0];
            a.keep();
            r
        };
        let file = BodyFile::open(dir.path()).unwrap();
        let a = file.append([&b"na"[..]]).unwrap();
        let second = a.refs[0];
        a.keep();
        assert_eq!(second.offset, 4);
        assert_eq!(file.read(&first).unwrap(), b"voor");
        assert_eq!(file.read(&second).unwrap(), b"na");
    }

    #[test]
    fn damaged_or_missing_bytes_are_reported_as_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let file = BodyFile::open(dir.path()).unwrap();
        let a = file.append([&b"inhoud"[..]]).unwrap();
        let r = a.refs[0];
        a.keep();
        let flipped = BodyRef {
            crc: r.crc ^ 1,
            ..r
        };
        let beyond = BodyRef { offset: 100, ..r };
        for bad in [flipped, beyond] {
            assert!(matches!(
                file.read(&bad),
                Err(StoreError::Corrupt { tree: FILE_NAME })
            ));
        }
    }
}
