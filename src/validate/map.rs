//! Map states: the item processor, item source, concurrency, and the distributed-mode
//! blocks (`ItemReader`, `ItemBatcher`, `ResultWriter`, tolerated failures, `Label`).

use super::fields::Lang;
use super::paths::{self, PathKind};
use super::report::{child, Sink, ARRAY, OBJECT, STRING};
use super::rules::{Checker, Scope};
use super::values::{
    check_enum, check_exclusive, check_integer, check_number, check_string, is_jsonata_value,
};
use serde_json::{Map, Value};

/// Characters a Map `Label` cannot contain (besides whitespace and control characters).
const LABEL_FORBIDDEN: &str = "?*<>{}[]:;,\\|^~$#%&`\"";

impl<'a> Checker<'a> {
    pub(crate) fn map(&mut self, ptr: &str, s: &'a Map<String, Value>, lang: Lang) {
        let jsonata = lang == Lang::Jsonata;
        let processors = check_exclusive(&mut self.sink, ptr, s, &["ItemProcessor", "Iterator"]);
        if processors == 0 {
            self.sink.required(ptr, &["ItemProcessor"]);
        }
        for field in ["ItemProcessor", "Iterator"] {
            let Some(v) = s.get(field) else { continue };
            let pptr = child(ptr, field);
            match v {
                Value::Object(p) => {
                    self.processor_config(&pptr, p);
                    self.nested_scope(pptr, p, Scope::Processor);
                }
                _ => self.sink.wrong_type(&pptr, OBJECT),
            }
        }
        let sink = &mut self.sink;
        if jsonata {
            if let Some(items) = s.get("Items") {
                // An array, or (newer service) an object iterated as key-value pairs.
                if !items.is_array() && !items.is_object() && !is_jsonata_value(items) {
                    sink.wrong_type(&child(ptr, "Items"), ARRAY);
                }
            }
        } else {
            paths::check_path_field(sink, ptr, s, "ItemsPath", PathKind::Reference, true);
            if let Some(selector) = s.get("ItemSelector") {
                paths::check_template(sink, &child(ptr, "ItemSelector"), selector);
            }
            for field in [
                "MaxConcurrencyPath",
                "ToleratedFailurePercentagePath",
                "ToleratedFailureCountPath",
            ] {
                paths::check_path_field(sink, ptr, s, field, PathKind::Reference, false);
            }
            check_exclusive(sink, ptr, s, &["MaxConcurrency", "MaxConcurrencyPath"]);
            check_exclusive(
                sink,
                ptr,
                s,
                &[
                    "ToleratedFailurePercentage",
                    "ToleratedFailurePercentagePath",
                ],
            );
            check_exclusive(
                sink,
                ptr,
                s,
                &["ToleratedFailureCount", "ToleratedFailureCountPath"],
            );
        }
        check_integer(sink, ptr, s, "MaxConcurrency", 0.0, None, jsonata);
        check_number(
            sink,
            ptr,
            s,
            "ToleratedFailurePercentage",
            0.0,
            Some(100.0),
            jsonata,
        );
        check_integer(sink, ptr, s, "ToleratedFailureCount", 0.0, None, jsonata);
        if let Some(label) = check_string(sink, ptr, s, "Label") {
            let count = label.chars().count();
            let bad_char = label
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || LABEL_FORBIDDEN.contains(c));
            if count == 0 || count > 40 || bad_char {
                sink.schema(
                    &child(ptr, "Label"),
                    "The field 'Label' must be 1 to 40 characters long and cannot contain whitespace, control characters or any of ? * < > { } [ ] : ; , \\ | ^ ~ $ # % & ` \"",
                );
            }
        }
        item_reader(sink, ptr, s, lang);
        item_batcher(sink, ptr, s, lang);
        result_writer(sink, ptr, s, lang);
    }

    fn processor_config(&mut self, pptr: &str, p: &Map<String, Value>) {
        let Some(config) = p.get("ProcessorConfig") else {
            return;
        };
        let cptr = child(pptr, "ProcessorConfig");
        let Value::Object(c) = config else {
            self.sink.wrong_type(&cptr, OBJECT);
            return;
        };
        let mode = check_enum(&mut self.sink, &cptr, c, "Mode", &["INLINE", "DISTRIBUTED"]);
        check_enum(
            &mut self.sink,
            &cptr,
            c,
            "ExecutionType",
            &["STANDARD", "EXPRESS"],
        );
        if mode == Some(1) && !c.contains_key("ExecutionType") {
            self.sink.required(&cptr, &["ExecutionType"]);
        }
    }
}

/// The object at `s[field]`, if present; reports a non-object.
fn sub_object<'v>(
    sink: &mut Sink,
    ptr: &str,
    s: &'v Map<String, Value>,
    field: &str,
) -> Option<(String, &'v Map<String, Value>)> {
    let v = s.get(field)?;
    let optr = child(ptr, field);
    match v {
        Value::Object(o) => Some((optr, o)),
        _ => {
            sink.wrong_type(&optr, OBJECT);
            None
        }
    }
}

/// `Parameters` (JSONPath template) or `Arguments` (JSONata) of a reader/writer.
fn resource_arguments(sink: &mut Sink, optr: &str, o: &Map<String, Value>, lang: Lang) {
    check_string(sink, optr, o, "Resource");
    match lang {
        Lang::JsonPath => {
            if o.contains_key("Parameters") {
                paths::check_template_object(sink, optr, o, "Parameters");
            }
        }
        Lang::Jsonata => {
            if let Some(args) = o.get("Arguments") {
                if !args.is_object() && !is_jsonata_value(args) {
                    sink.wrong_type(&child(optr, "Arguments"), OBJECT);
                }
            }
        }
    }
}

fn item_reader(sink: &mut Sink, ptr: &str, s: &Map<String, Value>, lang: Lang) {
    let jsonata = lang == Lang::Jsonata;
    let Some((rptr, reader)) = sub_object(sink, ptr, s, "ItemReader") else {
        return;
    };
    if !reader.contains_key("Resource") {
        sink.required(&rptr, &["Resource"]);
    }
    resource_arguments(sink, &rptr, reader, lang);
    let Some((cptr, config)) = sub_object(sink, &rptr, reader, "ReaderConfig") else {
        return;
    };
    check_enum(
        sink,
        &cptr,
        config,
        "InputType",
        &["CSV", "JSON", "JSONL", "MANIFEST", "PARQUET"],
    );
    check_enum(
        sink,
        &cptr,
        config,
        "CSVHeaderLocation",
        &["FIRST_ROW", "GIVEN"],
    );
    check_enum(
        sink,
        &cptr,
        config,
        "CSVDelimiter",
        &["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"],
    );
    if let Some(headers) = config.get("CSVHeaders") {
        match headers {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if !item.is_string() {
                        sink.wrong_type(
                            &super::report::index(&child(&cptr, "CSVHeaders"), i),
                            STRING,
                        );
                    }
                }
            }
            _ => sink.wrong_type(&child(&cptr, "CSVHeaders"), ARRAY),
        }
    }
    check_integer(
        sink,
        &cptr,
        config,
        "MaxItems",
        0.0,
        Some(100_000_000.0),
        jsonata,
    );
    if !jsonata {
        paths::check_path_field(
            sink,
            &cptr,
            config,
            "MaxItemsPath",
            PathKind::Reference,
            false,
        );
        check_exclusive(sink, &cptr, config, &["MaxItems", "MaxItemsPath"]);
    }
}

fn item_batcher(sink: &mut Sink, ptr: &str, s: &Map<String, Value>, lang: Lang) {
    let jsonata = lang == Lang::Jsonata;
    let Some((bptr, batcher)) = sub_object(sink, ptr, s, "ItemBatcher") else {
        return;
    };
    let limits: &[&str] = if jsonata {
        &["MaxItemsPerBatch", "MaxInputBytesPerBatch"]
    } else {
        &[
            "MaxItemsPerBatch",
            "MaxItemsPerBatchPath",
            "MaxInputBytesPerBatch",
            "MaxInputBytesPerBatchPath",
        ]
    };
    if !limits.iter().any(|f| batcher.contains_key(*f)) {
        sink.one_of_required(&bptr, limits);
    }
    check_integer(sink, &bptr, batcher, "MaxItemsPerBatch", 1.0, None, jsonata);
    check_integer(
        sink,
        &bptr,
        batcher,
        "MaxInputBytesPerBatch",
        1.0,
        Some(262_144.0),
        jsonata,
    );
    if !jsonata {
        for field in ["MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath"] {
            paths::check_path_field(sink, &bptr, batcher, field, PathKind::Reference, false);
        }
        check_exclusive(
            sink,
            &bptr,
            batcher,
            &["MaxItemsPerBatch", "MaxItemsPerBatchPath"],
        );
        check_exclusive(
            sink,
            &bptr,
            batcher,
            &["MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"],
        );
        if let Some(input) = batcher.get("BatchInput") {
            paths::check_template(sink, &child(&bptr, "BatchInput"), input);
        }
    }
}

fn result_writer(sink: &mut Sink, ptr: &str, s: &Map<String, Value>, lang: Lang) {
    let Some((wptr, writer)) = sub_object(sink, ptr, s, "ResultWriter") else {
        return;
    };
    resource_arguments(sink, &wptr, writer, lang);
    let Some((cptr, config)) = sub_object(sink, &wptr, writer, "WriterConfig") else {
        return;
    };
    check_enum(sink, &cptr, config, "OutputType", &["JSON", "JSONL"]);
    check_enum(
        sink,
        &cptr,
        config,
        "Transformation",
        &["NONE", "COMPACT", "FLATTEN"],
    );
}
