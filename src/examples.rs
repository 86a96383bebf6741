//! Built-in examples, shared by the CLI (`statelab example`) and the playground.

/// A built-in example: a definition, an input and a mock file with test cases.
pub struct Example {
    pub name: &'static str,
    pub state_machine_name: &'static str,
    pub description: &'static str,
    pub definition: &'static str,
    pub input: &'static str,
    pub mocks: &'static str,
    /// Test cases in `mocks`, the first being the default.
    pub test_cases: &'static [&'static str],
}

pub const DELIVERY: Example = Example {
    name: "delivery",
    state_machine_name: "Delivery",
    description: "Order delivery: stock check, payment with Retry and Catch, a Parallel dispatch, a Wait until pickup.",
    definition: include_str!("../examples/delivery/definition.asl.json"),
    input: include_str!("../examples/delivery/input.json"),
    mocks: include_str!("../examples/delivery/mocks.json"),
    test_cases: &["HappyPath", "OutOfStock", "PaymentDeclined"],
};

pub const ALL: &[Example] = &[DELIVERY];

pub fn find(name: &str) -> Option<&'static Example> {
    ALL.iter().find(|e| e.name == name)
}
