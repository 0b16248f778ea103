//! Bounded zip reading: the only place that touches the `zip` crate (its API churns, stack.md §11.11).
//! Enforces the entry-count, per-entry and total decompressed-size limits by counting bytes actually
//! inflated (declared sizes are not trusted) and refuses encrypted entries.

use std::io::{Cursor, Read};

use super::{ExtractError, Limits};

pub struct BoundedZip<'a> {
    archive: zip::ZipArchive<Cursor<&'a [u8]>>,
    names: Vec<String>,
    limits: Limits,
    total: u64,
}

impl<'a> BoundedZip<'a> {
    pub fn open(bytes: &'a [u8], limits: &Limits) -> Result<Self, ExtractError> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| ExtractError::Corrupt(format!("zip: {e}")))?;
        if archive.len() > limits.max_zip_entries {
            return Err(ExtractError::Limit(format!(
                "quá nhiều mục trong tệp nén ({})",
                archive.len()
            )));
        }
        let mut names = Vec::with_capacity(archive.len());
        for i in 0..archive.len() {
            let f = archive
                .by_index_raw(i)
                .map_err(|e| ExtractError::Corrupt(format!("zip: {e}")))?;
            if f.encrypted() {
                return Err(ExtractError::Encrypted);
            }
            names.push(f.name().map(|n| n.into_owned()).unwrap_or_default());
        }
        Ok(BoundedZip {
            archive,
            names,
            limits: *limits,
            total: 0,
        })
    }

    /// Bytes inflated so far.
    pub fn total(&self) -> u64 {
        self.total
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Read one entry fully, within the limits. `Ok(None)` if absent.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ExtractError> {
        let Some(idx) = self.names.iter().position(|n| n == name) else {
            return Ok(None);
        };
        let f = self
            .archive
            .by_index(idx)
            .map_err(|e| ExtractError::Corrupt(format!("zip {name}: {e}")))?;
        let cap = self
            .limits
            .max_entry_size
            .min(self.limits.max_total_size.saturating_sub(self.total));
        let mut out = Vec::new();
        let n = f
            .take(cap + 1)
            .read_to_end(&mut out)
            .map_err(|e| ExtractError::Corrupt(format!("zip {name}: {e}")))? as u64;
        if n > cap {
            return Err(ExtractError::Limit(format!(
                "mục nén {name} giải nén quá lớn (nghi zip bomb)"
            )));
        }
        self.total += n;
        Ok(Some(out))
    }
}
