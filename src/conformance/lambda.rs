//! Simulated Lambda functions for the conformance cases' `lambda:<behaviour>` needs
//! (`INDEX.json` → `lambda_behaviours`).
//!
//! Both ways of calling Lambda are answered:
//! * the legacy resource `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`:
//!   the task result is the function's return value; a function error fails the task
//!   with the error type as error name and the Python runtime's error document as cause
//!   (`{"errorMessage": …, "errorType": …, "requestId": …, "stackTrace": […]}`, Python
//!   `json.dumps` spacing);
//! * `arn:aws:states:::lambda:invoke` (parameters `FunctionName`, `Payload`, …): the
//!   result is the Lambda `Invoke` response as Step Functions returns it
//!   (`ExecutedVersion`, `Payload`, `SdkHttpMetadata`, `SdkResponseMetadata`,
//!   `StatusCode`); a function error fails the task with the error type and the error
//!   document as compact JSON; an unknown function fails with
//!   `Lambda.ResourceNotFoundException`.

use crate::host::{TaskHandler, TaskRequest, TaskResponse};
use crate::rng::Rng;
use crate::timestamp::Millis;
use serde_json::{json, Map, Value};

/// A behaviour of `INDEX.json` → `lambda_behaviours`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    Identity,
    EchoHello,
    RaiseException,
    RaiseCustomException,
    ReturnDecoratedInput,
    ReturnBytesStr,
    LargeOutputBytes,
    Sleep60sIdentity,
    /// The function does not exist (the test never created it).
    NotCreated,
}

impl Behaviour {
    pub const ALL: &'static [(&'static str, Behaviour)] = &[
        ("identity", Behaviour::Identity),
        ("echo_hello", Behaviour::EchoHello),
        ("raise_exception", Behaviour::RaiseException),
        ("raise_custom_exception", Behaviour::RaiseCustomException),
        ("return_decorated_input", Behaviour::ReturnDecoratedInput),
        ("return_bytes_str", Behaviour::ReturnBytesStr),
        ("large_output_bytes", Behaviour::LargeOutputBytes),
        ("sleep_60s_identity", Behaviour::Sleep60sIdentity),
        ("not-created", Behaviour::NotCreated),
    ];

    pub fn from_id(id: &str) -> Option<Behaviour> {
        Behaviour::ALL
            .iter()
            .find(|(n, _)| *n == id)
            .map(|(_, b)| *b)
    }
}

/// What a function invocation produced.
enum Invocation {
    Return(Value),
    /// A function error: error type and message; `line`/`code` make the stack trace.
    Error {
        error_type: &'static str,
        message: &'static str,
        line: u32,
        code: &'static str,
    },
    /// Answers after this many milliseconds.
    Slow(u64, Value),
}

fn run_behaviour(b: Behaviour, event: &Value) -> Option<Invocation> {
    Some(match b {
        Behaviour::Identity => Invocation::Return(event.clone()),
        Behaviour::EchoHello => Invocation::Return(json!({"Return": "HelloWorld"})),
        Behaviour::RaiseException => Invocation::Error {
            error_type: "Exception",
            message: "Some exception was raised.",
            line: 2,
            code: "raise Exception(\"Some exception was raised.\")",
        },
        Behaviour::RaiseCustomException => Invocation::Error {
            error_type: "CustomException",
            message: "",
            line: 9,
            code: "raise CustomException()",
        },
        Behaviour::ReturnDecoratedInput => {
            Invocation::Return(Value::String(format!("input-event-{}", python_str(event))))
        }
        Behaviour::ReturnBytesStr => Invocation::Return(Value::String("HelloWorld!".into())),
        Behaviour::LargeOutputBytes => Invocation::Return(Value::String("a".repeat(257 * 1024))),
        Behaviour::Sleep60sIdentity => Invocation::Slow(60_000, event.clone()),
        Behaviour::NotCreated => return None,
    })
}

/// One registered function.
#[derive(Debug, Clone)]
pub struct Function {
    pub name: String,
    pub arn: String,
    pub behaviour: Behaviour,
}

/// A `TaskHandler` simulating Lambda functions. Other resources are `Unhandled`.
#[derive(Debug)]
pub struct LambdaSim {
    functions: Vec<Function>,
    region: String,
    account: String,
    rng: Rng,
    /// For the `Date` header.
    now: Millis,
}

impl LambdaSim {
    pub fn new(region: &str, account: &str, now: Millis, seed: u64) -> LambdaSim {
        LambdaSim {
            functions: Vec::new(),
            region: region.into(),
            account: account.into(),
            rng: Rng::new(seed ^ 0x1a3b_da00),
            now,
        }
    }

    /// Registers a function under its name and ARN (the ARN defaults to this
    /// simulator's region and account).
    pub fn add(&mut self, name: &str, arn: Option<&str>, behaviour: Behaviour) {
        let arn = arn.map(str::to_string).unwrap_or_else(|| {
            format!(
                "arn:aws:lambda:{}:{}:function:{name}",
                self.region, self.account
            )
        });
        self.functions.push(Function {
            name: name.into(),
            arn,
            behaviour,
        });
    }

    /// Resolves a function name, name with qualifier, partial or full ARN.
    fn find(&self, reference: &str) -> Option<&Function> {
        let name = function_name(reference);
        self.functions
            .iter()
            .find(|f| f.arn == reference || f.name == name || function_name(&f.arn) == name)
    }

    fn full_arn(&self, reference: &str) -> String {
        if reference.starts_with("arn:") {
            reference.to_string()
        } else {
            format!(
                "arn:aws:lambda:{}:{}:function:{}",
                self.region,
                self.account,
                function_name(reference)
            )
        }
    }

    fn request_id(&mut self) -> String {
        self.rng.uuid_v4()
    }

    fn error_document(&mut self, inv: &Invocation, pretty: bool) -> (String, String) {
        let Invocation::Error {
            error_type,
            message,
            line,
            code,
        } = inv
        else {
            return (String::new(), String::new());
        };
        let doc = json!({
            "errorMessage": message,
            "errorType": error_type,
            "requestId": self.request_id(),
            "stackTrace": [format!("  File \"/var/task/handler.py\", line {line}, in handler\n    {code}\n")],
        });
        let text = if pretty {
            python_json_dumps(&doc)
        } else {
            doc.to_string()
        };
        (error_type.to_string(), text)
    }

    fn not_found(&mut self, reference: &str) -> TaskResponse {
        let arn = self.full_arn(reference);
        let qualified = if arn.matches(':').count() >= 7 {
            arn
        } else {
            format!("{arn}:$LATEST")
        };
        let rid = self.request_id();
        TaskResponse::Failure {
            error: "Lambda.ResourceNotFoundException".into(),
            cause: Some(format!(
                "Function not found: {qualified} (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: {rid}; Proxy: null)"
            )),
        }
    }

    /// The legacy Lambda ARN resource: the result is the return value.
    fn invoke_arn(&mut self, request: &TaskRequest) -> TaskResponse {
        let Some(f) = self.find(&request.resource) else {
            return self.not_found(&request.resource);
        };
        let Some(inv) = run_behaviour(f.behaviour, &request.input) else {
            return self.not_found(&request.resource);
        };
        match inv {
            Invocation::Return(v) => TaskResponse::Success(v),
            Invocation::Slow(ms, v) => TaskResponse::Delayed {
                after_ms: ms,
                response: Box::new(TaskResponse::Success(v)),
            },
            e @ Invocation::Error { .. } => {
                let (error, cause) = self.error_document(&e, true);
                TaskResponse::Failure {
                    error,
                    cause: Some(cause),
                }
            }
        }
    }

    /// `arn:aws:states:::lambda:invoke`: the result is the Invoke response.
    fn invoke_service(&mut self, request: &TaskRequest) -> TaskResponse {
        let Some(reference) = request.input.get("FunctionName").and_then(Value::as_str) else {
            return TaskResponse::Failure {
                error: "States.Runtime".into(),
                cause: Some(format!(
                    "The Task state '{}' calls lambda:invoke without a string \"FunctionName\" parameter.",
                    request.state_name
                )),
            };
        };
        let reference = reference.to_string();
        let Some(f) = self.find(&reference) else {
            return self.not_found(&reference);
        };
        // A missing or null payload reaches the function as `{}`; a string payload is
        // sent as is (it is the JSON text of the event), anything else as its JSON.
        let event = match request.input.get("Payload") {
            None | Some(Value::Null) => json!({}),
            Some(Value::String(text)) => match serde_json::from_str::<Value>(text) {
                Ok(v) => v,
                Err(e) => {
                    let rid = self.request_id();
                    return TaskResponse::Failure {
                        error: "Lambda.InvalidRequestContentException".into(),
                        cause: Some(format!(
                            "Could not parse request body into json: {e} (Service: AWSLambda; Status Code: 400; Error Code: InvalidRequestContentException; Request ID: {rid}; Proxy: null)"
                        )),
                    };
                }
            },
            Some(v) => v.clone(),
        };
        let Some(inv) = run_behaviour(f.behaviour, &event) else {
            return self.not_found(&reference);
        };
        let tail = request.input.get("LogType").and_then(Value::as_str) == Some("Tail");
        match inv {
            Invocation::Return(v) => TaskResponse::Success(self.invoke_response(v, tail)),
            Invocation::Slow(ms, v) => {
                let r = self.invoke_response(v, tail);
                TaskResponse::Delayed {
                    after_ms: ms,
                    response: Box::new(TaskResponse::Success(r)),
                }
            }
            e @ Invocation::Error { .. } => {
                let (error, cause) = self.error_document(&e, false);
                TaskResponse::Failure {
                    error,
                    cause: Some(cause),
                }
            }
        }
    }

    fn invoke_response(&mut self, payload: Value, tail: bool) -> Value {
        let length = python_json_dumps(&payload).len().to_string();
        let rid = self.request_id();
        let trace = format!(
            "Root=1-{:08x}-{}",
            (self.now / 1000) as u32,
            &self.request_id().replace('-', "")[..24]
        );
        let date = http_date(self.now);
        let mut all = Map::new();
        all.insert("X-Amz-Executed-Version".into(), json!(["$LATEST"]));
        all.insert("x-amzn-Remapped-Content-Length".into(), json!(["0"]));
        all.insert("Connection".into(), json!(["keep-alive"]));
        all.insert("x-amzn-RequestId".into(), json!([rid]));
        all.insert("Content-Length".into(), json!([length]));
        all.insert("Date".into(), json!([date]));
        all.insert("X-Amzn-Trace-Id".into(), json!([trace]));
        all.insert("Content-Type".into(), json!(["application/json"]));
        let mut headers = Map::new();
        headers.insert("Connection".into(), json!("keep-alive"));
        headers.insert("Content-Length".into(), json!(length));
        headers.insert("Content-Type".into(), json!("application/json"));
        headers.insert("Date".into(), json!(date));
        headers.insert("X-Amz-Executed-Version".into(), json!("$LATEST"));
        headers.insert("x-amzn-Remapped-Content-Length".into(), json!("0"));
        headers.insert("x-amzn-RequestId".into(), json!(rid));
        headers.insert("X-Amzn-Trace-Id".into(), json!(trace));
        let log = tail.then(|| {
            base64(
                format!(
                    "START RequestId: {rid} Version: $LATEST\nEND RequestId: {rid}\nREPORT RequestId: {rid}\tDuration: 1.00 ms\n"
                )
                .as_bytes(),
            )
        });
        if let Some(l) = &log {
            all.insert("X-Amz-Log-Result".into(), json!([l]));
            headers.insert("X-Amz-Log-Result".into(), json!(l));
        }
        let mut out = Map::new();
        out.insert("ExecutedVersion".into(), json!("$LATEST"));
        if let Some(l) = log {
            out.insert("LogResult".into(), json!(l));
        }
        out.insert("Payload".into(), payload);
        out.insert(
            "SdkHttpMetadata".into(),
            json!({"AllHttpHeaders": all, "HttpHeaders": headers, "HttpStatusCode": 200}),
        );
        out.insert("SdkResponseMetadata".into(), json!({"RequestId": rid}));
        out.insert("StatusCode".into(), json!(200));
        Value::Object(out)
    }
}

impl TaskHandler for LambdaSim {
    fn invoke(&mut self, request: &TaskRequest) -> TaskResponse {
        let r = &*request.resource;
        if r.starts_with("arn:") && r.split(':').nth(2) == Some("lambda") {
            self.invoke_arn(request)
        } else if r == "arn:aws:states:::lambda:invoke" {
            self.invoke_service(request)
        } else {
            TaskResponse::Unhandled
        }
    }
}

/// The function name in a name, `name:qualifier`, partial ARN
/// (`123:function:name`) or full ARN.
pub fn function_name(reference: &str) -> &str {
    let parts: Vec<&str> = reference.split(':').collect();
    if reference.starts_with("arn:") {
        parts.get(6).copied().unwrap_or(reference)
    } else if let Some(i) = parts.iter().position(|p| *p == "function") {
        parts.get(i + 1).copied().unwrap_or(reference)
    } else {
        parts[0]
    }
}

/// Python's `repr` of a float.
fn python_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    if f == f.trunc() && f.abs() < 1e16 {
        return format!("{f:.1}");
    }
    let a = f.abs();
    if (1e-4..1e16).contains(&a) {
        return format!("{f}");
    }
    // Exponent form: shortest round-trip mantissa, two-digit signed exponent.
    let s = format!("{f:e}");
    match s.split_once('e') {
        Some((m, e)) => {
            let exp: i32 = e.parse().unwrap_or(0);
            let sign = if exp < 0 { '-' } else { '+' };
            format!("{m}e{sign}{:02}", exp.abs())
        }
        None => s,
    }
}

fn python_number(n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        n.to_string()
    } else {
        python_float(n.as_f64().unwrap_or(0.0))
    }
}

fn python_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Python's `json.dumps` (default separators `", "` and `": "`, ASCII output): the
/// Lambda Python runtime's serialization, which sets `Content-Length`.
pub fn python_json_dumps(v: &Value) -> String {
    fn go(v: &Value, out: &mut String) {
        match v {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => out.push_str(&python_number(n)),
            Value::String(s) => python_json_string(s, out),
            Value::Array(a) => {
                out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    go(x, out);
                }
                out.push(']');
            }
            Value::Object(m) => {
                out.push('{');
                for (i, (k, x)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    python_json_string(k, out);
                    out.push_str(": ");
                    go(x, out);
                }
                out.push('}');
            }
        }
    }
    let mut s = String::new();
    go(v, &mut s);
    s
}

fn python_repr_str(s: &str, out: &mut String) {
    let q = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(q);
}

/// Python's `str()` of a decoded JSON event (`{'a': 1, 'b': [True, None]}`).
pub fn python_str(v: &Value) -> String {
    fn go(v: &Value, out: &mut String) {
        match v {
            Value::Null => out.push_str("None"),
            Value::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
            Value::Number(n) => out.push_str(&python_number(n)),
            Value::String(s) => python_repr_str(s, out),
            Value::Array(a) => {
                out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    go(x, out);
                }
                out.push(']');
            }
            Value::Object(m) => {
                out.push('{');
                for (i, (k, x)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    python_repr_str(k, out);
                    out.push_str(": ");
                    go(x, out);
                }
                out.push('}');
            }
        }
    }
    match v {
        // `str()` of a top-level string is the string itself.
        Value::String(s) => s.clone(),
        other => {
            let mut s = String::new();
            go(other, &mut s);
            s
        }
    }
}

/// An HTTP date (`Wed, 01 Jan 2025 00:00:00 GMT`).
pub fn http_date(ms: Millis) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        d,
        MONTHS[(m - 1) as usize],
        y,
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    )
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if c.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if c.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(resource: &str, input: Value) -> TaskRequest {
        TaskRequest {
            id: 1,
            state_name: "T".into(),
            resource: resource.into(),
            input: input.into(),
            invocation: 0,
            task_token: None,
        }
    }

    fn sim() -> LambdaSim {
        let mut s = LambdaSim::new("us-east-1", "111111111111", 1_735_689_600_000, 0);
        s.add("id_fn", None, Behaviour::Identity);
        s.add(
            "boom",
            Some("arn:aws:lambda:us-east-1:111111111111:function:boom"),
            Behaviour::RaiseException,
        );
        s.add("slow", None, Behaviour::Sleep60sIdentity);
        s.add("gone", None, Behaviour::NotCreated);
        s
    }

    #[test]
    fn legacy_arn_returns_the_function_result() {
        let mut s = sim();
        let r = s.invoke(&req(
            "arn:aws:lambda:us-east-1:111111111111:function:id_fn",
            json!({"a": 1}),
        ));
        assert_eq!(r, TaskResponse::Success(json!({"a": 1})));
        match s.invoke(&req(
            "arn:aws:lambda:us-east-1:111111111111:function:boom:$LATEST",
            json!({}),
        )) {
            TaskResponse::Failure { error, cause } => {
                assert_eq!(error, "Exception");
                let c = cause.unwrap();
                assert!(c.starts_with("{\"errorMessage\": \"Some exception was raised.\", \"errorType\": \"Exception\", \"requestId\": \""), "{c}");
                let v: Value = serde_json::from_str(&c).unwrap();
                assert_eq!(v["stackTrace"][0], "  File \"/var/task/handler.py\", line 2, in handler\n    raise Exception(\"Some exception was raised.\")\n");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            s.invoke(&req(
                "arn:aws:lambda:us-east-1:111111111111:function:slow",
                json!(1)
            )),
            TaskResponse::Delayed {
                after_ms: 60_000,
                ..
            }
        ));
        assert_eq!(
            s.invoke(&req("arn:aws:states:::sqs:sendMessage", json!({}))),
            TaskResponse::Unhandled
        );
    }

    #[test]
    fn service_invoke_returns_the_invoke_response() {
        let mut s = sim();
        let r = s.invoke(&req(
            "arn:aws:states:::lambda:invoke",
            json!({"FunctionName": "id_fn", "Payload": {"body": "string body"}}),
        ));
        let TaskResponse::Success(v) = r else {
            panic!("{r:?}")
        };
        assert_eq!(v["Payload"], json!({"body": "string body"}));
        assert_eq!(v["StatusCode"], 200);
        assert_eq!(v["ExecutedVersion"], "$LATEST");
        assert_eq!(v["SdkHttpMetadata"]["HttpHeaders"]["Content-Length"], "23");
        assert_eq!(
            v["SdkHttpMetadata"]["AllHttpHeaders"]["Content-Length"],
            json!(["23"])
        );
        assert_eq!(v["SdkHttpMetadata"]["HttpStatusCode"], 200);
        assert_eq!(
            v["SdkHttpMetadata"]["HttpHeaders"]["Date"],
            "Wed, 01 Jan 2025 00:00:00 GMT"
        );
        // A string payload is the event's JSON text.
        let TaskResponse::Success(v) = s.invoke(&req(
            "arn:aws:states:::lambda:invoke",
            json!({"FunctionName": "id_fn", "Payload": "\"HelloWorld\""}),
        )) else {
            panic!()
        };
        assert_eq!(v["Payload"], json!("HelloWorld"));
        assert!(matches!(
            s.invoke(&req("arn:aws:states:::lambda:invoke", json!({"FunctionName": "id_fn", "Payload": "{"}))),
            TaskResponse::Failure { error, .. } if error == "Lambda.InvalidRequestContentException"
        ));
        // No payload: the function sees {}.
        let TaskResponse::Success(v) = s.invoke(&req(
            "arn:aws:states:::lambda:invoke",
            json!({"FunctionName": "arn:aws:lambda:us-east-1:111111111111:function:id_fn"}),
        )) else {
            panic!()
        };
        assert_eq!(v["Payload"], json!({}));
        match s.invoke(&req(
            "arn:aws:states:::lambda:invoke",
            json!({"FunctionName": "boom"}),
        )) {
            TaskResponse::Failure { error, cause } => {
                assert_eq!(error, "Exception");
                assert!(cause.unwrap().starts_with(
                    "{\"errorMessage\":\"Some exception was raised.\",\"errorType\":\"Exception\""
                ));
            }
            other => panic!("{other:?}"),
        }
        for missing in ["no_such_fn", "gone"] {
            match s.invoke(&req(
                "arn:aws:states:::lambda:invoke",
                json!({"FunctionName": missing}),
            )) {
                TaskResponse::Failure { error, cause } => {
                    assert_eq!(error, "Lambda.ResourceNotFoundException");
                    let c = cause.unwrap();
                    assert!(c.starts_with(&format!("Function not found: arn:aws:lambda:us-east-1:111111111111:function:{missing}:$LATEST (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: ")), "{c}");
                }
                other => panic!("{other:?}"),
            }
        }
        let TaskResponse::Success(v) = s.invoke(&req(
            "arn:aws:states:::lambda:invoke",
            json!({"FunctionName": "id_fn", "LogType": "Tail"}),
        )) else {
            panic!()
        };
        assert!(v["LogResult"].is_string());
    }

    #[test]
    fn names_and_arns() {
        assert_eq!(function_name("f"), "f");
        assert_eq!(function_name("f:$LATEST"), "f");
        assert_eq!(function_name("123:function:f"), "f");
        assert_eq!(function_name("arn:aws:lambda:r:1:function:f:alias"), "f");
    }

    #[test]
    fn python_formatting() {
        assert_eq!(
            python_json_dumps(&json!({"a": [1, 2.5, "é", null, true], "b": 0.0})),
            "{\"a\": [1, 2.5, \"\\u00e9\", null, true], \"b\": 0.0}"
        );
        assert_eq!(python_float(1e16), "1e+16");
        assert_eq!(python_float(1.5e-5), "1.5e-05");
        assert_eq!(
            python_str(&json!({"a": 1, "b": [true, null, "it's"]})),
            "{'a': 1, 'b': [True, None, \"it's\"]}"
        );
        assert_eq!(python_str(&json!("x")), "x");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(951_782_400_000), "Tue, 29 Feb 2000 00:00:00 GMT");
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
    }
}
