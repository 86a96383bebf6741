//! Workflow variables (`Assign`): one scope for the top level, one per Parallel branch
//! and Map iteration. Inner scopes read outer variables (as they were when the
//! Parallel/Map state was entered) and never write them.

use serde_json::{Map, Value};
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct VarScope {
    vars: Map<String, Value>,
    parent: Option<Arc<VarScope>>,
}

impl VarScope {
    pub fn root() -> Arc<VarScope> {
        Arc::new(VarScope::default())
    }

    /// A child scope for a branch or an iteration.
    pub fn child(parent: &Arc<VarScope>) -> Arc<VarScope> {
        Arc::new(VarScope {
            vars: Map::new(),
            parent: Some(parent.clone()),
        })
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        let mut scope = self;
        loop {
            if let Some(v) = scope.vars.get(name) {
                return Some(v);
            }
            scope = scope.parent.as_deref()?;
        }
    }

    /// Applies a whole `Assign` at once (all right-hand sides were computed before).
    pub fn assign(this: &mut Arc<VarScope>, values: Map<String, Value>) {
        let scope = Arc::make_mut(this);
        for (k, v) in values {
            scope.vars.insert(k, v);
        }
    }

    /// Every visible variable, inner scopes shadowing nothing (names are unique).
    pub fn snapshot(&self) -> Map<String, Value> {
        let mut out = match &self.parent {
            Some(p) => p.snapshot(),
            None => Map::new(),
        };
        for (k, v) in &self.vars {
            out.insert(k.clone(), v.clone());
        }
        out
    }
}
