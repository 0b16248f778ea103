//! Pickers (ô chọn người nhận, đơn vị): the people and units a form may name, found by the
//! first letters of their names, so that a form stays small at 10,000 users and 1,000 units.
//!
//! A form shows a plain list while the organisation is small ([`PICK_LIST_MAX`]); above it, a
//! text box that the page's script turns into a search as you type (`GET /pick/people`,
//! `GET /pick/units`, at most [`PICK_LIMIT`] answers) and that, without the script, takes a
//! user name typed in full ([`Service::find_person`]). Matching folds Vietnamese
//! (`text::fold`: no diacritics, đ → d): every word typed must begin a word of the name or the
//! user name. People offered for an item are those who may receive its level; the service
//! that records the act checks again.

use super::*;
use crate::text::{self, fold};

/// At most this many answers per search.
pub const PICK_LIMIT: usize = 20;
/// Up to this many choices a form lists them all; above, it searches.
pub const PICK_LIST_MAX: i64 = 100;

/// One answer of a picker: who or what, and the label the form shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pick {
    pub id: Id,
    pub label: String,
}

/// How a form chooses people and units: whole lists when small, a search when large.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PickMode {
    pub search_people: bool,
    pub search_units: bool,
}

/// The label of a person in a picker and in a form: "Full name (username)".
pub fn person_label(u: &User) -> String {
    format!("{} ({})", u.full_name, u.username)
}

/// The distinct folded words of what a search box typed.
fn typed_words(q: &str) -> Vec<String> {
    let q = fold(q);
    let mut out: Vec<String> = Vec::new();
    for w in text::words(&q) {
        if !out.iter().any(|o| o == w) {
            out.push(w.to_string());
        }
    }
    out
}

impl<S: Store> Service<S> {
    /// Whether this organisation's forms search for people and units instead of listing them.
    pub fn pick_mode(&self, ctx: &Ctx) -> Result<PickMode> {
        self.read(ctx, |a| {
            let (units, users) = a.tx.org_size()?;
            Ok(PickMode {
                search_people: users > PICK_LIST_MAX,
                search_units: units > PICK_LIST_MAX,
            })
        })
    }

    /// Active people whose name or user name begins with the words of `q`, at most
    /// [`PICK_LIMIT`], by name; with `for_item`, only those who may receive that item's level
    /// (the item read through the caller's scope: not visible = not found).
    pub fn pick_people(&self, ctx: &Ctx, q: &str, for_item: Option<Id>) -> Result<Vec<Pick>> {
        let words = typed_words(q);
        self.read(ctx, |a| {
            let level = match for_item {
                Some(id) => Some(
                    a.tx.get_item(&a.scope(), id)?
                        .ok_or(CoreError::NotFound("tài liệu"))?
                        .level,
                ),
                None => None,
            };
            if words.is_empty() {
                return Ok(Vec::new());
            }
            // Matched, filtered (active, cleared for the level), ordered and limited in the
            // store, through its index of the labels' words.
            Ok(a.tx
                .pick_users(&words, level, PICK_LIMIT)?
                .into_iter()
                .map(|u| Pick {
                    id: u.id,
                    label: person_label(&u),
                })
                .collect())
        })
    }

    /// Units whose name begins with the words of `q`, at most [`PICK_LIMIT`], by name.
    pub fn pick_units(&self, ctx: &Ctx, q: &str) -> Result<Vec<Pick>> {
        let words = typed_words(q);
        self.read(ctx, |a| {
            if words.is_empty() {
                return Ok(Vec::new());
            }
            Ok(a.tx
                .pick_units(&words, PICK_LIMIT)?
                .into_iter()
                .map(|u| Pick {
                    id: u.id,
                    label: u.name,
                })
                .collect())
        })
    }

    /// The person a search box (form field `field`) names: a user name, or a picker's label
    /// "Full name (username)". An empty box is nobody; a name that is no active user is
    /// invalid input on that field.
    pub fn find_person(&self, ctx: &Ctx, field: &str, text: &str) -> Result<Option<Id>> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let username = match (text.rfind('('), text.strip_suffix(')')) {
            (Some(i), Some(_)) => text[i + 1..text.len() - 1].trim(),
            _ => text,
        };
        self.read(ctx, |a| match a.tx.find_user(username)? {
            Some(u) if u.active => Ok(Some(u.id)),
            _ => Err(CoreError::invalid(
                field,
                format!(
                    "Không có người dùng «{username}» đang hoạt động. Gõ vài chữ đầu của họ tên hoặc tên đăng nhập rồi chọn trong danh sách, hoặc gõ đúng tên đăng nhập."
                ),
            )),
        })
    }

    /// The unit a search box (form field `field`) names, by its name (case and diacritics
    /// folded); another text is invalid input on that field.
    pub fn find_unit(&self, ctx: &Ctx, field: &str, text: &str) -> Result<Option<Id>> {
        let want = fold(text.trim());
        if want.is_empty() {
            return Ok(None);
        }
        self.read(ctx, |a| {
            a.tx.find_unit_folded(&want)?
                .map(|u| Some(u.id))
                .ok_or_else(|| {
                    CoreError::invalid(
                        field,
                        format!(
                            "Không có đơn vị «{}». Gõ vài chữ đầu của tên đơn vị rồi chọn trong danh sách.",
                            text.trim()
                        ),
                    )
                })
        })
    }
}
