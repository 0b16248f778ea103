//! The form of each act (biểu mẫu thao tác): for each field of the act's command, its Vietnamese
//! label, the kind of input, whether it is required, the group it sits in, its hint and its
//! initial value. Written once, in each act's definition (`act_defs.rs`, the `form!` lists),
//! and read by the page form (`web::ui::acts` renders it generically) and the tests that
//! compare it with the command's derived JSON Schema (the API body).
//!
//! Exhaustive by construction: `form!(Cmd { field: entry, … })` names every field of the
//! command, and expands to a destructuring pattern of `Cmd` without `..`, so a field added to
//! a command and not to its form is a compile error (E0027) at the form; a form entry that is
//! not a field of the command is one too (E0026). Each field's form name is the command field's
//! name (`stringify!`), so the two cannot drift apart.
//!
//! Hints quoting the law hold `{cite:KEY}` markers (the keys of `rules/*.toml`'s `[citations]`),
//! and a few markers for other rules data of the regime (see [`fill_hint`]): the regime of the
//! act's date fills them; no citation text is written here.

use crate::level::Level;
use crate::model::{Request, RequestDetails, SecretItem};
use crate::rules::{Act, Regime};
use crate::service::OutgoingHelp;

/// What a select field offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Options {
    /// A fixed list of `(serde code, Vietnamese label)`.
    Choices(&'static [(&'static str, &'static str)]),
    /// The three levels.
    Levels,
    /// The regime's fields (lĩnh vực).
    Fields,
    /// The agency's catalogue entries in force.
    Catalogue,
    /// The agency's active users (cleared for the item acted on).
    Users,
    /// The agency's units.
    Units,
    /// Files attached to the items of the request acted on.
    Attachments,
    /// The agency's leaders who may sign (and the value typed before).
    Signers,
}

/// Kiểu nhập của một trường.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// One line of text.
    Text,
    /// Several lines of text (one value).
    Area,
    /// One value per line (a list).
    Lines,
    /// A date, dd/mm/yyyy.
    Date,
    /// A whole number ≥ 0.
    Number,
    /// Yes / no.
    Check,
    /// A choice; `blank`: the label of the empty choice (none: a value must be chosen).
    Select {
        from: Options,
        blank: Option<&'static str>,
    },
    /// A person of the agency: a list when it is small, a search box when it is large.
    Person { blank: &'static str },
    /// A unit of the agency: a list or a search box.
    Unit,
}

/// The value a fresh form starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Initial {
    None,
    Fixed(&'static str),
    /// The level of the item acted on.
    ItemLevel,
    /// "on" when the item may be copied.
    ItemCopyAllowed,
    ItemCirculation,
    /// The item's recipients, one a line.
    ItemRecipients,
    ItemCopiesIssued,
    /// The copies still allowed by the copy request acted on.
    CopiesLeft,
    /// The protection period of the item's level under the regime (years).
    PeriodYears,
    /// The next number of the year's secret series ("07/").
    NextNumber,
}

/// One field of an act's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActField {
    /// The form field's name: the command's field (or `{field}_{part}` of a nested one).
    pub name: &'static str,
    pub label: &'static str,
    /// The hint, with markers the regime fills ([`fill_hint`]).
    pub hint: &'static str,
    pub input: Input,
    pub required: bool,
    /// The legend of the fieldset the field sits in ("" = none).
    pub group: &'static str,
    pub initial: Initial,
}

impl ActField {
    /// The hint under regime `r`.
    pub fn hint(&self, r: &Regime) -> String {
        fill_hint(r, self.hint)
    }
    pub fn req(mut self) -> ActField {
        self.required = true;
        self
    }
    pub fn group(mut self, g: &'static str) -> ActField {
        self.group = g;
        self
    }
    pub fn initial(mut self, i: Initial) -> ActField {
        self.initial = i;
        self
    }
    pub fn fixed(self, v: &'static str) -> ActField {
        self.initial(Initial::Fixed(v))
    }
    /// The field's name inside a nested entry (the command's own fields are named by `form!`).
    pub fn name(mut self, n: &'static str) -> ActField {
        self.name = n;
        self
    }
}

/// What one field of a command is on the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// The object acted on: the form's hidden field (`item`, `request`, `entry`, `notice`).
    Object,
    /// `approve`: the two buttons "Duyệt" / "Không duyệt".
    Buttons,
    /// Not on the page: an API-only field (say why where it is used).
    ApiOnly,
    /// One field of the form.
    Field(ActField),
    /// A nested object: several form fields named `{field}_{part}`.
    Nested(Vec<ActField>),
}

impl From<ActField> for Entry {
    fn from(f: ActField) -> Entry {
        Entry::Field(f)
    }
}

/// Whose authority rules the act's form shows (the regime's matrix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authority {
    /// None: the act needs no authority of the matrix.
    None,
    Acts(&'static [Act]),
    /// That of the request acted on (a decision).
    OfRequest,
}

/// An act's form: its entries in the page's order (one per command field) and whose
/// authority its rules block shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActForm {
    pub entries: Vec<(&'static str, Entry)>,
    pub authority: Authority,
}

impl ActForm {
    /// The fields the page shows, in order.
    pub fn fields(&self) -> Vec<ActField> {
        let mut out = Vec::new();
        for (name, e) in &self.entries {
            match e {
                Entry::Field(f) => out.push(ActField { name, ..*f }),
                Entry::Nested(fs) => out.extend(fs.iter().copied()),
                Entry::Object | Entry::Buttons | Entry::ApiOnly => {}
            }
        }
        out
    }
    /// Decided by the two buttons "Duyệt" / "Không duyệt".
    pub fn two_buttons(&self) -> bool {
        self.entries.iter().any(|(_, e)| *e == Entry::Buttons)
    }
    /// The command field the object acted on fills (`item_id`, `item_ids`, `request_id`…).
    pub fn object_field(&self) -> Option<&'static str> {
        self.entries
            .iter()
            .find(|(_, e)| *e == Entry::Object)
            .map(|(n, _)| *n)
    }
    /// Whether some field offers `o`.
    pub fn offers(&self, o: Options) -> bool {
        self.fields()
            .iter()
            .any(|f| matches!(f.input, Input::Select { from, .. } if from == o))
    }
    /// Whether some field chooses a person or a unit of the agency.
    pub fn needs_org(&self) -> bool {
        self.fields().iter().any(|f| {
            matches!(
                f.input,
                Input::Person { .. }
                    | Input::Unit
                    | Input::Select {
                        from: Options::Users | Options::Units,
                        ..
                    }
            )
        })
    }
    /// The acts of the authority matrix the form's rules block shows.
    pub fn authority_acts(&self, request: Option<&Request>) -> Vec<Act> {
        match self.authority {
            Authority::None => Vec::new(),
            Authority::Acts(a) => a.to_vec(),
            Authority::OfRequest => match request.map(|r| &r.details) {
                Some(RequestDetails::Copy { .. }) => vec![Act::Copy],
                Some(RequestDetails::TakeOut { abroad: true, .. }) => vec![Act::TakeOutAbroad],
                Some(RequestDetails::TakeOut { .. }) => vec![Act::TakeOutDomestic],
                Some(RequestDetails::Provide { foreign: true, .. }) => vec![Act::ProvideForeign],
                Some(RequestDetails::Provide { .. }) => vec![Act::ProvideDomestic],
                Some(RequestDetails::Destroy { .. }) => vec![Act::Destroy],
                None => Vec::new(),
            },
        }
    }
}

/// What a fresh form's initial values are taken from.
#[derive(Default, Clone, Copy)]
pub struct FormContext<'a> {
    pub item: Option<&'a SecretItem>,
    pub request: Option<&'a Request>,
    pub outgoing: Option<&'a OutgoingHelp>,
}

impl Initial {
    /// The initial value under regime `r` (`None`: the field starts empty).
    pub fn value(self, cx: FormContext<'_>, r: &Regime) -> Option<String> {
        let item = cx.item;
        match self {
            Initial::None => None,
            Initial::Fixed(v) => Some(v.to_string()),
            Initial::ItemLevel => item.map(|i| i.level.code().to_string()),
            Initial::ItemCopyAllowed => item.filter(|i| i.copy_allowed).map(|_| "on".into()),
            Initial::ItemCirculation => item.map(|i| i.circulation.clone()),
            Initial::ItemRecipients => item.map(|i| i.recipients.join("\n")),
            Initial::ItemCopiesIssued => item.map(|i| i.copies_issued.to_string()),
            Initial::CopiesLeft => match cx.request.map(|q| &q.details) {
                Some(RequestDetails::Copy {
                    count, produced, ..
                }) => Some(count.saturating_sub(produced.len() as u32).to_string()),
                _ => None,
            },
            Initial::PeriodYears => item.map(|i| r.periods.years(i.level).to_string()),
            Initial::NextNumber => cx.outgoing.map(|h| format!("{:02}/", h.next_number)),
        }
    }
}

/// The hint of a date of the act (it picks the regime).
const ACT_DATE_HINT: &str = "Để trống = hôm nay. Ngày thực hiện quyết định chế độ pháp lý áp dụng (văn bản pháp luật có hiệu lực vào ngày đó).";

/// The markers a hint may hold besides `{cite:KEY}`, and what regime `r` puts in their place.
fn markers(r: &Regime) -> [(&'static str, String); 8] {
    [
        ("{act-date}", ACT_DATE_HINT.to_string()),
        ("{summary-hint}", crate::registers::summary_hint(r)),
        (
            "{tuyet-mat-field-hint}",
            super::items::tuyet_mat_field_hint(r),
        ),
        (
            "{extension-days}",
            r.extension.deadline_days_before_expiry.to_string(),
        ),
        ("{extension-basis}", r.extension.basis.clone()),
        (
            "{rule-basis:adjust}",
            r.rule(Act::Adjust, Level::Mat).basis.clone(),
        ),
        (
            "{rule-basis:declassify}",
            r.rule(Act::Declassify, Level::Mat).basis.clone(),
        ),
        ("{notices-basis}", r.notices.basis.clone()),
    ]
}

/// `hint` under regime `r`: `{cite:KEY}` is the citation's basis, `{act-date}` the hint of an
/// act's date, `{summary-hint}` the register's rule on summaries, `{tuyet-mat-field-hint}` the
/// fields where Tuyệt mật may be decided, `{extension-days}`/`{extension-basis}` the deadline
/// of an extension and its basis, `{rule-basis:adjust}`/`{rule-basis:declassify}` the basis of
/// that authority rule, `{notices-basis}` that of the notices' deadlines.
pub fn fill_hint(r: &Regime, hint: &str) -> String {
    let mut s = hint.to_string();
    if s.contains('{') {
        for (m, v) in markers(r) {
            if s.contains(m) {
                s = s.replace(m, &v);
            }
        }
    }
    r.fill_citations(&s)
}

// The constructors the definitions use (the name is set by `form!`).
const fn field(label: &'static str, hint: &'static str, input: Input) -> ActField {
    ActField {
        name: "",
        label,
        hint,
        input,
        required: false,
        group: "",
        initial: Initial::None,
    }
}
pub fn text(label: &'static str, hint: &'static str) -> ActField {
    field(label, hint, Input::Text)
}
pub fn area(label: &'static str, hint: &'static str) -> ActField {
    field(label, hint, Input::Area)
}
pub fn lines(label: &'static str, hint: &'static str) -> ActField {
    field(label, hint, Input::Lines)
}
pub fn date(label: &'static str, hint: &'static str) -> ActField {
    field(label, hint, Input::Date)
}
pub fn number(label: &'static str, hint: &'static str) -> ActField {
    field(label, hint, Input::Number)
}
pub fn check(label: &'static str, hint: &'static str) -> ActField {
    field(label, hint, Input::Check)
}
pub fn select(
    label: &'static str,
    hint: &'static str,
    from: Options,
    blank: Option<&'static str>,
) -> ActField {
    field(label, hint, Input::Select { from, blank })
}
pub fn person(label: &'static str, hint: &'static str, blank: &'static str) -> ActField {
    field(label, hint, Input::Person { blank })
}
pub fn unit(label: &'static str) -> ActField {
    field(label, "", Input::Unit)
}
/// The date of the act ("Ngày thực hiện").
pub fn act_date() -> ActField {
    date("Ngày thực hiện", "{act-date}")
}
/// The date of the act under another label.
pub fn act_date_as(label: &'static str) -> ActField {
    date(label, "{act-date}")
}

/// The carriers (hình thức chứa BMNN), by serde code (a test checks them against [`Carrier`]).
pub const CARRIERS: &[(&str, &str)] = &[
    ("document", "Tài liệu"),
    ("object", "Vật"),
    ("place", "Địa điểm"),
    ("speech", "Lời nói"),
    ("activity", "Hoạt động"),
    ("other", "Hình thức khác"),
];

/// The forms of copying, by serde code (a test checks them against [`CopyForm`]).
pub const COPY_FORMS: &[(&str, &str)] = &[
    ("sao-y", "Sao y bản chính"),
    ("sao-luc", "Sao lục"),
    ("trich-sao", "Trích sao"),
    ("chup", "Chụp"),
];

/// `form!(Cmd { field: entry, … })`: the form of an act whose command is `Cmd`, one entry per
/// field of `Cmd` in the page's order (see the module's documentation).
#[macro_export]
#[doc(hidden)]
macro_rules! act_form {
    ($cmd:ident { $($f:ident : $e:expr),* $(,)? } $(, authority: $auth:expr)?) => {{
        // Every field of the command, and only those: the compiler checks this pattern.
        #[allow(dead_code)]
        fn exhaustive(c: $cmd) {
            let $cmd { $($f: _),* } = c;
        }
        #[allow(unused_mut, unused_assignments)]
        let mut authority = $crate::service::act_forms::Authority::None;
        $(authority = $auth;)?
        $crate::service::act_forms::ActForm {
            entries: vec![$((stringify!($f), $crate::service::act_forms::Entry::from($e))),*],
            authority,
        }
    }};
}
