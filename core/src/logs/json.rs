//! JSON lines from Go (zap, logrus, slog, zerolog) and Node (bunyan) loggers.
//!
//! The key set decides the flavor; the keys themselves are mapped by one table
//! ([`super::record::classify_key`]) so a logger we have not named still gets its message, level,
//! error and trace ids read. Nested values (`source` objects, `error` objects) are flattened to
//! what the named slots need; anything else is kept as compact JSON in `fields`.

use serde_json::{Map, Value};

use super::record::{classify_key, Caller, JsonFlavor, Level, LineFormat, LogRecord, Slot};
use super::time;

/// Parses one JSON object line. `None` if the text is not a JSON object.
pub fn parse(line: &str) -> Option<LogRecord> {
    let obj: Map<String, Value> = serde_json::from_str(line).ok()?;
    if let Some(inner) = docker_wrapped(&obj) {
        return Some(inner);
    }
    let flavor = flavor(&obj);
    let mut rec = LogRecord::plain("");
    rec.format = LineFormat::Json { flavor };
    for (k, v) in obj {
        absorb(&mut rec, flavor, &k, v);
    }
    Some(rec)
}

/// Docker's json-file driver (what `kubectl logs` reads from): `{"log":"<the line>\n",
/// "stream":"stderr","time":"…"}`. The wrapped line is parsed in its own right.
fn docker_wrapped(obj: &Map<String, Value>) -> Option<LogRecord> {
    let log = obj.get("log")?.as_str()?;
    if obj.contains_key("msg") || obj.contains_key("message") || !obj.contains_key("stream") {
        return None;
    }
    let mut rec = super::parse_line(log.trim_end_matches(['\n', '\r']));
    // klog's header has no year: the runtime's full timestamp is better then.
    if rec.unix_nanos.is_none() {
        if let Some(t) = obj.get("time").and_then(Value::as_str) {
            rec.unix_nanos = time::parse_any(t);
            rec.timestamp = Some(t.to_owned());
        }
    }
    if let Some(s) = obj.get("stream").and_then(Value::as_str) {
        rec.fields.push(("stream".to_owned(), s.to_owned()));
    }
    Some(rec)
}

fn flavor(obj: &Map<String, Value>) -> JsonFlavor {
    let has = |k: &str| obj.contains_key(k);
    let level_str = obj.get("level").and_then(Value::as_str);
    if obj.get("v").is_some_and(Value::is_number)
        && obj.get("level").is_some_and(Value::is_number)
        && has("msg")
    {
        return JsonFlavor::Bunyan;
    }
    if has("ts") && has("msg") && (has("level") || has("caller")) {
        return JsonFlavor::Zap;
    }
    if has("message") && has("level") && !has("msg") {
        return JsonFlavor::Zerolog;
    }
    if has("msg") && has("level") && has("time") {
        let upper = level_str.is_some_and(|l| {
            l.bytes()
                .take_while(|b| b.is_ascii_alphabetic())
                .all(|b| b.is_ascii_uppercase())
        });
        if obj.get("source").is_some_and(Value::is_object) || upper {
            return JsonFlavor::Slog;
        }
        return JsonFlavor::Logrus;
    }
    JsonFlavor::Generic
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn absorb(rec: &mut LogRecord, flavor: JsonFlavor, key: &str, v: Value) {
    match (classify_key(key), &v) {
        (Slot::Level, Value::Number(n)) if rec.level.is_none() => {
            rec.level = n.as_i64().and_then(Level::from_number);
            if rec.level.is_none() {
                rec.fields.push((key.to_owned(), n.to_string()));
            }
        }
        (Slot::Time, Value::Number(n)) if rec.timestamp.is_none() => {
            rec.unix_nanos = match n.as_i64() {
                Some(i) => Some(time::epoch_int(i)),
                None => n.as_f64().and_then(time::epoch_f64),
            };
            rec.timestamp = Some(n.to_string());
        }
        // slog: "source":{"function":"main.run","file":"/app/main.go","line":42}
        (Slot::Caller, Value::Object(o)) if rec.caller.is_none() => {
            let file = o.get("file").and_then(Value::as_str);
            let line = o.get("line").and_then(Value::as_u64);
            match (file, line) {
                (Some(f), Some(l)) => {
                    rec.caller = Some(Caller {
                        file: f.to_owned(),
                        line: u32::try_from(l).unwrap_or(u32::MAX),
                    });
                    if let Some(func) = o.get("function").and_then(Value::as_str) {
                        rec.fields.push(("function".to_owned(), func.to_owned()));
                    }
                }
                _ => rec.fields.push((key.to_owned(), v.to_string())),
            }
        }
        // {"error":{"message":"…","type":"…","stack":"…"}}
        (Slot::Error, Value::Object(o)) if rec.error.is_none() => {
            let msg = ["message", "msg", "error"]
                .iter()
                .find_map(|k| o.get(*k).and_then(Value::as_str));
            match msg {
                Some(m) => {
                    rec.error = Some(m.to_owned());
                    if let Some(s) = ["stack", "stacktrace"]
                        .iter()
                        .find_map(|k| o.get(*k).and_then(Value::as_str))
                    {
                        rec.stacktrace.get_or_insert_with(|| s.to_owned());
                    }
                    if let Some(t) = o.get("type").and_then(Value::as_str) {
                        rec.fields.push(("error.type".to_owned(), t.to_owned()));
                    }
                }
                None => rec.error = Some(v.to_string()),
            }
        }
        // bunyan's `name` is the application; `hostname`/`pid`/`v` stay fields.
        _ if flavor == JsonFlavor::Bunyan && key == "name" && rec.service.is_none() => {
            rec.service = Some(text(&v));
        }
        _ => rec.absorb(key, text(&v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_json() {
        assert!(parse("{").is_none());
        assert!(parse("[1,2]").is_none());
        assert!(parse("plain").is_none());
    }
}
