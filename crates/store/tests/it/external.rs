//! A decision the law gives to someone outside the agency (the Prime Minister, for giving a
//! Tuyệt mật item to a foreign party) is recorded only by a person the agency names (a leader
//! or the security officer), with the decision's number, date, signer and scanned copy; the
//! record keeps the recorder and the decider apart.

use crate::helpers::*;
use bmnn_core::Level;
use bmnn_core::error::CoreError;
use bmnn_core::model::*;
use bmnn_core::ports::Store;
use bmnn_core::service::*;

fn decide(
    o: &Org,
    u: &User,
    request: Id,
    external: Option<ExternalDecision>,
) -> bmnn_core::error::Result<Request> {
    o.svc.decide(
        &o.ctx(u),
        DecideCmd {
            request_id: request,
            approve: true,
            reason: None,
            external_ref: Some("Văn bản bất kỳ".into()),
            external,
            reference: None,
            date: None,
        },
    )
}

#[test]
fn an_outside_decision_is_recorded_by_a_named_person_with_its_document() {
    for b in backends() {
        let o = org(&b.url);
        let item = o
            .svc
            .receive_incoming(
                &o.ctx(&o.clerk),
                ReceiveIncomingCmd {
                    summary: None,
                    ..incoming(Level::TuyetMat, "07/TTg-M", "20/11/2026")
                },
            )
            .expect("receive")
            .0
            .id;
        let req = o
            .svc
            .request_provide(
                &o.ctx(&o.clerk),
                ProvideCmd {
                    item_id: item,
                    foreign: true,
                    party: "Đại sứ quán nước X".into(),
                    representative: "Ông A".into(),
                    identity: "P123".into(),
                    purpose: "Hợp tác".into(),
                    commitment: true,
                    date: None,
                },
            )
            .expect("request")
            .id;
        let audit = o.svc.store.read(|tx| tx.audit_tail(1)).unwrap()[0].seq;
        // A clerk, who holds no post, may not record the Prime Minister's decision, whatever
        // reference he types.
        let e = decide(&o, &o.clerk, req, None).unwrap_err();
        assert!(matches!(e, CoreError::Forbidden(_)), "{}: {e:?}", b.name);
        // The head records it, but only with the decision's particulars and its scanned copy.
        let e = decide(&o, &o.head, req, None).unwrap_err();
        assert_eq!(e.code(), "external_decision_required", "{}", b.name);
        let doc = |attachment_id| ExternalDecision {
            number: "15/TTg-NC".into(),
            date: d("25/11/2026"),
            signer: "Thủ tướng Chính phủ".into(),
            attachment_id,
        };
        let e = decide(&o, &o.head, req, Some(doc(9999))).unwrap_err();
        assert_eq!(e.code(), "invalid_input", "{}: no such attachment", b.name);
        assert_eq!(
            o.svc.store.read(|tx| tx.audit_tail(1)).unwrap()[0].seq,
            audit,
            "{}: the refusals wrote nothing",
            b.name
        );
        let scan = o
            .svc
            .add_attachment(
                &o.ctx(&o.head),
                item,
                "van-ban-ttg.pdf",
                "application/pdf",
                3,
                "00",
                b"x",
            )
            .expect("attach");
        let r = decide(&o, &o.head, req, Some(doc(scan.id))).expect("recorded");
        let dcs = r.decision.expect("decision");
        assert_eq!(dcs.by, Some(o.head.id), "{}: the recorder", b.name);
        let x = dcs.external.expect("the outside decision");
        assert_eq!(x.signer, "Thủ tướng Chính phủ", "{}: the decider", b.name);
        assert_eq!(x.number, "15/TTg-NC");
        assert_eq!(dcs.external_ref.as_deref(), Some("15/TTg-NC"));
        assert_eq!(r.status, RequestStatus::Approved);
    }
}
