//! Path semantics, written like the spec: Jayway JsonPath as Step Functions uses it.

use serde_json::{json, Map, Value};
use statelab::path::{Path, Root, SimpleRoots};
use std::borrow::Cow;

fn store() -> Value {
    json!({
        "store": {
            "book": [
                {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
                {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
                {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
                {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}
            ],
            "bicycle": {"color": "red", "price": 19.95}
        },
        "expensive": 10
    })
}

fn find(path: &str, doc: &Value) -> Result<Value, String> {
    Path::parse(path)
        .unwrap_or_else(|e| panic!("{path} should parse: {e}"))
        .find_in(doc)
        .map(Cow::into_owned)
        .map_err(|m| m.detail)
}

fn ok(path: &str, doc: &Value) -> Value {
    find(path, doc).unwrap_or_else(|e| panic!("{path}: {e}"))
}

// ----------------------------------------------------------------------------------
// Definite paths
// ----------------------------------------------------------------------------------

#[test]
fn dot_and_bracket_members() {
    let d = store();
    assert_eq!(ok("$.store.bicycle.color", &d), json!("red"));
    assert_eq!(ok("$['store']['bicycle']['color']", &d), json!("red"));
    assert_eq!(ok("$[\"store\"].bicycle[\"price\"]", &d), json!(19.95));
    assert_eq!(ok("$.store.book[0].author", &d), json!("Nigel Rees"));
    assert_eq!(ok("$.store.book[-1].author", &d), json!("J. R. R. Tolkien"));
    assert_eq!(ok("$.expensive", &d), json!(10));
}

#[test]
fn dot_followed_by_bracket_as_in_intrinsic_docs() {
    let d = json!({"abc": {"def ghi": 1}});
    assert_eq!(ok("$.abc.['def ghi']", &d), json!(1));
    assert_eq!(ok("$.abc['def ghi']", &d), json!(1));
}

#[test]
fn escaped_special_characters_in_names() {
    let d = json!({"store.book": 1, "foo@bar": 2, "it\\'s": 3});
    assert_eq!(ok("$.store\\.book", &d), json!(1));
    assert_eq!(ok("$.foo\\@bar", &d), json!(2));
    // Bracket names are not unescaped: the backslash stays part of the name.
    assert_eq!(ok("$['it\\'s']", &d), json!(3));
}

#[test]
fn root_alone_returns_the_document_borrowed() {
    let d = store();
    let p = Path::parse("$").unwrap();
    assert!(p.is_root_only());
    assert!(p.is_definite());
    match p.find_in(&d).unwrap() {
        Cow::Borrowed(v) => assert!(std::ptr::eq(v, &d)),
        Cow::Owned(_) => panic!("$ must not clone"),
    }
}

#[test]
fn null_values_are_results() {
    let d = json!({"a": null});
    assert_eq!(ok("$.a", &d), Value::Null);
}

// ----------------------------------------------------------------------------------
// Miss messages (Jayway wording, AWS-recorded where noted)
// ----------------------------------------------------------------------------------

#[test]
fn leaf_miss_is_no_results_for_path() {
    // AWS: Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']
    let d = json!({"a": 1});
    assert_eq!(
        find("$.NoSuchInputPath", &d).unwrap_err(),
        "No results for path: $['NoSuchInputPath']"
    );
    assert_eq!(
        find("$.a2.b", &json!({"a2": {}})).unwrap_err(),
        "No results for path: $['a2']['b']"
    );
}

#[test]
fn intermediate_miss_is_missing_property() {
    // AWS: Invalid path '$.no.such.result.path' : Missing property in path $['no']
    let d = json!({"a": 1});
    assert_eq!(
        find("$.no.such.result.path", &d).unwrap_err(),
        "Missing property in path $['no']"
    );
    assert_eq!(
        find("$.x.no.such", &json!({"x": {}})).unwrap_err(),
        "Missing property in path $['x']['no']"
    );
}

#[test]
fn index_misses() {
    let d = json!({"arr": [1, 2], "n": null, "o": {"k": 1}, "s": "str"});
    assert_eq!(
        find("$.arr[2]", &d).unwrap_err(),
        "Index out of bounds when evaluating path $['arr'][2]"
    );
    assert_eq!(
        find("$.arr[7].x", &d).unwrap_err(),
        "Index out of bounds when evaluating path $['arr'][7]"
    );
    assert_eq!(
        find("$.arr[-3]", &d).unwrap_err(),
        "Index out of bounds when evaluating path $['arr'][-3]"
    );
    assert_eq!(find("$.n[0]", &d).unwrap_err(), "The path $['n'] is null");
    assert_eq!(
        find("$.o[0]", &d).unwrap_err(),
        "Filter: [0] can only be applied to arrays. Current context is: {k=1}"
    );
    assert_eq!(
        find("$.s[0]", &d).unwrap_err(),
        "Filter: [0] can only be applied to arrays. Current context is: str"
    );
}

#[test]
fn member_of_a_non_object() {
    let d = json!({"s": "str", "n": null, "i": 5, "arr": [1]});
    assert_eq!(
        find("$.s.x", &d).unwrap_err(),
        "Property ['x'] not found in path $['s']"
    );
    assert_eq!(
        find("$.n.x", &d).unwrap_err(),
        "Property ['x'] not found in path $['n']"
    );
    assert_eq!(
        find("$.arr[0].x", &d).unwrap_err(),
        "Property ['x'] not found in path $['arr'][0]"
    );
}

#[test]
fn context_and_variable_paths_render_from_dollar() {
    let input = json!({});
    let ctx = json!({"Execution": {"Input": {}}});
    let mut vars = Map::new();
    vars.insert("v".into(), json!({"a": 1}));
    let roots = SimpleRoots {
        input: &input,
        context: &ctx,
        variables: Some(&vars),
    };
    let p = Path::parse("$$.Execution.Input.no_such_jsonpath").unwrap();
    assert_eq!(p.root(), &Root::Context);
    assert_eq!(
        p.find(&roots).unwrap_err().detail,
        "No results for path: $['Execution']['Input']['no_such_jsonpath']"
    );
    let p = Path::parse("$v.a").unwrap();
    assert_eq!(p.root(), &Root::Variable("v".into()));
    assert_eq!(p.find(&roots).unwrap().into_owned(), json!(1));
    let p = Path::parse("$v").unwrap();
    assert_eq!(p.find(&roots).unwrap().into_owned(), json!({"a": 1}));
    let p = Path::parse("$undefinedVar").unwrap();
    assert!(p.find(&roots).is_err());
    assert!(!p.exists(&roots));
    let p = Path::parse("$$").unwrap();
    assert_eq!(p.find(&roots).unwrap().into_owned(), ctx);
}

// ----------------------------------------------------------------------------------
// Indefinite paths: results gathered into an array
// ----------------------------------------------------------------------------------

#[test]
fn index_union_gathers_into_array() {
    // SPEC: "$.a[0,1]" -> [1,2]
    let d = json!({"a": [1, 2, 3]});
    assert_eq!(ok("$.a[0,1]", &d), json!([1, 2]));
    assert_eq!(ok("$.a[2,0,9]", &d), json!([3, 1]));
    assert!(!Path::parse("$.a[0,1]").unwrap().is_definite());
}

#[test]
fn wildcards() {
    let d = store();
    assert_eq!(
        ok("$.store.book[*].author", &d),
        json!([
            "Nigel Rees",
            "Evelyn Waugh",
            "Herman Melville",
            "J. R. R. Tolkien"
        ])
    );
    assert_eq!(ok("$.store.bicycle.*", &d), json!(["red", 19.95]));
    assert_eq!(ok("$[*]", &json!([1, 2])), json!([1, 2]));
    assert_eq!(ok("$.*", &json!("scalar")), json!([]));
}

#[test]
fn wildcard_skips_items_without_the_member() {
    let d = json!([{"x": 1}, {"y": 2}, {"x": 3}, 4]);
    assert_eq!(ok("$[*].x", &d), json!([1, 3]));
}

#[test]
fn slices() {
    let d = json!([0, 1, 2, 3, 4]);
    assert_eq!(ok("$[0:2]", &d), json!([0, 1]));
    assert_eq!(ok("$[1:]", &d), json!([1, 2, 3, 4]));
    assert_eq!(ok("$[:2]", &d), json!([0, 1]));
    assert_eq!(ok("$[-1:]", &d), json!([4]));
    assert_eq!(ok("$[-2:]", &d), json!([3, 4]));
    assert_eq!(ok("$[:-2]", &d), json!([0, 1, 2]));
    assert_eq!(ok("$[3:99]", &d), json!([3, 4]));
    assert_eq!(ok("$[3:1]", &d), json!([]));
}

#[test]
fn member_unions() {
    let d = json!({"a": 1, "b": 2, "c": 3, "o": [{"a": 1, "b": 2}, {"a": 3}]});
    // Jayway: a leaf member union is "definite" and merges into one object.
    assert_eq!(ok("$['a','b']", &d), json!({"a": 1, "b": 2}));
    assert_eq!(ok("$['a','zz']", &d), json!({"a": 1}));
    // Not a leaf: iterates.
    assert_eq!(
        ok("$.o[*]['a','b']", &d),
        json!([{"a": 1, "b": 2}, {"a": 3}])
    );
}

#[test]
fn deep_scan() {
    let d = store();
    assert_eq!(
        ok("$..author", &d),
        json!([
            "Nigel Rees",
            "Evelyn Waugh",
            "Herman Melville",
            "J. R. R. Tolkien"
        ])
    );
    assert_eq!(
        ok("$.store..price", &d),
        json!([8.95, 12.99, 8.99, 22.99, 19.95])
    );
    assert_eq!(ok("$..book[2].title", &d), json!(["Moby Dick"]));
    assert_eq!(
        ok("$..book[-1:].title", &d),
        json!(["The Lord of the Rings"])
    );
    assert_eq!(ok("$..book.length()", &d), json!(1));
    let small = json!({"a": {"b": 1}, "c": [2]});
    assert_eq!(ok("$..*", &small), json!([{"b": 1}, [2], 1, 2]));
}

#[test]
fn deep_scan_over_a_very_deep_document_does_not_overflow() {
    let mut v = json!({"leaf": 1});
    for _ in 0..100_000 {
        let mut m = Map::new();
        m.insert("n".into(), v);
        v = Value::Object(m);
    }
    let r = ok("$..leaf", &v);
    assert_eq!(r, json!([1]));
    // Dropping a deeply nested serde_json value recurses; leak it deliberately.
    std::mem::forget(v);
}

#[test]
fn indefinite_paths_never_fail() {
    // AWS-recorded (LocalStack corpus, test_json_path_array_wildcard_or_slice_with_no_input):
    // on input {} each of these gives [].
    let d = json!({});
    for p in [
        "$[*]",
        "$.items[*]",
        "$.items[*].itemValue",
        "$.items[:1]",
        "$.items[1:]",
        "$.items[1:].itemValue",
        "$.item.items[*]",
        "$.item.items[1:5].itemValue",
    ] {
        assert_eq!(ok(p, &d), json!([]), "{p}");
    }
    let d = json!({"a": 1, "arr": [1, 2]});
    assert_eq!(ok("$.a[*]", &d), json!([]));
    assert_eq!(ok("$.arr[0,5]", &d), json!([1]));
    assert_eq!(ok("$.a[?(@.x)]", &d), json!([]));
}

// ----------------------------------------------------------------------------------
// Filters
// ----------------------------------------------------------------------------------

#[test]
fn filter_comparisons() {
    let d = store();
    assert_eq!(
        ok("$.store.book[?(@.price < 10)].title", &d),
        json!(["Sayings of the Century", "Moby Dick"])
    );
    assert_eq!(
        ok("$.store.book[?(@.price<10)].title", &d),
        json!(["Sayings of the Century", "Moby Dick"])
    );
    assert_eq!(
        ok("$.store.book[?(@.price <= $['expensive'])].price", &d),
        json!([8.95, 8.99])
    );
    assert_eq!(
        ok("$.store.book[?(@.category == 'reference')].author", &d),
        json!(["Nigel Rees"])
    );
    assert_eq!(
        ok("$.store.book[?(@.category != 'fiction')].author", &d),
        json!(["Nigel Rees"])
    );
    assert_eq!(
        ok("$.store.book[?(@.price > 10 && @.price < 20)].title", &d),
        json!(["Sword of Honour"])
    );
    assert_eq!(
        ok("$.store.book[?(@.price < 9 || @.price > 20)].price", &d),
        json!([8.95, 8.99, 22.99])
    );
    assert_eq!(
        ok("$..book[?(@.author =~ /.*REES/i)].author", &d),
        json!(["Nigel Rees"])
    );
}

#[test]
fn filter_existence_and_negation() {
    let d = store();
    assert_eq!(
        ok("$.store.book[?(@.isbn)].title", &d),
        json!(["Moby Dick", "The Lord of the Rings"])
    );
    assert_eq!(
        ok("$.store.book[?(!@.isbn)].title", &d),
        json!(["Sayings of the Century", "Sword of Honour"])
    );
    // Existence is true for explicit null.
    let d = json!([{"a": null}, {"b": 1}]);
    assert_eq!(ok("$[?(@.a)]", &d), json!([{"a": null}]));
}

#[test]
fn filter_literals_and_jayway_equality() {
    let d = json!([
        {"v": 1}, {"v": "1"}, {"v": true}, {"v": null}, {"v": [1, 2]}, {"v": 1.0}
    ]);
    assert_eq!(ok("$[?(@.v == true)]", &d), json!([{"v": true}]));
    assert_eq!(ok("$[?(@.v == null)]", &d), json!([{"v": null}]));
    assert_eq!(ok("$[?(@.v == [1,2])]", &d), json!([{"v": [1, 2]}]));
    // Jayway: numbers equal numeric strings.
    assert_eq!(
        ok("$[?(@.v == 1)]", &d),
        json!([{"v": 1}, {"v": "1"}, {"v": 1.0}])
    );
    assert_eq!(
        ok("$[?(@.v in [true, null])]", &d),
        json!([{"v": true}, {"v": null}])
    );
    assert_eq!(ok("$[?(@.v size 2)]", &d), json!([{"v": [1, 2]}]));
    assert_eq!(ok("$[?(@.v contains 2)]", &d), json!([{"v": [1, 2]}]));
}

#[test]
fn filter_on_object_tests_the_object_itself() {
    let d = json!({"o": {"a": 1}});
    assert_eq!(ok("$.o[?(@.a == 1)]", &d), json!([{"a": 1}]));
    assert_eq!(ok("$.o[?(@.a == 2)]", &d), json!([]));
}

// ----------------------------------------------------------------------------------
// Reference paths
// ----------------------------------------------------------------------------------

#[test]
fn reference_paths_accept_members_and_indexes_only() {
    for ok in [
        "$",
        "$.a",
        "$.a.b[0]",
        "$['store']['book']",
        "$.ledgers[0][22]",
        "$.store\\.book",
        "$.foo\\@bar",
        "$$.Execution.Input",
        "$['a,b']",
    ] {
        assert!(Path::parse_reference(ok).is_ok(), "{ok} should be accepted");
    }
    for bad in [
        "$.a[*]",
        "$..a",
        "$.a[0,1]",
        "$.a[0:1]",
        "$.a[?(@.b)]",
        "$.a@b",
        "$.a:b",
        "$.a.length()",
        "a.b",
        "",
    ] {
        assert!(
            Path::parse_reference(bad).is_err(),
            "{bad} should be rejected"
        );
    }
}

#[test]
fn syntax_errors() {
    for bad in [
        "",
        "a",
        "$.",
        "$..",
        "$.a.",
        "$[",
        "$['a'",
        "$[a]",
        "$.a b",
        "$[?(@.a ==)]",
        "$[0:1:2]",
        "$[?(@.a",
        "$.a.foo()",
        "$.a.length().b",
    ] {
        assert!(Path::parse(bad).is_err(), "{bad:?} should be rejected");
    }
}

// ----------------------------------------------------------------------------------
// exists / set
// ----------------------------------------------------------------------------------

#[test]
fn exists_is_true_for_null() {
    let input = json!({"a": null, "b": {"c": 1}});
    let ctx = json!({});
    let roots = SimpleRoots {
        input: &input,
        context: &ctx,
        variables: None,
    };
    assert!(Path::parse("$.a").unwrap().exists(&roots));
    assert!(Path::parse("$.b.c").unwrap().exists(&roots));
    assert!(!Path::parse("$.b.d").unwrap().exists(&roots));
    assert!(!Path::parse("$.x.y").unwrap().exists(&roots));
}

#[test]
fn set_replaces_root() {
    let p = Path::parse_reference("$").unwrap();
    assert_eq!(p.set(json!({"a": 1}), json!([1])).unwrap(), json!([1]));
}

#[test]
fn set_creates_intermediate_objects_and_keeps_key_order() {
    let p = Path::parse_reference("$.data.x").unwrap();
    let out = p
        .set(json!({"comment": "c", "extra": 1}), json!({"r": 1}))
        .unwrap();
    assert_eq!(
        out,
        json!({"comment": "c", "extra": 1, "data": {"x": {"r": 1}}})
    );

    let p = Path::parse_reference("$.b").unwrap();
    let out = p.set(json!({"a": 1, "b": 2, "c": 3}), json!(9)).unwrap();
    assert_eq!(
        serde_json::to_string(&out).unwrap(),
        r#"{"a":1,"b":9,"c":3}"#
    );
}

#[test]
fn set_fails_when_a_non_object_is_in_the_way() {
    let p = Path::parse_reference("$.x").unwrap();
    assert_eq!(
        p.set(json!("foo"), json!(1)).unwrap_err(),
        "Unable to apply ReferencePath $.x to input \"foo\""
    );
    let p = Path::parse_reference("$.a.b").unwrap();
    assert!(p.set(json!({"a": 5}), json!(1)).is_err());
    assert!(p.set(json!({"a": null}), json!(1)).is_err());
}

#[test]
fn set_array_indexes() {
    let p = Path::parse_reference("$.a[1]").unwrap();
    assert_eq!(
        p.set(json!({"a": [1, 2]}), json!(9)).unwrap(),
        json!({"a": [1, 9]})
    );
    assert!(p.set(json!({"a": [1]}), json!(9)).is_err());
    assert!(p.set(json!({}), json!(9)).is_err());
    let p = Path::parse_reference("$.a[0].b").unwrap();
    assert_eq!(
        p.set(json!({"a": [{}]}), json!(9)).unwrap(),
        json!({"a": [{"b": 9}]})
    );
}

// ----------------------------------------------------------------------------------
// Robustness
// ----------------------------------------------------------------------------------

#[test]
fn never_panics_on_odd_text() {
    let doc = store();
    let samples = [
        "$[",
        "$[?(",
        "$[?(@",
        "$[?(@.a =~ /[/)]",
        "$[?(@.a =~ /(/)]",
        "$['\\",
        "$.\\",
        "$[-]",
        "$[99999999999999999999]",
        "$[?(((((((((((((((((((((((((((((((((((((@.a)))))))))))))))))))))))))))))))))))))]",
        "$[?(!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!@.a)]",
        "$é",
        "$.é",
        "$[' ']",
        "$[?(@.a == {)]",
        "$[?(@.a in [1,)]",
        "$..[?(@)]",
        "$..[0]",
        "$..['a','b']",
        "$[:]",
        "$[-9:-1]",
    ];
    for s in samples {
        if let Ok(p) = Path::parse(s) {
            let _ = p.find_in(&doc);
        }
        let _ = Path::parse_reference(s);
    }
    // Every prefix of a complex path.
    let complex = "$..book[?(@.price < $.expensive && (@.isbn || !@.x) || @.t =~ /a.*b/i)]['title','author'][0:2]";
    for (i, _) in complex.char_indices() {
        if let Ok(p) = Path::parse(&complex[..i]) {
            let _ = p.find_in(&doc);
        }
    }
}

#[test]
fn pathological_regex_gives_up_instead_of_hanging() {
    let d =
        json!([{"a": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"}]);
    assert_eq!(ok("$[?(@.a =~ /(a*)*b/)]", &d), json!([]));
    let long = "a".repeat(100_000);
    let d = json!([{ "a": long }]);
    assert_eq!(
        ok("$[?(@.a =~ /a+/)]", &d).as_array().map(Vec::len),
        Some(1)
    );
}

#[test]
fn double_quoted_members_render_with_single_quotes() {
    let d = json!({"a": {}});
    assert_eq!(
        find("$[\"a\"][\"x\"]", &d).unwrap_err(),
        "No results for path: $['a']['x']"
    );
    assert_eq!(
        find("$[\"n\"].x", &d).unwrap_err(),
        "Missing property in path $['n']"
    );
}

#[test]
fn escape_sequences_in_bracket_names_are_kept() {
    // AWS-recorded (test_escape_sequence_parsing ESCAPE_SEQUENCES_JSONPATH): the path
    // $['Test\""Name"'] selects the key Test\""Name"  (backslash included).
    let d = json!({"Test\\\"\"Name\"": "Value\"\\"});
    assert_eq!(ok("$['Test\\\"\"Name\"']", &d), json!("Value\"\\"));
}

#[test]
fn more_filter_operators() {
    let d = json!([
        {"v": 1}, {"v": "1"}, {"v": [1, 2, 3]}, {"v": {}}, {"v": ""}, {"v": true}, {}
    ]);
    // Type-safe equality.
    assert_eq!(ok("$[?(@.v === 1)]", &d), json!([{"v": 1}]));
    assert_eq!(ok("$[?(@.v === '1')]", &d), json!([{"v": "1"}]));
    // Jayway's `all` is also true for an object on the left (a quirk kept on purpose).
    assert_eq!(
        ok("$[?(@.v all [1, 3])]", &d),
        json!([{"v": [1, 2, 3]}, {"v": {}}])
    );
    assert_eq!(
        ok("$[?(@.v empty true)]", &d),
        json!([{"v": {}}, {"v": ""}])
    );
    assert_eq!(ok("$[?(@.v anyof [3, 9])]", &d), json!([{"v": [1, 2, 3]}]));
    assert_eq!(
        ok("$[?(@.v subsetof [1, 2, 3, 4])]", &d),
        json!([{"v": [1, 2, 3]}])
    );
    assert_eq!(ok("$[?(@.v noneof [7])]", &d), json!([{"v": [1, 2, 3]}]));
    // Regex: numbers/booleans match by text, arrays by any element, missing as "".
    assert_eq!(
        ok("$[?(@.v =~ /1/)]", &d),
        json!([{"v": 1}, {"v": "1"}, {"v": [1, 2, 3]}])
    );
    assert_eq!(ok("$[?(@.v =~ /tr.e/)]", &d), json!([{"v": true}]));
    assert_eq!(
        ok("$[?(@.v =~ /.*/)]", &d).as_array().map(Vec::len),
        Some(7)
    );
}
