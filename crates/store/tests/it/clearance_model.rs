//! Model-based clearance test: random sequences of acts through the services by random users
//! (several clearances, roles, units and a deputy acting under written delegations), and after
//! every step an oracle computed from the raw ground truth (the items' current level, status,
//! unit, holder and drafter; the users' current clearance, roles and unit) checks every read
//! path of the services for every user, and that an act on something the actor may not see was
//! refused and wrote nothing.
//!
//! The oracle's rules (ARCHITECTURE.md, store): an item is visible to an active user cleared
//! for its level who is agency-wide (clerk, leader, security officer) or whose unit holds it,
//! who holds it or drafted it. A register entry, request or notice takes its item's CURRENT
//! level (a request the highest of its items); entries are visible to agency-wide readers
//! within clearance and to the recipient of a handover; requests to agency-wide readers within
//! clearance and to their requester while he sees every item; notice lists to agency-wide
//! readers. No Tuyệt mật register row carries a summary.
//!
//! Read paths checked for every user after every step: items by id (with their requests and
//! notices), lists and totals, search, attachment lists and opened attachments (content), the
//! scanner's match resolution (`resolve_matches`: exactly the visible protected items named,
//! every other protected one only blocked), the four registers (JSON rows and the rows printed
//! and exported to DOCX, i.e. `register_book` over the whole book and `render_row`), requests,
//! notices, pending acknowledgements, the due list (and so the dashboard's counters: exactly
//! the lines the system sees about what the reader sees), the acts a register page offers on
//! its rows (`entry_acts`, the items' visibility asked at once, equal to asking row by row and
//! never offered on an entry whose item the reader does not see; `register_screen`, the book and
//! those acts in one read, equal to both asked apart), the inbox (every line about what the
//! reader sees; the header's count its waiting lines), the audit viewer and its filtered search
//! (no record shown in full names an item, request, entry, notice or attachment the viewer may
//! not see; only auditors open it) and the annual report (only leaders and security officers produce it;
//! its item and register figures equal the same computation over what the reader sees, so no
//! figure counts a hidden item). Acts: propose, classify, register out, receive, hand over,
//! acknowledge, copy / take-out (home, abroad) / provide (home, foreign) / destroy requests,
//! decisions and completions, extend, adjust, declassify, catalogue removal, notices, cancel,
//! attach, user changes and their approval, delegations (grant, use, expiry, revocation: the
//! deputy's classifications and copy decisions are accepted only under a delegation in force
//! covering the act and level).
//!
//! By default sequences of up to `BMNN_MODEL_STEPS` (48) acts are run in batches until each
//! database has been checked after `BMNN_MODEL_MIN_STEPS` (1000) steps; `BMNN_MODEL_CASES`
//! fixes the number of sequences instead. Shrinking is on: a failure is reported as a minimal
//! sequence. `BMNN_MODEL_THREADS` checks the readers on parallel threads.

use crate::helpers::*;
use crate::levels::more;
use bmnn_core::Level;
use bmnn_core::model::*;
use bmnn_core::ports::Store;
use bmnn_core::programme::ReportKind;
use bmnn_core::registers::{RegisterEntry, RegisterKind, render_row};
use bmnn_core::rules::Act;
use bmnn_core::service::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};

const SUMMARIES: [&str; 2] = ["Phương án bảo vệ mục tiêu", "Báo cáo tình hình đặc biệt"];

#[derive(Debug, Clone)]
enum Op {
    Propose {
        by: usize,
        level: u8,
        unit_b: bool,
    },
    Classify {
        by: usize,
        item: usize,
    },
    RegisterOut {
        by: usize,
        item: usize,
    },
    Receive {
        by: usize,
        level: u8,
        unit: u8,
    },
    HandOver {
        by: usize,
        item: usize,
        to: usize,
    },
    Ack {
        by: usize,
        entry: usize,
    },
    RequestCopy {
        by: usize,
        item: usize,
    },
    RequestProvide {
        by: usize,
        item: usize,
        foreign: bool,
    },
    TakeOut {
        by: usize,
        item: usize,
        abroad: bool,
    },
    TakeOutReturn {
        by: usize,
        req: usize,
    },
    Delegate {
        by: usize,
        to: usize,
        level: u8,
        acts: u8,
        expired: bool,
    },
    RevokeDelegation {
        by: usize,
        del: usize,
    },
    ApprovePrivilege {
        by: usize,
        change: usize,
        approve: bool,
    },
    RequestDestroy {
        by: usize,
        item: usize,
    },
    Decide {
        by: usize,
        req: usize,
        approve: bool,
    },
    Produce {
        by: usize,
        req: usize,
    },
    Provide {
        by: usize,
        req: usize,
    },
    RecordDestruction {
        by: usize,
        req: usize,
    },
    Extend {
        by: usize,
        item: usize,
    },
    Adjust {
        by: usize,
        item: usize,
        level: u8,
    },
    Declassify {
        by: usize,
        item: usize,
        partial: bool,
    },
    RemoveCatalogue {
        by: usize,
        entry: bool,
    },
    NoticeDone {
        by: usize,
        notice: usize,
    },
    Cancel {
        by: usize,
        entry: usize,
    },
    Attach {
        by: usize,
        item: usize,
    },
    ChangeUser {
        who: usize,
        clearance: u8,
        unit_b: bool,
        role: u8,
    },
}

/// The acting user: mostly one whose role fits the act (so that sequences get somewhere),
/// sometimes anyone (so that every kind of refusal is tried). Indices into `World::people`:
/// 0 head of the agency, 1 clerk, 2 drafter, 3 department head, 4 Mật leader, 5 Mật clerk,
/// 6 head of department B, 7 Mật security officer, 8 drafter of department B, 9 deputy head
/// of the agency (Tối mật; decides only under a written delegation).
fn by(natural: &'static [usize]) -> impl Strategy<Value = usize> {
    prop_oneof![
        3 => (0..natural.len()).prop_map(move |i| natural[i]),
        1 => 0usize..PEOPLE,
    ]
}

/// Acting users (indices into `World::people`).
const PEOPLE: usize = 10;
/// The deputy head of the agency.
const DEPUTY: usize = 9;

fn op() -> impl Strategy<Value = Op> {
    const CLERKS: &[usize] = &[1, 5];
    const DECIDERS: &[usize] = &[0, 3, 6, DEPUTY];
    const LIFECYCLE: &[usize] = &[0, 1, 5];
    let n = 0usize..64;
    prop_oneof![
        3 => (by(&[2, 8, 3]), 0u8..2, any::<bool>()).prop_map(|(by, level, unit_b)| Op::Propose { by, level, unit_b }),
        2 => (by(DECIDERS), n.clone()).prop_map(|(by, item)| Op::Classify { by, item }),
        2 => (by(CLERKS), n.clone()).prop_map(|(by, item)| Op::RegisterOut { by, item }),
        3 => (by(CLERKS), 0u8..3, 0u8..3).prop_map(|(by, level, unit)| Op::Receive { by, level, unit }),
        2 => (by(CLERKS), n.clone(), 0usize..9).prop_map(|(by, item, to)| Op::HandOver { by, item, to }),
        2 => (by(&[2, 3, 4, 8]), n.clone()).prop_map(|(by, entry)| Op::Ack { by, entry }),
        2 => (by(&[2, 3, 4, 8]), n.clone()).prop_map(|(by, item)| Op::RequestCopy { by, item }),
        1 => (by(&[2, 3]), n.clone(), any::<bool>()).prop_map(|(by, item, foreign)| Op::RequestProvide { by, item, foreign }),
        1 => (by(&[2, 3, 4, 8]), n.clone(), any::<bool>()).prop_map(|(by, item, abroad)| Op::TakeOut { by, item, abroad }),
        1 => (by(CLERKS), n.clone()).prop_map(|(by, req)| Op::TakeOutReturn { by, req }),
        1 => (by(&[0]), 0usize..PEOPLE, 0u8..3, 0u8..3, any::<bool>()).prop_map(|(by, to, level, acts, expired)| Op::Delegate { by, to, level, acts, expired }),
        1 => (by(&[0]), n.clone()).prop_map(|(by, del)| Op::RevokeDelegation { by, del }),
        1 => (by(&[0]), n.clone(), any::<bool>()).prop_map(|(by, change, approve)| Op::ApprovePrivilege { by, change, approve }),
        1 => (by(&[0, 1, 7]), n.clone()).prop_map(|(by, item)| Op::RequestDestroy { by, item }),
        3 => (by(DECIDERS), n.clone(), any::<bool>()).prop_map(|(by, req, approve)| Op::Decide { by, req, approve }),
        2 => (by(CLERKS), n.clone()).prop_map(|(by, req)| Op::Produce { by, req }),
        1 => (by(CLERKS), n.clone()).prop_map(|(by, req)| Op::Provide { by, req }),
        1 => (by(&[1, 7]), n.clone()).prop_map(|(by, req)| Op::RecordDestruction { by, req }),
        1 => (by(LIFECYCLE), n.clone()).prop_map(|(by, item)| Op::Extend { by, item }),
        3 => (by(LIFECYCLE), n.clone(), 0u8..3).prop_map(|(by, item, level)| Op::Adjust { by, item, level }),
        1 => (by(LIFECYCLE), n.clone(), any::<bool>()).prop_map(|(by, item, partial)| Op::Declassify { by, item, partial }),
        1 => (by(&[0, 3, 7]), any::<bool>()).prop_map(|(by, entry)| Op::RemoveCatalogue { by, entry }),
        2 => (by(&[1, 5, 7]), n.clone()).prop_map(|(by, notice)| Op::NoticeDone { by, notice }),
        1 => (by(CLERKS), n.clone()).prop_map(|(by, entry)| Op::Cancel { by, entry }),
        1 => (by(&[0, 1, 2]), n.clone()).prop_map(|(by, item)| Op::Attach { by, item }),
        2 => (1usize..PEOPLE, 0u8..4, any::<bool>(), 0u8..4).prop_map(|(who, clearance, unit_b, role)| Op::ChangeUser { who, clearance, unit_b, role }),
    ]
}

fn level_of(n: u8) -> Level {
    match n {
        0 => Level::Mat,
        1 => Level::ToiMat,
        _ => Level::TuyetMat,
    }
}

/// Everything, read by the system: the ground truth the oracle works from.
struct Truth {
    users: Vec<User>,
    items: BTreeMap<Id, SecretItem>,
    requests: Vec<Request>,
    entries: Vec<RegisterEntry>,
    notices: Vec<Notice>,
    attachments: BTreeMap<Id, usize>,
    /// Every attachment (id, item, level).
    files: Vec<AttachmentMeta>,
    /// Every item's history (for the reports' oracle).
    events: Vec<ItemEvent>,
    delegations: Vec<Delegation>,
    pending_changes: Vec<PrivilegeChange>,
    /// The audit chain's last sequence number.
    audit_head: i64,
}

fn truth(o: &bmnn_core::service::Service<bmnn_store::DbStore>) -> Truth {
    o.store
        .read(|tx| {
            let s = ReadScope::system();
            let items: BTreeMap<Id, SecretItem> = tx
                .list_items(
                    &s,
                    &ItemQuery {
                        limit: 100_000,
                        ..Default::default()
                    },
                )?
                .rows
                .into_iter()
                .map(|i| (i.id, i))
                .collect();
            let requests = tx.list_requests(&s, &RequestQuery::default())?;
            let mut entries = Vec::new();
            for k in RegisterKind::ALL {
                entries.extend(tx.list_register(&s, k, 2026, 0, 100_000)?.rows);
            }
            let notices = tx.list_notices(
                &s,
                &NoticeQuery {
                    open_only: false,
                    item_id: None,
                },
            )?;
            let mut attachments = BTreeMap::new();
            let mut files = Vec::new();
            let mut events = Vec::new();
            for id in items.keys() {
                let a = tx.list_attachments(&s, *id)?;
                if !a.is_empty() {
                    attachments.insert(*id, a.len());
                }
                files.extend(a);
                events.extend(tx.list_events(&s, *id)?);
            }
            Ok(Truth {
                users: tx.list_users()?,
                items,
                requests,
                entries,
                notices,
                attachments,
                files,
                events,
                delegations: tx.list_delegations()?,
                pending_changes: tx.list_privilege_changes(true)?,
                audit_head: tx.audit_page(None, 1)?.first().map_or(0, |r| r.seq),
            })
        })
        .expect("ground truth")
}

impl Truth {
    fn user(&self, id: Id) -> &User {
        self.users.iter().find(|u| u.id == id).expect("user")
    }
    fn cleared(u: &User, l: Level) -> bool {
        u.active && u.clearance.is_some_and(|c| l <= c)
    }
    fn sees_item(&self, u: &User, id: Id) -> bool {
        let Some(i) = self.items.get(&id) else {
            return false;
        };
        Self::cleared(u, i.level)
            && (u.agency_wide()
                || (i.unit_id.is_some() && i.unit_id == u.unit_id)
                || i.holder_id == Some(u.id)
                || i.drafter_id == Some(u.id))
    }
    fn level_of_entry(&self, e: &RegisterEntry) -> Level {
        e.item_id
            .and_then(|i| self.items.get(&i))
            .map_or(e.level, |i| i.level)
    }
    fn sees_entry(&self, u: &User, e: &RegisterEntry) -> bool {
        Self::cleared(u, self.level_of_entry(e)) && (u.agency_wide() || e.to_user == Some(u.id))
    }
    fn level_of_request(&self, r: &Request) -> Level {
        r.item_ids
            .iter()
            .filter_map(|i| self.items.get(i))
            .map(|i| i.level)
            .max()
            .unwrap_or(r.level)
    }
    fn sees_request(&self, u: &User, r: &Request) -> bool {
        Self::cleared(u, self.level_of_request(r))
            && (u.agency_wide()
                || (r.requester_id == u.id && r.item_ids.iter().all(|i| self.sees_item(u, *i))))
    }
    fn sees_notice_list(&self, u: &User, n: &Notice) -> bool {
        u.agency_wide()
            && self
                .items
                .get(&n.item_id)
                .is_some_and(|i| Self::cleared(u, i.level))
    }
}

type R = Result<(), TestCaseError>;

fn ids<T>(v: &[T], f: impl Fn(&T) -> Id) -> BTreeSet<Id> {
    v.iter().map(f).collect()
}

/// Every read path of the services, for every user, against the oracle.
fn check_reads(o: &Org, t: &Truth, readers: &[Id]) -> R {
    let sys = Ctx {
        user_id: SYSTEM_USER_ID,
        ..o.ctx(&o.admin)
    };
    let search = |c: &Ctx| {
        o.svc
            .list_items(
                c,
                ItemQuery {
                    text: Some("bao cao".into()),
                    limit: 500,
                    ..Default::default()
                },
            )
            .expect("search")
    };
    let all_found = ids(&search(&sys).rows, |i| i.id);
    let all_due = o.svc.due(&sys, d("25/11/2026")).expect("due");
    let threads = env("BMNN_MODEL_THREADS", 1) as usize;
    let chunk = readers.len().div_ceil(threads.max(1));
    // `BMNN_MODEL_THREADS` > 1 checks the readers on that many threads (the same checks; the
    // audited reads then write concurrently). One by default: on a loaded machine a write
    // waiting for the lock longer than the busy timeout would fail a read.
    std::thread::scope(|sc| {
        let handles: Vec<_> = readers
            .chunks(chunk.max(1))
            .map(|part| {
                let (all_found, all_due) = (&all_found, &all_due);
                sc.spawn(move || -> R {
                    for &uid in part {
                        check_reader(o, t, uid, all_found, all_due)?;
                    }
                    Ok(())
                })
            })
            .collect();
        handles
            .into_iter()
            .try_for_each(|h| h.join().expect("reader thread"))
    })
}

/// Every read path of the services for one reader, against the oracle.
fn check_reader(
    o: &Org,
    t: &Truth,
    uid: Id,
    all_found: &BTreeSet<Id>,
    all_due: &[bmnn_core::obligations::Obligation],
) -> R {
    let report_q = || ReportQuery {
        kind: ReportKind::Annual,
        year: 2026,
        incident_id: None,
        inspection_id: None,
    };
    let search = |c: &Ctx| {
        o.svc
            .list_items(
                c,
                ItemQuery {
                    text: Some("bao cao".into()),
                    limit: 500,
                    ..Default::default()
                },
            )
            .expect("search")
    };
    {
        let u = t.user(uid).clone();
        let c = Ctx {
            user_id: uid,
            ..o.ctx(&o.admin)
        };
        let who = &u.username;
        if !u.active {
            prop_assert!(o.svc.list_items(&c, ItemQuery::default()).is_err());
            return Ok(());
        }
        // Items by id, lists and totals, search.
        let want: BTreeSet<Id> = t
            .items
            .keys()
            .copied()
            .filter(|i| t.sees_item(&u, *i))
            .collect();
        let page = o
            .svc
            .list_items(
                &c,
                ItemQuery {
                    limit: 500,
                    ..Default::default()
                },
            )
            .expect("list");
        prop_assert_eq!(ids(&page.rows, |i| i.id), want.clone(), "items of {}", who);
        prop_assert_eq!(page.total as usize, want.len(), "total of {}", who);
        let found = ids(&search(&c).rows, |i| i.id);
        let want_found: BTreeSet<Id> = all_found.intersection(&want).copied().collect();
        prop_assert_eq!(found, want_found, "search of {}", who);
        for (id, truth_item) in &t.items {
            let d = o.svc.item_detail(&c, *id);
            prop_assert_eq!(
                d.is_ok(),
                want.contains(id),
                "item {} for {} ({:?})",
                id,
                who,
                d.as_ref().err()
            );
            if let Ok(d) = d {
                prop_assert_eq!(d.item.level, truth_item.level);
                for r in &d.requests {
                    prop_assert!(
                        t.sees_request(&u, r),
                        "request {} in detail for {}",
                        r.id,
                        who
                    );
                    prop_assert_eq!(r.level, t.level_of_request(r));
                }
                for n in &d.notices {
                    prop_assert!(t.sees_item(&u, n.item_id));
                    prop_assert_eq!(n.level, truth_item.level);
                }
            }
            // Attachments list.
            if t.attachments.contains_key(id) {
                let a = o.svc.attachments(&c, *id);
                match a {
                    Ok(v) => {
                        prop_assert!(
                            v.is_empty() || want.contains(id),
                            "attachments of {id} for {who}"
                        );
                        prop_assert!(v.iter().all(|m| m.level == truth_item.level));
                    }
                    Err(_) => prop_assert!(!want.contains(id)),
                }
            }
        }
        // Attachments opened (content, not only the list).
        for f in &t.files {
            let v = o.svc.view_attachment(&c, f.id);
            prop_assert_eq!(
                v.is_ok(),
                want.contains(&f.item_id),
                "attachment {} of item {} opened by {}",
                f.id,
                f.item_id,
                who
            );
            if let Ok((m, bytes)) = v {
                prop_assert_eq!(bytes.as_slice(), b"abc".as_slice());
                prop_assert_eq!(m.level, t.items[&f.item_id].level, "attachment level");
            }
        }
        // Scanner match resolution: a match on a hidden item is never named to this reader
        // (and every protected visible one is).
        let mut asked: Vec<Id> = t.items.keys().copied().collect();
        asked.push(999_999);
        let res = o.svc.resolve_matches(&c, &asked).expect("resolve");
        let protected: BTreeSet<Id> = t
            .items
            .values()
            .filter(|i| i.status.protected())
            .map(|i| i.id)
            .collect();
        let named: BTreeSet<Id> = ids(&res.visible, |m| m.item_id);
        let want_named: BTreeSet<Id> = protected.intersection(&want).copied().collect();
        prop_assert_eq!(&named, &want_named, "scan matches named to {}", who);
        prop_assert_eq!(
            res.hidden.iter().copied().collect::<BTreeSet<Id>>(),
            protected
                .difference(&want)
                .copied()
                .collect::<BTreeSet<Id>>(),
            "scan matches blocked for {}",
            who
        );
        for m in &res.visible {
            let i = &t.items[&m.item_id];
            prop_assert_eq!(m.level, i.level);
            prop_assert_eq!(&m.label, &i.label());
        }
        // The four registers (JSON rows and the rendered rows; the printed book and the DOCX
        // take the whole book through the same `register_book` and `render_row`).
        for k in RegisterKind::ALL {
            let book = o
                .svc
                .register_book(&c, k, 2026, 0, 1_000_000)
                .expect("register");
            let want: BTreeSet<Id> = t
                .entries
                .iter()
                .filter(|e| e.kind == k && t.sees_entry(&u, e))
                .map(|e| e.id)
                .collect();
            prop_assert_eq!(
                ids(&book.entries, |e| e.id),
                want.clone(),
                "{:?} of {}",
                k,
                who
            );
            prop_assert_eq!(book.total as usize, want.len(), "{:?} total of {}", k, who);
            let regime = bmnn_core::registers::book_regime(&o.svc.rules, 2026, d("25/11/2026"));
            for (e, row) in book.entries.iter().zip(&book.rows) {
                prop_assert_eq!(e.level, t.level_of_entry(e), "entry level");
                let corrected = e
                    .corrects
                    .and_then(|c| book.entries.iter().find(|x| x.id == c));
                prop_assert_eq!(row, &render_row(regime, k, e, corrected));
                if e.level == Level::TuyetMat {
                    prop_assert!(
                        !e.fields.contains_key("summary"),
                        "Tuyệt mật summary in JSON"
                    );
                    for s in SUMMARIES {
                        prop_assert!(
                            !row.iter().any(|c| c.contains(s)),
                            "Tuyệt mật summary in row"
                        );
                    }
                }
            }
            // The acts a register page offers on its rows (the items' visibility asked in one
            // query, `Act0::prefetch_seen`): the same as asked entry by entry, and offered only
            // on entries whose item the reader sees now.
            let acts = o.svc.entry_acts(&c, &book.entries).expect("entry acts");
            prop_assert_eq!(acts.len(), book.entries.len());
            for (e, acts) in book.entries.iter().zip(&acts) {
                let one = o.svc.entry_acts_by_id(&c, e.id).expect("entry acts by id");
                prop_assert_eq!(acts, &one, "acts on entry {} for {}", e.id, who);
                let sees = e.item_id.is_none_or(|i| t.sees_item(&u, i));
                let cancel = acts.contains(&bmnn_core::acts::ActKind::CancelEntry);
                prop_assert_eq!(
                    cancel,
                    u.has(Role::Clerk) && e.cancelled.is_none() && sees,
                    "cancel offered on entry {} to {}",
                    e.id,
                    who
                );
                if acts.contains(&bmnn_core::acts::ActKind::Acknowledge) {
                    prop_assert!(sees, "acknowledge offered on entry {} to {}", e.id, who);
                }
            }
            // The register page's screen (`register_screen`: the book and its rows' acts in one
            // read): the same entries, rows and acts as asked apart.
            let (screen, screen_acts) = o
                .svc
                .register_screen(&c, k, 2026, 0, 1_000_000)
                .expect("register screen");
            prop_assert_eq!(
                ids(&screen.entries, |e| e.id),
                want.clone(),
                "{:?} screen of {}",
                k,
                who
            );
            prop_assert_eq!(&screen.rows, &book.rows, "{:?} screen rows of {}", k, who);
            prop_assert_eq!(&screen_acts, &acts, "{:?} screen acts of {}", k, who);
        }
        // Requests.
        let want: BTreeSet<Id> = t
            .requests
            .iter()
            .filter(|r| t.sees_request(&u, r))
            .map(|r| r.id)
            .collect();
        let reqs = o
            .svc
            .list_requests(&c, RequestQuery::default())
            .expect("requests");
        prop_assert_eq!(ids(&reqs, |r| r.id), want.clone(), "requests of {}", who);
        for r in &reqs {
            prop_assert_eq!(r.level, t.level_of_request(r));
        }
        for r in &t.requests {
            prop_assert_eq!(o.svc.get_request(&c, r.id).is_ok(), want.contains(&r.id));
        }
        // Notices.
        let ns = o
            .svc
            .list_notices(
                &c,
                NoticeQuery {
                    open_only: false,
                    item_id: None,
                },
            )
            .expect("notices");
        let want_n: BTreeSet<Id> = t
            .notices
            .iter()
            .filter(|n| t.sees_notice_list(&u, n))
            .map(|n| n.id)
            .collect();
        prop_assert_eq!(ids(&ns, |n| n.id), want_n.clone(), "notices of {}", who);
        // Pending acknowledgements (the dashboard's list).
        let acks = o.svc.pending_acks(&c).expect("acks");
        let want_a: BTreeSet<Id> = t
            .entries
            .iter()
            .filter(|e| {
                e.kind == RegisterKind::Handover
                    && e.to_user == Some(uid)
                    && e.ack.is_none()
                    && e.cancelled.is_none()
                    && Truth::cleared(&u, t.level_of_entry(e))
                    // A recipient who no longer sees the item cannot sign for it.
                    && e.item_id.is_none_or(|i| t.sees_item(&u, i))
            })
            .map(|e| e.id)
            .collect();
        prop_assert_eq!(ids(&acks, |e| e.id), want_a, "pending acks of {}", who);
        // Due list (and so the dashboard's counters, which count its lines by urgency): every
        // line is about something visible, and every line the system sees about items,
        // requests, notices and entries this reader sees is there.
        let line = |ob: &bmnn_core::obligations::Obligation| {
            (
                ob.kind as u8,
                ob.due,
                ob.item_id,
                ob.request_id,
                ob.notice_id,
                ob.entry_id,
            )
        };
        let shown = |ob: &bmnn_core::obligations::Obligation| {
            ob.item_id.is_none_or(|i| t.sees_item(&u, i))
                && ob.request_id.is_none_or(|r| want.contains(&r))
                && ob.notice_id.is_none_or(|n| want_n.contains(&n))
                && ob.entry_id.is_none_or(|e| {
                    t.entries
                        .iter()
                        .find(|x| x.id == e)
                        .is_some_and(|x| t.sees_entry(&u, x))
                })
        };
        let secret = |ob: &bmnn_core::obligations::Obligation| {
            ob.item_id.is_some()
                || ob.request_id.is_some()
                || ob.notice_id.is_some()
                || ob.entry_id.is_some()
        };
        let due = o.svc.due(&c, d("25/11/2026")).expect("due");
        for ob in &due {
            prop_assert!(shown(ob), "due line {:?} for {}", ob, who);
        }
        let got: BTreeSet<_> = due.iter().filter(|x| secret(x)).map(line).collect();
        let want_due: BTreeSet<_> = all_due
            .iter()
            .filter(|x| secret(x) && shown(x))
            .map(line)
            .collect();
        prop_assert_eq!(got, want_due, "due lines of {}", who);
        // The inbox (Chờ tôi xử lý, and the count in every page's header): every line is about
        // something this reader sees; the count is the lines waiting for him.
        let inbox = o.svc.inbox(&c).expect("inbox");
        for l in &inbox.lines {
            prop_assert!(
                l.item_id.is_none_or(|i| t.sees_item(&u, i))
                    && l.request_id.is_none_or(|r| want.contains(&r))
                    && l.notice_id.is_none_or(|n| want_n.contains(&n))
                    && l.entry_id.is_none_or(|e| t
                        .entries
                        .iter()
                        .find(|x| x.id == e)
                        .is_some_and(|x| t.sees_entry(&u, x))),
                "inbox line {:?} for {}",
                l,
                who
            );
        }
        prop_assert_eq!(
            o.svc.inbox_count(&c).expect("inbox count"),
            inbox.lines.iter().filter(|l| l.waiting).count(),
            "inbox count of {}",
            who
        );
        // The audit viewer: no record shown in full names an item, request, register entry,
        // notice or attachment this viewer may not see; others than auditors are refused.
        let auditor = bmnn_core::access::allows(&u, bmnn_core::access::AUDITORS);
        match o.svc.audit_view(&c, None, 10_000) {
            Err(_) => prop_assert!(!auditor, "audit viewer refused to {}", who),
            Ok(recs) => {
                prop_assert!(auditor, "audit viewer open to {}", who);
                for r in recs.iter().filter(|r| r.action != "redacted") {
                    for i in audit_names(t, r) {
                        prop_assert!(
                            t.sees_item(&u, i),
                            "audit record {} ({} {}) about item {} shown to {}",
                            r.seq,
                            r.action,
                            r.object,
                            i,
                            who
                        );
                    }
                }
            }
        }
        // The audit page's search (filters applied after redaction): the same rule.
        if auditor {
            let filter = bmnn_core::service::AuditFilter {
                family: Some("item".into()),
                ..Default::default()
            };
            let page = o
                .svc
                .audit_search(&c, None, 1_000, &filter)
                .expect("audit search");
            for r in page.records.iter().filter(|r| r.action != "redacted") {
                for i in audit_names(t, r) {
                    prop_assert!(
                        t.sees_item(&u, i),
                        "audit search record {} about item {} shown to {}",
                        r.seq,
                        i,
                        who
                    );
                }
            }
        }
        // Reports (sơ kết năm): produced by leaders and security officers only; their figures
        // on items and registers are those of what the reader sees — the same computation over
        // only the reader's items, their history, requests and register entries — so that no
        // figure counts a hidden item.
        let reporter = bmnn_core::access::allows(&u, bmnn_core::access::REPORTERS);
        match o.svc.report(&c, report_q()) {
            Err(_) => prop_assert!(!reporter, "report refused to {}", who),
            Ok(rep) => {
                prop_assert!(reporter, "report produced by {}", who);
                let items: Vec<SecretItem> = t
                    .items
                    .values()
                    .filter(|i| t.sees_item(&u, i.id))
                    .cloned()
                    .collect();
                let events: Vec<ItemEvent> = t
                    .events
                    .iter()
                    .filter(|e| t.sees_item(&u, e.item_id))
                    .cloned()
                    .collect();
                let requests: Vec<Request> = t
                    .requests
                    .iter()
                    .filter(|r| t.sees_request(&u, r))
                    .cloned()
                    .collect();
                let registers: Vec<RegisterEntry> = t
                    .entries
                    .iter()
                    .filter(|e| t.sees_entry(&u, e))
                    .cloned()
                    .collect();
                let activity = bmnn_core::programme::reports::activity_of_rows(
                    rep.period, &items, &events, &requests, &registers,
                );
                let f = bmnn_core::programme::reports::compute_figures(
                    &bmnn_core::programme::reports::Inputs {
                        period: rep.period,
                        today: d("25/11/2026"),
                        report_due: rep.due,
                        activity: &activity,
                        records: &[],
                    },
                );
                prop_assert_eq!(&rep.own.items, &f.items, "report item figures of {}", who);
                prop_assert_eq!(
                    &rep.own.registers,
                    &f.registers,
                    "report register figures of {}",
                    who
                );
            }
        }
    }
    Ok(())
}

/// The items an audit record names: by its object (an item, a request's items, a register
/// entry's or notice's item, an attachment's item) and by `item=`/`request=` in its details.
fn audit_names(t: &Truth, r: &bmnn_core::audit::AuditRecord) -> Vec<Id> {
    let mut out = Vec::new();
    let num = |s: &str| s.parse::<Id>().ok();
    let request_items = |q: Id, out: &mut Vec<Id>| {
        if let Some(r) = t.requests.iter().find(|r| r.id == q) {
            out.extend(r.item_ids.iter().copied());
        }
    };
    let o = r.object.as_str();
    if let Some(i) = o.strip_prefix("item:").and_then(num) {
        out.push(i);
    } else if let Some(q) = o.strip_prefix("request:").and_then(num) {
        request_items(q, &mut out);
    } else if let Some(n) = o.strip_prefix("notice:").and_then(num) {
        out.extend(t.notices.iter().filter(|x| x.id == n).map(|x| x.item_id));
    } else if let Some(a) = o.strip_prefix("attachment:").and_then(num) {
        out.extend(t.files.iter().filter(|x| x.id == a).map(|x| x.item_id));
    } else if let Some(rest) = o.strip_prefix("register:") {
        // register:<kind>:<year>:<number>
        let parts: Vec<&str> = rest.split(':').collect();
        if let [kind, year, number] = parts.as_slice() {
            for e in &t.entries {
                if e.kind.code() == *kind
                    && e.year.to_string() == *year
                    && e.number.to_string() == *number
                {
                    out.extend(e.item_id);
                    out.extend(e.request_id.iter().flat_map(|q| {
                        t.requests
                            .iter()
                            .filter(move |r| r.id == *q)
                            .flat_map(|r| r.item_ids.clone())
                    }));
                }
            }
        }
    }
    for w in r.details.split(|c: char| c.is_whitespace() || c == ',') {
        if let Some(i) = w.strip_prefix("item=").and_then(num) {
            out.push(i);
        } else if let Some(q) = w.strip_prefix("request=").and_then(num) {
            request_items(q, &mut out);
        }
    }
    out
}

struct World {
    o: Org,
    people: Vec<Id>,
    unit_a: Id,
    unit_b: Id,
    steps: usize,
}

fn pick<T: Clone>(v: &[T], i: usize) -> Option<T> {
    (!v.is_empty()).then(|| v[i % v.len()].clone())
}

/// Runs one act; returns whether it was refused, and whether the actor could not see its
/// object (so it must have been refused).
fn act(w: &mut World, t: &Truth, op: &Op) -> Option<(bool, bool)> {
    let o = &w.o;
    let ctx = |by: usize| Ctx {
        user_id: w.people[by],
        ..o.ctx(&o.admin)
    };
    let items: Vec<Id> = t.items.keys().copied().collect();
    let actor = |by: usize| t.user(w.people[by]).clone();
    let sees = |by: usize, i: Id| t.sees_item(&actor(by), i);
    let sees_all = |by: usize, r: &Request| r.item_ids.iter().all(|i| sees(by, *i));
    let refs = |s: &str| Some(s.to_string());
    let res: (bool, bool) = match op.clone() {
        Op::Propose { by, level, unit_b } => {
            let level = level_of(level);
            let unit = Some(if unit_b { w.unit_b } else { w.unit_a });
            let r = o.svc.propose(
                &ctx(by),
                ProposeCmd {
                    summary: refs(SUMMARIES[0]),
                    recipients: vec!["Sở Tài chính".into()],
                    copies_issued: 1,
                    ..propose_cmd(o, level, unit)
                },
            );
            (r.is_err(), false)
        }
        Op::Classify { by, item } => {
            let i = pick(&items, item)?;
            let r = o.svc.decide_classification(
                &ctx(by),
                DecideClassificationCmd {
                    item_id: i,
                    approve: true,
                    level: None,
                    copy_allowed: None,
                    circulation: None,
                    catalogue_item_id: None,
                    decision_ref: refs("1/QĐ"),
                    reason: None,
                    date: None,
                },
            );
            (r.is_err(), !sees(by, i))
        }
        Op::RegisterOut { by, item } => {
            let i = pick(&items, item)?;
            let r = o.svc.register_outgoing(
                &ctx(by),
                RegisterOutgoingCmd {
                    recipients: None,
                    quantity: None,
                    item_id: i,
                    number_symbol: format!("{}/M", w.steps),
                    signer: "Giám đốc".into(),
                    unit_kept: None,
                    note: None,
                    date: None,
                },
            );
            (r.is_err(), !sees(by, i))
        }
        Op::Receive { by, level, unit } => {
            let level = level_of(level);
            let mut c = incoming(level, &format!("{}/BCT", w.steps), "20/11/2026");
            if level == Level::TuyetMat {
                c.summary = None;
            }
            c.unit_id = match unit {
                0 => None,
                1 => Some(w.unit_a),
                _ => Some(w.unit_b),
            };
            (o.svc.receive_incoming(&ctx(by), c).is_err(), false)
        }
        Op::HandOver { by, item, to } => {
            let i = pick(&items, item)?;
            let r = o.svc.hand_over(
                &ctx(by),
                HandOverCmd {
                    item_id: i,
                    to_user_id: Some(w.people[to]),
                    to_name: None,
                    quantity: 1,
                    note: None,
                    date: None,
                },
            );
            (r.is_err(), !sees(by, i))
        }
        Op::Ack { by, entry } => {
            let hand: Vec<&RegisterEntry> = t
                .entries
                .iter()
                .filter(|e| e.kind == RegisterKind::Handover)
                .collect();
            let e = pick(&hand, entry)?;
            let r = o.svc.acknowledge(
                &ctx(by),
                AcknowledgeCmd {
                    entry_id: e.id,
                    on_paper_signer: None,
                },
            );
            let hidden = !t.sees_entry(&actor(by), e) || e.item_id.is_some_and(|i| !sees(by, i));
            (r.is_err(), hidden)
        }
        Op::RequestCopy { by, item } => {
            let i = pick(&items, item)?;
            let r = o.svc.request_copy(
                &ctx(by),
                CopyRequestCmd {
                    item_id: i,
                    form: CopyForm::SaoY,
                    count: 1,
                    purpose: "Phục vụ họp".into(),
                    recipients: vec![],
                    date: None,
                },
            );
            (r.is_err(), !sees(by, i))
        }
        Op::RequestProvide { by, item, foreign } => {
            let i = pick(&items, item)?;
            let r = o.svc.request_provide(
                &ctx(by),
                ProvideCmd {
                    item_id: i,
                    foreign,
                    party: "Sở Nội vụ".into(),
                    representative: "Ông A".into(),
                    identity: String::new(),
                    purpose: "Phối hợp".into(),
                    commitment: true,
                    date: None,
                },
            );
            (r.is_err(), !sees(by, i))
        }
        Op::TakeOut { by, item, abroad } => {
            let i = pick(&items, item)?;
            let r = o.svc.request_take_out(
                &ctx(by),
                TakeOutCmd {
                    item_id: i,
                    abroad,
                    purpose: "Làm việc".into(),
                    place: if abroad {
                        "Viêng Chăn"
                    } else {
                        "Hải Phòng"
                    }
                    .into(),
                    from: d("26/11/2026"),
                    until: d("28/11/2026"),
                    measures: "Cặp có khóa".into(),
                    delegation_head: abroad.then(|| "Giám đốc".to_string()),
                    date: None,
                },
            );
            (r.is_err(), !sees(by, i))
        }
        Op::TakeOutReturn { by, req } => {
            let r = pick(&t.requests, req)?;
            let res = o.svc.record_take_out_return(
                &ctx(by),
                CompleteCmd {
                    request_id: r.id,
                    report: Some("Đã trả".into()),
                    minutes_ref: None,
                    performers: vec![],
                    date: None,
                },
            );
            (res.is_err(), !sees_all(by, &r))
        }
        Op::Delegate {
            by,
            to,
            level,
            acts,
            expired,
        } => {
            let acts = match acts {
                0 => vec![Act::Classify],
                1 => vec![Act::Copy],
                _ => vec![Act::Classify, Act::Copy],
            };
            let (from, to_date) = if expired {
                (d("01/01/2026"), d("24/11/2026"))
            } else {
                (d("01/11/2026"), d("31/12/2026"))
            };
            let r = o.svc.create_delegation(
                &ctx(by),
                NewDelegation {
                    grantor_id: None,
                    grantee_id: w.people[to],
                    acts,
                    max_level: level_of(level),
                    valid_from: from,
                    valid_to: to_date,
                    document_ref: format!("{}/UQ", w.steps),
                },
            );
            (r.is_err(), false)
        }
        Op::RevokeDelegation { by, del } => {
            let x = pick(&t.delegations, del)?;
            let r = o.svc.revoke_delegation(&ctx(by), x.id, d("25/11/2026"));
            (r.is_err(), false)
        }
        Op::ApprovePrivilege {
            by,
            change,
            approve,
        } => {
            let c = pick(&t.pending_changes, change)?;
            let r = o.svc.decide_privilege_change(&ctx(by), c.id, approve);
            (r.is_err(), false)
        }
        Op::RequestDestroy { by, item } => {
            let i = pick(&items, item)?;
            let r = o.svc.request_destroy(
                &ctx(by),
                DestroyCmd {
                    item_ids: vec![i],
                    emergency: false,
                    council: vec!["Giám đốc".into()],
                    council_decision_ref: refs("9/QĐ"),
                    council_minutes_ref: refs("9/BB"),
                    method: "Nghiền".into(),
                    place: "Trụ sở".into(),
                    date: None,
                },
            );
            (r.is_err(), !sees(by, i))
        }
        Op::Decide { by, req, approve } => {
            let r = pick(&t.requests, req)?;
            let res = o.svc.decide(
                &ctx(by),
                DecideCmd {
                    request_id: r.id,
                    approve,
                    reason: refs("Không cần thiết"),
                    external_ref: None,
                    external: None,
                    reference: refs("10/QĐ"),
                    date: None,
                },
            );
            (res.is_err(), !sees_all(by, &r))
        }
        Op::Produce { by, req } => {
            let r = pick(&t.requests, req)?;
            let res = o.svc.produce_copies(
                &ctx(by),
                ProduceCopiesCmd {
                    request_id: r.id,
                    count: 1,
                    spoilt_destroyed: 0,
                    operator: None,
                    place: None,
                    date: None,
                },
            );
            (res.is_err(), !sees_all(by, &r))
        }
        Op::Provide { by, req } => {
            let r = pick(&t.requests, req)?;
            let res = o.svc.complete_provision(
                &ctx(by),
                CompleteCmd {
                    request_id: r.id,
                    report: None,
                    minutes_ref: None,
                    performers: vec![],
                    date: None,
                },
            );
            (res.is_err(), !sees_all(by, &r))
        }
        Op::RecordDestruction { by, req } => {
            let r = pick(&t.requests, req)?;
            let res = o.svc.record_destruction(
                &ctx(by),
                CompleteCmd {
                    request_id: r.id,
                    report: None,
                    minutes_ref: refs("11/BB"),
                    performers: vec!["Bà B".into()],
                    date: None,
                },
            );
            (res.is_err(), !sees_all(by, &r))
        }
        Op::Extend { by, item } => {
            let i = pick(&items, item)?;
            let incoming = t.items[&i].origin == Origin::Incoming;
            let r = o.svc.extend(
                &ctx(by),
                ExtendCmd {
                    item_id: i,
                    years: 1,
                    decision_ref: refs("12/QĐ"),
                    originator_notice: incoming.then(|| "12/TB".to_string()),
                    date: None,
                },
            );
            (r.is_err(), !sees(by, i))
        }
        Op::Adjust { by, item, level } => {
            let i = pick(&items, item)?;
            let level = level_of(level);
            let incoming = t.items[&i].origin == Origin::Incoming;
            let r = o.svc.adjust(
                &ctx(by),
                AdjustCmd {
                    item_id: i,
                    new_level: level,
                    catalogue_item_id: match level {
                        Level::Mat => Some(o.cat_mat),
                        Level::ToiMat => Some(o.cat_toi_mat),
                        Level::TuyetMat => None,
                    },
                    field: None,
                    decision_ref: refs("13/QĐ"),
                    originator_notice: incoming.then(|| "13/TB".to_string()),
                    date: None,
                },
            );
            (r.is_err(), !sees(by, i))
        }
        Op::Declassify { by, item, partial } => {
            let i = pick(&items, item)?;
            let incoming = t.items[&i].origin == Origin::Incoming;
            let r = o.svc.declassify(
                &ctx(by),
                DeclassifyCmd {
                    item_id: i,
                    council: vec!["Giám đốc".into()],
                    council_decision_ref: refs("14/QĐ"),
                    council_minutes_ref: refs("14/BB"),
                    partial,
                    partial_scope: partial.then(|| "Phụ lục".to_string()),
                    decision_ref: refs("14/QĐ"),
                    originator_notice: incoming.then(|| "14/TB".to_string()),
                    date: None,
                },
            );
            (r.is_err(), !sees(by, i))
        }
        Op::RemoveCatalogue { by, entry } => {
            let entry = if entry { o.cat_toi_mat } else { o.cat_mat };
            let r = o.svc.remove_catalogue_item(
                &ctx(by),
                RemoveCatalogueItemCmd {
                    catalogue_item_id: entry,
                    decision_ref: "15/QĐ-TTg".into(),
                    decision_date: d("20/11/2026"),
                    date: None,
                },
            );
            let hidden = t.items.values().any(|i| {
                i.catalogue_item_id == Some(entry) && i.status.protected() && !sees(by, i.id)
            });
            (r.is_err(), hidden)
        }
        Op::NoticeDone { by, notice } => {
            let n = pick(&t.notices, notice)?;
            let r = o.svc.notice_done(
                &ctx(by),
                NoticeDoneCmd {
                    notice_id: n.id,
                    reference: "16/TB".into(),
                    date: None,
                },
            );
            (r.is_err(), !sees(by, n.item_id))
        }
        Op::Cancel { by, entry } => {
            let e = pick(&t.entries, entry)?;
            let r = o.svc.cancel_entry(&ctx(by), e.id, "Nhầm");
            let hidden = !t.sees_entry(&actor(by), &e) || e.item_id.is_some_and(|i| !sees(by, i));
            (r.is_err(), hidden)
        }
        Op::Attach { by, item } => {
            let i = pick(&items, item)?;
            let r = o
                .svc
                .add_attachment(&ctx(by), i, "a.pdf", "application/pdf", 3, "00", b"abc");
            (r.is_err(), !sees(by, i))
        }
        Op::ChangeUser {
            who,
            clearance,
            unit_b,
            role,
        } => {
            let u = actor(who);
            let roles = match role {
                0 => u.roles.clone(),
                1 => vec![Role::Drafter],
                2 => vec![Role::Leader],
                _ => vec![Role::Clerk],
            };
            let r = o.svc.update_user(
                &o.ctx(&o.admin),
                u.id,
                UserChange {
                    full_name: None,
                    roles: Some(roles),
                    clearance: Some(match clearance {
                        0 => None,
                        n => Some(level_of(n - 1)),
                    }),
                    position_id: None,
                    unit_id: Some(Some(if unit_b { w.unit_b } else { w.unit_a })),
                    active: None,
                },
            );
            (r.is_err(), false)
        }
    };
    Some(res)
}

fn audit_head(o: &bmnn_core::service::Service<bmnn_store::DbStore>) -> i64 {
    o.store
        .read(|tx| Ok(tx.audit_page(None, 1)?.first().map_or(0, |r| r.seq)))
        .expect("audit head")
}

/// Acts by the deputy (who holds no authority of his own for classification or copies):
/// accepted only under a written delegation valid today, not revoked, covering the act and
/// the item's level. Returns what went wrong, if anything.
fn authority_breach(w: &World, t: &Truth, after: &Truth, op: &Op, refused: bool) -> Option<String> {
    if refused {
        return None;
    }
    let today = d("25/11/2026");
    let deputy = w.people[DEPUTY];
    let (act, level) = match op {
        Op::Classify { by, .. } if *by == DEPUTY => {
            // The item classified: the one whose status moved from proposed.
            let i = after.items.values().find(|i| {
                t.items
                    .get(&i.id)
                    .is_some_and(|b| b.status == Status::Proposed && i.status != Status::Proposed)
            })?;
            (Act::Classify, i.level)
        }
        Op::Decide { by, req, .. } if *by == DEPUTY => {
            let r = pick(&t.requests, *req)?;
            if request_act(&r) != Act::Copy {
                return None;
            }
            (Act::Copy, t.level_of_request(&r))
        }
        _ => return None,
    };
    let ok = t.delegations.iter().any(|x| {
        x.grantee_id == deputy
            && x.acts.contains(&act)
            && level <= x.max_level
            && x.valid_from <= today
            && today <= x.valid_to
            && x.revoked_on.is_none_or(|r| r > today)
    });
    (!ok).then(|| format!("the deputy acted ({act:?}, {level:?}) without a delegation in force"))
}

static STEPS: AtomicUsize = AtomicUsize::new(0);
static T_SETUP: AtomicUsize = AtomicUsize::new(0);
static T_TRUTH: AtomicUsize = AtomicUsize::new(0);
static T_ACT: AtomicUsize = AtomicUsize::new(0);
static T_CHECK: AtomicUsize = AtomicUsize::new(0);
fn lap(t: &mut std::time::Instant, a: &AtomicUsize) {
    let n = t.elapsed().as_millis() as usize;
    a.fetch_add(n, Ordering::Relaxed);
    *t = std::time::Instant::now();
}
static DONE: AtomicUsize = AtomicUsize::new(0);

fn run_case(ops: &[Op]) -> R {
    for b in backends() {
        let mut tm = std::time::Instant::now();
        let o = org(&b.url);
        let m = more(&o);
        let a = o.ctx(&o.admin);
        let unit_b = m.head_b.unit_id.expect("unit b");
        let drafter_b = o
            .svc
            .create_user(
                &a,
                NewUser {
                    username: "soanthaob".into(),
                    full_name: "soanthaob".into(),
                    roles: vec![Role::Drafter],
                    clearance: Some(Level::Mat),
                    position_id: None,
                    unit_id: Some(unit_b),
                    password_hash: "x".into(),
                },
            )
            .expect("drafter b");
        let p_deputy = o
            .svc
            .create_position(
                &a,
                NewPosition {
                    title: "Phó Giám đốc".into(),
                    kind: "so-ban-nganh-tinh".into(),
                    rank: Rank::Deputy,
                    heads_agency: false,
                    unit_id: Some(m.unit_a),
                },
            )
            .expect("deputy position");
        let deputy = o
            .svc
            .create_user(
                &o.system(),
                NewUser {
                    username: "phogiamdoc".into(),
                    full_name: "phogiamdoc".into(),
                    roles: vec![Role::Leader],
                    clearance: Some(Level::ToiMat),
                    position_id: Some(p_deputy.id),
                    unit_id: Some(m.unit_a),
                    password_hash: "x".into(),
                },
            )
            .expect("deputy");
        let people = vec![
            o.head.id,
            o.clerk.id,
            o.drafter.id,
            o.section_head.id,
            o.mat_reader.id,
            m.mat_clerk.id,
            m.head_b.id,
            m.mat_officer.id,
            drafter_b.id,
            deputy.id,
        ];
        assert_eq!(people.len(), PEOPLE);
        let mut readers = people.clone();
        readers.push(o.admin.id);
        let mut w = World {
            o,
            people,
            unit_a: m.unit_a,
            unit_b,
            steps: 0,
        };
        // The ground truth is read once per step: the state after a step is the state before
        // the next (only the audit head moves, through the audited reads of the checks).
        let mut before = truth(&w.o.svc);
        lap(&mut tm, &T_SETUP);
        for op in ops {
            w.steps += 1;
            let Some((refused, hidden)) = act(&mut w, &before, op) else {
                continue;
            };
            lap(&mut tm, &T_ACT);
            let after = truth(&w.o.svc);
            lap(&mut tm, &T_TRUTH);
            if hidden {
                prop_assert!(
                    refused,
                    "{} accepted an act on what the actor cannot see: {:?}",
                    b.name,
                    op
                );
            }
            if refused {
                prop_assert_eq!(
                    before.audit_head,
                    after.audit_head,
                    "a refusal wrote ({:?})",
                    op
                );
                prop_assert_eq!(before.items.len(), after.items.len(), "a refusal wrote");
                prop_assert_eq!(before.entries.len(), after.entries.len(), "a refusal wrote");
            }
            if let Some(why) = authority_breach(&w, &before, &after, op, refused) {
                return Err(TestCaseError::fail(format!("{}: {why}: {op:?}", b.name)));
            }
            check_reads(&w.o, &after, &readers)
                .map_err(|e| TestCaseError::fail(format!("{} after {:?}: {e}", b.name, op)))?;
            before = after;
            before.audit_head = audit_head(&w.o.svc);
            lap(&mut tm, &T_CHECK);
            STEPS.fetch_add(1, Ordering::Relaxed);
            DONE.fetch_add(usize::from(!refused), Ordering::Relaxed);
        }
    }
    Ok(())
}

fn env(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn no_read_path_shows_and_no_act_touches_what_a_user_may_not_see() {
    let databases = 1 + usize::from(std::env::var("TEST_DATABASE_URL").is_ok());
    let fixed = std::env::var("BMNN_MODEL_CASES")
        .ok()
        .and_then(|v| v.parse::<u32>().ok());
    let steps = env("BMNN_MODEL_STEPS", 48) as usize;
    let min_steps = env("BMNN_MODEL_MIN_STEPS", 1000) as usize;
    let batch = fixed.unwrap_or(4);
    let config = Config {
        cases: batch,
        max_shrink_iters: 256,
        failure_persistence: None,
        ..Config::default()
    };
    // A runner counts its successes across calls: each batch gets a new one, with a random
    // generator forked from the first.
    let mut seeds = TestRunner::new(config.clone());
    let started = std::time::Instant::now();
    let mut cases = 0;
    // Without BMNN_MODEL_CASES: batches of sequences until every database has been checked
    // after at least BMNN_MODEL_MIN_STEPS steps.
    loop {
        TestRunner::new_with_rng(config.clone(), seeds.new_rng())
            .run(&proptest::collection::vec(op(), 1..=steps), |ops| {
                run_case(&ops)
            })
            .expect("no leak");
        cases += batch;
        if fixed.is_some() || STEPS.load(Ordering::Relaxed) / databases >= min_steps {
            break;
        }
    }
    eprintln!(
        "clearance model: {cases} sequences of up to {steps} acts, {} steps checked per database ({} acts carried out, the rest refused) on {databases} database(s), {PEOPLE} acting users and {} readers, in {:.1?}",
        STEPS.load(Ordering::Relaxed) / databases,
        DONE.load(Ordering::Relaxed) / databases,
        PEOPLE + 1,
        started.elapsed()
    );
    eprintln!(
        "clearance model: time spent (ms, summed over threads): setup {}, ground truth {}, acts {}, checks {}",
        T_SETUP.load(Ordering::Relaxed),
        T_TRUTH.load(Ordering::Relaxed),
        T_ACT.load(Ordering::Relaxed),
        T_CHECK.load(Ordering::Relaxed),
    );
}
