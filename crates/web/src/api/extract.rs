//! Extractors of the JSON API: the bearer token, path ids, query strings and JSON bodies.
//!
//! axum's own rejections answer in English plain text; these answer in the API's error shape
//! (`{"error": {"code": "invalid_input", "message": "<Vietnamese>", "field": ...}}`), so no
//! client ever sees a framework message. Input hygiene that protects the stores lives here
//! too: no NUL character in any string (PostgreSQL text cannot hold one), every date field
//! of a body within 1900–2199 (date arithmetic beyond that range is meaningless for the law),
//! and no key twice in one object. The text rules (characters, lengths, NFC) are the
//! services' (`bmnn_core::validate`); bodies above `max_body_bytes` are answered 413 before.

use crate::{AppState, WebError, ctx_for};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bmnn_core::CoreError;
use bmnn_core::model::{Id, User};
use bmnn_core::ports::Store;
use bmnn_core::service::Ctx;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Builds an error response in the API's shape.
pub fn error_response(
    status: StatusCode,
    code: &str,
    message: &str,
    field: Option<&str>,
) -> Response {
    let body = crate::error::ErrorBody::new(code, message, field);
    (status, axum::Json(body)).into_response()
}

/// A 400 `invalid_input` for `field`.
pub fn invalid(field: &str, message: impl Into<String>) -> WebError {
    WebError(CoreError::invalid(field, message))
}

/// The authenticated caller (from `Authorization: Bearer <token>`) and the context of its act.
/// A route restricted to roles authenticates at its door (`access::api_gate`) and leaves the
/// result in the request's extensions, so the token is looked up once.
#[derive(Clone)]
pub struct Authed {
    pub user: User,
    pub ctx: Ctx,
}

impl<S: Store> FromRequestParts<AppState<S>> for Authed {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState<S>,
    ) -> Result<Self, Self::Rejection> {
        if let Some(a) = parts.extensions.get::<Authed>() {
            return Ok(a.clone());
        }
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, rest) = v.trim().split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then(|| rest.trim().to_string())
            })
            .filter(|t| !t.is_empty() && t.len() <= 256)
            .ok_or(WebError(CoreError::Unauthenticated))?;
        let hash = crate::auth::token_hash(&token);
        let user = state
            .run(move |svc| svc.user_for_token(&hash, crate::now_utc()))
            .await?;
        let ctx = ctx_for(user.id);
        Ok(Authed { user, ctx })
    }
}

/// An object's id from the path (`/items/{id}`), given as its opaque token
/// ([`crate::pubid`]); anything else is an id no object has (answered 404 like a hidden one).
pub struct PathId(pub Id);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<crate::pubid::Pid>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(id)) => Ok(PathId(id.0)),
            Err(_) => Ok(PathId(crate::pubid::UNKNOWN)),
        }
    }
}

/// Several path parameters, deserialized into `T` (e.g. register kind and year).
pub struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(PathParams(v)),
            Err(_) => Err(invalid("path", "tham số trên đường dẫn không hợp lệ")),
        }
    }
}

/// A query string deserialized into `T`. An empty value (`level=`) is refused: leave the
/// parameter out instead.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or("");
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw)
            .map_err(|_| invalid("query", "chuỗi truy vấn không đúng định dạng"))?;
        let mut kept = Vec::new();
        for (k, v) in pairs {
            if v.contains('\0') || k.contains('\0') {
                return Err(invalid(&k, "không được chứa ký tự NUL"));
            }
            if v.trim().is_empty() {
                return Err(invalid(
                    &k,
                    "không được để trống (bỏ hẳn tham số nếu không lọc theo nó)",
                ));
            }
            // Ids travel as tokens ([`crate::pubid`]). A value without a token's form filters
            // by nothing that exists: answered 404 (the form is public, so this tells nothing
            // about which objects exist); a well-formed one filters by its id, whatever it is.
            let v = if crate::pubid::is_input_id_key(&k) {
                if !crate::pubid::Codec::well_formed(v.trim()) {
                    return Err(WebError(CoreError::NotFound("đối tượng")));
                }
                crate::pubid::decode(v.trim()).to_string()
            } else {
                v
            };
            kept.push((k, v));
        }
        let cleaned = serde_urlencoded::to_string(&kept)
            .map_err(|_| invalid("query", "chuỗi truy vấn không đúng định dạng"))?;
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(cleaned.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|e| {
                let field = path_field(e.path(), "query");
                invalid(&field, translate(&e.inner().to_string()))
            })
    }
}

/// A JSON object body, checked for hygiene but not yet typed: handlers put the path id in
/// (the path wins over the body) and then call [`Body::parse`].
pub struct Body(pub serde_json::Map<String, Value>);

/// Date fields of request bodies (checked to lie within 1900–2199).
const DATE_FIELDS: [&str; 11] = [
    "date",
    "doc_date",
    "expiry",
    "recall_due",
    "shorter_expiry",
    "valid_from",
    "valid_to",
    "from",
    "until",
    "decision_date",
    "effective_from",
];

impl Body {
    /// Sets `key` to the id from the path, whatever the body said.
    pub fn with_id(mut self, key: &str, id: Id) -> Body {
        self.0.insert(key.to_string(), json!(id));
        self
    }

    /// Deserializes the body into the command `T`, naming the offending field when it fails.
    /// A field the command does not know is refused rather than ignored: a misspelt optional
    /// field (`catalog_item_id`) must not silently drop a legal basis.
    pub fn parse<T: DeserializeOwned + Serialize>(self) -> Result<T, WebError> {
        let keys: Vec<String> = self.0.keys().cloned().collect();
        let v: T = serde_path_to_error::deserialize(Value::Object(self.0)).map_err(|e| {
            let field = path_field(e.path(), "body");
            invalid(&field, translate(&e.inner().to_string()))
        })?;
        if let Ok(Value::Object(known)) = serde_json::to_value(&v)
            && let Some(k) = keys.iter().find(|k| !known.contains_key(*k))
        {
            return Err(invalid(
                k,
                "trường này không có trong yêu cầu; hãy xem tài liệu API (/api/v1/openapi.json)",
            ));
        }
        Ok(v)
    }
}

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim().to_ascii_lowercase();
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            });
        let bytes = match Bytes::from_request(req, state).await {
            Ok(b) => b,
            Err(rej) if crate::body_deadline::is_timeout(&rej) => {
                return Err(error_response(
                    StatusCode::REQUEST_TIMEOUT,
                    "timeout",
                    crate::body_deadline::MESSAGE,
                    Some("body"),
                ));
            }
            Err(rej) => {
                let status = rej.status();
                let msg = if status == StatusCode::PAYLOAD_TOO_LARGE {
                    "Nội dung yêu cầu quá lớn."
                } else {
                    "Không đọc được nội dung yêu cầu."
                };
                let status = if status.is_client_error() {
                    status
                } else {
                    StatusCode::BAD_REQUEST
                };
                return Err(error_response(status, "invalid_input", msg, Some("body")));
            }
        };
        // An empty body is an empty object: acts whose fields are all optional need none.
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Ok(Body(serde_json::Map::new()));
        }
        if !is_json {
            return Err(error_response(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "invalid_input",
                "Nội dung yêu cầu phải là JSON (Content-Type: application/json).",
                Some("body"),
            ));
        }
        let value: Value = match serde_json::from_slice::<Strict>(&bytes) {
            Ok(Strict(v)) => v,
            // The only data error of `Strict` is a key given twice.
            Err(e) if e.is_data() => {
                let msg = e.to_string();
                let key = msg
                    .split_once('«')
                    .and_then(|(_, r)| r.split_once('»'))
                    .map_or("body", |(k, _)| k);
                return Err(invalid(
                    key,
                    format!(
                        "trường «{key}» xuất hiện hai lần trong nội dung JSON (dòng {}, cột {}); mỗi trường chỉ được ghi một lần",
                        e.line(),
                        e.column()
                    ),
                )
                .into_response());
            }
            Err(e) => {
                return Err(WebError(CoreError::invalid(
                    "body",
                    format!(
                        "JSON không đúng cú pháp (dòng {}, cột {})",
                        e.line(),
                        e.column()
                    ),
                ))
                .into_response());
            }
        };
        let Value::Object(map) = value else {
            return Err(invalid("body", "nội dung phải là một đối tượng JSON {…}").into_response());
        };
        let mut map: serde_json::Map<String, Value> = map
            .into_iter()
            .map(|(k, v)| (k, integral_floats(v)))
            .collect();
        // Ids travel as tokens ([`crate::pubid`]); the path's id is put in afterwards.
        let mut whole = Value::Object(std::mem::take(&mut map));
        if let Some(k) = crate::pubid::misplaced_type(&whole) {
            return Err(invalid(
                &k,
                "phải là mã định danh dạng chuỗi 13 ký tự như API trả về, không phải số",
            )
            .into_response());
        }
        if crate::pubid::malformed(&whole).is_some() {
            return Err(WebError(CoreError::NotFound("đối tượng")).into_response());
        }
        crate::pubid::decode_json(&mut whole);
        let Value::Object(map) = whole else {
            unreachable!("still an object")
        };
        if let Some(f) = find_nul(&map) {
            return Err(invalid(&f, "không được chứa ký tự NUL").into_response());
        }
        for f in DATE_FIELDS {
            if let Some(Value::String(s)) = map.get(f)
                && let Some(d) = bmnn_core::dates::parse_date(s)
                && !(1900..=2199).contains(&d.year())
            {
                return Err(invalid(f, "ngày phải nằm trong khoảng năm 1900–2199").into_response());
            }
        }
        Ok(Body(map))
    }
}

/// A JSON value that refuses a key given twice in one object (at any depth). serde_json keeps
/// the last of two equal keys, so `{"level": "mat", "level": "tuyet-mat"}` would mean one thing
/// to a proxy or an audit reader that keeps the first and another to bmnn.
struct Strict(Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(json!(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(json!(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut v = Vec::new();
        while let Some(Strict(x)) = seq.next_element()? {
            v.push(x);
        }
        Ok(Value::Array(v))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut m = serde_json::Map::new();
        while let Some(k) = map.next_key::<String>()? {
            if m.contains_key(&k) {
                return Err(serde::de::Error::custom(format!("«{k}»")));
            }
            let Strict(v) = map.next_value()?;
            m.insert(k, v);
        }
        Ok(Value::Object(m))
    }
}

/// `1.0` is an integer to JSON Schema: turn integral floats into integers so that typed
/// fields accept them.
fn integral_floats(v: Value) -> Value {
    match v {
        Value::Number(n) if n.is_f64() => match n.as_f64() {
            Some(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 => json!(f as i64),
            _ => Value::Number(n),
        },
        Value::Array(a) => Value::Array(a.into_iter().map(integral_floats).collect()),
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, x)| (k, integral_floats(x)))
                .collect(),
        ),
        other => other,
    }
}

/// The first field (dotted path) whose string contains a NUL character.
fn find_nul(map: &serde_json::Map<String, Value>) -> Option<String> {
    fn walk(v: &Value, path: &str) -> Option<String> {
        match v {
            Value::String(s) if s.contains('\0') => Some(path.to_string()),
            Value::Array(a) => a.iter().find_map(|x| walk(x, path)),
            Value::Object(o) => o.iter().find_map(|(k, x)| {
                if k.contains('\0') {
                    return Some(path.to_string());
                }
                walk(
                    x,
                    &if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    },
                )
            }),
            _ => None,
        }
    }
    walk(&Value::Object(map.clone()), "")
}

fn path_field(p: &serde_path_to_error::Path, default: &str) -> String {
    let s = p.to_string();
    if s.is_empty() || s == "." {
        default.to_string()
    } else {
        s
    }
}

/// Turns serde's English messages into Vietnamese ones; core's own messages pass unchanged.
pub fn translate(msg: &str) -> String {
    let cut = |s: &str| s.split(" at line ").next().unwrap_or(s).to_string();
    let msg = cut(msg);
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let f = rest.trim_end_matches('`');
        return format!("thiếu trường bắt buộc «{f}»");
    }
    if let Some(rest) = msg.strip_prefix("unknown variant `") {
        let (v, allowed) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed = allowed
            .trim_start_matches(", expected one of ")
            .trim_start_matches(", expected ")
            .replace('`', "");
        return format!("giá trị «{v}» không hợp lệ; giá trị cho phép: {allowed}");
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let expected = rest.split(", expected ").nth(1).unwrap_or("");
        return format!("sai kiểu dữ liệu (cần {})", expected_vi(expected));
    }
    if msg.starts_with("invalid value: ") || msg.starts_with("invalid length") {
        let expected = msg.split(", expected ").nth(1).unwrap_or("");
        return format!("giá trị không hợp lệ (cần {})", expected_vi(expected));
    }
    if msg.starts_with("invalid digit")
        || msg.starts_with("cannot parse integer")
        || msg.contains("number too large")
        || msg.contains("number too small")
    {
        return "phải là số nguyên hợp lệ".into();
    }
    if msg.starts_with("provided string was not `true` or `false`") {
        return "phải là true hoặc false".into();
    }
    if msg.starts_with("duplicate field `") {
        return "một trường xuất hiện hai lần".into();
    }
    // Core's serde adapters (dates) already speak Vietnamese.
    if !msg.is_ascii() {
        return msg;
    }
    "giá trị không hợp lệ".into()
}

fn expected_vi(e: &str) -> String {
    let e = e.trim();
    if e.starts_with("i64")
        || e.starts_with("i32")
        || e.starts_with("u32")
        || e.starts_with("u64")
        || e.contains("integer")
    {
        "số nguyên".into()
    } else if e.starts_with("a boolean") || e == "bool" {
        "true hoặc false".into()
    } else if e.starts_with("a string") {
        "chuỗi ký tự".into()
    } else if e.starts_with("a sequence") {
        "danh sách".into()
    } else if e.starts_with("struct") || e.starts_with("a map") {
        "đối tượng".into()
    } else if e.contains("variant") || e.starts_with("enum") {
        "một giá trị trong danh sách cho phép".into()
    } else {
        "giá trị đúng kiểu".into()
    }
}

#[cfg(test)]
mod tests {
    use super::translate;

    #[test]
    fn serde_messages_become_vietnamese() {
        assert_eq!(
            translate("missing field `item_id` at line 1 column 2"),
            "thiếu trường bắt buộc «item_id»"
        );
        assert!(
            translate("unknown variant `x`, expected one of `mat`, `toi-mat`")
                .contains("mat, toi-mat")
        );
        assert_eq!(
            translate("invalid type: string \"a\", expected i64"),
            "sai kiểu dữ liệu (cần số nguyên)"
        );
        assert_eq!(
            translate("ngày không hợp lệ: 31/02/2026"),
            "ngày không hợp lệ: 31/02/2026"
        );
        assert_eq!(translate("something else"), "giá trị không hợp lệ");
    }
}
