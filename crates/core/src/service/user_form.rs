//! The "edit user" form (sửa người dùng) of the administration page, checked here so that the
//! page only renders: an unknown clearance or role code is refused (never read as "no
//! clearance"), and a post without the fields that carry privileges (a truncated or forged
//! body) changes nothing and says so, instead of clearing roles, unit and the active flag.
//!
//! The page always sends `roles`, `clearance` and `active` (hidden inputs stand for an empty
//! role list and an unticked box); `full_name`, `position_id` and `unit_id` left out mean
//! "unchanged".

use super::*;

/// The posted form, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserForm {
    pub full_name: Option<String>,
    /// Role codes (empty strings ignored); `None` when the field is missing.
    pub roles: Option<Vec<String>>,
    /// A level code, or empty for "no clearance"; `None` when the field is missing.
    pub clearance: Option<String>,
    /// Ids as text, empty for none; `None` = unchanged.
    pub position_id: Option<String>,
    pub unit_id: Option<String>,
    /// Every value posted under `active` ("0" from the hidden input, "on" from the box).
    pub active: Option<Vec<String>>,
}

impl UserForm {
    /// The change the form asks for, or why it is refused.
    pub fn into_change(self) -> Result<UserChange> {
        let missing: Vec<&str> = [
            (self.roles.is_none(), "Vai trò"),
            (self.clearance.is_none(), "Độ mật được tiếp cận"),
            (self.active.is_none(), "Đang hoạt động"),
        ]
        .into_iter()
        .filter_map(|(m, label)| m.then_some(label))
        .collect();
        if !missing.is_empty() {
            return Err(CoreError::refused(
                "incomplete_form",
                format!(
                    "Biểu mẫu gửi lên thiếu mục: {}. Không có thay đổi nào được lưu; hãy tải lại trang và sửa lại.",
                    missing.join(", ")
                ),
            ));
        }
        let roles = roles_from_codes(&self.roles.unwrap_or_default())?;
        let clearance = clearance_from_code(&self.clearance.unwrap_or_default())?;
        let id = |v: Option<String>, label: &str| -> Result<Option<Option<Id>>> {
            match v.as_deref().map(str::trim) {
                None => Ok(None),
                Some("") => Ok(Some(None)),
                Some(s) => s.parse::<Id>().map(|i| Some(Some(i))).map_err(|_| {
                    CoreError::refused(
                        "unknown_choice",
                        format!("Mục «{label}» không hợp lệ; không có thay đổi nào được lưu."),
                    )
                }),
            }
        };
        Ok(UserChange {
            full_name: self.full_name,
            roles: Some(roles),
            clearance: Some(clearance),
            position_id: id(self.position_id, "Chức vụ")?,
            unit_id: id(self.unit_id, "Đơn vị")?,
            active: Some(
                self.active
                    .unwrap_or_default()
                    .iter()
                    .any(|v| matches!(v.trim(), "on" | "true" | "1" | "yes")),
            ),
        })
    }
}

/// Role codes of a form (empty ones ignored, duplicates merged); an unknown code is refused.
pub fn roles_from_codes(codes: &[String]) -> Result<Vec<Role>> {
    let mut roles = Vec::new();
    for code in codes {
        let code = code.trim();
        if code.is_empty() {
            continue;
        }
        let r = Role::from_code(code).ok_or_else(|| {
            CoreError::refused(
                "unknown_role",
                format!(
                    "Vai trò «{}» không có trong danh sách; không có thay đổi nào được lưu.",
                    crate::validate::line("roles", code).unwrap_or_default()
                ),
            )
        })?;
        if !roles.contains(&r) {
            roles.push(r);
        }
    }
    Ok(roles)
}

/// A clearance code of a form: empty for "no clearance"; an unknown code is refused, never
/// read as "no clearance".
pub fn clearance_from_code(code: &str) -> Result<Option<Level>> {
    match code.trim() {
        "" => Ok(None),
        c => Level::from_code(c).map(Some).ok_or_else(|| {
            CoreError::refused(
                "unknown_clearance",
                "Độ mật được tiếp cận không có trong danh sách (chỉ có: không được tiếp cận, Mật, Tối mật, Tuyệt mật); không có thay đổi nào được lưu.",
            )
        }),
    }
}

impl<S: Store> Service<S> {
    /// Applies the "edit user" form: checked by [`UserForm::into_change`], then
    /// [`Service::change_user`] (which checks the name, the unit and the actor's role). The
    /// answer says what applied and what waits for approval.
    pub fn update_user_form(&self, ctx: &Ctx, id: Id, f: UserForm) -> Result<UserUpdate> {
        let ch = f.into_change()?;
        self.change_user(ctx, id, ch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> UserForm {
        UserForm {
            full_name: Some("Nguyễn Văn A".into()),
            roles: Some(vec!["".into(), "clerk".into()]),
            clearance: Some("mat".into()),
            position_id: Some("".into()),
            unit_id: Some("3".into()),
            active: Some(vec!["0".into(), "on".into()]),
        }
    }

    #[test]
    fn a_full_form_is_a_full_change() {
        let ch = full().into_change().unwrap();
        assert_eq!(ch.roles, Some(vec![Role::Clerk]));
        assert_eq!(ch.clearance, Some(Some(Level::Mat)));
        assert_eq!(ch.position_id, Some(None));
        assert_eq!(ch.unit_id, Some(Some(3)));
        assert_eq!(ch.active, Some(true));
        let f = UserForm {
            active: Some(vec!["0".into()]),
            clearance: Some(String::new()),
            unit_id: None,
            ..full()
        };
        let ch = f.into_change().unwrap();
        assert_eq!(ch.active, Some(false));
        assert_eq!(ch.clearance, Some(None));
        assert_eq!(ch.unit_id, None, "left out = unchanged");
    }

    #[test]
    fn unknown_codes_and_missing_fields_are_refused() {
        let code = |f: UserForm| f.into_change().unwrap_err().code();
        let f = UserForm {
            clearance: Some("bi-mat".into()),
            ..full()
        };
        assert_eq!(code(f), "unknown_clearance");
        let f = UserForm {
            roles: Some(vec!["superuser".into()]),
            ..full()
        };
        assert_eq!(code(f), "unknown_role");
        let f = UserForm {
            unit_id: Some("ba".into()),
            ..full()
        };
        assert_eq!(code(f), "unknown_choice");
        let e = UserForm::default().into_change().unwrap_err();
        assert_eq!(e.code(), "incomplete_form");
        assert!(
            e.message_vi()
                .contains("Vai trò, Độ mật được tiếp cận, Đang hoạt động")
        );
        let f = UserForm {
            active: None,
            ..full()
        };
        assert_eq!(code(f), "incomplete_form");
    }
}
