//! The law of the act's date, act by act (issue 12): every act kind, dated in regime A before
//! 01/7/2025, in regime A's period under Decree 184/2025 (01/7/2025–28/02/2026) and in regime
//! B (from 01/3/2026), cites in its answer, its stored event, its notices and its register book
//! exactly what the rules of that date say (`RuleSet::regime_for(date)`, never a literal here).
//! Refusals that carry a citation are checked the same way, and write nothing.

use crate::helpers::*;
use bmnn_core::Level;
use bmnn_core::error::{CoreError, Result};
use bmnn_core::model::*;
use bmnn_core::ports::Store;
use bmnn_core::registers::{RegisterKind, book_regime};
use bmnn_core::rules::{Act, Cite, Regime};
use bmnn_core::service::*;
use time::{Date, Duration, PrimitiveDateTime};

/// The three periods: regime A, regime A as amended by Decree 184/2025, regime B.
const DATES: [&str; 3] = ["04/04/2025", "10/09/2025", "04/04/2026"];

struct Law<'a> {
    o: &'a Org,
    r: &'a Regime,
    on: Date,
    b: &'static str,
    deputy: &'a User,
}

fn at(on: Date) -> PrimitiveDateTime {
    PrimitiveDateTime::new(on, time::Time::from_hms(10, 0, 0).unwrap())
}

impl Law<'_> {
    fn ctx(&self, u: &User) -> Ctx {
        self.o.ctx(u)
    }

    fn seq(&self) -> i64 {
        self.o.svc.store.read(|tx| tx.audit_tail(1)).unwrap()[0].seq
    }

    /// The last event of `kind` in the item's history.
    fn event(&self, item: Id, kind: &str) -> ItemEvent {
        let d = self
            .o
            .svc
            .item_detail(&self.ctx(&self.o.head), item)
            .expect("item");
        d.events
            .into_iter()
            .rev()
            .find(|e| e.kind == kind)
            .unwrap_or_else(|| panic!("{} {}: no {kind} event", self.b, self.on))
    }

    /// The stored event of `kind` cites `basis` (with its confirmation) under the regime of
    /// the act's date.
    fn cites(&self, item: Id, kind: &str, basis: &str, confirmed: bool) {
        let e = self.event(item, kind);
        let at = format!("{} {} {kind}", self.b, self.on);
        assert_eq!(e.on, self.on, "{at}: dated");
        assert_eq!(e.regime, self.r.code, "{at}: regime");
        assert_eq!(e.basis, basis, "{at}: basis");
        assert_eq!(e.confirmed, confirmed, "{at}: confirmed");
        self.not_older(&e.basis);
    }

    fn cites_key(&self, item: Id, kind: &str, what: Cite) {
        let c = self.r.cite(what);
        self.cites(item, kind, &c.basis, c.confirmed);
    }

    fn cites_rule(&self, item: Id, kind: &str, act: Act, level: Level) {
        let rule = self.r.rule(act, level);
        self.cites(item, kind, &rule.basis, rule.confirmed);
    }

    /// A decision returned to the caller cites the rule of its date.
    fn decided(&self, req: &Request, act: Act, level: Level) {
        let dcs = req.decision.as_ref().expect("decision");
        let rule = self.r.rule(act, level);
        let at = format!("{} {} {act:?}", self.b, self.on);
        assert_eq!(dcs.regime, self.r.code, "{at}");
        assert_eq!(dcs.basis, rule.basis, "{at}");
        assert_eq!(dcs.confirmed, rule.confirmed, "{at}");
        assert_eq!(dcs.on, self.on, "{at}");
    }

    /// Regime B never cites the 2018 law, its decree or its circular.
    fn not_older(&self, basis: &str) {
        if self.r.code == "B" {
            for old in ["29/2018", "26/2020", "24/2020"] {
                assert!(
                    !basis.contains(old),
                    "{}: regime B cites {old}: {basis}",
                    self.b
                );
            }
        }
    }

    /// `f` is refused with `code`, citing `basis` as the rules of the date say, and writes
    /// nothing.
    fn refused<T: std::fmt::Debug>(
        &self,
        code: &str,
        basis: &str,
        confirmed: bool,
        f: impl FnOnce() -> Result<T>,
    ) {
        let before = self.seq();
        let e = f().expect_err(code);
        let at = format!("{} {} {code}", self.b, self.on);
        match &e {
            CoreError::Refused(r) => {
                assert_eq!(r.code, code, "{at}: {e:?}");
                assert_eq!(r.basis.as_deref(), Some(basis), "{at}");
                assert_eq!(r.confirmed, confirmed, "{at}");
                assert!(
                    bmnn_core::error::next_step(code).is_some(),
                    "{at}: next step"
                );
            }
            other => panic!("{at}: {other:?}"),
        }
        self.not_older(basis);
        assert_eq!(self.seq(), before, "{at}: a refusal writes nothing");
    }

    fn refused_key<T: std::fmt::Debug>(
        &self,
        code: &str,
        what: Cite,
        f: impl FnOnce() -> Result<T>,
    ) {
        let c = self.r.cite(what);
        self.refused(code, &c.basis, c.confirmed, f)
    }

    fn refused_rule<T: std::fmt::Debug>(
        &self,
        code: &str,
        act: Act,
        level: Level,
        f: impl FnOnce() -> Result<T>,
    ) {
        let rule = self.r.rule(act, level);
        self.refused(code, &rule.basis, rule.confirmed, f)
    }

    /// The register book of the entry's year prints the entry under its template, with the
    /// instructions citing the rules of the book's regime; the entry keeps the act's regime.
    fn registered(&self, kind: RegisterKind, entry_id: Id) {
        let year = self.on.year();
        let book = self
            .o
            .svc
            .register_book(&self.ctx(&self.o.clerk), kind, year, 0, 10_000)
            .expect("book");
        let at = format!("{} {} {kind:?}", self.b, self.on);
        let i = book
            .entries
            .iter()
            .position(|e| e.id == entry_id)
            .unwrap_or_else(|| panic!("{at}: entry in its book"));
        assert_eq!(book.entries[i].regime, self.r.code, "{at}: entry regime");
        assert_eq!(book.rows[i].len(), book.columns.len(), "{at}: printed row");
        let br = book_regime(&self.o.svc.rules, year, self.o.ctx(&self.o.clerk).today);
        assert_eq!(book.regime, br.code);
        let t = br.register(kind);
        assert_eq!(
            book.instructions,
            br.fill_citations(&t.instructions),
            "{at}"
        );
        assert!(!book.instructions.contains("{cite:"), "{at}");
        if br.code == "B" {
            for old in ["29/2018", "26/2020", "24/2020", "ND26", "TT24"] {
                assert!(
                    !book.instructions.contains(old),
                    "{at}: a regime B book cites {old}"
                );
            }
        }
    }

    fn propose(&self, u: &User, level: Level, catalogue: Option<Id>, date: Date) -> ProposeCmd {
        let _ = u;
        ProposeCmd {
            carrier: Carrier::Document,
            electronic: false,
            doc_type: "Báo cáo".into(),
            summary: None,
            summary_consent_ref: None,
            level,
            field: None,
            catalogue_item_id: catalogue,
            recipients: vec!["Bộ Công Thương".into()],
            copies_issued: 2,
            copy_allowed: true,
            circulation: String::new(),
            unit_id: None,
            location: String::new(),
            shorter_expiry: None,
            date: Some(date),
        }
    }

    fn classify(&self, item: Id, date: Date) -> SecretItem {
        self.o
            .svc
            .decide_classification(
                &self.ctx(&self.o.head),
                DecideClassificationCmd {
                    item_id: item,
                    approve: true,
                    level: None,
                    copy_allowed: None,
                    circulation: None,
                    catalogue_item_id: None,
                    decision_ref: Some("12/QĐ".into()),
                    reason: None,
                    date: Some(date),
                },
            )
            .expect("classify")
    }

    /// A Mật item proposed and classified on the act's date.
    fn classified(&self) -> Id {
        let p = self
            .o
            .svc
            .propose(
                &self.ctx(&self.o.drafter),
                self.propose(&self.o.drafter, Level::Mat, Some(self.o.cat_mat), self.on),
            )
            .expect("propose");
        self.classify(p.id, self.on).id
    }

    fn copy_request(&self, item: Id, count: u32) -> Request {
        self.o
            .svc
            .request_copy(
                &self.ctx(&self.o.drafter),
                CopyRequestCmd {
                    item_id: item,
                    form: CopyForm::SaoY,
                    count,
                    purpose: "Họp".into(),
                    recipients: vec![],
                    date: Some(self.on),
                },
            )
            .expect("copy request")
    }

    fn decide(&self, u: &User, req: Id, date: Date) -> Result<Request> {
        self.o.svc.decide(
            &self.ctx(u),
            DecideCmd {
                request_id: req,
                approve: true,
                reason: None,
                external_ref: None,
                external: None,
                reference: None,
                date: Some(date),
            },
        )
    }

    fn destroy_cmd(&self, item: Id, council: bool, emergency: bool) -> DestroyCmd {
        DestroyCmd {
            item_ids: vec![item],
            emergency,
            council: if council {
                vec!["Giám đốc".into(), "Văn thư".into()]
            } else {
                vec![]
            },
            council_decision_ref: Some("5/QĐ-HĐ".into()),
            council_minutes_ref: Some("BB 1".into()),
            method: "Nghiền".into(),
            place: "Trụ sở".into(),
            date: Some(self.on),
        }
    }
}

/// The period of the annual report that holds the act's date, and the items declassified in it
/// as the head of the agency (Tuyệt mật, agency-wide) reads the report.
fn declassified_in_report(l: &Law<'_>) -> (bmnn_core::programme::reports::Period, u64) {
    use bmnn_core::programme::{ReportKind, reports::period_of};
    let rules = bmnn_core::rules::RuleSet::embedded();
    let (year, period) = [l.on.year(), l.on.year() + 1]
        .into_iter()
        .map(|y| {
            (
                y,
                period_of(rules.report_regime(y), ReportKind::Annual, y).0,
            )
        })
        .find(|(_, p)| p.contains(l.on))
        .expect("an annual report period holds the day");
    let n =
        l.o.svc
            .report(&l.ctx(&l.o.head), ReportQuery::of(ReportKind::Annual, year))
            .expect("report")
            .own
            .items
            .declassified
            .total();
    (period, n)
}

/// Every act kind in each of the three periods.
fn acts_on(l: &Law<'_>) {
    let o = l.o;
    let on = l.on;

    // Propose (with and without a catalogue entry) and classify.
    let item = o
        .svc
        .propose(
            &l.ctx(&o.drafter),
            l.propose(&o.drafter, Level::Mat, Some(o.cat_mat), on),
        )
        .expect("propose");
    l.cites_key(item.id, "proposed", Cite::ClassifyProposal);
    l.classify(item.id, on);
    l.cites_rule(item.id, "classified", Act::Classify, Level::Mat);
    let bare = l.propose(&o.drafter, Level::Mat, None, on);
    if l.r.classification.catalogue_basis_required {
        l.refused_key("catalogue_basis_required", Cite::CatalogueRequired, || {
            o.svc.propose(&l.ctx(&o.drafter), bare.clone())
        });
    } else {
        // Regime A warns, in the answer and in the history, citing the rule of the date.
        let p = o.svc.propose(&l.ctx(&o.drafter), bare).expect("propose");
        let w = p.basis_warning.clone().expect("a warning in the answer");
        assert!(w.contains(&l.r.cite(Cite::ClassifyCatalogue).basis), "{w}");
        assert!(l.event(p.id, "proposed").note.contains(&w));
        l.classify(p.id, on);
        assert!(l.event(p.id, "classified").note.contains(&w), "{}", l.b);
    }
    // Refusals of a classification: a level that does not match its entry; Tuyệt mật outside
    // the fields where the regime limits it on that date; a Tuyệt mật summary.
    let mismatch = l.propose(&o.drafter, Level::Mat, Some(o.cat_toi_mat), on);
    l.refused_key("level_mismatch_catalogue", Cite::ClassifyCatalogue, || {
        o.svc.propose(&l.ctx(&o.drafter), mismatch)
    });
    let mut tm = l.propose(&o.head, Level::TuyetMat, None, on);
    tm.field = Some("kinh-te".into());
    if l.r.classification.field_gate_on(on) {
        l.refused_key("tuyet_mat_field", Cite::TuyetMatField, || {
            o.svc.propose(&l.ctx(&o.head), tm.clone())
        });
    }
    let mut summary = incoming(Level::TuyetMat, "01/TM", &bmnn_core::dates::fmt_vn(on));
    summary.summary = Some("Trích yếu".into());
    l.refused_key("tuyet_mat_summary_forbidden", Cite::TuyetMatSummary, || {
        o.svc.receive_incoming(&l.ctx(&o.clerk), summary)
    });

    // Register outgoing.
    let (_, out) = o
        .svc
        .register_outgoing(
            &l.ctx(&o.clerk),
            RegisterOutgoingCmd {
                recipients: None,
                quantity: None,
                item_id: item.id,
                // One number per act date: the dates share a year, and a number and
                // symbol is used once a year.
                number_symbol: format!("{:02}/BC-STN", on.ordinal()),
                signer: "Giám đốc".into(),
                unit_kept: None,
                note: None,
                date: Some(on),
            },
        )
        .expect("register outgoing");
    l.cites_key(item.id, "registered-outgoing", Cite::RegisterOutgoing);
    l.registered(RegisterKind::Outgoing, out.id);

    // Receive; hand over; acknowledge (an act of its own day).
    let date = bmnn_core::dates::fmt_vn(on);
    let (inc, inc_entry) = o
        .svc
        .receive_incoming(&l.ctx(&o.clerk), incoming(Level::Mat, "02/CV", &date))
        .expect("receive");
    l.cites_key(inc.id, "received", Cite::Receive);
    l.registered(RegisterKind::Incoming, inc_entry.id);
    let hand = o
        .svc
        .hand_over(
            &l.ctx(&o.clerk),
            HandOverCmd {
                item_id: inc.id,
                to_user_id: Some(o.drafter.id),
                to_name: None,
                quantity: 1,
                note: None,
                date: Some(on),
            },
        )
        .expect("hand over");
    l.cites_key(inc.id, "handed-over", Cite::Handover);
    l.registered(RegisterKind::Handover, hand.id);
    let that_day = Ctx {
        user_id: o.drafter.id,
        now: at(on),
        today: on,
    };
    o.svc
        .acknowledge(
            &that_day,
            AcknowledgeCmd {
                entry_id: hand.id,
                on_paper_signer: None,
            },
        )
        .expect("acknowledge");
    l.cites_key(inc.id, "acknowledged", Cite::Acknowledge);
    // A sealed envelope goes only to the person named on it.
    let mut sealed = incoming(Level::Mat, "03/CV", &date);
    sealed.summary = None;
    sealed.named_recipient_id = Some(o.head.id);
    let (sealed, _) = o
        .svc
        .receive_incoming(&l.ctx(&o.clerk), sealed)
        .expect("sealed");
    l.refused_key("sealed_named_recipient", Cite::NamedRecipient, || {
        o.svc.hand_over(
            &l.ctx(&o.clerk),
            HandOverCmd {
                item_id: sealed.id,
                to_user_id: Some(o.drafter.id),
                to_name: None,
                quantity: 1,
                note: None,
                date: Some(on),
            },
        )
    });

    // Recall: a "Tài liệu thu hồi" returned.
    let mut rc = incoming(Level::Mat, "04/CV", &date);
    rc.recall_due = Some(on + Duration::days(10));
    let (rc, _) = o
        .svc
        .receive_incoming(&l.ctx(&o.clerk), rc)
        .expect("recalled");
    o.svc
        .record_recall_return(&l.ctx(&o.clerk), rc.id, Some(on))
        .expect("recall return");
    l.cites_key(rc.id, "recall-returned", Cite::Recall);

    // Copy: request, decision, production; one more than allowed; an item not to be copied.
    let c = l.classified();
    let req = l.copy_request(c, 2);
    l.cites_key(c, "copy-requested", Cite::Copy);
    let dcs = l.decide(&o.head, req.id, on).expect("decide copy");
    l.decided(&dcs, Act::Copy, Level::Mat);
    l.cites_rule(c, "request-approved", Act::Copy, Level::Mat);
    let produce = |count| {
        o.svc.produce_copies(
            &l.ctx(&o.clerk),
            ProduceCopiesCmd {
                request_id: req.id,
                count,
                spoilt_destroyed: 0,
                operator: None,
                place: None,
                date: Some(on),
            },
        )
    };
    let (_, copies) = produce(2).expect("produce");
    l.cites_key(c, "copies-produced", Cite::Copy);
    l.registered(RegisterKind::Copies, copies.id);
    l.refused_key("copy_count_exceeded", Cite::CopyCount, || produce(1));
    let mut no_copy = l.propose(&o.drafter, Level::Mat, Some(o.cat_mat), on);
    no_copy.copy_allowed = false;
    let nc = o.svc.propose(&l.ctx(&o.drafter), no_copy).expect("propose");
    l.classify(nc.id, on);
    l.refused_key("copy_not_allowed", Cite::ClassifyDecision, || {
        o.svc.request_copy(
            &l.ctx(&o.drafter),
            CopyRequestCmd {
                item_id: nc.id,
                form: CopyForm::SaoY,
                count: 1,
                purpose: "Họp".into(),
                recipients: vec![],
                date: Some(on),
            },
        )
    });

    // Delegation use: the deputy decides a copy under the head's written delegation, and is
    // refused once it has expired; a head of division may not delegate copying at all.
    let del = o
        .svc
        .create_delegation(
            &l.ctx(&o.head),
            NewDelegation {
                grantor_id: None,
                grantee_id: l.deputy.id,
                acts: vec![Act::Copy],
                max_level: Level::Mat,
                valid_from: on - Duration::days(10),
                valid_to: on + Duration::days(10),
                document_ref: format!("{}/GUQ", on.year()),
            },
        )
        .expect("delegation");
    let c2 = l.classified();
    let req2 = l.copy_request(c2, 1);
    let dcs = l.decide(l.deputy, req2.id, on).expect("delegated decision");
    l.decided(&dcs, Act::Copy, Level::Mat);
    assert_eq!(dcs.decision.as_ref().unwrap().delegation_id, Some(del.id));
    let ev = l.event(c2, "request-approved");
    assert_eq!(ev.delegation_id, Some(del.id), "{}", l.b);
    l.cites_rule(c2, "request-approved", Act::Copy, Level::Mat);
    let req3 = l.copy_request(c2, 1);
    let later = on + Duration::days(20);
    let lr = o.svc.rules.regime_for(later).unwrap();
    let rule = lr.rule(Act::Copy, Level::Mat);
    l.refused("delegation_expired", &rule.basis, rule.confirmed, || {
        l.decide(l.deputy, req3.id, later)
    });
    l.refused_rule("delegation_not_allowed", Act::Copy, Level::Mat, || {
        o.svc.create_delegation(
            &l.ctx(&o.section_head),
            NewDelegation {
                grantor_id: None,
                grantee_id: l.deputy.id,
                acts: vec![Act::Copy],
                max_level: Level::Mat,
                valid_from: on,
                valid_to: on + Duration::days(5),
                document_ref: "1/GUQ-P".into(),
            },
        )
    });

    // Take out (domestic): request, decision, return.
    let t = l.classified();
    let tr = o
        .svc
        .request_take_out(
            &l.ctx(&o.drafter),
            TakeOutCmd {
                item_id: t,
                abroad: false,
                purpose: "Làm việc".into(),
                place: "Bộ".into(),
                from: on,
                until: on + Duration::days(2),
                measures: "Cặp có khóa".into(),
                delegation_head: None,
                date: Some(on),
            },
        )
        .expect("take out");
    l.cites_key(t, "take-out-requested", Cite::TakeOut);
    let dcs = l.decide(&o.head, tr.id, on).expect("decide take out");
    l.decided(&dcs, Act::TakeOutDomestic, Level::Mat);
    l.cites_rule(t, "request-approved", Act::TakeOutDomestic, Level::Mat);
    o.svc
        .record_take_out_return(
            &l.ctx(&o.clerk),
            CompleteCmd {
                request_id: tr.id,
                report: Some("Đã sử dụng đúng mục đích".into()),
                minutes_ref: None,
                performers: vec![],
                date: Some(on),
            },
        )
        .expect("return");
    l.cites_key(t, "returned", Cite::TakeOutReturn);

    // Provide (domestic): without a commitment refused; request, decision, delivery.
    let p = l.classified();
    let provide = |foreign: bool, commitment: bool, item: Id| ProvideCmd {
        item_id: item,
        foreign,
        party: "Cơ quan Y".into(),
        representative: "Ông B".into(),
        identity: "CCCD 1".into(),
        purpose: "Phối hợp".into(),
        commitment,
        date: Some(on),
    };
    l.refused_key("commitment_required", Cite::CommitmentDomestic, || {
        o.svc
            .request_provide(&l.ctx(&o.drafter), provide(false, false, p))
    });
    l.refused_key("commitment_required", Cite::CommitmentForeign, || {
        o.svc
            .request_provide(&l.ctx(&o.drafter), provide(true, false, p))
    });
    let pr = o
        .svc
        .request_provide(&l.ctx(&o.drafter), provide(false, true, p))
        .expect("provide");
    l.cites_key(p, "provide-requested", Cite::Provide);
    let dcs = l.decide(&o.head, pr.id, on).expect("decide provide");
    l.decided(&dcs, Act::ProvideDomestic, Level::Mat);
    l.cites_rule(p, "request-approved", Act::ProvideDomestic, Level::Mat);
    let (_, handed) = o
        .svc
        .complete_provision(
            &l.ctx(&o.clerk),
            CompleteCmd {
                request_id: pr.id,
                report: None,
                minutes_ref: None,
                performers: vec![],
                date: Some(on),
            },
        )
        .expect("provided");
    l.cites_key(p, "provided", Cite::Provide);
    l.registered(RegisterKind::Handover, handed.id);

    // Provide (foreign): a head of a provincial department has no such authority for Mật; a
    // Tuyệt mật item goes abroad only on an outside decision, recorded with its document.
    let pf = o
        .svc
        .request_provide(&l.ctx(&o.drafter), provide(true, true, p))
        .expect("foreign request");
    l.refused_rule("no_authority", Act::ProvideForeign, Level::Mat, || {
        l.decide(&o.head, pf.id, on)
    });
    let mut tmi = incoming(Level::TuyetMat, "05/TM", &date);
    tmi.summary = None;
    let (tmi, _) = o
        .svc
        .receive_incoming(&l.ctx(&o.clerk), tmi)
        .expect("tuyệt mật");
    let ext = o
        .svc
        .request_provide(&l.ctx(&o.clerk), provide(true, true, tmi.id))
        .expect("foreign tuyệt mật");
    let scan = o
        .svc
        .add_attachment(
            &l.ctx(&o.head),
            tmi.id,
            "quyet-dinh.pdf",
            "application/pdf",
            1,
            "00",
            b"x",
        )
        .expect("attach");
    l.refused_rule(
        "external_decision_required",
        Act::ProvideForeign,
        Level::TuyetMat,
        || l.decide(&o.head, ext.id, on),
    );
    let dcs = o
        .svc
        .decide(
            &l.ctx(&o.head),
            DecideCmd {
                request_id: ext.id,
                approve: true,
                reason: None,
                external_ref: None,
                external: Some(ExternalDecision {
                    number: "15/TTg-NC".into(),
                    date: on,
                    signer: "Thủ tướng Chính phủ".into(),
                    attachment_id: scan.id,
                }),
                reference: None,
                date: Some(on),
            },
        )
        .expect("outside decision");
    l.decided(&dcs, Act::ProvideForeign, Level::TuyetMat);
    l.cites_rule(
        tmi.id,
        "request-approved",
        Act::ProvideForeign,
        Level::TuyetMat,
    );

    // Destroy: a council is required; an emergency only by the holder; request, decision,
    // destruction.
    let x = l.classified();
    l.refused_key("council_required", Cite::DestroyCouncil, || {
        o.svc
            .request_destroy(&l.ctx(&o.clerk), l.destroy_cmd(x, false, false))
    });
    l.refused_key("emergency_not_holder", Cite::DestroyEmergency, || {
        o.svc
            .request_destroy(&l.ctx(&o.clerk), l.destroy_cmd(x, false, true))
    });
    let dr = o
        .svc
        .request_destroy(&l.ctx(&o.clerk), l.destroy_cmd(x, true, false))
        .expect("destroy request");
    l.cites_key(x, "destroy-requested", Cite::Destroy);
    let dcs = l.decide(&o.head, dr.id, on).expect("decide destroy");
    l.decided(&dcs, Act::Destroy, Level::Mat);
    o.svc
        .record_destruction(
            &l.ctx(&o.clerk),
            CompleteCmd {
                request_id: dr.id,
                report: None,
                minutes_ref: Some("BB 2".into()),
                performers: vec!["Văn thư".into()],
                date: Some(on),
            },
        )
        .expect("destroyed");
    l.cites_key(x, "destroyed", Cite::Destroy);

    // Extend: too long and too late refused (the extension rule); an extension cites the
    // rule of the decision and owes notices under the extension rule.
    let e = l.classified();
    let ext_cmd = |item, years| ExtendCmd {
        item_id: item,
        years,
        decision_ref: Some("20/QĐ".into()),
        originator_notice: None,
        date: Some(on),
    };
    let x = &l.r.extension;
    l.refused("extension_too_long", &x.basis, x.confirmed, || {
        o.svc.extend(&l.ctx(&o.head), ext_cmd(e, 99))
    });
    o.svc
        .extend(&l.ctx(&o.head), ext_cmd(e, 1))
        .expect("extend");
    l.cites_rule(e, "extended", Act::Extend, Level::Mat);
    let notices = |item: Id| o.svc.item_detail(&l.ctx(&o.head), item).unwrap().notices;
    for n in notices(e) {
        assert_eq!(
            (n.basis.as_str(), n.confirmed),
            (x.basis.as_str(), x.confirmed)
        );
    }
    let mut soon = l.propose(&o.drafter, Level::Mat, Some(o.cat_mat), on);
    soon.carrier = Carrier::Activity;
    soon.shorter_expiry = Some(on + Duration::days(30));
    let soon = o.svc.propose(&l.ctx(&o.drafter), soon).expect("activity");
    l.classify(soon.id, on);
    l.refused("extension_too_late", &x.basis, x.confirmed, || {
        o.svc.extend(&l.ctx(&o.head), ext_cmd(soon.id, 1))
    });

    // Adjust: raise, then lower; notices under the notice rule.
    let adj = |item, level, cat| AdjustCmd {
        item_id: item,
        new_level: level,
        catalogue_item_id: Some(cat),
        field: None,
        decision_ref: Some("21/QĐ".into()),
        originator_notice: None,
        date: Some(on),
    };
    let j = l.classified();
    l.refused_key("level_mismatch_catalogue", Cite::ClassifyCatalogue, || {
        o.svc
            .adjust(&l.ctx(&o.head), adj(j, Level::ToiMat, o.cat_mat))
    });
    o.svc
        .adjust(&l.ctx(&o.head), adj(j, Level::ToiMat, o.cat_toi_mat))
        .expect("raise");
    l.cites_rule(j, "adjusted", Act::Adjust, Level::ToiMat);
    o.svc
        .adjust(&l.ctx(&o.head), adj(j, Level::Mat, o.cat_mat))
        .expect("lower");
    l.cites_rule(j, "adjusted", Act::Adjust, Level::ToiMat);
    let nr = &l.r.notices;
    let ns = notices(j);
    assert!(!ns.is_empty(), "{}: adjustment notices owed", l.b);
    for n in ns {
        assert_eq!(
            (n.basis.as_str(), n.confirmed),
            (nr.basis.as_str(), nr.confirmed)
        );
    }

    // Declassify: the council is required (the declassification rule); then declassified.
    let g = l.classified();
    let dec = |council: Vec<String>| DeclassifyCmd {
        item_id: g,
        council,
        council_decision_ref: Some("7/QĐ-HĐ".into()),
        council_minutes_ref: Some("BB 3".into()),
        partial: false,
        partial_scope: None,
        decision_ref: Some("22/QĐ".into()),
        originator_notice: None,
        date: Some(on),
    };
    l.refused_rule("council_required", Act::Declassify, Level::Mat, || {
        o.svc.declassify(&l.ctx(&o.head), dec(vec![]))
    });
    o.svc
        .declassify(&l.ctx(&o.head), dec(vec!["Giám đốc".into()]))
        .expect("declassify");
    l.cites_rule(g, "declassified", Act::Declassify, Level::Mat);

    // Catalogue removal: the items resting on the entry are declassified under the notice
    // rule of the removal's date.
    let system = o.system();
    let (cat, _) = o
        .svc
        .create_catalogue(
            &system,
            NewCatalogue {
                decision_ref: format!("{}/QĐ-TTg", on.day()),
                decision_date: d("01/01/2021"),
                title: "Danh mục riêng".into(),
                field: "kinh-te".into(),
                effective_from: d("01/01/2021"),
                items: vec![NewCatalogueItem {
                    level: Level::Mat,
                    number: format!("M-{}", on.ordinal()),
                    text: "mục riêng".into(),
                }],
                replaces: None,
                carry_over: vec![],
            },
        )
        .expect("catalogue");
    let (_, entries) = o.svc.catalogues(&system).unwrap();
    let entry = entries
        .iter()
        .find(|e| e.catalogue_id == cat.id)
        .expect("entry")
        .id;
    let k = o
        .svc
        .propose(
            &l.ctx(&o.drafter),
            l.propose(&o.drafter, Level::Mat, Some(entry), on),
        )
        .unwrap();
    l.classify(k.id, on);
    let ids = o
        .svc
        .remove_catalogue_item(
            &l.ctx(&o.head),
            RemoveCatalogueItemCmd {
                catalogue_item_id: entry,
                decision_ref: "30/QĐ-TTg".into(),
                decision_date: on,
                date: Some(on),
            },
        )
        .expect("removed");
    assert_eq!(ids, vec![k.id]);
    let ev = l.event(k.id, "declassified-catalogue");
    assert_eq!(ev.regime, l.r.code);
    assert!(ev.basis.starts_with(&l.r.notices.basis), "{}", ev.basis);
    assert_eq!(ev.confirmed, l.r.notices.confirmed);
    l.not_older(&ev.basis);

    // The automatic run: an activity whose shorter period ended the day before is
    // declassified on the act's date, under that date's rules.
    let start = on - Duration::days(30);
    let mut act = l.propose(&o.drafter, Level::Mat, Some(o.cat_mat), start);
    act.carrier = Carrier::Activity;
    act.shorter_expiry = Some(on - Duration::days(1));
    let act = o.svc.propose(&l.ctx(&o.drafter), act).unwrap();
    l.classify(act.id, start);
    let (period, declassified_before) = declassified_in_report(l);
    let run = o.svc.run_automatic(at(on), on).expect("run");
    assert!(run.expired.contains(&act.id), "{}", l.b);
    // The annual report counts under "Giải mật" each item the run declassified on a day of
    // its period (Law Điều 22.2.a; an item that expired long before is declassified on the
    // day after its expiry, maybe in an earlier period).
    let in_period = run
        .expired
        .iter()
        .filter(|&&id| period.contains(l.event(id, "declassified-expired").on))
        .count() as u64;
    assert!(in_period >= 1, "{}", l.b);
    assert_eq!(
        declassified_in_report(l).1,
        declassified_before + in_period,
        "{}",
        l.b
    );
    let ev = l.event(act.id, "declassified-expired");
    assert_eq!((ev.on, ev.regime.as_str()), (on, l.r.code.as_str()));
    assert!(ev.basis.starts_with(&l.r.periods.basis), "{}", ev.basis);
    assert_eq!(ev.confirmed, l.r.periods.confirmed);
    l.not_older(&ev.basis);
}

#[test]
fn every_act_cites_the_rules_of_its_date_in_each_regime_and_period() {
    for b in backends() {
        let o = org(&b.url);
        // A deputy (cấp phó) of the head, for delegated decisions.
        let admin = Ctx {
            user_id: o.admin.id,
            now: now(),
            today: d("25/11/2026"),
        };
        let unit = o.head.unit_id;
        let pos = o
            .svc
            .create_position(
                &admin,
                NewPosition {
                    title: "Phó Giám đốc".into(),
                    kind: "so-ban-nganh-tinh".into(),
                    rank: Rank::Deputy,
                    heads_agency: false,
                    unit_id: unit,
                },
            )
            .expect("position");
        let deputy = o
            .svc
            .create_user(
                &o.system(),
                NewUser {
                    username: "phogiamdoc".into(),
                    full_name: "phogiamdoc".into(),
                    roles: vec![Role::Leader],
                    clearance: Some(Level::ToiMat),
                    position_id: Some(pos.id),
                    unit_id: unit,
                    password_hash: "x".into(),
                },
            )
            .expect("deputy");
        let mut seen = Vec::new();
        for date in DATES {
            let on = d(date);
            let r = o.svc.rules.regime_for(on).expect("regime");
            seen.push((r.code.clone(), r.cite(Cite::Copy).clone()));
            acts_on(&Law {
                o: &o,
                r,
                on,
                b: b.name,
                deputy: &deputy,
            });
        }
        // The three periods are told apart: regime A, regime A as amended by Decree 184/2025
        // (its Decree 26/2020 citations name the amendment and are unconfirmed), regime B.
        let a = o.svc.rules.regime("A").unwrap();
        let m = a
            .amendments
            .iter()
            .find(|m| m.amends.is_some())
            .expect("the amendment of regime A");
        assert_eq!(seen[0].0, "A");
        assert_eq!(seen[1].0, "A");
        assert_eq!(seen[2].0, "B");
        assert_eq!(seen[0].1, *a.cite(Cite::Copy));
        assert!(seen[0].1.basis.contains(m.amends.as_deref().unwrap()));
        assert!(seen[1].1.basis.contains(m.cite_as.as_deref().unwrap()));
        assert!(!seen[1].1.confirmed, "the amended period is unconfirmed");
        assert_ne!(seen[1].1, seen[2].1);
    }
}

/// Issue 12: "A Tuyệt mật classification under a catalogue entry of organisation and
/// personnel, dated after 17/11/2025, is accepted; the same in the economic field under regime
/// A before it is refused."
#[test]
fn tuyet_mat_under_an_organisation_and_personnel_entry_after_17_11_2025_is_accepted_and_the_same_in_the_economic_field_before_it_is_refused()
 {
    for b in backends() {
        let o = org(&b.url);
        let system = o.system();
        let entry = |field: &str, number: &str, from: &str| {
            let (cat, _) = o
                .svc
                .create_catalogue(
                    &system,
                    NewCatalogue {
                        decision_ref: format!("{number}/QĐ-TTg"),
                        decision_date: d(from),
                        title: format!("Danh mục {field}"),
                        field: field.into(),
                        effective_from: d(from),
                        items: vec![NewCatalogueItem {
                            level: Level::TuyetMat,
                            number: format!("TM-{number}"),
                            text: "mục tuyệt mật".into(),
                        }],
                        replaces: None,
                        carry_over: vec![],
                    },
                )
                .expect("catalogue");
            let (_, all) = o.svc.catalogues(&system).unwrap();
            all.iter().find(|e| e.catalogue_id == cat.id).unwrap().id
        };
        let personnel = entry("to-chuc-can-bo", "2500", "17/11/2025");
        let economic = entry("kinh-te", "99", "01/01/2021");
        let cmd = |field: &str, cat: Id, level: Level, date: &str| ProposeCmd {
            carrier: Carrier::Document,
            electronic: false,
            doc_type: "Đề án".into(),
            summary: None,
            summary_consent_ref: None,
            level,
            field: Some(field.into()),
            catalogue_item_id: Some(cat),
            recipients: vec!["Ban Tổ chức".into()],
            copies_issued: 1,
            copy_allowed: false,
            circulation: String::new(),
            unit_id: None,
            location: String::new(),
            shorter_expiry: None,
            date: Some(d(date)),
        };
        let classify = |item: Id, level: Option<Level>, cat: Option<Id>, date: &str| {
            o.svc.decide_classification(
                &o.ctx(&o.head),
                DecideClassificationCmd {
                    item_id: item,
                    approve: true,
                    level,
                    copy_allowed: None,
                    circulation: None,
                    catalogue_item_id: cat,
                    decision_ref: Some("1/QĐ".into()),
                    reason: None,
                    date: Some(d(date)),
                },
            )
        };
        // After 17/11/2025 (still regime A): accepted, proposal and classification.
        let p = o
            .svc
            .propose(
                &o.ctx(&o.head),
                cmd("to-chuc-can-bo", personnel, Level::TuyetMat, "20/11/2025"),
            )
            .expect("proposal accepted");
        let c = classify(p.id, None, None, "20/11/2025").expect("classification accepted");
        assert_eq!(
            (c.level, c.status, c.regime.as_str()),
            (Level::TuyetMat, Status::Classified, "A")
        );
        // The same in the economic field under regime A before 17/11/2025: refused, at the
        // proposal and at the classification decision, citing the field rule of that date.
        let a = o.svc.rules.regime_for(d("10/06/2025")).unwrap();
        assert_eq!(a.code, "A");
        let cite = a.cite(Cite::TuyetMatField);
        let audit = o.svc.store.read(|tx| tx.audit_tail(1)).unwrap()[0].seq;
        let e = o
            .svc
            .propose(
                &o.ctx(&o.head),
                cmd("kinh-te", economic, Level::TuyetMat, "10/06/2025"),
            )
            .unwrap_err();
        let CoreError::Refused(r) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(r.code, "tuyet_mat_field", "{}", b.name);
        assert_eq!(r.basis.as_deref(), Some(cite.basis.as_str()));
        assert_eq!(
            o.svc.store.read(|tx| tx.audit_tail(1)).unwrap()[0].seq,
            audit
        );
        let p = o
            .svc
            .propose(
                &o.ctx(&o.head),
                cmd("kinh-te", o.cat_toi_mat, Level::ToiMat, "10/06/2025"),
            )
            .expect("a Tối mật proposal");
        let audit = o.svc.store.read(|tx| tx.audit_tail(1)).unwrap()[0].seq;
        let e = classify(p.id, Some(Level::TuyetMat), Some(economic), "10/06/2025").unwrap_err();
        assert_eq!(e.code(), "tuyet_mat_field", "{}", b.name);
        assert_eq!(
            o.svc.store.read(|tx| tx.audit_tail(1)).unwrap()[0].seq,
            audit
        );
        let still = o.svc.item_detail(&o.ctx(&o.head), p.id).unwrap().item;
        assert_eq!(
            (still.level, still.status),
            (Level::ToiMat, Status::Proposed)
        );
    }
}
