//! The level lives in one place (the item): after a re-levelling every register row, request,
//! notice, pending acknowledgement and attachment follows it, and every act is authorised by
//! the item's current level and the actor's current clearance, authority and unit. Catalogue
//! removal is a decision of a person who may declassify. Each test fails on the code before
//! release 0.3 (copies of the level kept the old value; acts loaded items with the system scope).

use crate::helpers::*;
use bmnn_core::Level;
use bmnn_core::error::CoreError;
use bmnn_core::model::*;
use bmnn_core::registers::RegisterKind;
use bmnn_core::service::*;

/// Extra people of the test organisation.
pub struct More {
    pub unit_a: Id,
    /// Văn thư cleared for Mật only.
    pub mat_clerk: User,
    /// Head of another department (Phòng B), cleared for Tối mật.
    pub head_b: User,
    /// A security officer cleared for Mật only.
    pub mat_officer: User,
}

pub fn more(o: &Org) -> More {
    let a = o.ctx(&o.admin);
    let unit_a = o.section_head.unit_id.expect("unit");
    let unit_b = o.svc.create_unit(&a, "Phòng B", None).expect("unit b");
    let p_staff = o
        .svc
        .create_position(
            &a,
            NewPosition {
                title: "Nhân viên".into(),
                kind: "khac".into(),
                rank: Rank::Staff,
                heads_agency: false,
                unit_id: Some(unit_a),
            },
        )
        .expect("position");
    let p_head_b = o
        .svc
        .create_position(
            &a,
            NewPosition {
                title: "Trưởng phòng B".into(),
                kind: "phong-thuoc-so".into(),
                rank: Rank::Head,
                heads_agency: false,
                unit_id: Some(unit_b.id),
            },
        )
        .expect("position b");
    let user = |u: &str, roles: Vec<Role>, cl: Level, p: Id, unit: Id| {
        o.svc
            .create_user(
                &o.system(),
                NewUser {
                    username: u.into(),
                    full_name: u.into(),
                    roles,
                    clearance: Some(cl),
                    position_id: Some(p),
                    unit_id: Some(unit),
                    password_hash: "x".into(),
                },
            )
            .expect("user")
    };
    More {
        unit_a,
        mat_clerk: user(
            "vanthumat",
            vec![Role::Clerk],
            Level::Mat,
            p_staff.id,
            unit_a,
        ),
        head_b: user(
            "truongphongb",
            vec![Role::Leader],
            Level::ToiMat,
            p_head_b.id,
            unit_b.id,
        ),
        mat_officer: user(
            "baomatmat",
            vec![Role::SecurityOfficer],
            Level::Mat,
            p_staff.id,
            unit_a,
        ),
    }
}

/// A Mật item of unit `unit`, classified by the head and registered out, with one recipient.
pub fn issued_mat(o: &Org, unit: Id, number: &str) -> SecretItem {
    let item = o
        .svc
        .propose(
            &o.ctx(&o.drafter),
            ProposeCmd {
                carrier: Carrier::Document,
                electronic: false,
                doc_type: "Báo cáo".into(),
                summary: Some("Phương án bảo vệ mục tiêu".into()),
                summary_consent_ref: None,
                level: Level::Mat,
                field: None,
                catalogue_item_id: Some(o.cat_mat),
                recipients: vec!["Sở Tài chính".into()],
                copies_issued: 2,
                copy_allowed: true,
                circulation: String::new(),
                unit_id: Some(unit),
                location: String::new(),
                shorter_expiry: None,
                date: None,
            },
        )
        .expect("propose");
    o.svc
        .decide_classification(
            &o.ctx(&o.head),
            DecideClassificationCmd {
                item_id: item.id,
                approve: true,
                level: None,
                copy_allowed: None,
                circulation: None,
                catalogue_item_id: None,
                decision_ref: Some("1/QĐ".into()),
                reason: None,
                date: None,
            },
        )
        .expect("classify");
    o.svc
        .register_outgoing(
            &o.ctx(&o.clerk),
            RegisterOutgoingCmd {
                recipients: None,
                quantity: None,
                item_id: item.id,
                number_symbol: number.into(),
                signer: "Giám đốc".into(),
                unit_kept: None,
                note: None,
                date: None,
            },
        )
        .expect("register out");
    o.svc
        .item_detail(&o.ctx(&o.head), item.id)
        .expect("item")
        .item
}

pub fn copy_request(o: &Org, item: Id) -> Request {
    o.svc
        .request_copy(
            &o.ctx(&o.drafter),
            CopyRequestCmd {
                item_id: item,
                form: CopyForm::SaoY,
                count: 2,
                purpose: "Phục vụ họp".into(),
                recipients: vec![],
                date: None,
            },
        )
        .expect("copy request")
}

fn decide(o: &Org, u: &User, request: Id) -> bmnn_core::error::Result<Request> {
    o.svc.decide(
        &o.ctx(u),
        DecideCmd {
            request_id: request,
            approve: true,
            reason: None,
            external_ref: None,
            external: None,
            reference: Some("Duyệt".into()),
            date: None,
        },
    )
}

fn raise(o: &Org, item: Id, to: Level, catalogue_item_id: Option<Id>) -> SecretItem {
    o.svc
        .adjust(
            &o.ctx(&o.head),
            AdjustCmd {
                item_id: item,
                new_level: to,
                catalogue_item_id,
                field: None,
                decision_ref: Some("2/QĐ".into()),
                originator_notice: None,
                date: None,
            },
        )
        .expect("adjust")
}

fn partial_declassify(o: &Org, item: Id) {
    o.svc
        .declassify(
            &o.ctx(&o.head),
            DeclassifyCmd {
                item_id: item,
                council: vec!["Giám đốc".into()],
                council_decision_ref: Some("3/QĐ".into()),
                council_minutes_ref: Some("4/BB".into()),
                partial: true,
                partial_scope: Some("Phụ lục 1".into()),
                decision_ref: Some("5/QĐ".into()),
                originator_notice: None,
                date: None,
            },
        )
        .expect("partial declassification");
}

fn not_found<T: std::fmt::Debug>(r: bmnn_core::error::Result<T>) -> bool {
    matches!(r, Err(CoreError::NotFound(_)))
}

#[test]
fn a_raised_item_takes_its_requests_rows_notices_and_acks_with_it() {
    for b in backends() {
        let o = org(&b.url);
        let m = more(&o);
        let item = issued_mat(&o, m.unit_a, "1/M");
        // Before the raise: a pending copy request, an approved one, a handover waiting for a
        // Mật reader's signature, and notices owed at Mật (partial declassification).
        let pending = copy_request(&o, item.id);
        let approved = copy_request(&o, item.id);
        decide(&o, &o.section_head, approved.id).expect("Mật copy: the department head decides");
        let handover = o
            .svc
            .hand_over(
                &o.ctx(&o.clerk),
                HandOverCmd {
                    item_id: item.id,
                    to_user_id: Some(o.mat_reader.id),
                    to_name: None,
                    quantity: 1,
                    note: None,
                    date: None,
                },
            )
            .expect("handover");
        partial_declassify(&o, item.id);
        let mc = o.ctx(&m.mat_clerk);
        let notices = o
            .svc
            .list_notices(
                &mc,
                NoticeQuery {
                    open_only: true,
                    item_id: None,
                },
            )
            .expect("notices");
        assert!(!notices.is_empty(), "{}", b.name);
        let notice = notices[0].id;
        assert_eq!(
            o.svc
                .pending_acks(&o.ctx(&o.mat_reader))
                .expect("acks")
                .len(),
            1
        );

        raise(&o, item.id, Level::ToiMat, Some(o.cat_toi_mat));
        let before = o.svc.store.export().expect("export");

        // The department head may decide Mật copies, not Tối mật ones.
        let err = decide(&o, &o.section_head, pending.id).expect_err("Tối mật copy");
        assert_eq!(err.code(), "no_authority", "{}", b.name);
        // The Mật-only clerk neither produces the copies nor learns the new level.
        let err = o
            .svc
            .produce_copies(
                &mc,
                ProduceCopiesCmd {
                    request_id: approved.id,
                    count: 1,
                    spoilt_destroyed: 0,
                    operator: None,
                    place: None,
                    date: None,
                },
            )
            .expect_err("produce");
        assert!(matches!(err, CoreError::NotFound(_)), "{err:?}");
        assert!(!err.message_vi().contains("Tối mật"));
        assert!(not_found(o.svc.get_request(&mc, approved.id)));
        assert!(
            o.svc
                .list_requests(&mc, RequestQuery::default())
                .expect("requests")
                .is_empty()
        );
        // Registers, notices, pending acknowledgements: gone for Mật-only readers.
        for k in [
            RegisterKind::Outgoing,
            RegisterKind::Handover,
            RegisterKind::Copies,
        ] {
            let book = o.svc.register_book(&mc, k, 2026, 0, 100).expect("book");
            assert_eq!((book.total, book.rows.len()), (0, 0), "{k:?} {}", b.name);
        }
        assert!(
            o.svc
                .list_notices(
                    &mc,
                    NoticeQuery {
                        open_only: false,
                        item_id: None
                    }
                )
                .expect("notices")
                .is_empty()
        );
        assert!(
            o.svc
                .pending_acks(&o.ctx(&o.mat_reader))
                .expect("acks")
                .is_empty()
        );
        assert!(not_found(o.svc.notice_done(
            &mc,
            NoticeDoneCmd {
                notice_id: notice,
                reference: "6/TB".into(),
                date: None,
            }
        )));
        assert!(not_found(o.svc.acknowledge(
            &o.ctx(&o.mat_reader),
            AcknowledgeCmd {
                entry_id: handover.id,
                on_paper_signer: None,
            }
        )));
        assert!(not_found(o.svc.cancel_entry(&mc, handover.id, "nhầm")));
        let mut after = o.svc.store.export().expect("export");
        // A refused read of a hidden object is recorded (who tried, bounded); nothing else.
        let added: Vec<String> = after.audit_log[before.audit_log.len()..]
            .iter()
            .map(|r| r.action.clone())
            .collect();
        assert!(
            added.iter().all(|a| a.starts_with("read.")),
            "{added:?} ({})",
            b.name
        );
        after.audit_log.truncate(before.audit_log.len());
        after.audit_head = before.audit_head.clone();
        assert_eq!(after, before, "refusals write nothing ({})", b.name);

        // Those cleared see every row at the item's current level, with exact totals.
        let hc = o.ctx(&o.head);
        for k in [RegisterKind::Outgoing, RegisterKind::Handover] {
            let book = o.svc.register_book(&hc, k, 2026, 0, 100).expect("book");
            assert_eq!(book.total, 1, "{k:?} {}", b.name);
            assert!(book.entries.iter().all(|e| e.level == Level::ToiMat));
            assert!(
                book.rows[0].iter().any(|c| c == "Tối mật"),
                "{:?}",
                book.rows
            );
        }
        let reqs = o
            .svc
            .list_requests(&hc, RequestQuery::default())
            .expect("requests");
        assert_eq!(reqs.len(), 2);
        assert!(reqs.iter().all(|r| r.level == Level::ToiMat));
        let ns = o
            .svc
            .list_notices(
                &hc,
                NoticeQuery {
                    open_only: false,
                    item_id: None,
                },
            )
            .expect("notices");
        assert!(!ns.is_empty() && ns.iter().all(|n| n.level == Level::ToiMat));
        // The head of the agency may decide the Tối mật copy; the Tối mật clerk makes it.
        decide(&o, &o.head, pending.id).expect("agency head decides");

        // Lowering takes effect the same way: the Mật clerk sees the rows again.
        o.svc
            .adjust(
                &hc,
                AdjustCmd {
                    item_id: item.id,
                    new_level: Level::Mat,
                    catalogue_item_id: Some(o.cat_mat),
                    field: None,
                    decision_ref: Some("7/QĐ".into()),
                    originator_notice: None,
                    date: None,
                },
            )
            .expect("lower");
        let book = o
            .svc
            .register_book(&mc, RegisterKind::Outgoing, 2026, 0, 100)
            .expect("book");
        assert_eq!(book.total, 1, "{}", b.name);
        assert_eq!(book.entries[0].level, Level::Mat);
        assert_eq!(
            o.svc
                .list_requests(&mc, RequestQuery::default())
                .expect("requests")
                .len(),
            2
        );
    }
}

#[test]
fn a_tuyet_mat_summary_leaves_the_register_rows_when_the_item_is_raised() {
    for b in backends() {
        let o = org(&b.url);
        let c = o.ctx(&o.clerk);
        let (item, entry) = o
            .svc
            .receive_incoming(&c, incoming(Level::ToiMat, "9/TM", "10/11/2026"))
            .expect("incoming");
        let before = o
            .svc
            .register_book(&c, RegisterKind::Incoming, 2026, 0, 10)
            .expect("book");
        assert!(
            before.rows[0]
                .iter()
                .any(|x| x.contains("Báo cáo tình hình đặc biệt")),
            "the Tối mật row shows its summary"
        );
        o.svc
            .adjust(
                &c,
                AdjustCmd {
                    item_id: item.id,
                    new_level: Level::TuyetMat,
                    catalogue_item_id: None,
                    field: None,
                    decision_ref: None,
                    originator_notice: Some("12/TB-BCT".into()),
                    date: None,
                },
            )
            .expect("raised on the originator's notice");
        let book = o
            .svc
            .register_book(&c, RegisterKind::Incoming, 2026, 0, 10)
            .expect("book");
        let row = &book.rows[0];
        assert!(
            !row.iter().any(|x| x.contains("tình hình đặc biệt")),
            "{row:?} ({})",
            b.name
        );
        assert!(row.iter().any(|x| x == "Tuyệt mật"), "{row:?}");
        let e = &book.entries[0];
        assert_eq!((e.id, e.level), (entry.id, Level::TuyetMat));
        assert!(
            !e.fields.contains_key("summary"),
            "JSON row: {:?}",
            e.fields
        );
        // Readers cleared below Tuyệt mật no longer see the row at all.
        let book = o
            .svc
            .register_book(&o.ctx(&o.section_head), RegisterKind::Incoming, 2026, 0, 10)
            .expect("book");
        assert_eq!(book.total, 0);
    }
}

#[test]
fn a_department_head_decides_only_for_items_of_his_unit_and_below() {
    for b in backends() {
        let o = org(&b.url);
        let m = more(&o);
        let a = o.ctx(&o.admin);
        let sub = o
            .svc
            .create_unit(&a, "Tổ thuộc Văn phòng", Some(m.unit_a))
            .expect("sub-unit");
        let item = issued_mat(&o, m.unit_a, "1/M");
        let sub_item = issued_mat(&o, sub.id, "2/M");
        let r1 = copy_request(&o, item.id);
        let r2 = copy_request(&o, sub_item.id);
        let before = o.svc.store.export().expect("export");
        let err = decide(&o, &m.head_b, r1.id).expect_err("another department's item");
        assert_eq!(err.code(), "outside_unit", "{}", b.name);
        assert!(!err.message_vi().contains("1/M"));
        assert_eq!(o.svc.store.export().expect("export"), before);
        decide(&o, &o.section_head, r1.id).expect("own unit");
        decide(&o, &o.section_head, r2.id).expect("unit below");
    }
}

#[test]
fn catalogue_removal_is_a_decision_of_whoever_may_declassify_every_item_on_it() {
    for b in backends() {
        let o = org(&b.url);
        let m = more(&o);
        let item = issued_mat(&o, m.unit_a, "1/M");
        let other = issued_mat(&o, m.unit_a, "2/M");
        // The other item now rests, at Tối mật, on the Tối mật entry.
        raise(&o, other.id, Level::ToiMat, Some(o.cat_toi_mat));
        let cmd = |r: &str| RemoveCatalogueItemCmd {
            catalogue_item_id: o.cat_toi_mat,
            decision_ref: r.into(),
            decision_date: d("20/11/2026"),
            date: None,
        };
        let before = o.svc.store.export().expect("export");
        // The administrator and the clerk do not hold the role of the decision.
        let err = o
            .svc
            .remove_catalogue_item(&o.ctx(&o.admin), cmd("8/QĐ-TTg"))
            .expect_err("admin");
        assert!(matches!(err, CoreError::Forbidden(_)), "{err:?}");
        // A decision needs its reference.
        let err = o
            .svc
            .remove_catalogue_item(&o.ctx(&o.head), cmd("  "))
            .expect_err("no reference");
        assert_eq!(err.code(), "invalid_input");
        // A security officer cleared for Mật, and a department head: no authority to
        // declassify; the refusal names no item, number or level.
        for u in [&m.mat_officer, &o.section_head] {
            let err = o
                .svc
                .remove_catalogue_item(&o.ctx(u), cmd("8/QĐ-TTg"))
                .expect_err("no authority");
            assert_eq!(err.code(), "catalogue_removal_authority", "{}", b.name);
            let msg = err.message_vi();
            for secret in ["1/M", "2/M", "Tối mật", &other.id.to_string()] {
                assert!(!msg.contains(secret), "{msg}");
            }
        }
        assert_eq!(
            o.svc.store.export().expect("export"),
            before,
            "nothing written ({})",
            b.name
        );
        // Nor may the officer drop the entries by recording a replacing catalogue.
        let (cats, _) = o.svc.catalogues(&o.ctx(&o.head)).expect("catalogues");
        let err = o
            .svc
            .create_catalogue(
                &o.ctx(&m.mat_officer),
                NewCatalogue {
                    decision_ref: "8/QĐ-TTg".into(),
                    decision_date: d("20/11/2026"),
                    title: "Danh mục thay thế".into(),
                    field: "kinh-te".into(),
                    effective_from: d("21/11/2026"),
                    items: vec![],
                    replaces: Some(cats[0].id),
                    carry_over: vec![],
                },
            )
            .expect_err("replacement dropping entries");
        assert_eq!(err.code(), "catalogue_removal_authority");
        assert_eq!(o.svc.store.export().expect("export"), before);
        // The head of the agency, cleared for every level concerned, may.
        let ids = o
            .svc
            .remove_catalogue_item(&o.ctx(&o.head), cmd("8/QĐ-TTg"))
            .expect("removal");
        assert_eq!(ids, vec![other.id], "{}", b.name);
        let it = o.svc.item_detail(&o.ctx(&o.head), other.id).expect("item");
        assert_eq!(it.item.status, Status::Declassified);
        let err = o
            .svc
            .remove_catalogue_item(&o.ctx(&o.head), cmd("8/QĐ-TTg"))
            .expect_err("twice");
        assert!(matches!(err, CoreError::Conflict(_)));
        // The Mật entry: the Mật-cleared officer still holds no authority to declassify.
        let mat = RemoveCatalogueItemCmd {
            catalogue_item_id: o.cat_mat,
            ..cmd("9/QĐ-TTg")
        };
        let err = o
            .svc
            .remove_catalogue_item(&o.ctx(&m.mat_officer), mat.clone())
            .expect_err("officer");
        assert_eq!(err.code(), "catalogue_removal_authority");
        let ids = o
            .svc
            .remove_catalogue_item(&o.ctx(&o.head), mat)
            .expect("removal");
        assert_eq!(ids, vec![item.id]);
    }
}

#[test]
fn an_imported_dataset_with_stale_level_copies_is_brought_in_step() {
    for b in backends() {
        let o = org(&b.url);
        let c = o.ctx(&o.clerk);
        let (item, _) = o
            .svc
            .receive_incoming(&c, incoming(Level::ToiMat, "9/BCT", "10/11/2026"))
            .expect("incoming");
        let mut data = o.svc.store.export().expect("export");
        // As an export made before the copies were kept in step would carry them.
        for e in &mut data.register_entries {
            e.level = Level::Mat.rank();
        }
        let fresh = backends()
            .into_iter()
            .find(|x| x.name == b.name)
            .expect("backend");
        let other = bmnn_store::DbStore::open(&fresh.url).expect("open");
        import(&other, &data).expect("import");
        let svc = Service::new(other, bmnn_core::rules::RuleSet::embedded());
        let mat = o.mat_reader.clone();
        let ctx = Ctx {
            user_id: mat.id,
            ..o.ctx(&mat)
        };
        let book = svc
            .register_book(&ctx, RegisterKind::Incoming, 2026, 0, 10)
            .expect("book");
        assert_eq!((book.total, book.entries.len()), (0, 0), "{}", b.name);
        let book = svc
            .register_book(&o.ctx(&o.clerk), RegisterKind::Incoming, 2026, 0, 10)
            .expect("book");
        assert_eq!(book.total, 1);
        assert_eq!(book.entries[0].item_id, Some(item.id));
        assert_eq!(book.entries[0].level, Level::ToiMat);
        drop(svc);
        drop(fresh);
    }
}

/// Found by the model-based clearance test: a handover waiting for the signature of someone
/// who no longer sees its item (the clerk handed the item on before he signed) is offered to
/// him nowhere (his pending signatures, due list, inbox) and he cannot sign it; the clerk still
/// has the row, to record the paper signature or cancel it.
#[test]
fn a_recipient_who_no_longer_sees_the_item_is_not_offered_its_signature() {
    for b in backends() {
        let o = org(&b.url);
        let m = more(&o);
        let unit_b = m.head_b.unit_id.expect("unit b");
        let console = Ctx {
            user_id: SYSTEM_USER_ID,
            ..o.ctx(&o.admin)
        };
        let staff = o
            .svc
            .create_user(
                &console,
                NewUser {
                    username: "nhanvien".into(),
                    full_name: "Nhân viên".into(),
                    roles: vec![Role::Drafter],
                    clearance: Some(Level::Mat),
                    position_id: o.drafter.position_id,
                    unit_id: o.drafter.unit_id,
                    password_hash: "x".into(),
                },
            )
            .expect("staff");
        let item = issued_mat(&o, unit_b, "1/M");
        let hand = |to: &User| {
            o.svc
                .hand_over(
                    &o.ctx(&o.clerk),
                    HandOverCmd {
                        item_id: item.id,
                        to_user_id: Some(to.id),
                        to_name: None,
                        quantity: 1,
                        note: None,
                        date: None,
                    },
                )
                .expect("handover")
        };
        let first = hand(&staff);
        let sc = o.ctx(&staff);
        assert_eq!(
            o.svc.pending_acks(&sc).expect("acks").len(),
            1,
            "{}",
            b.name
        );
        let offered = |c: &Ctx| {
            let due = o.svc.due(c, d("25/11/2026")).expect("due");
            let inbox = o.svc.inbox(c).expect("inbox");
            due.iter().any(|l| l.entry_id == Some(first.id))
                || inbox.lines.iter().any(|l| l.entry_id == Some(first.id))
        };
        assert!(offered(&sc), "{}", b.name);

        hand(&m.head_b);
        assert!(o.svc.item_detail(&sc, item.id).is_err(), "{}", b.name);
        assert!(
            o.svc.pending_acks(&sc).expect("acks").is_empty(),
            "{}",
            b.name
        );
        assert!(!offered(&sc), "{}", b.name);
        let before = o.svc.store.export().expect("export");
        let err = o
            .svc
            .acknowledge(
                &sc,
                AcknowledgeCmd {
                    entry_id: first.id,
                    on_paper_signer: None,
                },
            )
            .expect_err("no longer sees the item");
        assert!(matches!(err, CoreError::NotFound(_)), "{err:?}");
        assert!(!err.message_vi().is_empty());
        assert_eq!(o.svc.store.export().expect("export"), before, "{}", b.name);
        // The clerk still has both rows waiting.
        assert!(offered(&o.ctx(&o.clerk)), "{}", b.name);
    }
}
