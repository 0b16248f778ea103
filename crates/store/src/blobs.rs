//! Raw reads of the encrypted columns (attachments, the scanner's item texts) for key checks:
//! `bmnn keys verify` decrypts each one to prove the key in hand opens all of them.

use crate::{DbStore, Pools, db_err};
use bmnn_core::error::Result;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Binary};

#[derive(QueryableByName)]
struct Blob {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    item_id: i64,
    #[diesel(sql_type = Binary)]
    content: Vec<u8>,
}

const Q: &str = "SELECT CAST(id AS BIGINT) AS id, CAST(item_id AS BIGINT) AS item_id, content \
                 FROM attachments ORDER BY id";

impl DbStore {
    /// Every attachment's (id, item id, ciphertext), outside the clearance filter: for key
    /// checks only, never shown to a user.
    pub fn attachment_blobs(&self) -> Result<Vec<(i64, i64, Vec<u8>)>> {
        let pool = crate::pool_err;
        let rows: Vec<Blob> = match &self.pools {
            Pools::Sqlite(p) => diesel::sql_query(Q)
                .load(&mut *p.get().map_err(pool)?)
                .map_err(db_err)?,
            Pools::Pg(p) => diesel::sql_query(Q)
                .load(&mut *p.get().map_err(pool)?)
                .map_err(db_err)?,
        };
        Ok(rows
            .into_iter()
            .map(|b| (b.id, b.item_id, b.content))
            .collect())
    }
}
