//! Thao tác nghiệp vụ (acts): the closed list of acts a person can take on the secret items,
//! requests, register entries and notices, each with its code (the one used in URLs), its
//! Vietnamese title, what it acts on and the confirmation shown when it is done. The list and
//! each act's text are defined with the act itself, in `service::act_defs`.
//!
//! Every face (the pages, their act forms) dispatches on [`ActKind`] with exhaustive matches,
//! so a new act is a compile error everywhere it is not handled. Which acts are open to a
//! given person on a given object is computed by the services (`service::acts_open`) from the
//! same checks the acts themselves run.

/// What an act works on (đối tượng của thao tác).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActOn {
    /// Creates a new item (đề xuất, tiếp nhận).
    Nothing,
    Item,
    Request,
    Entry,
    Notice,
}

pub use crate::service::act_defs::ActKind;

impl ActKind {
    /// The code in URLs (`/acts/{code}`).
    pub fn code(self) -> &'static str {
        self.text().code
    }

    /// The act of a URL code; `None` for an unknown code (a 404).
    pub fn from_code(code: &str) -> Option<ActKind> {
        ActKind::ALL.into_iter().find(|a| a.code() == code)
    }

    /// The form's title.
    pub fn title(self) -> &'static str {
        self.text().title
    }

    /// The short label of the act's button on the object's page.
    pub fn button(self) -> &'static str {
        self.text().button
    }

    /// What the act works on.
    pub fn on(self) -> ActOn {
        self.text().on
    }

    /// The confirmation shown once the act is done.
    pub fn done(self) -> &'static str {
        self.text().done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        for a in ActKind::ALL {
            assert_eq!(ActKind::from_code(a.code()), Some(a));
        }
        let mut codes: Vec<&str> = ActKind::ALL.iter().map(|a| a.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), ActKind::ALL.len());
        assert_eq!(ActKind::from_code("unknown"), None);
        // The code is the act's serde name (the API's `acts` lists).
        for a in ActKind::ALL {
            assert_eq!(serde_json::to_value(a).expect("a code"), a.code());
        }
    }
}
