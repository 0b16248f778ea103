//! Độ mật (classification level) and clearance.
//!
//! `Level` is ordered: `Mat < ToiMat < TuyetMat`. There is no "unclassified" BMNN
//! (Law 29/2018 Điều 8): an item either has one of the three levels or is not a state secret.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Độ mật: Mật, Tối mật, Tuyệt mật.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Mật: harm "nghiêm trọng".
    Mat = 1,
    /// Tối mật: harm "rất nghiêm trọng".
    ToiMat = 2,
    /// Tuyệt mật: harm "đặc biệt nghiêm trọng".
    TuyetMat = 3,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::TuyetMat, Level::ToiMat, Level::Mat];

    /// Stable code used in data files, the API and the database text columns.
    pub fn code(self) -> &'static str {
        match self {
            Level::Mat => "mat",
            Level::ToiMat => "toi-mat",
            Level::TuyetMat => "tuyet-mat",
        }
    }

    pub fn from_code(s: &str) -> Option<Level> {
        match s {
            "mat" => Some(Level::Mat),
            "toi-mat" => Some(Level::ToiMat),
            "tuyet-mat" => Some(Level::TuyetMat),
            _ => None,
        }
    }

    /// Rank stored in the database (1..=3) so that the clearance filter is `level <= ?`.
    pub fn rank(self) -> i16 {
        self as i16
    }

    pub fn from_rank(r: i16) -> Option<Level> {
        match r {
            1 => Some(Level::Mat),
            2 => Some(Level::ToiMat),
            3 => Some(Level::TuyetMat),
            _ => None,
        }
    }

    /// UI label with diacritics.
    pub fn label(self) -> &'static str {
        match self {
            Level::Mat => "Mật",
            Level::ToiMat => "Tối mật",
            Level::TuyetMat => "Tuyệt mật",
        }
    }

    /// Stamp text (dấu chỉ độ mật, TT24 mẫu 02).
    pub fn stamp(self) -> &'static str {
        match self {
            Level::Mat => "MẬT",
            Level::ToiMat => "TỐI MẬT",
            Level::TuyetMat => "TUYỆT MẬT",
        }
    }

    /// Envelope letter (ND26 Điều 4.1.b): A for Tuyệt mật, B for Tối mật, C for Mật.
    pub fn envelope_letter(self) -> char {
        match self {
            Level::TuyetMat => 'A',
            Level::ToiMat => 'B',
            Level::Mat => 'C',
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What a user may see: `None` means no clearance at all (sees no secret item).
pub type Clearance = Option<Level>;

/// True when a user with `clearance` may see an item of `level`.
pub fn cleared_for(clearance: Clearance, level: Level) -> bool {
    clearance.is_some_and(|c| level <= c)
}
