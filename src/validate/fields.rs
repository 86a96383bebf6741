//! Which fields each state type accepts in each query language (ASL spec tables, the
//! AWS language-service schema, and what the service was seen to accept).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StateType {
    Task,
    Wait,
    Pass,
    Succeed,
    Fail,
    Choice,
    Parallel,
    Map,
}

/// In the order the service lists them.
pub(crate) const TYPE_NAMES: [&str; 8] = [
    "Task", "Wait", "Pass", "Succeed", "Fail", "Choice", "Parallel", "Map",
];

impl StateType {
    pub fn parse(name: &str) -> Option<StateType> {
        Some(match name {
            "Task" => StateType::Task,
            "Wait" => StateType::Wait,
            "Pass" => StateType::Pass,
            "Succeed" => StateType::Succeed,
            "Fail" => StateType::Fail,
            "Choice" => StateType::Choice,
            "Parallel" => StateType::Parallel,
            "Map" => StateType::Map,
            _ => return None,
        })
    }

    /// Task, Pass, Wait, Parallel and Map need exactly one of `Next` / `End`.
    pub fn needs_transition(self) -> bool {
        matches!(
            self,
            StateType::Task
                | StateType::Pass
                | StateType::Wait
                | StateType::Parallel
                | StateType::Map
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    JsonPath,
    Jsonata,
}

impl Lang {
    pub fn name(self) -> &'static str {
        match self {
            Lang::JsonPath => "JSONPath",
            Lang::Jsonata => "JSONata",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::JsonPath => Lang::Jsonata,
            Lang::Jsonata => Lang::JsonPath,
        }
    }
}

/// Fields every state may carry.
pub(crate) const COMMON: [&str; 3] = ["Type", "Comment", "QueryLanguage"];

/// Fields (besides `COMMON`) a state of this type accepts in this language.
pub(crate) fn allowed(t: StateType, lang: Lang) -> &'static [&'static str] {
    use StateType::*;
    match lang {
        Lang::JsonPath => match t {
            Pass => &[
                "Next",
                "End",
                "InputPath",
                "OutputPath",
                "Parameters",
                "ResultPath",
                "Result",
                "Assign",
            ],
            Task => &[
                "Next",
                "End",
                "InputPath",
                "OutputPath",
                "Parameters",
                "ResultSelector",
                "ResultPath",
                "Retry",
                "Catch",
                "Assign",
                "Resource",
                "TimeoutSeconds",
                "TimeoutSecondsPath",
                "HeartbeatSeconds",
                "HeartbeatSecondsPath",
                "Credentials",
            ],
            Choice => &["InputPath", "OutputPath", "Choices", "Default", "Assign"],
            Wait => &[
                "Next",
                "End",
                "InputPath",
                "OutputPath",
                "Seconds",
                "Timestamp",
                "SecondsPath",
                "TimestampPath",
                "Assign",
            ],
            Succeed => &["InputPath", "OutputPath"],
            Fail => &["Error", "Cause", "ErrorPath", "CausePath"],
            Parallel => &[
                "Next",
                "End",
                "InputPath",
                "OutputPath",
                "Parameters",
                "ResultSelector",
                "ResultPath",
                "Retry",
                "Catch",
                "Assign",
                "Branches",
            ],
            Map => &[
                "Next",
                "End",
                "InputPath",
                "OutputPath",
                "Parameters",
                "ItemSelector",
                "ResultSelector",
                "ResultPath",
                "Retry",
                "Catch",
                "Assign",
                "ItemProcessor",
                "Iterator",
                "ItemsPath",
                "ItemReader",
                "ItemBatcher",
                "ResultWriter",
                "MaxConcurrency",
                "MaxConcurrencyPath",
                "ToleratedFailurePercentage",
                "ToleratedFailurePercentagePath",
                "ToleratedFailureCount",
                "ToleratedFailureCountPath",
                "Label",
            ],
        },
        Lang::Jsonata => match t {
            Pass => &["Next", "End", "Output", "Assign"],
            Task => &[
                "Next",
                "End",
                "Arguments",
                "Output",
                "Assign",
                "Retry",
                "Catch",
                "Resource",
                "TimeoutSeconds",
                "HeartbeatSeconds",
                "Credentials",
            ],
            Choice => &["Choices", "Default", "Output", "Assign"],
            Wait => &["Next", "End", "Seconds", "Timestamp", "Output", "Assign"],
            Succeed => &["Output"],
            Fail => &["Error", "Cause"],
            Parallel => &[
                "Next",
                "End",
                "Arguments",
                "Output",
                "Assign",
                "Retry",
                "Catch",
                "Branches",
            ],
            Map => &[
                "Next",
                "End",
                "Items",
                "ItemSelector",
                "Output",
                "Assign",
                "Retry",
                "Catch",
                "ItemProcessor",
                "Iterator",
                "ItemReader",
                "ItemBatcher",
                "ResultWriter",
                "MaxConcurrency",
                "ToleratedFailurePercentage",
                "ToleratedFailureCount",
                "Label",
            ],
        },
    }
}

/// Top-level fields of a definition.
pub(crate) const TOP_LEVEL: [&str; 6] = [
    "StartAt",
    "States",
    "Comment",
    "Version",
    "TimeoutSeconds",
    "QueryLanguage",
];

/// Fields of a Parallel branch.
pub(crate) const BRANCH: [&str; 3] = ["StartAt", "States", "Comment"];

/// Fields of a Map `ItemProcessor` / `Iterator`.
pub(crate) const PROCESSOR: [&str; 4] = ["StartAt", "States", "Comment", "ProcessorConfig"];

/// Fields of a retrier.
pub(crate) const RETRIER: [&str; 7] = [
    "ErrorEquals",
    "IntervalSeconds",
    "MaxAttempts",
    "BackoffRate",
    "MaxDelaySeconds",
    "JitterStrategy",
    "Comment",
];

/// Error names starting with `States.` that may appear in `ErrorEquals`.
pub(crate) const PREDEFINED_ERRORS: [&str; 17] = [
    "States.ALL",
    "States.DataLimitExceeded",
    "States.ExceedToleratedFailureThreshold",
    "States.HeartbeatTimeout",
    "States.Http.Socket",
    "States.IntrinsicFailure",
    "States.ItemReaderFailed",
    "States.NoChoiceMatched",
    "States.ParameterPathFailure",
    "States.Permissions",
    "States.QueryEvaluationError",
    "States.ResultPathMatchFailure",
    "States.ResultWriterFailed",
    "States.Runtime",
    "States.TaskFailed",
    "States.Timeout",
    "States.BranchFailed",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_parses_and_tables_have_no_common_fields() {
        for name in TYPE_NAMES {
            let t = StateType::parse(name);
            assert!(t.is_some(), "{name}");
            for lang in [Lang::JsonPath, Lang::Jsonata] {
                if let Some(t) = t {
                    for f in allowed(t, lang) {
                        assert!(!COMMON.contains(f));
                        assert_eq!(
                            t.needs_transition(),
                            allowed(t, lang).contains(&"Next"),
                            "{name}"
                        );
                    }
                }
            }
        }
        assert_eq!(StateType::parse("task"), None);
    }
}
