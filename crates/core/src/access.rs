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
