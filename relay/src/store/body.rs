//! Report bodies at rest. A body is JSON, written once and read whole; it is kept as an LZ4
//! block (the decompressed size first), because a realistic report's JSON packs several times
//! smaller and every byte not written costs twice (to the WAL, then to the database file).
//! Rows written before this are JSON text, told apart by SQLite's type of the value, and read
//! as they are (Postgres stores only blobs: it came after). SQL over `body` (`json_extract`) therefore only works on those old rows: a
//! migration that needs a body's fields reads them in Rust.

use rusqlite::types::ValueRef;

use super::StoreError;

/// Larger than any body the relay accepts (the request limit is far below), so a damaged row
/// cannot make the relay allocate without bound.
const MAX_UNPACKED: usize = 256 * 1024 * 1024;

/// The stored form of a report's JSON.
pub fn pack(json: &str) -> Vec<u8> {
    lz4_flex::compress_prepend_size(json.as_bytes())
}

/// A body as read from either database, unpacked after the row is read (and any lock let go).
pub enum Packed {
    Text(Vec<u8>),
    Blob(Vec<u8>),
}

impl Packed {
    pub fn unpack(&self) -> Result<String, StoreError> {
        unpack(match self {
            Packed::Text(text) => ValueRef::Text(text),
            Packed::Blob(blob) => ValueRef::Blob(blob),
        })
    }
}

impl rusqlite::types::FromSql for Packed {
    fn column_result(value: ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        match value {
            ValueRef::Text(text) => Ok(Packed::Text(text.to_vec())),
            ValueRef::Blob(blob) => Ok(Packed::Blob(blob.to_vec())),
            _ => Err(rusqlite::types::FromSqlError::InvalidType),
        }
    }
}

impl<'a> tokio_postgres::types::FromSql<'a> for Packed {
    fn from_sql(
        ty: &tokio_postgres::types::Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Packed::Blob(Vec::<u8>::from_sql(ty, raw)?))
    }

    fn accepts(ty: &tokio_postgres::types::Type) -> bool {
        <Vec<u8> as tokio_postgres::types::FromSql>::accepts(ty)
    }
}

/// The JSON of a stored body, packed or (older rows) text.
pub fn unpack(value: ValueRef<'_>) -> Result<String, StoreError> {
    let bytes = match value {
        ValueRef::Text(text) => text.to_vec(),
        ValueRef::Blob(packed) => {
            let declared = packed
                .get(..4)
                .map(|n| u32::from_le_bytes([n[0], n[1], n[2], n[3]]) as usize)
                .ok_or_else(|| StoreError::Corrupt("a report body is truncated".into()))?;
            if declared > MAX_UNPACKED {
                return Err(StoreError::Corrupt(format!(
                    "a report body claims {declared} bytes"
                )));
            }
            lz4_flex::decompress_size_prepended(packed)
                .map_err(|e| StoreError::Corrupt(format!("a report body does not unpack: {e}")))?
        }
        _ => {
            return Err(StoreError::Corrupt(
                "a report body is neither text nor blob".into(),
            ));
        }
    };
    String::from_utf8(bytes).map_err(|_| StoreError::Corrupt("a report body is not UTF-8".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn what_is_packed_unpacks_to_itself(text in "\\PC{0,2000}") {
            let packed = pack(&text);
            prop_assert_eq!(unpack(ValueRef::Blob(&packed)).unwrap(), text.clone());
            prop_assert_eq!(unpack(ValueRef::Text(text.as_bytes())).unwrap(), text);
        }

        #[test]
        fn damaged_bodies_are_errors_not_panics(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let _ = unpack(ValueRef::Blob(&bytes));
        }
    }

    #[test]
    fn a_body_claiming_a_huge_size_is_refused_before_allocating() {
        let mut packed = pack("{}");
        packed[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(unpack(ValueRef::Blob(&packed)).is_err());
    }

    #[test]
    fn a_realistic_report_packs_several_times_smaller() {
        let report = include_str!("../../../protocol/examples/minimal-report.json").repeat(20);
        assert!(pack(&report).len() * 3 < report.len());
    }
}
