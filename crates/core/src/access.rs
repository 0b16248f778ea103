//! Who may make which kind of request, by role (vai trò): the named role sets that the
//! services check (`require_role`) and that the web route tables name, so a request a role can
//! never make is refused at the door (403, before its body is read) by the same rule the
//! service applies afterwards. Permissions that depend on more than the role — the leader's
//! position and written delegation (policy.rs), the recipient of a handover, the item's holder,
//! the clearance — stay with the service, which answers each act.

use crate::model::{Role, User};

/// Quản trị viên: the agency, units, positions, user accounts.
pub const ADMIN: &[Role] = &[Role::Admin];
/// Văn thư: the registers (đi, đến, chuyển giao, sao chụp), handovers, copies made, returns.
pub const CLERK: &[Role] = &[Role::Clerk];
/// Đề xuất độ mật: drafters, leaders and clerks may propose a level for a new item.
pub const PROPOSERS: &[Role] = &[Role::Drafter, Role::Leader, Role::Clerk];
/// Danh mục bí mật nhà nước: kept by the security officer or the administrator.
pub const CATALOGUE_KEEPERS: &[Role] = &[Role::SecurityOfficer, Role::Admin];
/// Đưa một mục ra khỏi danh mục: a decision that declassifies what rests on the entry, so
/// taken by a leader (or a security officer) who holds the authority to declassify.
pub const CATALOGUE_REMOVERS: &[Role] = &[Role::Leader, Role::SecurityOfficer];
/// Thông báo của cơ quan ban hành: recorded by the clerk or the security officer.
pub const NOTICE_KEEPERS: &[Role] = &[Role::Clerk, Role::SecurityOfficer];
/// Đề nghị tiêu hủy.
pub const DESTRUCTION_PROPOSERS: &[Role] = &[Role::Clerk, Role::SecurityOfficer, Role::Leader];
/// The organisation page: the administrator keeps the organisation, leaders record their
/// written delegations there.
pub const ORG_PAGE: &[Role] = &[Role::Admin, Role::Leader];
/// Ghi nhận tiêu hủy (the council's minutes).
pub const DESTRUCTION_RECORDERS: &[Role] = &[Role::Clerk, Role::SecurityOfficer];
/// Nhật ký kiểm tra (audit log) and the daily automatic run on demand.
pub const AUDITORS: &[Role] = &[Role::SecurityOfficer, Role::Admin];
/// Văn bản ủy quyền: recorded by a leader (the grantor) or the administrator.
/// Ghi nhận quyết định của cấp có thẩm quyền ngoài cơ quan (Thủ tướng, Bộ trưởng, người đứng
/// đầu cơ quan trung ương): the agency names the people by giving them these roles, which
/// themselves take the two-person approval of privilege changes.
pub const EXTERNAL_DECISION_RECORDERS: &[Role] = &[Role::Leader, Role::SecurityOfficer];
/// Ghi nhận văn bản ủy quyền.
pub const DELEGATION_RECORDERS: &[Role] = &[Role::Leader, Role::Admin];
/// Đính kèm tệp điện tử of an item.
pub const ATTACHERS: &[Role] = &[Role::Clerk, Role::Drafter, Role::Leader];
/// Duyệt bỏ qua phát hiện của công cụ kiểm tra (scanner ignores).
pub const SCAN_APPROVERS: &[Role] = &[Role::Leader, Role::SecurityOfficer];
/// Hồ sơ công tác bảo vệ BMNN: kept by the security officer (or the administrator).
pub const PROGRAMME_KEEPERS: &[Role] = &[Role::SecurityOfficer, Role::Admin];
/// Hồ sơ công tác bảo vệ BMNN: read by the keepers and the leaders.
pub const PROGRAMME_READERS: &[Role] = &[Role::SecurityOfficer, Role::Leader, Role::Admin];
/// Kế hoạch: tasks marked done by the security officer or a leader.
pub const PLAN_KEEPERS: &[Role] = &[Role::SecurityOfficer, Role::Leader];
/// Báo cáo: drafted by the security officer, signed by the leader.
pub const REPORTERS: &[Role] = &[Role::SecurityOfficer, Role::Leader];

/// Whether `user` has one of `roles`.
pub fn allows(user: &User, roles: &[Role]) -> bool {
    roles.iter().any(|r| user.has(*r))
}

/// The roles' Vietnamese names, for refusals ("dành cho vai trò: …").
pub fn names(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Đưa ra quyết định (cho phép, xác định độ mật): the queue "Chờ tôi quyết định" is for the
/// leaders; whether a leader may decide a given item is his authority (policy.rs).
pub const DECIDERS: &[Role] = &[Role::Leader];
/// Người ủy quyền: a leader records his own written delegation (he is the grantor).
pub const DELEGATION_GRANTORS: &[Role] = &[Role::Leader];

/// The sections of the menu (trình đơn) and of the home page's quick links open to a user,
/// from the same role sets the route doors (`crates/web/src/access.rs`) and the services use.
/// Sections every signed-in user may open (items, registers, catalogue, scanner, accounts)
/// are not listed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Menu {
    /// Đề xuất độ mật (`PROPOSERS`, cleared for at least Mật).
    pub propose: bool,
    /// Tiếp nhận BMNN đến (`CLERK`, cleared for at least Mật).
    pub receive: bool,
    /// Chờ tôi quyết định (`DECIDERS`).
    pub approvals: bool,
    /// Thông báo phải gửi (`NOTICE_KEEPERS`).
    pub notices: bool,
    /// Tổ chức, người dùng or Ủy quyền (`ORG_PAGE`).
    pub org: bool,
    /// The organisation itself, not only delegations (`ADMIN`).
    pub org_admin: bool,
    /// Công tác bảo vệ BMNN (`PROGRAMME_READERS`).
    pub programme: bool,
    /// Nhật ký kiểm tra (`AUDITORS`).
    pub audit: bool,
}

/// The menu of `user` (see [`Menu`]).
pub fn menu(user: &User) -> Menu {
    let cleared = crate::level::cleared_for(user.clearance, crate::Level::Mat);
    Menu {
        propose: allows(user, PROPOSERS) && cleared,
        receive: allows(user, CLERK) && cleared,
        approvals: allows(user, DECIDERS),
        notices: allows(user, NOTICE_KEEPERS),
        org: allows(user, ORG_PAGE),
        org_admin: allows(user, ADMIN),
        programme: allows(user, PROGRAMME_READERS),
        audit: allows(user, AUDITORS),
    }
}

/// What the organisation page offers `user`: keeping the organisation (`ADMIN`, who also
/// records a delegation naming its grantor), recording his own delegation as its grantor
/// (`DELEGATION_GRANTORS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgRights {
    pub keeps_org: bool,
    pub grants_own: bool,
}

pub fn org_rights(user: &User) -> OrgRights {
    OrgRights {
        keeps_org: allows(user, ADMIN),
        grants_own: allows(user, DELEGATION_GRANTORS),
    }
}

/// Thu hồi ủy quyền: the grantor himself, or the administrator.
pub fn may_revoke_delegation(user: &User, grantor_id: crate::model::Id) -> bool {
    grantor_id == user.id || allows(user, ADMIN)
}
