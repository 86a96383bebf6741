//! The command line (`statelab run | validate | conformance`). The binary only calls
//! [`main`]; everything here writes to the given streams so it can be tested in
//! process.
//!
//! Exit codes: 0 success; 1 the execution did not succeed / the definition has errors
//! / the conformance run is not OK; 2 usage or input errors (bad arguments, unreadable
//! files, bad JSON, invalid definition for `run`).

use crate::conformance::{self, KnownFailures, RunnerOptions};
use crate::execution::{Execution, ExecutionOptions, Status};
use crate::host::{NoTasks, TaskHandler};
use crate::mock::MockConfig;
use crate::validate::{Diagnostic, Severity};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const MAIN_HELP: &str = "\
statelab: an AWS Step Functions (Amazon States Language) simulator

Usage:
  statelab run DEFINITION [options]        run a state machine, print its outcome
  statelab validate DEFINITION... [--json] check definitions, print diagnostics
  statelab conformance DIR... [options]    run recorded conformance cases
  statelab example [NAME] [options]        run a built-in example with its mocks

DEFINITION is a file path, or - for standard input.
Run `statelab COMMAND --help` for the options of a command.
";

const RUN_HELP: &str = "\
Usage: statelab run DEFINITION [options]

Runs the state machine to its end on a virtual clock (waits and retry intervals take
no real time) and prints the outcome as JSON:
  {\"status\": \"SUCCEEDED\", \"output\": …}  or  {\"status\": \"FAILED\", \"error\": …, \"cause\": …}
plus \"history\": [events…] with --history.

Options:
  --input JSON             execution input (default {})
  --input-file FILE        read the execution input from FILE (- for stdin)
  --mock-config FILE       answer Task states from a Step Functions Local mock file
  --test-case NAME         the mock file's test case (required with --mock-config)
  --state-machine NAME     the mock file's state machine (optional when it has one);
                           also the state machine name the context object shows
  --name NAME              execution name (default: a UUID)
  --history                include the execution history
  --timeline               print a readable timeline of the events to stderr
  --variables              include the workflow variables after each state
  --seed N                 seed for UUIDs, States.MathRandom and retry jitter
  --start-time RFC3339     execution start time on the virtual clock
  -h, --help               this help

Without --seed and --start-time the start time is the current time and the seed is
random; with either, runs are reproducible byte for byte (the start time defaults to
2025-01-01T00:00:00Z). Without a mock file every Task state fails (States.Runtime).

Exit status: 0 when the execution SUCCEEDED, 1 otherwise, 2 for bad arguments,
unreadable files, bad input JSON or an invalid definition.
";

const EXAMPLE_HELP: &str = "\
Usage: statelab example [NAME] [options]

Runs a built-in example (default: the first, `delivery`) with the mock file it comes
with, prints a timeline of its events to stderr and the outcome like `statelab run`.

Options:
  --test-case NAME         the example's mock test case (default: its first)
  --history                include the execution history
  --seed N                 seed for UUIDs, States.MathRandom and retry jitter
  --start-time RFC3339     execution start time on the virtual clock
  --list                   list the examples and their test cases
  --quiet                  no timeline
  --variables              include the workflow variables after each state
  -h, --help               this help

Exit status: 0 when the execution SUCCEEDED, 1 otherwise, 2 for bad arguments.
";

const VALIDATE_HELP: &str = "\
Usage: statelab validate DEFINITION... [--json]

Checks each definition like ValidateStateMachineDefinition and prints every
diagnostic as
  FILE:LINE:COLUMN: ERROR CODE message (at /json/pointer)
or FILE: OK.

Options:
  --json       print [{\"file\": …, \"valid\": …, \"diagnostics\": […]}] instead
  -h, --help   this help

Exit status: 0 when every definition is valid, 1 when any has an error, 2 when a file
cannot be read.
";

const CONFORMANCE_HELP: &str = "\
Usage: statelab conformance DIR... [options]

Runs every conformance case (*.json, searched recursively) under the given
directories or files and compares outcome, output, event types and event
details with the recording (see conformance/FORMAT.md). Prints one line per failing case, a table by
feature and, last, `N passed, M failed, K skipped`.

Options:
  --known-failures FILE   cases expected to fail (`name  # reason` per line): the run
                          fails when any other case fails and when a listed case passes
  --filter SUBSTR         only cases whose name contains SUBSTR
  --verbose               also list passing and skipped cases
  --no-validate           compile definitions without static validation
  --no-history-details    compare only the event types, not the event details
                          (ids, previous ids, inputs, outputs, parameters, errors)
  -h, --help              this help

Exit status: 0 when the run is OK, 1 on unexpected failures or passes, 2 for bad
arguments or unreadable directories.
";

/// Streams for one command.
pub struct Io<'a> {
    pub stdin: &'a mut dyn Read,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
}

/// Runs the command line `args` (without the program name) and returns the exit code.
pub fn main(args: &[String], io: &mut Io<'_>) -> i32 {
    let Some(cmd) = args.first() else {
        let _ = io.stderr.write_all(MAIN_HELP.as_bytes());
        return 2;
    };
    let rest = &args[1..];
    match cmd.as_str() {
        "run" => run(rest, io),
        "validate" => validate(rest, io),
        "conformance" => conformance(rest, io),
        "example" => example(rest, io),
        "-h" | "--help" | "help" => {
            let _ = io.stdout.write_all(MAIN_HELP.as_bytes());
            0
        }
        "-V" | "--version" => {
            let _ = writeln!(io.stdout, "statelab {}", env!("CARGO_PKG_VERSION"));
            0
        }
        other => usage(io, &format!("unknown command {other:?}"), MAIN_HELP),
    }
}

fn usage(io: &mut Io<'_>, msg: &str, help: &str) -> i32 {
    let first = help.lines().next().unwrap_or("");
    let _ = writeln!(io.stderr, "statelab: {msg}\n{first}\n(see --help)");
    2
}

fn fail(io: &mut Io<'_>, msg: &str) -> i32 {
    let _ = writeln!(io.stderr, "statelab: {msg}");
    2
}

/// Parsed arguments: positionals and `--option [value]`s.
struct Args {
    positional: Vec<String>,
    options: Vec<(String, Option<String>)>,
}

impl Args {
    /// `takes_value` lists the options that take a value.
    fn parse(args: &[String], takes_value: &[&str], flags: &[&str]) -> Result<Args, String> {
        let mut out = Args {
            positional: Vec::new(),
            options: Vec::new(),
        };
        let mut i = 0;
        let mut only_positional = false;
        while i < args.len() {
            let a = &args[i];
            i += 1;
            if only_positional || a == "-" || !a.starts_with('-') {
                out.positional.push(a.clone());
                continue;
            }
            if a == "--" {
                only_positional = true;
                continue;
            }
            let (name, inline) = match a.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
                _ => (a.clone(), None),
            };
            let name = if name == "-h" {
                "--help".to_string()
            } else {
                name
            };
            if takes_value.contains(&name.as_str()) {
                let v = match inline {
                    Some(v) => v,
                    None => {
                        let Some(v) = args.get(i) else {
                            return Err(format!("{name} needs a value"));
                        };
                        i += 1;
                        v.clone()
                    }
                };
                if out.options.iter().any(|(n, _)| *n == name) {
                    return Err(format!("{name} is given twice"));
                }
                out.options.push((name, Some(v)));
            } else if flags.contains(&name.as_str()) || name == "--help" {
                if inline.is_some() {
                    return Err(format!("{name} takes no value"));
                }
                out.options.push((name, None));
            } else {
                return Err(format!("unknown option {name}"));
            }
        }
        Ok(out)
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    fn has(&self, name: &str) -> bool {
        self.options.iter().any(|(n, _)| n == name)
    }
}

/// Reads a file, or standard input for `-`.
fn read_source(path: &str, io: &mut Io<'_>) -> Result<String, String> {
    if path == "-" {
        let mut s = String::new();
        io.stdin
            .read_to_string(&mut s)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Ok(s)
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
    }
}

fn display_name(path: &str) -> &str {
    if path == "-" {
        "<stdin>"
    } else {
        path
    }
}

/// `file:line:column: ERROR CODE message (at /pointer)`.
pub fn format_diagnostic(file: &str, d: &Diagnostic) -> String {
    let mut s = String::from(file);
    if let Some(l) = d.line {
        s.push_str(&format!(":{l}"));
        if let Some(c) = d.column {
            s.push_str(&format!(":{c}"));
        }
    }
    let sev = match d.severity {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
    };
    s.push_str(&format!(": {sev} {} {}", d.code, d.message));
    if let Some(p) = &d.location {
        s.push_str(&format!(" (at {})", if p.is_empty() { "/" } else { p }));
    }
    s
}

fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn run(args: &[String], io: &mut Io<'_>) -> i32 {
    let a = match Args::parse(
        args,
        &[
            "--input",
            "--input-file",
            "--mock-config",
            "--test-case",
            "--state-machine",
            "--name",
            "--seed",
            "--start-time",
        ],
        &["--history", "--timeline", "--variables"],
    ) {
        Ok(a) => a,
        Err(e) => return usage(io, &e, RUN_HELP),
    };
    if a.has("--help") {
        let _ = io.stdout.write_all(RUN_HELP.as_bytes());
        return 0;
    }
    let [definition] = a.positional.as_slice() else {
        return usage(io, "run takes exactly one DEFINITION", RUN_HELP);
    };
    if a.has("--input") && a.has("--input-file") {
        return usage(io, "give --input or --input-file, not both", RUN_HELP);
    }
    let from_stdin = [
        Some(definition.as_str()),
        a.get("--input-file"),
        a.get("--mock-config"),
    ]
    .iter()
    .filter(|s| **s == Some("-"))
    .count();
    if from_stdin > 1 {
        return usage(
            io,
            "only one of DEFINITION, --input-file and --mock-config can be - (stdin)",
            RUN_HELP,
        );
    }
    if a.has("--mock-config") != a.has("--test-case") {
        return usage(io, "--mock-config and --test-case go together", RUN_HELP);
    }
    let (seed, start_time) = match parse_seed_and_start(&a, RUN_HELP, io) {
        Ok(x) => x,
        Err(code) => return code,
    };
    // Input.
    let input_text = match (a.get("--input"), a.get("--input-file")) {
        (Some(t), _) => Some(("--input".to_string(), t.to_string())),
        (None, Some(f)) => match read_source(f, io) {
            Ok(t) => Some((format!("input file {}", display_name(f)), t)),
            Err(e) => return fail(io, &e),
        },
        (None, None) => None,
    };
    let input = match input_text {
        None => json!({}),
        Some((what, t)) => match serde_json::from_str::<Value>(&t) {
            Ok(v) => v,
            Err(e) => return fail(io, &format!("{what} is not valid JSON: {e}")),
        },
    };
    // Mock file.
    let mut handler: Box<dyn TaskHandler> = Box::new(NoTasks);
    let mut sm_name = a.get("--state-machine").map(str::to_string);
    if let (Some(file), Some(tc)) = (a.get("--mock-config"), a.get("--test-case")) {
        let text = match read_source(file, io) {
            Ok(t) => t,
            Err(e) => return fail(io, &e),
        };
        let cfg = match MockConfig::from_text(&text) {
            Ok(c) => c,
            Err(e) => return fail(io, &format!("{}: {e}", display_name(file))),
        };
        let name = match cfg.state_machine_name(sm_name.as_deref()) {
            Ok(n) => n.to_string(),
            Err(e) => return fail(io, &format!("{}: {e}", display_name(file))),
        };
        match cfg.handler(&name, tc) {
            Ok(h) => handler = Box::new(h),
            Err(e) => return fail(io, &format!("{}: {e}", display_name(file))),
        }
        sm_name = Some(name);
    }
    // Definition.
    let text = match read_source(definition, io) {
        Ok(t) => t,
        Err(e) => return fail(io, &e),
    };
    let state_machine_name = sm_name.unwrap_or_else(|| {
        Path::new(definition)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| definition != "-" && !s.is_empty())
            .unwrap_or_else(|| "StateMachine".into())
    });
    execute_and_print(
        Job {
            definition: &text,
            label: display_name(definition),
            input,
            handler: handler.as_mut(),
            state_machine_name,
            execution_name: a.get("--name").map(str::to_string),
            seed,
            start_time,
            history: a.has("--history"),
            timeline: a.has("--timeline"),
            variables: a.has("--variables"),
        },
        io,
    )
}

/// What `run` and `example` execute.
struct Job<'a> {
    definition: &'a str,
    /// The definition's name in diagnostics.
    label: &'a str,
    input: Value,
    handler: &'a mut dyn TaskHandler,
    state_machine_name: String,
    execution_name: Option<String>,
    seed: Option<u64>,
    start_time: Option<i64>,
    history: bool,
    /// Print a readable timeline of the events to stderr.
    timeline: bool,
    /// Include the workflow variables after each state.
    variables: bool,
}

/// Compiles, runs and prints an execution; returns the exit code.
fn execute_and_print(spec: Job<'_>, io: &mut Io<'_>) -> i32 {
    let sm = match crate::compile_text(spec.definition) {
        Ok(sm) => sm,
        Err(crate::Error::InvalidDefinition(diags)) => {
            let _ = writeln!(io.stderr, "statelab: invalid definition {}:", spec.label);
            for d in &diags {
                let _ = writeln!(io.stderr, "{}", format_diagnostic(spec.label, d));
            }
            return 2;
        }
        Err(e) => return fail(io, &e.to_string()),
    };
    let reproducible = spec.seed.is_some() || spec.start_time.is_some();
    let defaults = ExecutionOptions::default();
    let options = ExecutionOptions {
        input: spec.input,
        name: spec.execution_name,
        state_machine_name: spec.state_machine_name,
        seed: spec.seed.unwrap_or_else(|| {
            if reproducible {
                0
            } else {
                let n = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(0);
                n ^ u64::from(std::process::id()).rotate_left(32)
            }
        }),
        start_time: spec.start_time.unwrap_or(if reproducible {
            defaults.start_time
        } else {
            now_millis()
        }),
        inspect: spec.variables,
        ..defaults
    };
    let mut ex = match Execution::start(sm, options) {
        Ok(ex) => ex,
        Err(e) => return fail(io, &e.to_string()),
    };
    ex.run(spec.handler);
    if spec.timeline {
        let _ = io.stderr.write_all(timeline(&ex).as_bytes());
    }
    let mut out = ex.outcome().to_json();
    if spec.history {
        out["history"] = Value::Array(ex.history().iter().map(|e| e.to_json()).collect());
    }
    if spec.variables {
        out["variables"] = Value::Array(
            ex.inspections()
                .iter()
                .map(|i| {
                    json!({
                        "state": i.state,
                        "enteredEventId": i.entered_event_id,
                        "variables": i.variables.clone().map(Value::Object).unwrap_or(Value::Null),
                    })
                })
                .collect(),
        );
    }
    let text = serde_json::to_string_pretty(&out).unwrap_or_default();
    let _ = writeln!(io.stdout, "{text}");
    if ex.outcome().status == Status::Succeeded {
        0
    } else {
        1
    }
}

/// One line per event: time since the start, event type, state name, and the error
/// of failure events.
fn timeline(ex: &Execution) -> String {
    use std::fmt::Write as _;
    let h = ex.history();
    let start = h.first().map_or(0, |e| e.timestamp);
    let mut s = String::new();
    for e in h {
        let secs = (e.timestamp - start) as f64 / 1000.0;
        let _ = write!(
            s,
            "{:>10}  {:>4}  {:<26}",
            format!("+{secs:.3}s"),
            e.id,
            e.event_type.name()
        );
        if let Some(name) = e.state_name() {
            let _ = write!(s, "  {name}");
        }
        if let Some(Value::Object(d)) = e.details_json() {
            if let Some(Value::Number(i)) = d.get("index") {
                let _ = write!(s, " #{i}");
            }
            if let Some(Value::String(err)) = d.get("error") {
                let _ = write!(s, "  {err}");
            }
        }
        s.push('\n');
    }
    s
}

fn parse_seed_and_start(
    a: &Args,
    help: &str,
    io: &mut Io<'_>,
) -> Result<(Option<u64>, Option<i64>), i32> {
    let seed = match a.get("--seed").map(str::parse::<u64>) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => return Err(usage(io, "--seed needs a non-negative integer", help)),
    };
    let start_time = match a.get("--start-time") {
        None => None,
        Some(t) => match crate::timestamp::parse(t) {
            Some(i) => Some(i.millis()),
            None => {
                return Err(usage(
                    io,
                    &format!(
                    "--start-time {t:?} is not an RFC 3339 timestamp (e.g. 2025-01-01T00:00:00Z)"
                ),
                    help,
                ))
            }
        },
    };
    Ok((seed, start_time))
}

fn example(args: &[String], io: &mut Io<'_>) -> i32 {
    let a = match Args::parse(
        args,
        &["--test-case", "--seed", "--start-time"],
        &["--history", "--list", "--quiet", "--variables"],
    ) {
        Ok(a) => a,
        Err(e) => return usage(io, &e, EXAMPLE_HELP),
    };
    if a.has("--help") {
        let _ = io.stdout.write_all(EXAMPLE_HELP.as_bytes());
        return 0;
    }
    if a.has("--list") {
        for e in crate::examples::ALL {
            let _ = writeln!(
                io.stdout,
                "{}: {} (test cases: {})",
                e.name,
                e.description,
                e.test_cases.join(", ")
            );
        }
        return 0;
    }
    let ex = match a.positional.as_slice() {
        [] => crate::examples::ALL.first(),
        [name] => crate::examples::find(name),
        _ => return usage(io, "example takes at most one NAME", EXAMPLE_HELP),
    };
    let Some(ex) = ex else {
        let names: Vec<&str> = crate::examples::ALL.iter().map(|e| e.name).collect();
        return fail(
            io,
            &format!(
                "no example named {:?} (available: {})",
                a.positional[0],
                names.join(", ")
            ),
        );
    };
    let (seed, start_time) = match parse_seed_and_start(&a, EXAMPLE_HELP, io) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let test_case = a
        .get("--test-case")
        .or(ex.test_cases.first().copied())
        .unwrap_or_default();
    let cfg = match MockConfig::from_text(ex.mocks) {
        Ok(c) => c,
        Err(e) => return fail(io, &format!("example {}: {e}", ex.name)),
    };
    let mut handler = match cfg.handler(ex.state_machine_name, test_case) {
        Ok(h) => h,
        Err(e) => return fail(io, &format!("example {}: {e}", ex.name)),
    };
    let input = match serde_json::from_str::<Value>(ex.input) {
        Ok(v) => v,
        Err(e) => return fail(io, &format!("example {}: bad input: {e}", ex.name)),
    };
    execute_and_print(
        Job {
            definition: ex.definition,
            label: ex.name,
            input,
            handler: &mut handler,
            state_machine_name: ex.state_machine_name.to_string(),
            execution_name: None,
            seed,
            start_time,
            history: a.has("--history"),
            timeline: !a.has("--quiet"),
            variables: a.has("--variables"),
        },
        io,
    )
}

fn validate(args: &[String], io: &mut Io<'_>) -> i32 {
    let a = match Args::parse(args, &[], &["--json"]) {
        Ok(a) => a,
        Err(e) => return usage(io, &e, VALIDATE_HELP),
    };
    if a.has("--help") {
        let _ = io.stdout.write_all(VALIDATE_HELP.as_bytes());
        return 0;
    }
    if a.positional.is_empty() {
        return usage(io, "validate needs at least one DEFINITION", VALIDATE_HELP);
    }
    let json_out = a.has("--json");
    let mut any_error = false;
    let mut unreadable = false;
    let mut results = Vec::new();
    for file in &a.positional {
        let name = display_name(file).to_string();
        let text = match read_source(file, io) {
            Ok(t) => t,
            Err(e) => {
                unreadable = true;
                if json_out {
                    results.push(json!({"file": name, "valid": false, "error": e}));
                } else {
                    let _ = writeln!(io.stderr, "statelab: {e}");
                }
                continue;
            }
        };
        let (_, diags) = crate::validate::validate_text(&text);
        let errors = diags.iter().any(|d| d.severity == Severity::Error);
        any_error |= errors;
        if json_out {
            results.push(json!({
                "file": name,
                "valid": !errors,
                "diagnostics": serde_json::to_value(&diags).unwrap_or(Value::Null),
            }));
        } else if diags.is_empty() {
            let _ = writeln!(io.stdout, "{name}: OK");
        } else {
            for d in &diags {
                let _ = writeln!(io.stdout, "{}", format_diagnostic(&name, d));
            }
        }
    }
    if json_out {
        let _ = writeln!(
            io.stdout,
            "{}",
            serde_json::to_string_pretty(&Value::Array(results)).unwrap_or_default()
        );
    }
    if unreadable {
        2
    } else if any_error {
        1
    } else {
        0
    }
}

fn conformance(args: &[String], io: &mut Io<'_>) -> i32 {
    let a = match Args::parse(
        args,
        &["--known-failures", "--filter"],
        &["--verbose", "--no-validate", "--no-history-details"],
    ) {
        Ok(a) => a,
        Err(e) => return usage(io, &e, CONFORMANCE_HELP),
    };
    if a.has("--help") {
        let _ = io.stdout.write_all(CONFORMANCE_HELP.as_bytes());
        return 0;
    }
    if a.positional.is_empty() {
        return usage(io, "conformance needs at least one DIR", CONFORMANCE_HELP);
    }
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut suites: Vec<PathBuf> = Vec::new();
    for d in &a.positional {
        let p = PathBuf::from(d);
        if !p.exists() {
            return fail(io, &format!("{d}: no such file or directory"));
        }
        if p.is_dir() && conformance::is_jsonata_suite(&p) {
            suites.push(p);
            continue;
        }
        dirs.push(p);
    }
    if dirs.is_empty() && suites.is_empty() {
        return fail(io, "nothing to run");
    }
    let known = match a.get("--known-failures") {
        Some(f) => match KnownFailures::load(Path::new(f)) {
            Ok(k) => k,
            Err(e) => return fail(io, &e),
        },
        None => KnownFailures::default(),
    };
    let mut suites_ok = true;
    for suite in &suites {
        #[cfg(feature = "jsonata")]
        {
            let report = conformance::jsonata_suite::run(suite, &known, a.get("--filter"));
            let _ = io.stdout.write_all(report.render().as_bytes());
            suites_ok &= report.ok();
        }
        #[cfg(not(feature = "jsonata"))]
        {
            let _ = writeln!(
                io.stderr,
                "statelab: {} is the JSONata language test suite; this build has no JSONata (feature 'jsonata'), so it is not run",
                suite.display()
            );
            suites_ok = false;
        }
    }
    if dirs.is_empty() {
        return if suites_ok { 0 } else { 1 };
    }
    let opts = RunnerOptions {
        filter: a.get("--filter").map(str::to_string),
        validate: !a.has("--no-validate"),
        history_details: !a.has("--no-history-details"),
        ..RunnerOptions::default()
    };
    let report = conformance::run_paths(&dirs, &opts, &known);
    let _ = io
        .stdout
        .write_all(report.render(a.has("--verbose")).as_bytes());
    if report.ok() && suites_ok {
        0
    } else {
        1
    }
}
