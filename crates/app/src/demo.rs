//! The fictional demo agency of `bmnn serve --demo`: Sở Công Thương tỉnh Bình Minh (a province
//! that does not exist), its units, posts, users of every role, a small catalogue, and a few
//! dozen items in every state with register entries across 2025 and 2026 — all made through
//! the services, so every rule applied to real use applied here too.

use anyhow::Result;
use bmnn_core::Level;
use bmnn_core::dates::parse_date;
use bmnn_core::model::*;
use bmnn_core::ports::Store;
use bmnn_core::rules::Act;
use bmnn_core::service::*;
use time::Date;

/// Password of every demo account.
pub const PASSWORD: &str = "bmnn-demo-2026";

fn d(s: &str) -> Date {
    parse_date(s).expect("demo date")
}

struct Demo {
    today: Date,
    now: time::PrimitiveDateTime,
}

impl Demo {
    fn ctx(&self, user: &User) -> Ctx {
        Ctx {
            user_id: user.id,
            now: self.now,
            today: self.today,
        }
    }
}

pub fn load<S: Store>(svc: &Service<S>) -> Result<()> {
    let now = bmnn_web::now_utc();
    let today = bmnn_web::today_vn();
    let demo = Demo { today, now };
    let hash = bmnn_web::auth::hash_password(PASSWORD);
    let admin = svc.bootstrap_admin(
        now,
        Agency {
            name: "Sở Công Thương tỉnh Bình Minh".into(),
            superior: Some("Ủy ban nhân dân tỉnh Bình Minh".into()),
            place: "Bình Minh".into(),
            symbol: "SCT".into(),
        },
        NewUser {
            username: "admin".into(),
            full_name: "Quản trị hệ thống".into(),
            roles: vec![Role::Admin],
            clearance: None,
            position_id: None,
            unit_id: None,
            password_hash: hash.clone(),
        },
    )?;
    let a = demo.ctx(&admin);
    let vp = svc.create_unit(&a, "Văn phòng Sở", None)?;
    let kh = svc.create_unit(&a, "Phòng Kế hoạch - Tài chính", None)?;
    let cn = svc.create_unit(&a, "Phòng Quản lý công nghiệp", None)?;
    let _tm = svc.create_unit(&a, "Phòng Quản lý thương mại", None)?;
    let _tt = svc.create_unit(&a, "Thanh tra Sở", None)?;
    let pos = |title: &str, kind: &str, rank: Rank, heads: bool, unit: &Unit| {
        svc.create_position(
            &a,
            NewPosition {
                title: title.into(),
                kind: kind.into(),
                rank,
                heads_agency: heads,
                unit_id: Some(unit.id),
            },
        )
    };
    let p_gd = pos("Giám đốc Sở", "so-ban-nganh-tinh", Rank::Head, true, &vp)?;
    let p_pgd = pos(
        "Phó Giám đốc Sở",
        "so-ban-nganh-tinh",
        Rank::Deputy,
        true,
        &vp,
    )?;
    let p_tp = pos(
        "Trưởng phòng Kế hoạch - Tài chính",
        "phong-thuoc-so",
        Rank::Head,
        false,
        &kh,
    )?;
    let p_cvp = pos(
        "Chánh Văn phòng Sở",
        "phong-thuoc-so",
        Rank::Head,
        false,
        &vp,
    )?;
    let p_cv = pos("Chuyên viên", "khac", Rank::Staff, false, &kh)?;
    let p_vt = pos("Văn thư", "khac", Rank::Staff, false, &vp)?;
    // The accounts are made at the console (the loader holds the data folder): from the
    // administrator, clearance and the clerk, leader and security-officer roles would wait for
    // the head of the agency's approval (separation of duties). The administrator itself
    // holds no clearance.
    let console = Ctx {
        user_id: bmnn_core::service::SYSTEM_USER_ID,
        ..a
    };
    let user = |u: &str, name: &str, roles: Vec<Role>, cl: Option<Level>, p: &Position| {
        svc.create_user(
            &console,
            NewUser {
                username: u.into(),
                full_name: name.into(),
                roles,
                clearance: cl,
                position_id: Some(p.id),
                unit_id: p.unit_id,
                password_hash: hash.clone(),
            },
        )
    };
    let gd = user(
        "lanhdao",
        "Nguyễn Văn Minh",
        vec![Role::Leader],
        Some(Level::TuyetMat),
        &p_gd,
    )?;
    let pgd = user(
        "phogiamdoc",
        "Trần Thị Hương",
        vec![Role::Leader],
        Some(Level::ToiMat),
        &p_pgd,
    )?;
    let tp = user(
        "truongphong",
        "Lê Quang Dũng",
        vec![Role::Leader, Role::Drafter],
        Some(Level::ToiMat),
        &p_tp,
    )?;
    let _cvp = user(
        "chanhvanphong",
        "Phạm Thu Trang",
        vec![Role::Leader],
        Some(Level::ToiMat),
        &p_cvp,
    )?;
    let cv = user(
        "soanthao",
        "Hoàng Đức Anh",
        vec![Role::Drafter],
        Some(Level::Mat),
        &p_cv,
    )?;
    let vt = user(
        "vanthu",
        "Đỗ Thị Lan",
        vec![Role::Clerk],
        Some(Level::ToiMat),
        &p_vt,
    )?;
    let bm = user(
        "baomat",
        "Vũ Mạnh Hùng",
        vec![Role::SecurityOfficer],
        Some(Level::ToiMat),
        &p_cvp,
    )?;

    // Written delegations: one in force, one expired (Law 29/2018 Điều 11.5).
    let g = demo.ctx(&gd);
    svc.create_delegation(
        &g,
        NewDelegation {
            grantor_id: None,
            grantee_id: pgd.id,
            acts: vec![Act::Copy, Act::TakeOutDomestic],
            max_level: Level::ToiMat,
            valid_from: d("01/01/2026"),
            valid_to: d("31/12/2026"),
            document_ref: "Giấy ủy quyền số 01/GUQ-SCT ngày 02/01/2026".into(),
        },
    )?;
    svc.create_delegation(
        &g,
        NewDelegation {
            grantor_id: None,
            grantee_id: pgd.id,
            acts: vec![Act::Copy],
            max_level: Level::ToiMat,
            valid_from: d("01/01/2025"),
            valid_to: d("31/12/2025"),
            document_ref: "Giấy ủy quyền số 05/GUQ-SCT ngày 02/01/2025".into(),
        },
    )?;

    // Catalogue (fictional entries in the shape of a sector catalogue, legal.md §4.4).
    let s = demo.ctx(&bm);
    let (_cat, _) = svc.create_catalogue(
        &s,
        NewCatalogue {
            decision_ref: "Quyết định số 9999/QĐ-TTg (minh họa)".into(),
            decision_date: d("15/09/2020"),
            title: "Danh mục bí mật nhà nước lĩnh vực công thương (dữ liệu minh họa)".into(),
            field: "kinh-te".into(),
            effective_from: d("01/10/2020"),
            items: vec![
                NewCatalogueItem {
                    level: Level::ToiMat,
                    number: "TM-1".into(),
                    text: "Phương án dự trữ quốc gia về xăng dầu chưa công bố".into(),
                },
                NewCatalogueItem {
                    level: Level::ToiMat,
                    number: "TM-2".into(),
                    text: "Kế hoạch bảo đảm an ninh năng lượng trong tình huống khẩn cấp".into(),
                },
                NewCatalogueItem {
                    level: Level::Mat,
                    number: "M-1".into(),
                    text: "Báo cáo tình hình cung ứng hàng hóa thiết yếu chưa công bố".into(),
                },
                NewCatalogueItem {
                    level: Level::Mat,
                    number: "M-2".into(),
                    text: "Hồ sơ thẩm định dự án công nghiệp trọng điểm chưa công khai".into(),
                },
                NewCatalogueItem {
                    level: Level::Mat,
                    number: "M-3".into(),
                    text: "Lịch công tác của lãnh đạo Sở liên quan đến nhiệm vụ bí mật".into(),
                },
            ],
            replaces: None,
            carry_over: vec![],
        },
    )?;
    let (_, entries) = svc.catalogues(&s)?;
    let cat = |n: &str| entries.iter().find(|e| e.number == n).map(|e| e.id);
    let (tm1, tm2, m1, m2, m3) = (cat("TM-1"), cat("TM-2"), cat("M-1"), cat("M-2"), cat("M-3"));

    let vt_c = demo.ctx(&vt);
    let cv_c = demo.ctx(&cv);
    let tp_c = demo.ctx(&tp);
    let pgd_c = demo.ctx(&pgd);

    // Outgoing items: drafter proposes, leader decides, clerk registers and hands over.
    struct Out {
        date: &'static str,
        doc_type: &'static str,
        summary: &'static str,
        level: Level,
        cat: Option<Id>,
        copy_allowed: bool,
    }
    let outs = [
        Out {
            date: "10/03/2025",
            doc_type: "Báo cáo",
            summary: "Tình hình cung ứng xăng dầu quý I năm 2025",
            level: Level::Mat,
            cat: m1,
            copy_allowed: true,
        },
        Out {
            date: "22/04/2025",
            doc_type: "Kế hoạch",
            summary: "Bảo đảm an ninh năng lượng mùa khô 2025",
            level: Level::ToiMat,
            cat: tm2,
            copy_allowed: false,
        },
        Out {
            date: "05/06/2025",
            doc_type: "Báo cáo",
            summary: "Thẩm định dự án nhà máy điện mặt trời Bình Minh 2",
            level: Level::Mat,
            cat: m2,
            copy_allowed: true,
        },
        Out {
            date: "18/08/2025",
            doc_type: "Lịch công tác",
            summary: "Lịch công tác tuần 34 của Giám đốc Sở",
            level: Level::Mat,
            cat: m3,
            copy_allowed: false,
        },
        Out {
            date: "02/10/2025",
            doc_type: "Phương án",
            summary: "Dự trữ xăng dầu địa phương năm 2026",
            level: Level::ToiMat,
            cat: tm1,
            copy_allowed: true,
        },
        Out {
            date: "20/01/2026",
            doc_type: "Báo cáo",
            summary: "Cung ứng hàng hóa thiết yếu dịp Tết Bính Ngọ",
            level: Level::Mat,
            cat: m1,
            copy_allowed: true,
        },
        Out {
            date: "16/03/2026",
            doc_type: "Kế hoạch",
            summary: "Ứng phó thiếu hụt năng lượng quý II năm 2026",
            level: Level::ToiMat,
            cat: tm2,
            copy_allowed: true,
        },
        Out {
            date: "08/05/2026",
            doc_type: "Báo cáo",
            summary: "Tiến độ dự án công nghiệp trọng điểm 6 tháng đầu năm 2026",
            level: Level::Mat,
            cat: m2,
            copy_allowed: true,
        },
        Out {
            date: "14/07/2026",
            doc_type: "Lịch công tác",
            summary: "Lịch công tác tháng 8 của lãnh đạo Sở",
            level: Level::Mat,
            cat: m3,
            copy_allowed: false,
        },
        Out {
            date: "09/09/2026",
            doc_type: "Báo cáo",
            summary: "Tình hình thị trường xăng dầu quý III năm 2026",
            level: Level::Mat,
            cat: m1,
            copy_allowed: true,
        },
        Out {
            date: "03/11/2026",
            doc_type: "Phương án",
            summary: "Dự trữ xăng dầu địa phương năm 2027",
            level: Level::ToiMat,
            cat: tm1,
            copy_allowed: true,
        },
    ];
    let mut issued = Vec::new();
    for (i, o) in outs.iter().enumerate() {
        let drafter = if o.level == Level::Mat { &cv_c } else { &tp_c };
        let item = svc.propose(
            drafter,
            ProposeCmd {
                carrier: Carrier::Document,
                electronic: false,
                doc_type: o.doc_type.into(),
                summary: Some(o.summary.into()),
                summary_consent_ref: None,
                level: o.level,
                field: Some("kinh-te".into()),
                catalogue_item_id: o.cat,
                recipients: vec![
                    "Ủy ban nhân dân tỉnh Bình Minh".into(),
                    "Bộ Công Thương".into(),
                ],
                copies_issued: 3,
                copy_allowed: o.copy_allowed,
                circulation: "Lãnh đạo UBND tỉnh; Bộ Công Thương".into(),
                unit_id: None,
                location: "Tủ tài liệu mật, Văn phòng Sở".into(),
                shorter_expiry: None,
                date: Some(d(o.date)),
            },
        )?;
        let item = svc.decide_classification(
            &g,
            DecideClassificationCmd {
                item_id: item.id,
                approve: true,
                level: None,
                copy_allowed: None,
                circulation: None,
                catalogue_item_id: None,
                decision_ref: Some(format!("Phiếu trình số {}/PTr-SCT", i + 1)),
                reason: None,
                date: Some(d(o.date)),
            },
        )?;
        if i == outs.len() - 1 {
            issued.push(item); // classified, not yet registered (waits for the clerk)
            continue;
        }
        let (item, _) = svc.register_outgoing(
            &vt_c,
            RegisterOutgoingCmd {
                recipients: None,
                quantity: None,
                item_id: item.id,
                number_symbol: format!(
                    "{:02}/{}-SCT",
                    i + 1,
                    match o.doc_type {
                        "Báo cáo" => "BC",
                        "Kế hoạch" => "KH",
                        "Lịch công tác" => "LCT",
                        _ => "PA",
                    }
                ),
                signer: "Nguyễn Văn Minh".into(),
                unit_kept: Some("Văn phòng Sở".into()),
                note: None,
                date: Some(d(o.date)),
            },
        )?;
        let e = svc.hand_over(
            &vt_c,
            HandOverCmd {
                item_id: item.id,
                to_user_id: None,
                to_name: Some("Văn phòng UBND tỉnh Bình Minh (giao liên)".into()),
                quantity: 2,
                note: None,
                date: Some(d(o.date)),
            },
        )?;
        let _ = e;
        issued.push(item);
    }

    // Incoming items, including a sealed named-recipient envelope and a recall.
    let (inc1, _) = svc.receive_incoming(
        &vt_c,
        ReceiveIncomingCmd {
            issuer: "Bộ Công Thương".into(),
            number_symbol: "125/BCT-KH".into(),
            doc_date: Some(d("12/02/2026")),
            doc_type: "Công văn".into(),
            summary: Some("Triển khai dự trữ xăng dầu năm 2026".into()),
            summary_consent_ref: None,
            level: Level::Mat,
            carrier: Carrier::Document,
            electronic: false,
            copies: Some(1),
            copy_allowed: true,
            expiry: None,
            named_recipient_id: None,
            urgent: false,
            recall_due: None,
            unit_id: Some(kh.id),
            location: "Phòng Kế hoạch - Tài chính".into(),
            note: None,
            date: Some(d("14/02/2026")),
        },
    )?;
    let e = svc.hand_over(
        &vt_c,
        HandOverCmd {
            item_id: inc1.id,
            to_user_id: Some(tp.id),
            to_name: None,
            quantity: 1,
            note: None,
            date: Some(d("14/02/2026")),
        },
    )?;
    svc.acknowledge(
        &tp_c,
        AcknowledgeCmd {
            entry_id: e.id,
            on_paper_signer: None,
        },
    )?;
    let (inc2, _) = svc.receive_incoming(
        &vt_c,
        ReceiveIncomingCmd {
            issuer: "Ủy ban nhân dân tỉnh Bình Minh".into(),
            number_symbol: "45/UBND-KT".into(),
            doc_date: Some(d("02/10/2026")),
            doc_type: "Báo cáo".into(),
            summary: Some("Kết quả kiểm tra thị trường hàng hóa thiết yếu".into()),
            summary_consent_ref: None,
            level: Level::ToiMat,
            carrier: Carrier::Document,
            electronic: false,
            copies: Some(1),
            copy_allowed: false,
            expiry: None,
            named_recipient_id: None,
            urgent: false,
            recall_due: Some(d("20/11/2026")),
            unit_id: Some(vp.id),
            location: "Tủ tài liệu mật, Văn phòng Sở".into(),
            note: None,
            date: Some(d("05/10/2026")),
        },
    )?;
    let e2 = svc.hand_over(
        &vt_c,
        HandOverCmd {
            item_id: inc2.id,
            to_user_id: Some(pgd.id),
            to_name: None,
            quantity: 1,
            note: None,
            date: Some(d("05/10/2026")),
        },
    )?;
    let _ = e2; // not yet acknowledged: shows on the dashboard
    svc.receive_incoming(
        &vt_c,
        ReceiveIncomingCmd {
            issuer: "Bộ Công Thương".into(),
            number_symbol: "301/BCT-VP".into(),
            doc_date: Some(d("18/11/2026")),
            doc_type: "Bì thư".into(),
            summary: None,
            summary_consent_ref: None,
            level: Level::ToiMat,
            carrier: Carrier::Document,
            electronic: false,
            copies: Some(1),
            copy_allowed: false,
            expiry: None,
            named_recipient_id: Some(gd.id),
            urgent: false,
            recall_due: None,
            unit_id: Some(vp.id),
            location: "Văn thư".into(),
            note: None,
            date: Some(d("20/11/2026")),
        },
    )?;
    // An incoming item whose originator stamped a period ending soon (extension deadline near).
    svc.receive_incoming(
        &vt_c,
        ReceiveIncomingCmd {
            issuer: "Cục Quản lý thị trường tỉnh Bình Minh".into(),
            number_symbol: "12/QLTT-NV".into(),
            doc_date: Some(d("15/01/2017")),
            doc_type: "Báo cáo".into(),
            summary: Some("Chuyên đề kiểm soát hàng giả năm 2016".into()),
            summary_consent_ref: None,
            level: Level::Mat,
            carrier: Carrier::Document,
            electronic: false,
            copies: Some(1),
            copy_allowed: true,
            expiry: Some(d("15/01/2027")),
            named_recipient_id: None,
            urgent: false,
            recall_due: None,
            unit_id: Some(cn.id),
            location: "Phòng Quản lý công nghiệp".into(),
            note: Some("Hạn bảo vệ theo dấu của cơ quan ban hành".into()),
            date: Some(d("10/03/2025")),
        },
    )?;

    // Copies: one done, one pending, one refused.
    let src = &issued[0];
    let r = svc.request_copy(
        &cv_c,
        CopyRequestCmd {
            item_id: src.id,
            form: CopyForm::SaoY,
            count: 2,
            purpose: "Phục vụ họp giao ban Sở".into(),
            recipients: vec!["Phòng Quản lý thương mại".into()],
            date: Some(d("15/03/2025")),
        },
    )?;
    let tp_dec = svc.decide(
        &tp_c,
        DecideCmd {
            request_id: r.id,
            approve: true,
            reason: None,
            external_ref: None,
            external: None,
            reference: None,
            date: Some(d("15/03/2025")),
        },
    )?;
    svc.produce_copies(
        &vt_c,
        ProduceCopiesCmd {
            request_id: tp_dec.id,
            count: 2,
            spoilt_destroyed: 1,
            operator: None,
            place: Some("Phòng máy sao chụp, Văn phòng Sở".into()),
            date: Some(d("16/03/2025")),
        },
    )?;
    let src2 = &issued[6];
    let r2 = svc.request_copy(
        &tp_c,
        CopyRequestCmd {
            item_id: src2.id,
            form: CopyForm::TrichSao,
            count: 1,
            purpose: "Gửi Phòng Quản lý công nghiệp".into(),
            recipients: vec!["Phòng Quản lý công nghiệp".into()],
            date: Some(d("02/04/2026")),
        },
    )?;
    let r2 = svc.decide(
        &pgd_c,
        DecideCmd {
            request_id: r2.id,
            approve: true,
            reason: None,
            external_ref: None,
            external: None,
            reference: None,
            date: Some(d("03/04/2026")),
        },
    )?;
    svc.produce_copies(
        &vt_c,
        ProduceCopiesCmd {
            request_id: r2.id,
            count: 1,
            spoilt_destroyed: 0,
            operator: None,
            place: None,
            date: Some(d("03/04/2026")),
        },
    )?;
    svc.request_copy(
        &cv_c,
        CopyRequestCmd {
            item_id: issued[7].id,
            form: CopyForm::SaoY,
            count: 3,
            purpose: "Tổng hợp báo cáo 6 tháng".into(),
            recipients: vec![],
            date: Some(today),
        },
    )?;
    let r3 = svc.request_copy(
        &cv_c,
        CopyRequestCmd {
            item_id: issued[9].id,
            form: CopyForm::Chup,
            count: 5,
            purpose: "Đăng trang thông tin điện tử".into(),
            recipients: vec![],
            date: Some(d("15/09/2026")),
        },
    )?;
    svc.decide(
        &tp_c,
        DecideCmd {
            request_id: r3.id,
            approve: false,
            reason: Some("Không được đăng tài liệu mật lên trang thông tin điện tử.".into()),
            external_ref: None,
            external: None,
            reference: None,
            date: Some(d("15/09/2026")),
        },
    )?;

    // Take-out: approved and overdue for return; provision done.
    let t = svc.request_take_out(
        &tp_c,
        TakeOutCmd {
            item_id: issued[4].id,
            abroad: false,
            purpose: "Báo cáo tại cuộc họp UBND tỉnh".into(),
            place: "Trụ sở UBND tỉnh Bình Minh".into(),
            from: d("10/11/2026"),
            until: d("12/11/2026"),
            measures: "Cặp có khóa; người mang luôn giữ bên mình".into(),
            delegation_head: None,
            date: Some(d("09/11/2026")),
        },
    )?;
    svc.decide(
        &g,
        DecideCmd {
            request_id: t.id,
            approve: true,
            reason: None,
            external_ref: None,
            external: None,
            reference: None,
            date: Some(d("09/11/2026")),
        },
    )?;
    let p = svc.request_provide(
        &vt_c,
        ProvideCmd {
            item_id: issued[2].id,
            foreign: false,
            party: "Sở Tài chính tỉnh Bình Minh".into(),
            representative: "Ông Phan Văn Tâm, Phó Giám đốc".into(),
            identity: String::new(),
            purpose: "Thẩm định nguồn vốn dự án".into(),
            commitment: true,
            date: Some(d("10/06/2025")),
        },
    )?;
    let p = svc.decide(
        &tp_c,
        DecideCmd {
            request_id: p.id,
            approve: true,
            reason: None,
            external_ref: None,
            external: None,
            reference: None,
            date: Some(d("11/06/2025")),
        },
    )?;
    svc.complete_provision(
        &vt_c,
        CompleteCmd {
            request_id: p.id,
            report: None,
            minutes_ref: None,
            performers: vec![],
            date: Some(d("12/06/2025")),
        },
    )?;

    // Lifecycle: an extension (notices due), a declassification by decision, a destruction.
    let ext = &issued[5];
    svc.extend(
        &g,
        ExtendCmd {
            item_id: ext.id,
            years: 5,
            decision_ref: Some("Quyết định số 210/QĐ-SCT".into()),
            originator_notice: None,
            date: Some(d("18/11/2026")),
        },
    )?;
    svc.declassify(
        &g,
        DeclassifyCmd {
            item_id: issued[3].id,
            council: vec![
                "Nguyễn Văn Minh (Chủ tịch)".into(),
                "Đỗ Thị Lan".into(),
                "Vũ Mạnh Hùng".into(),
            ],
            council_decision_ref: Some("Quyết định số 150/QĐ-SCT".into()),
            council_minutes_ref: Some("Biên bản họp Hội đồng giải mật ngày 05/11/2026".into()),
            partial: false,
            partial_scope: None,
            decision_ref: Some("Quyết định số 155/QĐ-SCT".into()),
            originator_notice: None,
            date: Some(d("10/11/2026")),
        },
    )?;
    let dr = svc.request_destroy(
        &vt_c,
        DestroyCmd {
            item_ids: vec![issued[1].id],
            emergency: false,
            council: vec![
                "Nguyễn Văn Minh (Chủ tịch)".into(),
                "Đỗ Thị Lan".into(),
                "Phạm Thu Trang".into(),
            ],
            council_decision_ref: Some("Quyết định số 88/QĐ-SCT".into()),
            council_minutes_ref: Some("Biên bản họp Hội đồng tiêu hủy ngày 01/07/2026".into()),
            method: "Nghiền hủy bằng máy hủy tài liệu chuyên dụng".into(),
            place: "Văn phòng Sở".into(),
            date: Some(d("01/07/2026")),
        },
    )?;
    svc.decide(
        &g,
        DecideCmd {
            request_id: dr.id,
            approve: true,
            reason: None,
            external_ref: None,
            external: None,
            reference: Some("Quyết định số 90/QĐ-SCT".into()),
            date: Some(d("02/07/2026")),
        },
    )?;
    svc.record_destruction(
        &vt_c,
        CompleteCmd {
            request_id: dr.id,
            report: None,
            minutes_ref: Some("Biên bản tiêu hủy ngày 03/07/2026".into()),
            performers: vec!["Đỗ Thị Lan".into(), "Vũ Mạnh Hùng".into()],
            date: Some(d("03/07/2026")),
        },
    )?;

    // Waiting for decisions: a proposal at each level the drafters may propose.
    svc.propose(
        &cv_c,
        ProposeCmd {
            carrier: Carrier::Document,
            electronic: true,
            doc_type: "Báo cáo".into(),
            summary: Some("Sơ kết công tác quản lý thị trường tháng 11 năm 2026".into()),
            summary_consent_ref: None,
            level: Level::Mat,
            field: Some("kinh-te".into()),
            catalogue_item_id: m1,
            recipients: vec!["Bộ Công Thương".into()],
            copies_issued: 2,
            copy_allowed: true,
            circulation: String::new(),
            unit_id: None,
            location: String::new(),
            shorter_expiry: None,
            date: Some(today),
        },
    )?;
    svc.propose(
        &tp_c,
        ProposeCmd {
            carrier: Carrier::Activity,
            electronic: false,
            doc_type: "Hoạt động".into(),
            summary: Some("Diễn tập ứng phó sự cố kho xăng dầu".into()),
            summary_consent_ref: None,
            level: Level::ToiMat,
            field: Some("kinh-te".into()),
            catalogue_item_id: tm2,
            recipients: vec!["Công an tỉnh Bình Minh".into()],
            copies_issued: 1,
            copy_allowed: false,
            circulation: String::new(),
            unit_id: None,
            location: "Kho xăng dầu K2".into(),
            shorter_expiry: Some(d("31/12/2027")),
            date: Some(today),
        },
    )?;
    let _ = (admin, p_cv);
    Ok(())
}
