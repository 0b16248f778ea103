//! Thao tác được phép (acts open) against what the services accept: for every role × object
//! state × act, the act is offered (`Service::item_acts` and its siblings) if and only if the
//! service accepts it with a canonical valid input.
//!
//! The states are built once through the services on SQLite; each attempt runs on a copy of
//! that database (`VACUUM INTO`), so attempts never see each other. A refused attempt writes
//! nothing (the services' invariant, checked in `scenarios.rs`), so the copy is replaced only
//! after an accepted one. SQLite only: the checks are storage-independent (the same queries
//! run on both backends in the rest of the suite) and a fresh PostgreSQL database per accepted
//! attempt would cost minutes.

use crate::helpers::*;
use bmnn_core::Level;
use bmnn_core::acts::{ActKind, ActOn};
use bmnn_core::model::*;
use bmnn_core::ports::Store;
use bmnn_core::registers::RegisterKind;
use bmnn_core::service::*;
use bmnn_store::DbStore;

/// The people of the walk: (name, user).
struct People(Vec<(&'static str, User)>);

/// An object of the walk.
#[derive(Clone, Copy, Debug)]
enum Obj {
    New,
    Item(Id),
    Request(Id),
    Entry(Id),
    Notice(Id),
}

struct World {
    org: Org,
    people: People,
    objects: Vec<(String, Obj)>,
    cat: [(Level, Id); 2],
}

fn decide(o: &Org, by: &User, request_id: Id, approve: bool) -> Request {
    o.svc
        .decide(
            &o.ctx(by),
            DecideCmd {
                request_id,
                approve,
                reason: (!approve).then(|| "Không cần thiết".into()),
                external_ref: None,
                external: None,
                reference: None,
                date: None,
            },
        )
        .expect("decide")
}

fn propose(o: &Org, by: &User, level: Level, unit: Option<Id>) -> SecretItem {
    o.svc
        .propose(&o.ctx(by), propose_cmd(o, level, unit))
        .expect("propose")
}

fn classify(o: &Org, i: &SecretItem) -> SecretItem {
    o.svc
        .decide_classification(
            &o.ctx(&o.head),
            DecideClassificationCmd {
                item_id: i.id,
                approve: true,
                level: None,
                copy_allowed: None,
                circulation: None,
                catalogue_item_id: None,
                decision_ref: None,
                reason: None,
                date: None,
            },
        )
        .expect("classify")
}

fn issued(o: &Org, n: &mut u32, level: Level, unit: Option<Id>) -> SecretItem {
    let i = classify(o, &propose(o, &o.drafter, level, unit));
    *n += 1;
    o.svc
        .register_outgoing(
            &o.ctx(&o.clerk),
            RegisterOutgoingCmd {
                item_id: i.id,
                number_symbol: format!("{n}/BC-STN"),
                signer: "Giám đốc".into(),
                recipients: None,
                quantity: None,
                unit_kept: None,
                note: None,
                date: None,
            },
        )
        .expect("register")
        .0
}

fn received(o: &Org, n: &mut u32, level: Level, recall: bool) -> SecretItem {
    *n += 1;
    let mut c = incoming(level, &format!("{n}/BCT"), "20/11/2026");
    if recall {
        c.recall_due = Some(d("30/12/2026"));
    }
    o.svc
        .receive_incoming(&o.ctx(&o.clerk), c)
        .expect("receive")
        .0
}

fn copy_request(o: &Org, by: &User, item: Id) -> Request {
    o.svc
        .request_copy(
            &o.ctx(by),
            CopyRequestCmd {
                item_id: item,
                form: CopyForm::SaoY,
                count: 1,
                purpose: "Phục vụ họp".into(),
                recipients: vec![],
                date: None,
            },
        )
        .expect("copy request")
}

fn take_out_cmd(item: Id) -> TakeOutCmd {
    TakeOutCmd {
        item_id: item,
        abroad: false,
        purpose: "Làm việc với Bộ".into(),
        place: "Hà Nội".into(),
        from: d("25/11/2026"),
        until: d("28/11/2026"),
        measures: "Cặp có khóa".into(),
        delegation_head: None,
        date: None,
    }
}

fn provide_cmd(item: Id) -> ProvideCmd {
    ProvideCmd {
        item_id: item,
        foreign: false,
        party: "Sở Tài chính".into(),
        representative: "Nguyễn Văn A".into(),
        identity: "001".into(),
        purpose: "Phối hợp".into(),
        commitment: true,
        date: None,
    }
}

fn destroy_cmd(item: Id) -> DestroyCmd {
    DestroyCmd {
        item_ids: vec![item],
        emergency: false,
        council: vec!["Giám đốc".into(), "Văn thư".into()],
        council_decision_ref: Some("QĐ 9".into()),
        council_minutes_ref: Some("BB 9".into()),
        method: "Nghiền".into(),
        place: "Kho".into(),
        date: None,
    }
}

/// Requests of one kind (`what`, as the walk names them) in each state of the decision, each
/// asked by `ask`: waiting ("… chờ quyết định"), allowed ("… đã cho phép") and refused
/// ("… bị từ chối") by the head.
fn decision_states(
    o: &Org,
    what: &str,
    mut ask: impl FnMut() -> Request,
    put: &mut impl FnMut(&str, Obj),
) {
    put(&format!("{what} chờ quyết định"), Obj::Request(ask().id));
    for (approve, state) in [(true, "đã cho phép"), (false, "bị từ chối")] {
        let r = ask();
        let decided = decide(o, &o.head, r.id, approve);
        put(&format!("{what} {state}"), Obj::Request(decided.id));
    }
}

fn complete(request_id: Id) -> CompleteCmd {
    CompleteCmd {
        request_id,
        report: Some("Đã sử dụng xong".into()),
        minutes_ref: Some("BB 10".into()),
        performers: vec!["Văn thư".into()],
        date: None,
    }
}

fn user(
    o: &Org,
    name: &str,
    roles: Vec<Role>,
    cl: Option<Level>,
    pos: Option<Id>,
    unit: Option<Id>,
) -> User {
    o.svc
        .create_user(
            &o.system(),
            NewUser {
                username: name.into(),
                full_name: name.into(),
                roles,
                clearance: cl,
                position_id: pos,
                unit_id: unit,
                password_hash: "x".into(),
            },
        )
        .expect("user")
}

fn world(url: &str) -> World {
    let o = org(url);
    let sys = o.system();
    let office = o.head.unit_id;
    let unit_b = o
        .svc
        .create_unit(&sys, "Phòng Kế hoạch", None)
        .expect("unit");
    let p_b = o
        .svc
        .create_position(
            &sys,
            NewPosition {
                title: "Trưởng phòng Kế hoạch".into(),
                kind: "phong-thuoc-so".into(),
                rank: Rank::Head,
                heads_agency: false,
                unit_id: Some(unit_b.id),
            },
        )
        .expect("position");
    let leader_b = user(
        &o,
        "truongphongb",
        vec![Role::Leader],
        Some(Level::TuyetMat),
        Some(p_b.id),
        Some(unit_b.id),
    );
    let officer = user(
        &o,
        "baomat",
        vec![Role::SecurityOfficer],
        Some(Level::TuyetMat),
        None,
        office,
    );
    let low = user(
        &o,
        "nhanvien",
        vec![Role::Drafter],
        Some(Level::Mat),
        None,
        office,
    );
    let people = People(vec![
        ("giám đốc", o.head.clone()),
        ("trưởng phòng", o.section_head.clone()),
        ("trưởng phòng khác", leader_b),
        ("văn thư", o.clerk.clone()),
        ("người soạn thảo", o.drafter.clone()),
        ("cán bộ bảo mật", officer),
        ("quản trị viên", o.admin.clone()),
        ("người độ Mật", low),
    ]);
    let mut n = 0;
    let mut objects: Vec<(String, Obj)> = vec![("(tạo mới)".into(), Obj::New)];
    let mut put = |name: &str, obj: Obj| objects.push((name.to_string(), obj));

    // Items in each state.
    put(
        "đề xuất Mật",
        Obj::Item(propose(&o, &o.drafter, Level::Mat, None).id),
    );
    put(
        "đề xuất Tối mật",
        Obj::Item(propose(&o, &o.drafter, Level::ToiMat, None).id),
    );
    put(
        "đề xuất của phòng khác",
        Obj::Item(propose(&o, &o.drafter, Level::Mat, Some(unit_b.id)).id),
    );
    put(
        "đã xác định độ mật",
        Obj::Item(classify(&o, &propose(&o, &o.drafter, Level::Mat, None)).id),
    );
    let out = issued(&o, &mut n, Level::Mat, None);
    put("đã vào sổ đi", Obj::Item(out.id));
    put(
        "đã vào sổ đi, Tối mật",
        Obj::Item(issued(&o, &mut n, Level::ToiMat, None).id),
    );
    put(
        "đã vào sổ đi, phòng khác",
        Obj::Item(issued(&o, &mut n, Level::Mat, Some(unit_b.id)).id),
    );
    let rx = received(&o, &mut n, Level::Mat, false);
    put("đến", Obj::Item(rx.id));
    let rx_toi = received(&o, &mut n, Level::ToiMat, false);
    put("đến, Tối mật", Obj::Item(rx_toi.id));
    let recalled = received(&o, &mut n, Level::Mat, true);
    put("đến, tài liệu thu hồi", Obj::Item(recalled.id));
    let handed = received(&o, &mut n, Level::Mat, false);
    let pending_ack = o
        .svc
        .hand_over(
            &o.ctx(&o.clerk),
            HandOverCmd {
                item_id: handed.id,
                to_user_id: Some(o.drafter.id),
                to_name: None,
                quantity: 1,
                note: None,
                date: None,
            },
        )
        .expect("hand over");
    put("đã chuyển giao, chờ ký nhận", Obj::Item(handed.id));
    let acked = o
        .svc
        .hand_over(
            &o.ctx(&o.clerk),
            HandOverCmd {
                item_id: rx.id,
                to_user_id: Some(o.section_head.id),
                to_name: None,
                quantity: 1,
                note: None,
                date: None,
            },
        )
        .expect("hand over");
    o.svc
        .acknowledge(
            &o.ctx(&o.section_head),
            AcknowledgeCmd {
                entry_id: acked.id,
                on_paper_signer: None,
            },
        )
        .expect("ack");
    let extended = issued(&o, &mut n, Level::Mat, None);
    o.svc
        .extend(
            &o.ctx(&o.head),
            ExtendCmd {
                item_id: extended.id,
                years: 1,
                decision_ref: Some("QĐ 5".into()),
                originator_notice: None,
                date: None,
            },
        )
        .expect("extend");
    put("đã gia hạn", Obj::Item(extended.id));
    let adjusted = issued(&o, &mut n, Level::Mat, None);
    o.svc
        .adjust(
            &o.ctx(&o.head),
            AdjustCmd {
                item_id: adjusted.id,
                new_level: Level::ToiMat,
                catalogue_item_id: Some(o.cat_toi_mat),
                field: None,
                decision_ref: Some("QĐ 6".into()),
                originator_notice: None,
                date: None,
            },
        )
        .expect("adjust");
    put("đã điều chỉnh lên Tối mật", Obj::Item(adjusted.id));
    let declassified = issued(&o, &mut n, Level::Mat, None);
    o.svc
        .declassify(
            &o.ctx(&o.head),
            DeclassifyCmd {
                item_id: declassified.id,
                council: vec!["Giám đốc".into()],
                council_decision_ref: Some("QĐ 7".into()),
                council_minutes_ref: Some("BB 7".into()),
                partial: false,
                partial_scope: None,
                decision_ref: Some("QĐ 8".into()),
                originator_notice: None,
                date: None,
            },
        )
        .expect("declassify");
    put("đã giải mật", Obj::Item(declassified.id));
    let destroyed = issued(&o, &mut n, Level::Mat, None);
    let rd = o
        .svc
        .request_destroy(&o.ctx(&o.clerk), destroy_cmd(destroyed.id))
        .expect("destroy request");
    decide(&o, &o.head, rd.id, true);
    o.svc
        .record_destruction(&o.ctx(&o.clerk), complete(rd.id))
        .expect("destroyed");
    put("đã tiêu hủy", Obj::Item(destroyed.id));
    put("yêu cầu tiêu hủy đã thực hiện", Obj::Request(rd.id));

    // Requests of each kind: pending, approved, refused, done.
    let base = issued(&o, &mut n, Level::Mat, None);
    decision_states(
        &o,
        "sao chụp",
        || copy_request(&o, &o.drafter, base.id),
        &mut put,
    );
    let r = copy_request(&o, &o.drafter, base.id);
    decide(&o, &o.head, r.id, true);
    o.svc
        .produce_copies(
            &o.ctx(&o.clerk),
            ProduceCopiesCmd {
                request_id: r.id,
                count: 1,
                spoilt_destroyed: 0,
                operator: None,
                place: None,
                date: None,
            },
        )
        .expect("copies");
    put("sao chụp đã thực hiện", Obj::Request(r.id));
    let toi = issued(&o, &mut n, Level::ToiMat, None);
    put(
        "sao chụp Tối mật chờ quyết định",
        Obj::Request(copy_request(&o, &o.drafter, toi.id).id),
    );
    let other = issued(&o, &mut n, Level::Mat, Some(unit_b.id));
    put(
        "sao chụp của phòng khác chờ quyết định",
        Obj::Request(copy_request(&o, &o.drafter, other.id).id),
    );

    let tk = |o: &Org, n: &mut u32| {
        let it = issued(o, n, Level::Mat, None);
        o.svc
            .request_take_out(&o.ctx(&o.drafter), take_out_cmd(it.id))
            .expect("take out")
    };
    decision_states(&o, "mang ra ngoài", || tk(&o, &mut n), &mut put);
    let r = tk(&o, &mut n);
    decide(&o, &o.head, r.id, true);
    o.svc
        .record_take_out_return(&o.ctx(&o.clerk), complete(r.id))
        .expect("returned");
    put("mang ra ngoài đã trả", Obj::Request(r.id));

    let pv = |o: &Org, n: &mut u32| {
        let it = issued(o, n, Level::Mat, None);
        o.svc
            .request_provide(&o.ctx(&o.drafter), provide_cmd(it.id))
            .expect("provide")
    };
    decision_states(&o, "cung cấp", || pv(&o, &mut n), &mut put);
    let r = pv(&o, &mut n);
    decide(&o, &o.head, r.id, true);
    o.svc
        .complete_provision(&o.ctx(&o.clerk), complete(r.id))
        .expect("provided");
    put("cung cấp đã hoàn tất", Obj::Request(r.id));

    let ds = |o: &Org, n: &mut u32| {
        let it = issued(o, n, Level::Mat, None);
        o.svc
            .request_destroy(&o.ctx(&o.clerk), destroy_cmd(it.id))
            .expect("destroy")
    };
    decision_states(&o, "tiêu hủy", || ds(&o, &mut n), &mut put);

    // Register entries and notices.
    let book = |kind| {
        o.svc
            .register_book(&sys, kind, 2026, 0, 1000)
            .expect("book")
            .entries
    };
    let outgoing = book(RegisterKind::Outgoing);
    put("mục sổ đi", Obj::Entry(outgoing.first().expect("entry").id));
    put("mục sổ chuyển giao chờ ký nhận", Obj::Entry(pending_ack.id));
    put("mục sổ chuyển giao đã ký nhận", Obj::Entry(acked.id));
    let toi_entry = book(RegisterKind::Incoming)
        .into_iter()
        .find(|e| e.item_id == Some(rx_toi.id))
        .expect("incoming entry");
    put("mục sổ đến Tối mật", Obj::Entry(toi_entry.id));
    let notices = o
        .svc
        .list_notices(
            &sys,
            NoticeQuery {
                open_only: true,
                item_id: Some(extended.id),
            },
        )
        .expect("notices");
    put(
        "thông báo gia hạn phải gửi",
        Obj::Notice(notices.first().expect("notice").id),
    );
    let cat = [(Level::Mat, o.cat_mat), (Level::ToiMat, o.cat_toi_mat)];
    World {
        org: o,
        people,
        objects,
        cat,
    }
}

/// The acts the service opens to `u` on `obj` (none when it is hidden).
fn offered(svc: &Service<DbStore>, ctx: &Ctx, obj: Obj) -> Vec<ActKind> {
    let r = match obj {
        Obj::New => svc.acts_open_new(ctx),
        Obj::Item(id) => svc.item_acts(ctx, id),
        Obj::Request(id) => svc.request_acts(ctx, id),
        Obj::Entry(id) => svc.entry_acts_by_id(ctx, id),
        Obj::Notice(id) => svc.notice_acts(ctx, id),
    };
    match r {
        Ok(a) => a,
        Err(bmnn_core::CoreError::NotFound(_)) => Vec::new(),
        Err(e) => panic!("acts open: {e:?}"),
    }
}

/// Attempts `act` on `obj` as `u` with a canonical valid input.
fn attempt(
    svc: &Service<DbStore>,
    ctx: &Ctx,
    u: &User,
    act: ActKind,
    obj: Obj,
    cat: &[(Level, Id); 2],
    seq: u32,
) -> Result<(), bmnn_core::CoreError> {
    let cat_of = |l: Level| cat.iter().find(|(x, _)| *x == l).map(|(_, c)| *c);
    let item = |id| svc.store.read(|tx| tx.get_item(&ReadScope::system(), id));
    match (act, obj) {
        (ActKind::Propose, Obj::New) => {
            let mut c = ProposeCmd {
                carrier: Carrier::Document,
                electronic: false,
                doc_type: "Báo cáo".into(),
                summary: None,
                summary_consent_ref: None,
                level: Level::Mat,
                field: None,
                catalogue_item_id: cat_of(Level::Mat),
                recipients: vec!["UBND tỉnh".into()],
                copies_issued: 1,
                copy_allowed: false,
                circulation: String::new(),
                unit_id: None,
                location: String::new(),
                shorter_expiry: None,
                date: None,
            };
            c.unit_id = u.unit_id;
            svc.propose(ctx, c).map(drop)
        }
        (ActKind::ReceiveIncoming, Obj::New) => svc
            .receive_incoming(
                ctx,
                incoming(Level::Mat, &format!("W{seq}/BCT"), "24/11/2026"),
            )
            .map(drop),
        (ActKind::DecideClassification, Obj::Item(id)) => svc
            .decide_classification(
                ctx,
                DecideClassificationCmd {
                    item_id: id,
                    approve: false,
                    level: None,
                    copy_allowed: None,
                    circulation: None,
                    catalogue_item_id: None,
                    decision_ref: None,
                    reason: Some("Chưa đủ căn cứ".into()),
                    date: None,
                },
            )
            .map(drop),
        (ActKind::RegisterOutgoing, Obj::Item(id)) => svc
            .register_outgoing(
                ctx,
                RegisterOutgoingCmd {
                    item_id: id,
                    number_symbol: format!("W{seq}/BC-STN"),
                    signer: "Giám đốc".into(),
                    recipients: None,
                    quantity: None,
                    unit_kept: None,
                    note: None,
                    date: None,
                },
            )
            .map(drop),
        (ActKind::HandOver, Obj::Item(id)) => svc
            .hand_over(
                ctx,
                HandOverCmd {
                    item_id: id,
                    to_user_id: None,
                    to_name: Some("Sở Tài chính".into()),
                    quantity: 1,
                    note: None,
                    date: None,
                },
            )
            .map(drop),
        (ActKind::RecallReturn, Obj::Item(id)) => svc.record_recall_return(ctx, id, None).map(drop),
        (ActKind::RequestCopy, Obj::Item(id)) => svc
            .request_copy(
                ctx,
                CopyRequestCmd {
                    item_id: id,
                    form: CopyForm::SaoY,
                    count: 1,
                    purpose: "Phục vụ họp".into(),
                    recipients: vec![],
                    date: None,
                },
            )
            .map(drop),
        (ActKind::RequestTakeOut, Obj::Item(id)) => {
            svc.request_take_out(ctx, take_out_cmd(id)).map(drop)
        }
        (ActKind::RequestProvide, Obj::Item(id)) => {
            svc.request_provide(ctx, provide_cmd(id)).map(drop)
        }
        (ActKind::RequestDestroy, Obj::Item(id)) => {
            svc.request_destroy(ctx, destroy_cmd(id)).map(drop)
        }
        (ActKind::Extend | ActKind::Adjust | ActKind::Declassify, Obj::Item(id)) => {
            let it = item(id)?.expect("item");
            let notice = (it.origin == Origin::Incoming).then(|| "TB 3/BCT".to_string());
            match act {
                ActKind::Extend => svc
                    .extend(
                        ctx,
                        ExtendCmd {
                            item_id: id,
                            years: 1,
                            decision_ref: Some("QĐ 11".into()),
                            originator_notice: notice,
                            date: None,
                        },
                    )
                    .map(drop),
                ActKind::Adjust => {
                    let to = adjust_open_target(it.level);
                    svc.adjust(
                        ctx,
                        AdjustCmd {
                            item_id: id,
                            new_level: to,
                            catalogue_item_id: cat_of(to),
                            field: None,
                            decision_ref: Some("QĐ 12".into()),
                            originator_notice: notice,
                            date: None,
                        },
                    )
                    .map(drop)
                }
                _ => svc
                    .declassify(
                        ctx,
                        DeclassifyCmd {
                            item_id: id,
                            council: vec!["Giám đốc".into()],
                            council_decision_ref: Some("QĐ 13".into()),
                            council_minutes_ref: Some("BB 13".into()),
                            partial: false,
                            partial_scope: None,
                            decision_ref: Some("QĐ 14".into()),
                            originator_notice: notice,
                            date: None,
                        },
                    )
                    .map(drop),
            }
        }
        (ActKind::Decide, Obj::Request(id)) => svc
            .decide(
                ctx,
                DecideCmd {
                    request_id: id,
                    approve: false,
                    reason: Some("Không cần thiết".into()),
                    external_ref: None,
                    external: None,
                    reference: None,
                    date: None,
                },
            )
            .map(drop),
        (ActKind::ProduceCopies, Obj::Request(id)) => svc
            .produce_copies(
                ctx,
                ProduceCopiesCmd {
                    request_id: id,
                    count: 1,
                    spoilt_destroyed: 0,
                    operator: None,
                    place: None,
                    date: None,
                },
            )
            .map(drop),
        (ActKind::TakeOutReturn, Obj::Request(id)) => {
            svc.record_take_out_return(ctx, complete(id)).map(drop)
        }
        (ActKind::CompleteProvision, Obj::Request(id)) => {
            svc.complete_provision(ctx, complete(id)).map(drop)
        }
        (ActKind::RecordDestruction, Obj::Request(id)) => {
            svc.record_destruction(ctx, complete(id)).map(drop)
        }
        (ActKind::Acknowledge, Obj::Entry(id)) => {
            let to = svc
                .store
                .read(|tx| tx.get_register_entry(&ReadScope::system(), id))?
                .and_then(|e| e.to_user);
            svc.acknowledge(
                ctx,
                AcknowledgeCmd {
                    entry_id: id,
                    on_paper_signer: (to != Some(u.id)).then(|| "Người nhận".into()),
                },
            )
            .map(drop)
        }
        (ActKind::CancelEntry, Obj::Entry(id)) => svc.cancel_entry(ctx, id, "Ghi nhầm").map(drop),
        (ActKind::NoticeDone, Obj::Notice(id)) => svc
            .notice_done(
                ctx,
                NoticeDoneCmd {
                    notice_id: id,
                    reference: "CV 15".into(),
                    date: None,
                },
            )
            .map(drop),
        (a, o) => panic!("{a:?} does not act on {o:?}"),
    }
}

fn acts_on(obj: Obj) -> Vec<ActKind> {
    let on = match obj {
        Obj::New => ActOn::Nothing,
        Obj::Item(_) => ActOn::Item,
        Obj::Request(_) => ActOn::Request,
        Obj::Entry(_) => ActOn::Entry,
        Obj::Notice(_) => ActOn::Notice,
    };
    ActKind::ALL.into_iter().filter(|a| a.on() == on).collect()
}

#[test]
fn offered_acts_are_exactly_the_accepted_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base_path = dir.path().join("base.db");
    let w = world(&format!("sqlite://{}", base_path.display()));
    let mut copies = 0u32;
    let fresh = |copies: &mut u32| {
        *copies += 1;
        let p = dir.path().join(format!("copy{copies}.db"));
        w.org
            .svc
            .store
            .sqlite_snapshot(&p.display().to_string())
            .expect("snapshot");
        Service::new(
            DbStore::open(&format!("sqlite://{}", p.display())).expect("open copy"),
            bmnn_core::rules::RuleSet::embedded(),
        )
    };
    let mut svc = fresh(&mut copies);
    let (mut cells, mut open, mut seq) = (0usize, 0usize, 0u32);
    let mut wrong = Vec::new();
    let mut seen = std::collections::BTreeMap::new();
    for (who, u) in &w.people.0 {
        let ctx = w.org.ctx(u);
        for (what, obj) in &w.objects {
            let offer = offered(&w.org.svc, &ctx, *obj);
            seen.insert((*who, what.as_str()), offer.clone());
            for act in acts_on(*obj) {
                cells += 1;
                seq += 1;
                let res = attempt(&svc, &ctx, u, act, *obj, &w.cat, seq);
                let accepted = res.is_ok();
                let offers = offer.contains(&act);
                open += usize::from(offers);
                if accepted != offers {
                    wrong.push(format!(
                        "{who} × {what} × {}: offered {offers}, service {}",
                        act.code(),
                        match &res {
                            Ok(()) => "accepts".to_string(),
                            Err(e) => format!("refuses ({})", e.code()),
                        }
                    ));
                }
                if accepted {
                    svc = fresh(&mut copies);
                }
            }
        }
    }
    println!(
        "acts walk: {} people × {} objects → {cells} (person, object, act) cells, {open} offered, {copies} database copies",
        w.people.0.len(),
        w.objects.len()
    );
    assert!(open > 50, "the walk offers acts ({open})");
    assert!(open < cells, "the walk refuses acts too");
    assert!(
        wrong.is_empty(),
        "offered ≠ accepted:\n{}",
        wrong.join("\n")
    );
}
