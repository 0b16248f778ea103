//! THE table of `/api/v1` routes: each row is a method, a path, its handler and its
//! documentation. [`super::router`] registers exactly these rows and [`super::openapi`]
//! describes exactly these rows, so a route cannot exist without its doc.

use super::handlers as h;
use super::programme as p;
use super::schema::*;
use crate::AppState;
use crate::access::Access;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter, on};
use bmnn_core::access;
use bmnn_core::acts::ActKind;
use bmnn_core::audit::AuditRecord;
use bmnn_core::model::{
    Agency, ApiToken, Delegation, Notice, Page, Position, PrivilegeChange, Request, SecretItem,
    Unit, User,
};
use bmnn_core::obligations::Obligation;
use bmnn_core::ports::Store;
use bmnn_core::programme::bundle::Envelope;
use bmnn_core::programme::reports::ReportModel;
use bmnn_core::programme::{RecordKind, Stored, UnitKey};
use bmnn_core::registers::RegisterEntry;
use bmnn_core::service::{
    ActDef, ActVisitor, CancelRecordCmd, DisposeCmd, DraftOffer, EndAssignmentCmd, IgnoreCmd,
    Inbox, IncidentReportedCmd, IssuePlanCmd, NewCatalogue, NewDelegation, NewPosition, OrgView,
    RegisterKeyCmd, RemedyDoneCmd, RepurposeCmd, ScanIgnore, SubordinateReceivedCmd, TaskDoneCmd,
    UnitReport, UserChange, WipeCmd,
};
use serde_json::{Value, json};

/// A query parameter: name, schema, description.
pub struct QueryParam {
    pub name: &'static str,
    pub schema: Value,
    pub description: &'static str,
}

/// Documentation of one operation.
pub struct Doc {
    pub operation_id: String,
    pub tag: &'static str,
    pub summary: &'static str,
    /// Needs no bearer token.
    pub public: bool,
    pub query: Vec<QueryParam>,
    pub body: Option<Value>,
    /// Success status and the schema of its answer.
    pub ok: (u16, Answer),
}

/// The schema of a route's answer: derived from the type the handler sends ([`of`]), or a
/// reference to a derived component, or a file (DOCX).
pub enum Answer {
    Type(Derive),
    Schema(Value),
}

pub struct Route<S: Store> {
    /// Who may call it (`crate::access`); restricted routes are refused at the door.
    pub access: Access,
    pub method: Method,
    /// axum path under `/api/v1`, with `{param}` segments (same syntax as OpenAPI).
    pub path: &'static str,
    pub handler: MethodRouter<AppState<S>>,
    pub doc: Doc,
}

fn route<S, H, T>(
    method: Method,
    path: &'static str,
    handler: H,
    operation_id: impl Into<String>,
    tag: &'static str,
    summary: &'static str,
) -> Route<S>
where
    S: Store,
    H: Handler<T, AppState<S>>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone()).expect("a standard method");
    Route {
        access: Access::SignedIn,
        method,
        path,
        handler: on(filter, handler),
        doc: Doc {
            operation_id: operation_id.into(),
            tag,
            summary,
            public: false,
            query: vec![],
            body: None,
            ok: (200, Answer::Schema(json!({}))),
        },
    }
}

impl<S: Store> Route<S> {
    fn body(mut self, schema: Value) -> Self {
        self.doc.body = Some(request_body(schema));
        self
    }
    /// Answers `status` with the type `T` the handler sends (`of::<T>`).
    fn ok(mut self, status: u16, answer: Derive) -> Self {
        self.doc.ok = (status, Answer::Type(answer));
        self
    }
    /// Answers `status` with a schema that is not one type of the handler's: a stored record of
    /// the path's kind, a file.
    fn ok_schema(mut self, status: u16, schema: Value) -> Self {
        self.doc.ok = (status, Answer::Schema(schema));
        self
    }
    fn public(mut self) -> Self {
        self.doc.public = true;
        self.access = Access::Public;
        self
    }
    /// Only these roles (`bmnn_core::access`); others get 403 before the body is read.
    fn roles(mut self, roles: &'static [bmnn_core::model::Role]) -> Self {
        self.access = Access::Roles(roles);
        self
    }
    fn query(mut self, name: &'static str, schema: Value, description: &'static str) -> Self {
        self.doc.query.push(QueryParam {
            name,
            schema,
            description,
        });
        self
    }
}

/// Every route of the API: the acts' ([`act_routes`]) and the others'.
pub fn table<S: Store>() -> Vec<Route<S>> {
    let mut table = act_routes::<S>();
    table.extend(other_routes::<S>());
    table
}

/// The route of every act of [`ActKind`], from its definition (`ActDef`,
/// `bmnn_core::service::act_defs`): its path and door, its body derived from its command, its
/// answer derived from what it returns, one generic handler ([`h::act`]).
pub fn act_routes<S: Store>() -> Vec<Route<S>> {
    struct Rows<S: Store>(Vec<Route<S>>);
    impl<S: Store> ActVisitor for Rows<S> {
        type Out = ();
        fn visit<A: ActDef>(&mut self) {
            let api = A::api();
            let kind = A::KIND;
            let mut row = route(
                Method::POST,
                api.path,
                h::act::<S, A>,
                operation_id(kind),
                api.tag,
                kind.title(),
            )
            .body(cmd_body::<A::Cmd>(api.path_id))
            .ok(if api.creates { 201 } else { 200 }, of::<A::Out>);
            if let Some(roles) = api.roles {
                row = row.roles(roles);
            }
            self.0.push(row);
        }
    }
    let mut rows = Rows(Vec::new());
    for a in ActKind::ALL {
        a.visit(&mut rows);
    }
    rows.0
}

/// The OpenAPI operation id of an act: its code in camelCase (`register-outgoing` →
/// `registerOutgoing`).
pub fn operation_id(a: ActKind) -> String {
    let mut out = String::new();
    for (i, w) in a.code().split('-').enumerate() {
        let mut cs = w.chars();
        match cs.next() {
            Some(c) if i > 0 => {
                out.extend(c.to_uppercase());
                out.push_str(cs.as_str());
            }
            _ => out.push_str(w),
        }
    }
    out
}

fn other_routes<S: Store>() -> Vec<Route<S>> {
    use Method as M;
    vec![
        // Public.
        route(M::GET, "/openapi.json", h::openapi::<S>, "openapi", "Tài liệu", "Tài liệu OpenAPI 3.1 của API này")
            .public()
            .ok(200, of::<serde_json::Map<String, Value>>),
        route(M::POST, "/tokens", h::create_token::<S>, "createToken", "Xác thực", "Cấp mã truy cập API (đăng nhập bằng tên và mật khẩu)")
            .public()
            .body(cmd_body::<h::TokenRequest>(None))
            .ok(201, of::<h::TokenIssued>),
        route(M::GET, "/tokens", h::list_tokens::<S>, "listTokens", "Xác thực", "Mã truy cập API của mình (all=true: của mọi người, quản trị viên)")
            .query("all", boolean(), "mọi người dùng (quản trị viên)")
            .ok(200, of::<Vec<ApiToken>>),
        route(M::POST, "/tokens/{id}/revoke", h::revoke_token::<S>, "revokeToken", "Xác thực", "Thu hồi mã truy cập API (của mình; quản trị viên: của bất kỳ ai)")
            .ok(200, of::<ApiToken>),
        // Identity, rules, organisation.
        route(M::GET, "/me", h::me::<S>, "me", "Tổ chức", "Người dùng đang gọi API").ok(200, of::<User>),
        route(M::GET, "/rules", h::rules::<S>, "rules", "Quy tắc", "Các chế độ pháp lý và những điểm chưa xác định")
            .ok(200, of::<h::RulesAnswer>),
        route(M::GET, "/org", h::org::<S>, "org", "Tổ chức", "Cơ quan, đơn vị, chức vụ, người dùng, ủy quyền")
            .roles(access::ORG_PAGE)
            .ok(200, of::<OrgView>),
        route(M::PUT, "/agency", h::set_agency::<S>, "setAgency", "Tổ chức", "Cập nhật thông tin cơ quan")
            .roles(access::ADMIN)
            .body(cmd_body::<Agency>(None))
            .ok(200, of::<Agency>),
        route(M::POST, "/units", h::create_unit::<S>, "createUnit", "Tổ chức", "Tạo đơn vị")
            .roles(access::ADMIN).body(cmd_body::<h::NewUnitBody>(None)).ok(201, of::<Unit>),
        route(M::POST, "/positions", h::create_position::<S>, "createPosition", "Tổ chức", "Tạo chức vụ (gắn với loại chức vụ theo luật)")
            .roles(access::ADMIN)
            .body(cmd_body::<NewPosition>(None))
            .ok(201, of::<Position>),
        route(M::POST, "/users", h::create_user::<S>, "createUser", "Tổ chức", "Tạo người dùng")
            .roles(access::ADMIN).body(cmd_body::<h::NewUserBody>(None)).ok(201, of::<User>),
        route(M::PATCH, "/users/{id}", h::update_user::<S>, "updateUser", "Tổ chức", "Sửa người dùng (vai trò, độ mật được tiếp cận, chức vụ, khóa)")
            .roles(access::ADMIN)
            .body(cmd_body::<UserChange>(None))
            .ok(200, of::<h::UserUpdated>),
        route(M::POST, "/users/{id}/password", h::set_password::<S>, "setPassword", "Tổ chức", "Đặt mật khẩu")
            .body(cmd_body::<h::PasswordBody>(None))
            .ok(200, of::<h::PasswordSet>),
        route(M::PUT, "/privilege-approver", h::set_privilege_approver::<S>, "setPrivilegeApprover", "Tổ chức", "Giao người phê duyệt thay đổi quyền (người đứng đầu cơ quan)")
            .body(cmd_body::<h::ApproverBody>(None))
            .ok(200, of::<h::ApproverBody>),
        route(M::GET, "/privilege-changes", h::privilege_changes::<S>, "privilegeChanges", "Tổ chức", "Thay đổi quyền chờ phê duyệt")
            .ok(200, of::<Vec<PrivilegeChange>>),
        route(M::POST, "/privilege-changes/{id}/approve", h::approve_privilege_change::<S>, "approvePrivilegeChange", "Tổ chức", "Phê duyệt thay đổi quyền (người đứng đầu cơ quan hoặc người được giao)")
            .ok(200, of::<PrivilegeChange>),
        route(M::POST, "/privilege-changes/{id}/reject", h::reject_privilege_change::<S>, "rejectPrivilegeChange", "Tổ chức", "Từ chối thay đổi quyền")
            .ok(200, of::<PrivilegeChange>),
        route(M::POST, "/delegations", h::create_delegation::<S>, "createDelegation", "Tổ chức", "Ghi nhận văn bản ủy quyền")
            .roles(access::DELEGATION_RECORDERS)
            .body(cmd_body::<NewDelegation>(None))
            .ok(201, of::<Delegation>),
        route(M::POST, "/delegations/{id}/revoke", h::revoke_delegation::<S>, "revokeDelegation", "Tổ chức", "Thu hồi ủy quyền")
            .roles(access::DELEGATION_RECORDERS)
            .body(cmd_body::<h::OnDate>(None))
            .ok(200, of::<Delegation>),
        // Catalogue.
        route(M::GET, "/catalogues", h::catalogues::<S>, "catalogues", "Danh mục", "Danh mục bí mật nhà nước và các mục")
            .ok(200, of::<h::CataloguesAnswer>),
        route(M::POST, "/catalogues", h::create_catalogue::<S>, "createCatalogue", "Danh mục", "Ghi nhận quyết định ban hành (thay thế) danh mục")
            .roles(access::CATALOGUE_KEEPERS)
            .body(cmd_body::<NewCatalogue>(None))
            .ok(201, of::<h::CatalogueCreated>),
        route(M::POST, "/catalogue-items/{id}/remove", h::remove_catalogue_item::<S>, "removeCatalogueItem", "Danh mục", "Đưa một mục ra khỏi danh mục (quyết định của người có thẩm quyền giải mật)")
            .roles(access::CATALOGUE_REMOVERS)
            .body(cmd_body::<h::RemoveBody>(None))
            .ok(200, of::<h::CatalogueItemRemoved>),
        // Items.
        route(M::GET, "/items", h::list_items::<S>, "listItems", "Tài liệu", "Danh sách, tìm kiếm tài liệu, vật chứa BMNN (trong phạm vi được tiếp cận)")
            .query("level", r("Level"), "độ mật")
            .query("status", r("Status"), "trạng thái")
            .query("origin", r("Origin"), "nguồn: internal (đi, nội bộ) hoặc incoming (đến)")
            .query("offset", int(), "bỏ qua bao nhiêu dòng (số âm coi như 0)")
            .query("limit", int(), "số dòng tối đa (mặc định 50; đưa về khoảng 1–500)")
            .ok(200, of::<Page<SecretItem>>),
        route(M::POST, "/items/search", h::search_items::<S>, "searchItems", "Tài liệu", "Tìm tài liệu, vật chứa BMNN theo nội dung (trong phạm vi được tiếp cận); nội dung tìm trong thân yêu cầu, không trên đường dẫn")
            .body(cmd_body::<h::ItemsQuery>(None))
            .ok(200, of::<Page<SecretItem>>),
        route(M::GET, "/items/{id}", h::item_detail::<S>, "itemDetail", "Tài liệu", "Chi tiết tài liệu và lịch sử").ok(200, of::<h::ItemAnswer>),
        // Register entries.
        route(M::GET, "/pending-acks", h::pending_acks::<S>, "pendingAcks", "Sổ", "Chuyển giao chờ tôi ký nhận").ok(200, of::<Vec<RegisterEntry>>),
        route(M::GET, "/registers/{kind}/{year}", h::register_book::<S>, "registerBook", "Sổ", "Sổ đăng ký của một năm theo mẫu")
            .query("offset", int(), "bỏ qua bao nhiêu mục (số âm coi như 0)")
            .query("limit", int(), "số mục tối đa (mặc định 1000)")
            .ok(200, of::<h::RegisterBookAnswer>),
        // Requests.
        route(M::GET, "/requests", h::list_requests::<S>, "listRequests", "Yêu cầu", "Danh sách yêu cầu (trong phạm vi được tiếp cận)")
            .query("kind", r("RequestKind"), "loại yêu cầu")
            .query("status", r("RequestStatus"), "trạng thái")
            .query("item_id", int(), "của tài liệu")
            .query("requester_id", int(), "của người đề nghị")
            .ok(200, of::<Vec<h::WithActs<Request>>>),
        route(M::GET, "/requests/{id}", h::get_request::<S>, "getRequest", "Yêu cầu", "Chi tiết yêu cầu").ok(200, of::<h::WithActs<Request>>),
        // Notices, obligations, audit.
        route(M::GET, "/notices", h::list_notices::<S>, "listNotices", "Thời hạn", "Thông báo phải gửi")
            .query("open_only", boolean(), "chỉ thông báo chưa gửi")
            .query("item_id", int(), "của tài liệu")
            .ok(200, of::<Vec<h::WithActs<Notice>>>),
        route(M::GET, "/inbox", h::inbox::<S>, "inbox", "Thời hạn", "Chờ tôi xử lý: việc chờ người gọi theo vai trò (quyết định, vào sổ, ký nhận, kết quả đề xuất của mình, thời hạn)")
            .ok(200, of::<Inbox>),
        route(M::GET, "/due", h::due::<S>, "due", "Thời hạn", "Việc đến hạn, quá hạn vào một ngày")
            .query("date", date_in(), "ngày xem (mặc định hôm nay)")
            .ok(200, of::<Vec<Obligation>>),
        route(M::GET, "/audit", h::audit::<S>, "audit", "Kiểm tra", "Các bản ghi cuối của nhật ký kiểm tra (chuỗi băm); bản ghi về đối tượng ngoài phạm vi của người xem bị che (action = redacted, không số hiệu, độ mật, mã băm)")
            .roles(access::AUDITORS)
            .query("limit", int(), "số bản ghi (mặc định 100; đưa về khoảng 1–10 000)")
            .query("before", int(), "chỉ các bản ghi có số thứ tự nhỏ hơn (trang trước)")
            .ok(200, of::<Vec<AuditRecord>>),
        route(M::POST, "/scan", crate::scanning::api_scan::<S>, "scanFile", "Kiểm tra", "Kiểm tra tệp trước khi đăng tải: dấu chỉ độ mật và đoạn sao chép từ tài liệu đã đăng ký (chỉ đăng khi verdict = pass)")
            .body(cmd_body::<crate::scanning::ScanRequest>(None))
            .ok(200, of::<crate::scanning::ScanOutcome>),
        route(M::POST, "/scan/ignores", crate::scanning::api_ignore::<S>, "ignoreFinding", "Kiểm tra", "Duyệt bỏ qua một phát hiện của một tệp đến một ngày, có lý do (lãnh đạo, cán bộ bảo vệ BMNN)")
            .roles(access::SCAN_APPROVERS)
            .body(cmd_body::<IgnoreCmd>(None))
            .ok(201, of::<ScanIgnore>),
        // Programme records, reports and bundles (hồ sơ công tác bảo vệ BMNN, báo cáo).
        route(M::GET, "/programme/records/{kind}", p::list_records::<S>, "listProgrammeRecords", "Công tác bảo vệ BMNN", "Hồ sơ một loại có ngày trong khoảng from–to (kind: staff, commitment, training, directive, device, equipment, meeting, inspection, incident, legacy-review, plan)")
            .roles(access::PROGRAMME_READERS)
            .query("from", date_in(), "từ ngày")
            .query("to", date_in(), "đến ngày")
            .ok_schema(200, array(stored_record())),
        route(M::POST, "/programme/records/{kind}", p::add_record::<S>, "addProgrammeRecord", "Công tác bảo vệ BMNN", "Thêm hồ sơ (cán bộ bảo vệ BMNN, quản trị); record theo lược đồ của kind")
            .roles(access::PROGRAMME_KEEPERS)
            .body(record_cmd())
            .ok_schema(201, stored_record()),
        route(M::GET, "/programme/records/{kind}/{id}", p::get_record::<S>, "getProgrammeRecord", "Công tác bảo vệ BMNN", "Một hồ sơ")
            .roles(access::PROGRAMME_READERS)
            .ok_schema(200, stored_record()),
        route(M::PUT, "/programme/records/{kind}/{id}", p::update_record::<S>, "updateProgrammeRecord", "Công tác bảo vệ BMNN", "Sửa hồ sơ (các điều kiện như khi thêm)")
            .roles(access::PROGRAMME_KEEPERS)
            .body(record_cmd())
            .ok_schema(200, stored_record()),
        route(M::PATCH, "/programme/records/{kind}/{id}", p::edit_record::<S>, "editProgrammeRecord", "Công tác bảo vệ BMNN", "Sửa một số trường của hồ sơ: chỉ các trường gửi lên thay đổi (các trường của biểu mẫu loại hồ sơ); trường do thao tác riêng ghi nhận giữ nguyên")
            .roles(access::PROGRAMME_KEEPERS)
            .body(record_edit())
            .ok_schema(200, stored_record()),
        route(M::POST, "/programme/records/{kind}/{id}/cancel", p::cancel_record::<S>, "cancelProgrammeRecord", "Công tác bảo vệ BMNN", "Hủy hồ sơ có lý do: hồ sơ còn lưu nhưng không tính vào báo cáo, việc phải làm")
            .roles(access::PROGRAMME_KEEPERS)
            .body(cmd_body::<CancelRecordCmd>(None))
            .ok_schema(200, stored_record()),
        route(M::POST, "/programme/plans/{id}/received", p::subordinate_received::<S>, "subordinateReceived", "Công tác bảo vệ BMNN", "Ghi nhận đơn vị cấp dưới đã gửi kế hoạch hoặc báo cáo năm (index = số thứ tự đơn vị, từ 0)")
            .roles(access::PROGRAMME_KEEPERS)
            .body(cmd_body::<SubordinateReceivedCmd>(Some("plan_id")))
            .ok_schema(200, stored(RecordKind::Plan)),
        route(M::POST, "/programme/devices/{id}/wipe", p::wipe::<S>, "wipeDevice", "Công tác bảo vệ BMNN", "Ghi nhận xóa BMNN khỏi thiết bị (biên bản)")
            .roles(access::PROGRAMME_KEEPERS)
            .body(cmd_body::<WipeCmd>(Some("device_id")))
            .ok_schema(200, stored(RecordKind::Device)),
        route(M::POST, "/programme/devices/{id}/repurpose", p::repurpose::<S>, "repurposeDevice", "Công tác bảo vệ BMNN", "Chuyển mục đích sử dụng thiết bị — chỉ sau khi đã xóa BMNN")
            .roles(access::PROGRAMME_KEEPERS)
            .body(cmd_body::<RepurposeCmd>(Some("device_id")))
            .ok_schema(200, stored(RecordKind::Device)),
        route(M::POST, "/programme/devices/{id}/dispose", p::dispose::<S>, "disposeDevice", "Công tác bảo vệ BMNN", "Thanh lý thiết bị — chỉ sau khi đã xóa BMNN")
            .roles(access::PROGRAMME_KEEPERS)
            .body(cmd_body::<DisposeCmd>(Some("device_id")))
            .ok_schema(200, stored(RecordKind::Device)),
        route(M::POST, "/programme/staff/{id}/end", p::end_assignment::<S>, "endAssignment", "Công tác bảo vệ BMNN", "Thôi phân công cán bộ (phát sinh nghĩa vụ ký cam kết)")
            .roles(access::PROGRAMME_KEEPERS)
            .body(cmd_body::<EndAssignmentCmd>(Some("staff_id")))
            .ok_schema(200, stored(RecordKind::Staff)),
        route(M::POST, "/programme/inspections/{id}/remedy-done", p::remedy_done::<S>, "remedyDone", "Công tác bảo vệ BMNN", "Ghi nhận đã khắc phục (remedy = số thứ tự, từ 0)")
            .roles(access::PROGRAMME_KEEPERS)
            .body(cmd_body::<RemedyDoneCmd>(Some("inspection_id")))
            .ok_schema(200, stored(RecordKind::Inspection)),
        route(M::POST, "/programme/plans/{id}/task-done", p::task_done::<S>, "planTaskDone", "Công tác bảo vệ BMNN", "Ghi nhận nhiệm vụ kế hoạch đã hoàn thành (task = số thứ tự, từ 0)")
            .roles(access::PLAN_KEEPERS)
            .body(cmd_body::<TaskDoneCmd>(Some("plan_id")))
            .ok_schema(200, stored(RecordKind::Plan)),
        route(M::POST, "/programme/incidents/{id}/reported", p::incident_reported::<S>, "incidentReported", "Công tác bảo vệ BMNN", "Ghi nhận đã gửi báo cáo đột xuất về vụ lộ, mất")
            .roles(access::PROGRAMME_KEEPERS)
            .body(cmd_body::<IncidentReportedCmd>(Some("incident_id")))
            .ok_schema(200, stored(RecordKind::Incident)),
        route(M::GET, "/programme/reports/{kind}/{year}", p::report::<S>, "programmeReport", "Báo cáo", "Báo cáo (kind: annual, five-year, incident, multi-year, annual-plan, inspection-conclusion) với mọi số liệu tính từ hồ sơ của kỳ số liệu (kỳ số liệu, trích yếu, ngày: theo phần viết đã lưu)")
            .roles(access::REPORTERS)
            .query("incident_id", int(), "báo cáo đột xuất: vụ việc (mặc định vụ mới nhất của kỳ)")
            .query("inspection_id", int(), "kết luận kiểm tra: cuộc kiểm tra (bắt buộc)")
            .ok(200, of::<ReportModel>),
        route(M::GET, "/programme/reports/{kind}/{year}/docx", p::report_docx::<S>, "programmeReportDocx", "Báo cáo", "Báo cáo dạng DOCX (thể thức văn bản hành chính)")
            .roles(access::REPORTERS)
            .query("incident_id", int(), "báo cáo đột xuất: vụ việc")
            .query("inspection_id", int(), "kết luận kiểm tra: cuộc kiểm tra")
            .ok_schema(200, json!({"type": "string", "contentMediaType": crate::programme::DOCX_TYPE})),
        route(M::GET, "/programme/reports/{kind}/{year}/draft", p::get_draft::<S>, "getReportDraft", "Báo cáo", "Phần viết của báo cáo (nếu chưa có: nội dung năm trước được đề xuất, from_previous_year = true)")
            .roles(access::REPORTERS)
            .query("incident_id", int(), "báo cáo đột xuất: vụ việc")
            .query("inspection_id", int(), "kết luận kiểm tra: cuộc kiểm tra")
            .ok(200, of::<DraftOffer>),
        route(M::PUT, "/programme/reports/{kind}/{year}/draft", p::save_draft::<S>, "saveReportDraft", "Báo cáo", "Lưu phần viết của báo cáo (cán bộ bảo vệ BMNN, lãnh đạo)")
            .roles(access::REPORTERS)
            .body(cmd_body::<p::DraftBody>(None))
            .ok(200, of::<p::DraftSaved>),
        route(M::GET, "/programme/reports/{kind}/{year}/bundle", p::export_bundle::<S>, "exportReportBundle", "Báo cáo", "Gói báo cáo đã ký (Ed25519) để gửi cấp trên (annual, five-year, multi-year)")
            .roles(access::REPORTERS)
            .ok(200, of::<Envelope>),
        route(M::POST, "/programme/plans/issue", p::issue_plan::<S>, "issuePlan", "Báo cáo", "Ban hành kế hoạch công tác bảo vệ BMNN năm: ghi nhận số, ngày ban hành và tạo hồ sơ kế hoạch với các nhiệm vụ để theo dõi (plan_already_issued nếu năm đó đã có kế hoạch)")
            .roles(access::REPORTERS)
            .body(cmd_body::<IssuePlanCmd>(None))
            .ok_schema(201, stored(RecordKind::Plan)),
        route(M::POST, "/programme/unit-keys", p::register_key::<S>, "registerUnitKey", "Báo cáo", "Đăng ký khóa công khai của đơn vị cấp dưới (64 chữ số hex)")
            .roles(access::PROGRAMME_KEEPERS)
            .body(cmd_body::<RegisterKeyCmd>(None))
            .ok(201, of::<Stored<UnitKey>>),
        route(M::POST, "/programme/bundles", p::import_bundle::<S>, "importReportBundle", "Báo cáo", "Tiếp nhận gói báo cáo của đơn vị cấp dưới: thân yêu cầu là tệp gói nguyên vẹn (bundle_invalid nếu bị sửa, bundle_unknown_key nếu khóa chưa đăng ký)")
            .roles(access::PROGRAMME_KEEPERS)
            .body(r("ReportBundle"))
            .ok(201, of::<Stored<UnitReport>>),
        route(M::POST, "/automatic-run", h::automatic_run::<S>, "automaticRun", "Thời hạn", "Chạy xử lý tự động (giải mật khi hết thời hạn bảo vệ)")
            .roles(access::AUDITORS)
            .ok(200, of::<h::AutomaticRun>),
    ]
}
