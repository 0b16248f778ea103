//! One definition per act (định nghĩa thao tác): for each [`ActKind`], its command type, what
//! it answers, how the JSON API reaches it and the service call it makes.
//!
//! The command's derived JSON Schema (schemars) is the API's request body; the web layer
//! registers every act's route by iterating [`ActKind::ALL`] and [`ActKind::visit`] (one generic
//! handler), so a new act is a variant of [`ActKind`], its marker type here with its
//! [`ActDef`] impl, and its service method: [`ActKind::visit`] is an exhaustive match, so the
//! compiler names a variant without a definition.

use super::*;
use crate::access;
use crate::acts::ActKind;
use crate::model::{Notice, Request, Role, SecretItem};
use crate::registers::RegisterEntry;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use time::Date;

/// How the JSON API reaches an act.
#[derive(Debug, Clone, Copy)]
pub struct ActApi {
    /// Path under `/api/v1` (`{id}`: the id of the object acted on).
    pub path: &'static str,
    /// The command's field the path's `{id}` fills (it wins over the body).
    pub path_id: Option<&'static str>,
    /// The act creates something: `201 Created`.
    pub creates: bool,
    /// Who may call it at all (the route's door answers 403 before reading the body); the
    /// service checks again, with the rest of the law. `None`: anyone signed in.
    pub roles: Option<&'static [Role]>,
    /// The group of the API document the act is listed under.
    pub tag: &'static str,
}

/// An act's definition.
pub trait ActDef: 'static {
    const KIND: ActKind;
    /// The command: its derived schema is the API's request body.
    type Cmd: DeserializeOwned + Serialize + schemars::JsonSchema + Send + 'static;
    /// What the act answers.
    type Out: Serialize + schemars::JsonSchema + Send + 'static;
    fn api() -> ActApi;
    /// The service call.
    fn run<S: Store>(svc: &Service<S>, ctx: &Ctx, c: Self::Cmd) -> Result<Self::Out>;
}

/// What is done with each act's definition ([`ActKind::visit`]).
pub trait ActVisitor {
    type Out;
    fn visit<A: ActDef>(&mut self) -> Self::Out;
}

impl ActKind {
    /// Calls `v` with this act's definition: the one exhaustive list of definitions.
    pub fn visit<V: ActVisitor>(self, v: &mut V) -> V::Out {
        match self {
            ActKind::Propose => v.visit::<Propose>(),
            ActKind::DecideClassification => v.visit::<DecideClassification>(),
            ActKind::RegisterOutgoing => v.visit::<RegisterOutgoing>(),
            ActKind::ReceiveIncoming => v.visit::<ReceiveIncoming>(),
            ActKind::HandOver => v.visit::<HandOver>(),
            ActKind::Acknowledge => v.visit::<Acknowledge>(),
            ActKind::RecallReturn => v.visit::<RecallReturn>(),
            ActKind::CancelEntry => v.visit::<CancelEntry>(),
            ActKind::RequestCopy => v.visit::<RequestCopy>(),
            ActKind::RequestTakeOut => v.visit::<RequestTakeOut>(),
            ActKind::RequestProvide => v.visit::<RequestProvide>(),
            ActKind::RequestDestroy => v.visit::<RequestDestroy>(),
            ActKind::Decide => v.visit::<Decide>(),
            ActKind::ProduceCopies => v.visit::<ProduceCopies>(),
            ActKind::TakeOutReturn => v.visit::<TakeOutReturn>(),
            ActKind::CompleteProvision => v.visit::<CompleteProvision>(),
            ActKind::RecordDestruction => v.visit::<RecordDestruction>(),
            ActKind::Extend => v.visit::<Extend>(),
            ActKind::Adjust => v.visit::<Adjust>(),
            ActKind::Declassify => v.visit::<Declassify>(),
            ActKind::NoticeDone => v.visit::<NoticeDone>(),
        }
    }
}

/// An item and the register entry the act wrote (sổ đi, sổ đến).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ItemAndEntry {
    pub item: SecretItem,
    pub entry: RegisterEntry,
}

/// A request and the register entry the act wrote (sổ sao, chụp; sổ chuyển giao).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RequestAndEntry {
    pub request: Request,
    pub entry: RegisterEntry,
}

/// A destruction recorded: the request and each item destroyed (biên bản).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DestructionRecorded {
    pub request: Request,
    pub destroyed: Vec<DestroyedLine>,
}

/// Ghi nhận trả tài liệu thu hồi.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RecallReturnCmd {
    pub item_id: Id,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

/// Hủy bỏ mục sổ ghi nhầm (the entry stays, marked cancelled with the reason).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CancelEntryCmd {
    pub entry_id: Id,
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub reason: String,
}

/// Ghi nhận trả tài liệu mang ra ngoài, with the report to the person who allowed it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TakeOutReturnCmd {
    pub request_id: Id,
    /// Báo cáo việc quản lý, sử dụng.
    #[serde(default)]
    pub report: Option<String>,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

/// Hoàn tất cung cấp, chuyển giao.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProvisionCmd {
    pub request_id: Id,
    /// Biên bản giao nhận.
    #[serde(default)]
    pub minutes_ref: Option<String>,
    #[serde(default)]
    pub report: Option<String>,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

/// Ghi nhận tiêu hủy (biên bản, người thực hiện).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DestructionCmd {
    pub request_id: Id,
    /// Biên bản tiêu hủy.
    #[serde(default)]
    pub minutes_ref: Option<String>,
    #[serde(default)]
    pub performers: Vec<String>,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

impl From<TakeOutReturnCmd> for CompleteCmd {
    fn from(c: TakeOutReturnCmd) -> CompleteCmd {
        CompleteCmd {
            request_id: c.request_id,
            report: c.report,
            minutes_ref: None,
            performers: Vec::new(),
            date: c.date,
        }
    }
}

impl From<ProvisionCmd> for CompleteCmd {
    fn from(c: ProvisionCmd) -> CompleteCmd {
        CompleteCmd {
            request_id: c.request_id,
            report: c.report,
            minutes_ref: c.minutes_ref,
            performers: Vec::new(),
            date: c.date,
        }
    }
}

impl From<DestructionCmd> for CompleteCmd {
    fn from(c: DestructionCmd) -> CompleteCmd {
        CompleteCmd {
            request_id: c.request_id,
            report: None,
            minutes_ref: c.minutes_ref,
            performers: c.performers,
            date: c.date,
        }
    }
}

const ITEMS: &str = "Tài liệu";
const BOOKS: &str = "Sổ";
const REQUESTS: &str = "Yêu cầu";
const PERIODS: &str = "Thời hạn";

const fn api(
    path: &'static str,
    path_id: Option<&'static str>,
    creates: bool,
    roles: Option<&'static [Role]>,
    tag: &'static str,
) -> ActApi {
    ActApi {
        path,
        path_id,
        creates,
        roles,
        tag,
    }
}

macro_rules! act {
    ($marker:ident, $kind:ident, $cmd:ty => $out:ty, $api:expr, |$svc:ident, $ctx:ident, $c:ident| $run:expr) => {
        #[doc = concat!("[`ActKind::", stringify!($kind), "`].")]
        pub struct $marker;
        impl ActDef for $marker {
            const KIND: ActKind = ActKind::$kind;
            type Cmd = $cmd;
            type Out = $out;
            fn api() -> ActApi {
                $api
            }
            fn run<S: Store>($svc: &Service<S>, $ctx: &Ctx, $c: $cmd) -> Result<$out> {
                $run
            }
        }
    };
}

act!(Propose, Propose, ProposeCmd => SecretItem,
    api("/items", None, true, Some(access::PROPOSERS), ITEMS),
    |svc, ctx, c| svc.propose(ctx, c));
act!(DecideClassification, DecideClassification, DecideClassificationCmd => SecretItem,
    api("/items/{id}/classification", Some("item_id"), false, None, ITEMS),
    |svc, ctx, c| svc.decide_classification(ctx, c));
act!(RegisterOutgoing, RegisterOutgoing, RegisterOutgoingCmd => ItemAndEntry,
    api("/items/{id}/outgoing", Some("item_id"), true, Some(access::CLERK), BOOKS),
    |svc, ctx, c| svc.register_outgoing(ctx, c).map(|(item, entry)| ItemAndEntry { item, entry }));
act!(ReceiveIncoming, ReceiveIncoming, ReceiveIncomingCmd => ItemAndEntry,
    api("/incoming", None, true, Some(access::CLERK), BOOKS),
    |svc, ctx, c| svc.receive_incoming(ctx, c).map(|(item, entry)| ItemAndEntry { item, entry }));
act!(HandOver, HandOver, HandOverCmd => RegisterEntry,
    api("/items/{id}/handovers", Some("item_id"), true, Some(access::CLERK), BOOKS),
    |svc, ctx, c| svc.hand_over(ctx, c));
act!(Acknowledge, Acknowledge, AcknowledgeCmd => RegisterEntry,
    api("/register-entries/{id}/ack", Some("entry_id"), false, None, BOOKS),
    |svc, ctx, c| svc.acknowledge(ctx, c));
act!(RecallReturn, RecallReturn, RecallReturnCmd => SecretItem,
    api("/items/{id}/recall-return", Some("item_id"), false, Some(access::CLERK), ITEMS),
    |svc, ctx, c| svc.record_recall_return(ctx, c.item_id, c.date));
act!(CancelEntry, CancelEntry, CancelEntryCmd => RegisterEntry,
    api("/register-entries/{id}/cancel", Some("entry_id"), false, Some(access::CLERK), BOOKS),
    |svc, ctx, c| svc.cancel_entry(ctx, c.entry_id, &c.reason));
act!(RequestCopy, RequestCopy, CopyRequestCmd => Request,
    api("/requests/copy", None, true, None, REQUESTS),
    |svc, ctx, c| svc.request_copy(ctx, c));
act!(RequestTakeOut, RequestTakeOut, TakeOutCmd => Request,
    api("/requests/take-out", None, true, None, REQUESTS),
    |svc, ctx, c| svc.request_take_out(ctx, c));
act!(RequestProvide, RequestProvide, ProvideCmd => Request,
    api("/requests/provide", None, true, None, REQUESTS),
    |svc, ctx, c| svc.request_provide(ctx, c));
act!(RequestDestroy, RequestDestroy, DestroyCmd => Request,
    api("/requests/destroy", None, true, Some(access::DESTRUCTION_PROPOSERS), REQUESTS),
    |svc, ctx, c| svc.request_destroy(ctx, c));
act!(Decide, Decide, DecideCmd => Request,
    api("/requests/{id}/decision", Some("request_id"), false, None, REQUESTS),
    |svc, ctx, c| svc.decide(ctx, c));
act!(ProduceCopies, ProduceCopies, ProduceCopiesCmd => RequestAndEntry,
    api("/requests/{id}/copies", Some("request_id"), true, Some(access::CLERK), REQUESTS),
    |svc, ctx, c| svc.produce_copies(ctx, c).map(|(request, entry)| RequestAndEntry { request, entry }));
act!(TakeOutReturn, TakeOutReturn, TakeOutReturnCmd => Request,
    api("/requests/{id}/return", Some("request_id"), false, Some(access::CLERK), REQUESTS),
    |svc, ctx, c| svc.record_take_out_return(ctx, c.into()));
act!(CompleteProvision, CompleteProvision, ProvisionCmd => RequestAndEntry,
    api("/requests/{id}/provision", Some("request_id"), true, Some(access::CLERK), REQUESTS),
    |svc, ctx, c| svc.complete_provision(ctx, c.into()).map(|(request, entry)| RequestAndEntry { request, entry }));
act!(RecordDestruction, RecordDestruction, DestructionCmd => DestructionRecorded,
    api("/requests/{id}/destruction", Some("request_id"), false, Some(access::DESTRUCTION_RECORDERS), REQUESTS),
    |svc, ctx, c| svc.record_destruction(ctx, c.into()).map(|(request, destroyed)| DestructionRecorded { request, destroyed }));
act!(Extend, Extend, ExtendCmd => SecretItem,
    api("/items/{id}/extension", Some("item_id"), false, None, PERIODS),
    |svc, ctx, c| svc.extend(ctx, c));
act!(Adjust, Adjust, AdjustCmd => SecretItem,
    api("/items/{id}/adjustment", Some("item_id"), false, None, PERIODS),
    |svc, ctx, c| svc.adjust(ctx, c));
act!(Declassify, Declassify, DeclassifyCmd => SecretItem,
    api("/items/{id}/declassification", Some("item_id"), false, None, PERIODS),
    |svc, ctx, c| svc.declassify(ctx, c));
act!(NoticeDone, NoticeDone, NoticeDoneCmd => Notice,
    api("/notices/{id}/done", Some("notice_id"), false, Some(access::NOTICE_KEEPERS), PERIODS),
    |svc, ctx, c| svc.notice_done(ctx, c));

#[cfg(test)]
mod tests {
    use super::*;

    struct Seen(Vec<(ActKind, &'static str)>);
    impl ActVisitor for Seen {
        type Out = ();
        fn visit<A: ActDef>(&mut self) {
            self.0.push((A::KIND, A::api().path));
        }
    }

    /// Each act's definition is its own (the visit does not hand one act another's), and no
    /// two acts share a path.
    #[test]
    fn every_act_visits_its_own_definition() {
        let mut seen = Seen(Vec::new());
        for a in ActKind::ALL {
            a.visit(&mut seen);
        }
        let kinds: Vec<ActKind> = seen.0.iter().map(|(k, _)| *k).collect();
        assert_eq!(kinds, ActKind::ALL.to_vec());
        let mut paths: Vec<&str> = seen.0.iter().map(|(_, p)| *p).collect();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), ActKind::ALL.len());
    }
}
