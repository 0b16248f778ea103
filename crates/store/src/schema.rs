//! One diesel schema for both backends (see `migrations/{sqlite,postgres}`).

diesel::table! { settings (key) { key -> Text, value -> Text, } }
diesel::table! {
    /// `pick`: the folded name, kept by the store (migration 000021).
    units (id) { id -> BigInt, data -> Text, pick -> Nullable<Text>, }
}
diesel::table! { positions (id) { id -> BigInt, data -> Text, } }
diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        data -> Text,
        password_hash -> Nullable<Text>,
        failed_logins -> Integer,
        locked_until -> Nullable<Text>,
        /// The folded picker label and who may be offered (migration 000021).
        pick -> Nullable<Text>,
        pick_rank -> SmallInt,
    }
}
diesel::table! {
    /// Each word of the folded picker labels (kind 1 = user, 2 = unit; migration 000021), with
    /// its owner's label and rank (`users.pick_rank`, 0 for units; migration 000025).
    pick_words (kind, word, id) {
        kind -> SmallInt,
        word -> Text,
        id -> BigInt,
        pick -> Text,
        rank -> SmallInt,
    }
}
diesel::table! { delegations (id) { id -> BigInt, grantee_id -> BigInt, data -> Text, } }
diesel::table! { catalogues (id) { id -> BigInt, data -> Text, } }
diesel::table! { catalogue_items (id) { id -> BigInt, catalogue_id -> BigInt, data -> Text, } }
diesel::table! {
    items (id) {
        id -> BigInt,
        level -> SmallInt,
        status -> Text,
        origin -> Text,
        unit_id -> Nullable<BigInt>,
        holder_id -> Nullable<BigInt>,
        drafter_id -> Nullable<BigInt>,
        catalogue_item_id -> Nullable<BigInt>,
        expiry -> Nullable<Text>,
        recall_pending -> Bool,
        search -> Text,
        data -> Text,
    }
}
diesel::table! { item_events (id) { id -> BigInt, item_id -> BigInt, data -> Text, } }
diesel::table! {
    requests (id) {
        id -> BigInt,
        kind -> Text,
        status -> Text,
        level -> SmallInt,
        requester_id -> BigInt,
        item_ids -> Text,
        data -> Text,
    }
}
diesel::table! {
    register_entries (id) {
        id -> BigInt,
        kind -> Text,
        year -> Integer,
        number -> BigInt,
        level -> SmallInt,
        item_id -> Nullable<BigInt>,
        to_user -> Nullable<BigInt>,
        pending_ack -> Bool,
        data -> Text,
    }
}
diesel::table! {
    /// Entries per book and level, kept by triggers (migration 000008).
    register_counts (kind, year, level) {
        kind -> Text,
        year -> Integer,
        level -> SmallInt,
        n -> BigInt,
    }
}
diesel::table! { notices (id) { id -> BigInt, item_id -> BigInt, level -> SmallInt, open -> Bool, data -> Text, } }
diesel::table! {
    audit_log (seq) {
        seq -> BigInt,
        at -> Text,
        actor -> Text,
        action -> Text,
        object -> Text,
        details -> Text,
        prev_hash -> Text,
        hash -> Text,
        mac -> Nullable<Text>,
    }
}
diesel::table! { audit_head (id) { id -> Integer, seq -> BigInt, hash -> Text, mac -> Nullable<Text>, } }
diesel::table! {
    /// Audited reads already recorded this hour (migration 000012).
    audit_read_marks (user_id, hour, object) { user_id -> BigInt, hour -> Text, object -> Text, }
}
diesel::table! {
    api_tokens (id) { id -> BigInt, user_id -> BigInt, name -> Text, token_hash -> Text, created_at -> Text, expires_at -> Nullable<Text>, last_used_at -> Nullable<Text>, revoked_at -> Nullable<Text>, }
}
diesel::table! { privilege_changes (id) { id -> BigInt, user_id -> BigInt, pending -> Bool, data -> Text, } }
diesel::table! { sessions (token_hash) { token_hash -> Text, user_id -> BigInt, data -> Text, } }
diesel::table! {
    attachments (id) { id -> BigInt, item_id -> BigInt, level -> SmallInt, meta -> Text, content -> Binary, }
}

diesel::table! {
    programme_records (id) { id -> BigInt, kind -> Text, date -> Text, unit_id -> Nullable<BigInt>, data -> Text, }
}

diesel::table! { item_texts (item_id) { item_id -> BigInt, content -> Binary, } }

diesel::allow_tables_to_appear_in_same_query!(users, units, pick_words);
diesel::allow_tables_to_appear_in_same_query!(
    items,
    item_events,
    requests,
    register_entries,
    notices,
    attachments
);
