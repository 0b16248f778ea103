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
use bmnn_core::model::Agency;
use bmnn_core::ports::Store;
use bmnn_core::service::{
    AcknowledgeCmd, AdjustCmd, CancelRecordCmd, CompleteCmd, CopyRequestCmd,
    DecideClassificationCmd, DecideCmd, DeclassifyCmd, DestroyCmd, DisposeCmd, EndAssignmentCmd,
    ExtendCmd, HandOverCmd, IncidentReportedCmd, IssuePlanCmd, NewCatalogue, NewDelegation,
    NewPosition, NoticeDoneCmd, ProduceCopiesCmd, ProposeCmd, ProvideCmd, ReceiveIncomingCmd,
    RegisterOutgoingCmd, RemedyDoneCmd, RepurposeCmd, SubordinateReceivedCmd, TakeOutCmd,
    TaskDoneCmd, UserChange, WipeCmd,
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
    pub operation_id: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    /// Needs no bearer token.
    pub public: bool,
    pub query: Vec<QueryParam>,
    pub body: Option<Value>,
    /// Success status and the schema of its answer.
    pub ok: (u16, Value),
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
    operation_id: &'static str,
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
            operation_id,
            tag,
            summary,
            public: false,
            query: vec![],
            body: None,
            ok: (200, json!({})),
        },
    }
}

impl<S: Store> Route<S> {
    fn body(mut self, schema: Value) -> Self {
        self.doc.body = Some(request_body(schema));
        self
    }
    fn ok(mut self, status: u16, schema: Value) -> Self {
        self.doc.ok = (status, schema);
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

fn page_of(schema: Value) -> Value {
    obj(&[("total", int(), true), ("rows", array(schema), true)])
}

/// Every route of the API.
pub fn table<S: Store>() -> Vec<Route<S>> {
    use Method as M;
    let item_and_entry = || {
        obj(&[
            ("item", r("SecretItem"), true),
            ("entry", r("RegisterEntry"), true),
        ])
    };
    let request_and_entry = || {
        obj(&[
            ("request", r("Request"), true),
            ("entry", r("RegisterEntry"), true),
        ])
    };
    vec![
        // Public.
        route(M::GET, "/openapi.json", h::openapi::<S>, "openapi", "Tài liệu", "Tài liệu OpenAPI 3.1 của API này")
            .public()
            .ok(200, json!({"type": "object"})),
        route(M::POST, "/tokens", h::create_token::<S>, "createToken", "Xác thực", "Cấp mã truy cập API (đăng nhập bằng tên và mật khẩu)")
            .public()
            .body(cmd_body::<h::TokenRequest>(None))
            .ok(201, obj(&[("token", text(), true), ("token_id", int(), true), ("expires_at", text(), true), ("user", r("User"), true)])),
        route(M::GET, "/tokens", h::list_tokens::<S>, "listTokens", "Xác thực", "Mã truy cập API của mình (all=true: của mọi người, quản trị viên)")
            .query("all", boolean(), "mọi người dùng (quản trị viên)")
            .ok(200, array(r("ApiToken"))),
        route(M::POST, "/tokens/{id}/revoke", h::revoke_token::<S>, "revokeToken", "Xác thực", "Thu hồi mã truy cập API (của mình; quản trị viên: của bất kỳ ai)")
            .ok(200, r("ApiToken")),
        // Identity, rules, organisation.
        route(M::GET, "/me", h::me::<S>, "me", "Tổ chức", "Người dùng đang gọi API").ok(200, r("User")),
        route(M::GET, "/rules", h::rules::<S>, "rules", "Quy tắc", "Các chế độ pháp lý và những điểm chưa xác định").ok(
            200,
            obj(&[
                ("regimes", array(json!({"type": "object", "properties": {"code": text(), "name": text(), "effective_from": date(), "unconfirmed": strings()}, "required": ["code", "name", "effective_from", "unconfirmed"]})), true),
                ("position_kinds", array(obj(&[("code", text(), true), ("name", text(), true), ("cite", text(), true)])), true),
            ]),
        ),
        route(M::GET, "/org", h::org::<S>, "org", "Tổ chức", "Cơ quan, đơn vị, chức vụ, người dùng, ủy quyền")
            .roles(access::ORG_PAGE)
            .ok(200, r("Org")),
        route(M::PUT, "/agency", h::set_agency::<S>, "setAgency", "Tổ chức", "Cập nhật thông tin cơ quan")
            .roles(access::ADMIN)
            .body(cmd_body::<Agency>(None))
            .ok(200, r("Agency")),
        route(M::POST, "/units", h::create_unit::<S>, "createUnit", "Tổ chức", "Tạo đơn vị")
            .roles(access::ADMIN).body(cmd_body::<h::NewUnitBody>(None)).ok(201, r("Unit")),
        route(M::POST, "/positions", h::create_position::<S>, "createPosition", "Tổ chức", "Tạo chức vụ (gắn với loại chức vụ theo luật)")
            .roles(access::ADMIN)
            .body(cmd_body::<NewPosition>(None))
            .ok(201, r("Position")),
        route(M::POST, "/users", h::create_user::<S>, "createUser", "Tổ chức", "Tạo người dùng")
            .roles(access::ADMIN).body(cmd_body::<h::NewUserBody>(None)).ok(201, r("User")),
        route(M::PATCH, "/users/{id}", h::update_user::<S>, "updateUser", "Tổ chức", "Sửa người dùng (vai trò, độ mật được tiếp cận, chức vụ, khóa)")
            .roles(access::ADMIN)
            .body(cmd_body::<UserChange>(None))
            .ok(200, obj(&[("user", r("User"), true), ("privilege_changed", boolean(), true), ("sessions_revoked", int(), true)])),
        route(M::POST, "/users/{id}/password", h::set_password::<S>, "setPassword", "Tổ chức", "Đặt mật khẩu")
            .body(cmd_body::<h::PasswordBody>(None))
            .ok(200, obj(&[("user_id", int(), true), ("changed", boolean(), true), ("sessions_revoked", int(), true)])),
        route(M::PUT, "/privilege-approver", h::set_privilege_approver::<S>, "setPrivilegeApprover", "Tổ chức", "Giao người phê duyệt thay đổi quyền (người đứng đầu cơ quan)")
            .body(cmd_body::<h::ApproverBody>(None))
            .ok(200, obj(&[("user_id", opt(int()), true)])),
        route(M::GET, "/privilege-changes", h::privilege_changes::<S>, "privilegeChanges", "Tổ chức", "Thay đổi quyền chờ phê duyệt")
            .ok(200, array(r("PrivilegeChange"))),
        route(M::POST, "/privilege-changes/{id}/approve", h::approve_privilege_change::<S>, "approvePrivilegeChange", "Tổ chức", "Phê duyệt thay đổi quyền (người đứng đầu cơ quan hoặc người được giao)")
            .ok(200, r("PrivilegeChange")),
        route(M::POST, "/privilege-changes/{id}/reject", h::reject_privilege_change::<S>, "rejectPrivilegeChange", "Tổ chức", "Từ chối thay đổi quyền")
            .ok(200, r("PrivilegeChange")),
        route(M::POST, "/delegations", h::create_delegation::<S>, "createDelegation", "Tổ chức", "Ghi nhận văn bản ủy quyền")
            .roles(access::DELEGATION_RECORDERS)
            .body(cmd_body::<NewDelegation>(None))
            .ok(201, r("Delegation")),
        route(M::POST, "/delegations/{id}/revoke", h::revoke_delegation::<S>, "revokeDelegation", "Tổ chức", "Thu hồi ủy quyền")
            .roles(access::DELEGATION_RECORDERS)
            .body(obj(&[("date", opt_date_in(), false)]))
            .ok(200, r("Delegation")),
        // Catalogue.
        route(M::GET, "/catalogues", h::catalogues::<S>, "catalogues", "Danh mục", "Danh mục bí mật nhà nước và các mục")
            .ok(200, obj(&[("catalogues", array(r("Catalogue")), true), ("items", array(r("CatalogueItem")), true)])),
        route(M::POST, "/catalogues", h::create_catalogue::<S>, "createCatalogue", "Danh mục", "Ghi nhận quyết định ban hành (thay thế) danh mục")
            .roles(access::CATALOGUE_KEEPERS)
            .body(cmd_body::<NewCatalogue>(None))
            .ok(201, obj(&[("catalogue", r("Catalogue"), true), ("declassified", array(pid()), true)])),
        route(M::POST, "/catalogue-items/{id}/remove", h::remove_catalogue_item::<S>, "removeCatalogueItem", "Danh mục", "Đưa một mục ra khỏi danh mục (quyết định của người có thẩm quyền giải mật)")
            .roles(access::CATALOGUE_REMOVERS)
            .body(obj(&[("decision_ref", ne(), true), ("decision_date", date_in(), true), ("date", act_date(), false)]))
            .ok(200, obj(&[("catalogue_item_id", int(), true), ("declassified", array(pid()), true)])),
        // Items.
        route(M::GET, "/items", h::list_items::<S>, "listItems", "Tài liệu", "Danh sách, tìm kiếm tài liệu, vật chứa BMNN (trong phạm vi được tiếp cận)")
            .query("level", r("Level"), "độ mật")
            .query("status", r("Status"), "trạng thái")
            .query("origin", r("Origin"), "nguồn: internal (đi, nội bộ) hoặc incoming (đến)")
            .query("offset", int(), "bỏ qua bao nhiêu dòng (số âm coi như 0)")
            .query("limit", int(), "số dòng tối đa (mặc định 50; đưa về khoảng 1–500)")
            .ok(200, page_of(r("SecretItem"))),
        route(M::POST, "/items/search", h::search_items::<S>, "searchItems", "Tài liệu", "Tìm tài liệu, vật chứa BMNN theo nội dung (trong phạm vi được tiếp cận); nội dung tìm trong thân yêu cầu, không trên đường dẫn")
            .body(obj(&[
                ("q", json!({"type": "string", "pattern": "^[^\\x00]*[^\\x00\\s][^\\x00]*$", "description": "tìm theo số ký hiệu, tên loại, trích yếu (không dấu cũng được)"}), false),
                ("level", r("Level"), false),
                ("status", r("Status"), false),
                ("origin", r("Origin"), false),
                ("offset", int(), false),
                ("limit", int(), false),
            ]))
            .ok(200, page_of(r("SecretItem"))),
        route(M::POST, "/items", h::propose::<S>, "propose", "Tài liệu", "Đề xuất độ mật (tạo tài liệu)")
            .roles(access::PROPOSERS).body(cmd_body::<ProposeCmd>(None)).ok(201, r("SecretItem")),
        route(M::GET, "/items/{id}", h::item_detail::<S>, "itemDetail", "Tài liệu", "Chi tiết tài liệu và lịch sử").ok(200, r("ItemDetail")),
        route(M::POST, "/items/{id}/classification", h::classify::<S>, "decideClassification", "Tài liệu", "Quyết định xác định độ mật")
            .body(cmd_body::<DecideClassificationCmd>(Some("item_id")))
            .ok(200, r("SecretItem")),
        route(M::POST, "/items/{id}/outgoing", h::register_outgoing::<S>, "registerOutgoing", "Sổ", "Vào sổ đăng ký BMNN đi")
            .roles(access::CLERK)
            .body(cmd_body::<RegisterOutgoingCmd>(Some("item_id")))
            .ok(201, item_and_entry()),
        route(M::POST, "/items/{id}/handovers", h::hand_over::<S>, "handOver", "Sổ", "Chuyển giao (sổ chuyển giao)")
            .roles(access::CLERK)
            .body(cmd_body::<HandOverCmd>(Some("item_id")))
            .ok(201, r("RegisterEntry")),
        route(M::POST, "/items/{id}/recall-return", h::recall_return::<S>, "recallReturn", "Tài liệu", "Ghi nhận trả tài liệu thu hồi")
            .roles(access::CLERK)
            .body(cmd_body::<h::OnDate>(None))
            .ok(200, r("SecretItem")),
        route(M::POST, "/items/{id}/extension", h::extend::<S>, "extend", "Thời hạn", "Gia hạn thời hạn bảo vệ")
            .body(cmd_body::<ExtendCmd>(Some("item_id")))
            .ok(200, r("SecretItem")),
        route(M::POST, "/items/{id}/adjustment", h::adjust::<S>, "adjust", "Thời hạn", "Điều chỉnh độ mật")
            .body(cmd_body::<AdjustCmd>(Some("item_id")))
            .ok(200, r("SecretItem")),
        route(M::POST, "/items/{id}/declassification", h::declassify::<S>, "declassify", "Thời hạn", "Giải mật theo quyết định")
            .body(cmd_body::<DeclassifyCmd>(Some("item_id")))
            .ok(200, r("SecretItem")),
        route(M::POST, "/incoming", h::receive_incoming::<S>, "receiveIncoming", "Sổ", "Vào sổ đăng ký BMNN đến")
            .roles(access::CLERK)
            .body(cmd_body::<ReceiveIncomingCmd>(None))
            .ok(201, item_and_entry()),
        // Register entries.
        route(M::POST, "/register-entries/{id}/ack", h::acknowledge::<S>, "acknowledge", "Sổ", "Ký nhận chuyển giao")
            .body(cmd_body::<AcknowledgeCmd>(Some("entry_id")))
            .ok(200, r("RegisterEntry")),
        route(M::POST, "/register-entries/{id}/cancel", h::cancel_entry::<S>, "cancelEntry", "Sổ", "Hủy bỏ mục sổ (có lý do; số không dùng lại)")
            .roles(access::CLERK)
            .body(cmd_body::<h::ReasonBody>(None))
            .ok(200, r("RegisterEntry")),
        route(M::GET, "/pending-acks", h::pending_acks::<S>, "pendingAcks", "Sổ", "Chuyển giao chờ tôi ký nhận").ok(200, array(r("RegisterEntry"))),
        route(M::GET, "/registers/{kind}/{year}", h::register_book::<S>, "registerBook", "Sổ", "Sổ đăng ký của một năm theo mẫu")
            .query("offset", int(), "bỏ qua bao nhiêu mục (số âm coi như 0)")
            .query("limit", int(), "số mục tối đa (mặc định 1000)")
            .ok(200, r("RegisterBook")),
        // Requests.
        route(M::POST, "/requests/copy", h::request_copy::<S>, "requestCopy", "Yêu cầu", "Đề nghị sao, chụp").body(cmd_body::<CopyRequestCmd>(None)).ok(201, r("Request")),
        route(M::POST, "/requests/take-out", h::request_take_out::<S>, "requestTakeOut", "Yêu cầu", "Xin phép mang ra khỏi nơi lưu giữ")
            .body(cmd_body::<TakeOutCmd>(None))
            .ok(201, r("Request")),
        route(M::POST, "/requests/provide", h::request_provide::<S>, "requestProvide", "Yêu cầu", "Đề nghị cung cấp, chuyển giao")
            .body(cmd_body::<ProvideCmd>(None))
            .ok(201, r("Request")),
        route(M::POST, "/requests/destroy", h::request_destroy::<S>, "requestDestroy", "Yêu cầu", "Đề nghị tiêu hủy")
            .roles(access::DESTRUCTION_PROPOSERS).body(cmd_body::<DestroyCmd>(None)).ok(201, r("Request")),
        route(M::GET, "/requests", h::list_requests::<S>, "listRequests", "Yêu cầu", "Danh sách yêu cầu (trong phạm vi được tiếp cận)")
            .query("kind", r("RequestKind"), "loại yêu cầu")
            .query("status", r("RequestStatus"), "trạng thái")
            .query("item_id", int(), "của tài liệu")
            .query("requester_id", int(), "của người đề nghị")
            .ok(200, array(r("RequestWithActs"))),
        route(M::GET, "/requests/{id}", h::get_request::<S>, "getRequest", "Yêu cầu", "Chi tiết yêu cầu").ok(200, r("RequestWithActs")),
        route(M::POST, "/requests/{id}/decision", h::decide::<S>, "decide", "Yêu cầu", "Cho phép hoặc từ chối (bằng văn bản, nêu lý do)")
            .body(cmd_body::<DecideCmd>(Some("request_id")))
            .ok(200, r("Request")),
        route(M::POST, "/requests/{id}/copies", h::produce_copies::<S>, "produceCopies", "Yêu cầu", "Thực hiện sao, chụp (đánh số bản sao; sổ sao, chụp)")
            .roles(access::CLERK)
            .body(cmd_body::<ProduceCopiesCmd>(Some("request_id")))
            .ok(201, request_and_entry()),
        route(M::POST, "/requests/{id}/return", h::take_out_return::<S>, "takeOutReturn", "Yêu cầu", "Ghi nhận trả tài liệu đã mang ra ngoài")
            .roles(access::CLERK)
            .body(cmd_body::<CompleteCmd>(Some("request_id")))
            .ok(200, r("Request")),
        route(M::POST, "/requests/{id}/provision", h::provision::<S>, "completeProvision", "Yêu cầu", "Chuyển giao tài liệu đã được cho phép cung cấp")
            .roles(access::CLERK)
            .body(cmd_body::<CompleteCmd>(Some("request_id")))
            .ok(201, request_and_entry()),
        route(M::POST, "/requests/{id}/destruction", h::destruction::<S>, "recordDestruction", "Yêu cầu", "Ghi nhận tiêu hủy (biên bản)")
            .roles(access::DESTRUCTION_RECORDERS)
            .body(cmd_body::<CompleteCmd>(Some("request_id")))
            .ok(200, obj(&[("request", r("Request"), true), ("destroyed", array(r("DestroyedLine")), true)])),
        // Notices, obligations, audit.
        route(M::GET, "/notices", h::list_notices::<S>, "listNotices", "Thời hạn", "Thông báo phải gửi")
            .query("open_only", boolean(), "chỉ thông báo chưa gửi")
            .query("item_id", int(), "của tài liệu")
            .ok(200, array(r("NoticeWithActs"))),
        route(M::POST, "/notices/{id}/done", h::notice_done::<S>, "noticeDone", "Thời hạn", "Ghi nhận đã gửi thông báo")
            .roles(access::NOTICE_KEEPERS)
            .body(cmd_body::<NoticeDoneCmd>(Some("notice_id")))
            .ok(200, r("Notice")),
        route(M::GET, "/inbox", h::inbox::<S>, "inbox", "Thời hạn", "Chờ tôi xử lý: việc chờ người gọi theo vai trò (quyết định, vào sổ, ký nhận, kết quả đề xuất của mình, thời hạn)")
            .ok(200, r("Inbox")),
        route(M::GET, "/due", h::due::<S>, "due", "Thời hạn", "Việc đến hạn, quá hạn vào một ngày")
            .query("date", date_in(), "ngày xem (mặc định hôm nay)")
            .ok(200, array(r("Obligation"))),
        route(M::GET, "/audit", h::audit::<S>, "audit", "Kiểm tra", "Các bản ghi cuối của nhật ký kiểm tra (chuỗi băm); bản ghi về đối tượng ngoài phạm vi của người xem bị che (action = redacted, không số hiệu, độ mật, mã băm)")
            .roles(access::AUDITORS)
            .query("limit", int(), "số bản ghi (mặc định 100; đưa về khoảng 1–10 000)")
            .query("before", int(), "chỉ các bản ghi có số thứ tự nhỏ hơn (trang trước)")
            .ok(200, array(r("AuditRecord"))),
        route(M::POST, "/scan", crate::scanning::api_scan::<S>, "scanFile", "Kiểm tra", "Kiểm tra tệp trước khi đăng tải: dấu chỉ độ mật và đoạn sao chép từ tài liệu đã đăng ký (chỉ đăng khi verdict = pass)")
            .body(obj(&[("file_name", text(), true), ("content_base64", text(), true)]))
            .ok(200, obj(&[
                ("file", text(), true),
                ("sha256", text(), true),
                ("size", uint(), true),
                ("verdict", enumeration(&["pass", "review", "block"]), true),
                ("verdict_vi", text(), true),
                ("findings", array(obj(&[
                    ("rule_id", text(), true),
                    ("severity", enumeration(&["info", "review", "block"]), true),
                    ("reason", text(), true),
                    ("evidence", opt(text()), true),
                    ("where_", opt(text()), true),
                    ("item", opt(obj(&[("item_id", int(), true), ("label", text(), true), ("level", enumeration(&["mat", "toi-mat", "tuyet-mat"]), true)])), true),
                    ("copied_syllables", opt(uint()), true),
                    ("ignored", boolean(), true),
                ])), true),
            ])),
        route(M::POST, "/scan/ignores", crate::scanning::api_ignore::<S>, "ignoreFinding", "Kiểm tra", "Duyệt bỏ qua một phát hiện của một tệp đến một ngày, có lý do (lãnh đạo, cán bộ bảo vệ BMNN)")
            .roles(access::SCAN_APPROVERS)
            .body(obj(&[("sha256", text(), true), ("rule_id", text(), true), ("reason", text(), true), ("expires", date_in(), true)]))
            .ok(201, obj(&[
                ("id", int(), true),
                ("sha256", text(), true),
                ("rule_id", text(), true),
                ("reason", text(), true),
                ("approver_id", int(), true),
                ("approver_name", text(), true),
                ("approved_on", date(), true),
                ("expires", date(), true),
            ])),
        // Programme records, reports and bundles (hồ sơ công tác bảo vệ BMNN, báo cáo).
        route(M::GET, "/programme/records/{kind}", p::list_records::<S>, "listProgrammeRecords", "Công tác bảo vệ BMNN", "Hồ sơ một loại có ngày trong khoảng from–to (kind: staff, commitment, training, directive, device, equipment, meeting, inspection, incident, legacy-review, plan)")
            .roles(access::PROGRAMME_READERS)
            .query("from", date_in(), "từ ngày")
            .query("to", date_in(), "đến ngày")
            .ok(200, array(stored_record())),
        route(M::POST, "/programme/records/{kind}", p::add_record::<S>, "addProgrammeRecord", "Công tác bảo vệ BMNN", "Thêm hồ sơ (cán bộ bảo vệ BMNN, quản trị); record theo lược đồ của kind")
            .roles(access::PROGRAMME_KEEPERS)
            .body(record_cmd())
            .ok(201, stored_record()),
        route(M::GET, "/programme/records/{kind}/{id}", p::get_record::<S>, "getProgrammeRecord", "Công tác bảo vệ BMNN", "Một hồ sơ")
            .roles(access::PROGRAMME_READERS)
            .ok(200, stored_record()),
        route(M::PUT, "/programme/records/{kind}/{id}", p::update_record::<S>, "updateProgrammeRecord", "Công tác bảo vệ BMNN", "Sửa hồ sơ (các điều kiện như khi thêm)")
            .roles(access::PROGRAMME_KEEPERS)
            .body(record_cmd())
            .ok(200, stored_record()),
        route(M::PATCH, "/programme/records/{kind}/{id}", p::edit_record::<S>, "editProgrammeRecord", "Công tác bảo vệ BMNN", "Sửa một số trường của hồ sơ: chỉ các trường gửi lên thay đổi (các trường của biểu mẫu loại hồ sơ); trường do thao tác riêng ghi nhận giữ nguyên")
            .roles(access::PROGRAMME_KEEPERS)
            .body(record_edit())
            .ok(200, stored_record()),
        route(M::POST, "/programme/records/{kind}/{id}/cancel", p::cancel_record::<S>, "cancelProgrammeRecord", "Công tác bảo vệ BMNN", "Hủy hồ sơ có lý do: hồ sơ còn lưu nhưng không tính vào báo cáo, việc phải làm")
            .roles(access::PROGRAMME_KEEPERS)
            .body(cmd_body::<CancelRecordCmd>(None))
            .ok(200, stored_record()),
        route(M::POST, "/programme/plans/{id}/received", p::subordinate_received::<S>, "subordinateReceived", "Công tác bảo vệ BMNN", "Ghi nhận đơn vị cấp dưới đã gửi kế hoạch hoặc báo cáo năm (index = số thứ tự đơn vị, từ 0)")
            .roles(access::PROGRAMME_KEEPERS)
            .body(cmd_body::<SubordinateReceivedCmd>(Some("plan_id")))
            .ok(200, stored("AnnualPlan")),
        route(M::POST, "/programme/devices/{id}/wipe", p::wipe::<S>, "wipeDevice", "Công tác bảo vệ BMNN", "Ghi nhận xóa BMNN khỏi thiết bị (biên bản)")
            .roles(access::PROGRAMME_KEEPERS)
            .body(cmd_body::<WipeCmd>(Some("device_id")))
            .ok(200, stored("Device")),
        route(M::POST, "/programme/devices/{id}/repurpose", p::repurpose::<S>, "repurposeDevice", "Công tác bảo vệ BMNN", "Chuyển mục đích sử dụng thiết bị — chỉ sau khi đã xóa BMNN")
            .roles(access::PROGRAMME_KEEPERS)
            .body(cmd_body::<RepurposeCmd>(Some("device_id")))
            .ok(200, stored("Device")),
        route(M::POST, "/programme/devices/{id}/dispose", p::dispose::<S>, "disposeDevice", "Công tác bảo vệ BMNN", "Thanh lý thiết bị — chỉ sau khi đã xóa BMNN")
            .roles(access::PROGRAMME_KEEPERS)
            .body(cmd_body::<DisposeCmd>(Some("device_id")))
            .ok(200, stored("Device")),
        route(M::POST, "/programme/staff/{id}/end", p::end_assignment::<S>, "endAssignment", "Công tác bảo vệ BMNN", "Thôi phân công cán bộ (phát sinh nghĩa vụ ký cam kết)")
            .roles(access::PROGRAMME_KEEPERS)
            .body(cmd_body::<EndAssignmentCmd>(Some("staff_id")))
            .ok(200, stored("StaffAssignment")),
        route(M::POST, "/programme/inspections/{id}/remedy-done", p::remedy_done::<S>, "remedyDone", "Công tác bảo vệ BMNN", "Ghi nhận đã khắc phục (remedy = số thứ tự, từ 0)")
            .roles(access::PROGRAMME_KEEPERS)
            .body(cmd_body::<RemedyDoneCmd>(Some("inspection_id")))
            .ok(200, stored("Inspection")),
        route(M::POST, "/programme/plans/{id}/task-done", p::task_done::<S>, "planTaskDone", "Công tác bảo vệ BMNN", "Ghi nhận nhiệm vụ kế hoạch đã hoàn thành (task = số thứ tự, từ 0)")
            .roles(access::PLAN_KEEPERS)
            .body(cmd_body::<TaskDoneCmd>(Some("plan_id")))
            .ok(200, stored("AnnualPlan")),
        route(M::POST, "/programme/incidents/{id}/reported", p::incident_reported::<S>, "incidentReported", "Công tác bảo vệ BMNN", "Ghi nhận đã gửi báo cáo đột xuất về vụ lộ, mất")
            .roles(access::PROGRAMME_KEEPERS)
            .body(cmd_body::<IncidentReportedCmd>(Some("incident_id")))
            .ok(200, stored("Incident")),
        route(M::GET, "/programme/reports/{kind}/{year}", p::report::<S>, "programmeReport", "Báo cáo", "Báo cáo (kind: annual, five-year, incident, multi-year, annual-plan, inspection-conclusion) với mọi số liệu tính từ hồ sơ của kỳ số liệu (kỳ số liệu, trích yếu, ngày: theo phần viết đã lưu)")
            .roles(access::REPORTERS)
            .query("incident_id", int(), "báo cáo đột xuất: vụ việc (mặc định vụ mới nhất của kỳ)")
            .query("inspection_id", int(), "kết luận kiểm tra: cuộc kiểm tra (bắt buộc)")
            .ok(200, r("ReportModel")),
        route(M::GET, "/programme/reports/{kind}/{year}/docx", p::report_docx::<S>, "programmeReportDocx", "Báo cáo", "Báo cáo dạng DOCX (thể thức văn bản hành chính)")
            .roles(access::REPORTERS)
            .query("incident_id", int(), "báo cáo đột xuất: vụ việc")
            .query("inspection_id", int(), "kết luận kiểm tra: cuộc kiểm tra")
            .ok(200, json!({"type": "string", "contentMediaType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"})),
        route(M::GET, "/programme/reports/{kind}/{year}/draft", p::get_draft::<S>, "getReportDraft", "Báo cáo", "Phần viết của báo cáo (nếu chưa có: nội dung năm trước được đề xuất, from_previous_year = true)")
            .roles(access::REPORTERS)
            .query("incident_id", int(), "báo cáo đột xuất: vụ việc")
            .query("inspection_id", int(), "kết luận kiểm tra: cuộc kiểm tra")
            .ok(200, r("DraftOffer")),
        route(M::PUT, "/programme/reports/{kind}/{year}/draft", p::save_draft::<S>, "saveReportDraft", "Báo cáo", "Lưu phần viết của báo cáo (cán bộ bảo vệ BMNN, lãnh đạo)")
            .roles(access::REPORTERS)
            .body(obj(&[("incident_id", opt(int()), false), ("inspection_id", opt(int()), false), ("text", r("ReportDraftText"), true)]))
            .ok(200, obj(&[("id", int(), true)])),
        route(M::GET, "/programme/reports/{kind}/{year}/bundle", p::export_bundle::<S>, "exportReportBundle", "Báo cáo", "Gói báo cáo đã ký (Ed25519) để gửi cấp trên (annual, five-year)")
            .roles(access::REPORTERS)
            .ok(200, r("ReportBundle")),
        route(M::POST, "/programme/plans/issue", p::issue_plan::<S>, "issuePlan", "Báo cáo", "Ban hành kế hoạch công tác bảo vệ BMNN năm: ghi nhận số, ngày ban hành và tạo hồ sơ kế hoạch với các nhiệm vụ để theo dõi (plan_already_issued nếu năm đó đã có kế hoạch)")
            .roles(access::REPORTERS)
            .body(cmd_body::<IssuePlanCmd>(None))
            .ok(201, stored("AnnualPlan")),
        route(M::POST, "/programme/unit-keys", p::register_key::<S>, "registerUnitKey", "Báo cáo", "Đăng ký khóa công khai của đơn vị cấp dưới (64 chữ số hex)")
            .roles(access::PROGRAMME_KEEPERS)
            .body(obj(&[("unit", ne(), true), ("public_key", json!({"type": "string", "pattern": "^\\s*[0-9a-f]{64}\\s*$"}), true)]))
            .ok(201, stored("UnitKey")),
        route(M::POST, "/programme/bundles", p::import_bundle::<S>, "importReportBundle", "Báo cáo", "Tiếp nhận gói báo cáo của đơn vị cấp dưới: thân yêu cầu là tệp gói nguyên vẹn (bundle_invalid nếu bị sửa, bundle_unknown_key nếu khóa chưa đăng ký)")
            .roles(access::PROGRAMME_KEEPERS)
            .body(r("ReportBundle"))
            .ok(201, stored("UnitReport")),
        route(M::POST, "/automatic-run", h::automatic_run::<S>, "automaticRun", "Thời hạn", "Chạy xử lý tự động (giải mật khi hết thời hạn bảo vệ)")
            .roles(access::AUDITORS)
            .ok(200, obj(&[("expired", ints(), true)])),
    ]
}
