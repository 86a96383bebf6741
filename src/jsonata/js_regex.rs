//! JavaScript regular expressions on the evaluator's Rust `regex` engine.
//!
//! JSONata regexes are JavaScript regexes. The evaluator hands the pattern to the Rust
//! `regex` crate, whose syntax is close but whose classes are Unicode-aware. This module
//! rewrites a pattern so that it means what JavaScript (without the `u` flag) means:
//!
//! | JavaScript | rewritten to | why |
//! | --- | --- | --- |
//! | `\d` `\D` | `[0-9]` `[^0-9]` | Rust's `\d` matches every Unicode digit |
//! | `\w` `\W` | `[0-9A-Za-z_]` and its negation | Rust's `\w` is Unicode |
//! | `\b` `\B` | `(?-u:\b)` `(?-u:\B)` | ASCII word boundaries |
//! | `\s` `\S` | JavaScript's white-space list | Rust adds U+0085, lacks U+FEFF |
//! | `.` | `[^\n\r\u2028\u2029]` (no `s` flag) | JavaScript's `.` also stops at `\r`, U+2028/9 |
//! | `[^]` | `(?s:.)` | any character; Rust rejects `[^]` |
//!
//! What cannot be rewritten, because the engine has no backtracking: look-ahead
//! `(?=…)` `(?!…)`, look-behind `(?<=…)` `(?<!…)` and back-references `\1`…`\9`,
//! `\k<name>`. [`unsupported`] finds them so the evaluation fails with a clear message
//! instead of the engine's parse error. Remaining small differences: case-insensitive
//! matching folds by Unicode simple case folding (JavaScript uppercases), and with the
//! `m` flag `^`/`$` treat only `\n` as a line end (JavaScript also `\r`, U+2028/9).

const JS_SPACE: &str =
    r"\t\n\x0B\x0C\r \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF";

/// Rewrites a JavaScript pattern for the Rust engine (see the module docs). `dot_all`:
/// the `s` flag is set (then `.` is left alone).
pub fn translate(pattern: &str, dot_all: bool) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut i = 0;
    let mut in_class = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if i + 1 < chars.len() => {
                let e = chars[i + 1];
                i += 2;
                match (e, in_class) {
                    ('d', false) => out.push_str("[0-9]"),
                    ('D', false) => out.push_str("[^0-9]"),
                    ('w', false) => out.push_str("[0-9A-Za-z_]"),
                    ('W', false) => out.push_str("[^0-9A-Za-z_]"),
                    ('s', false) => {
                        out.push('[');
                        out.push_str(JS_SPACE);
                        out.push(']');
                    }
                    ('S', false) => {
                        out.push_str("[^");
                        out.push_str(JS_SPACE);
                        out.push(']');
                    }
                    ('b', false) => out.push_str(r"(?-u:\b)"),
                    ('B', false) => out.push_str(r"(?-u:\B)"),
                    ('d', true) => out.push_str("0-9"),
                    ('w', true) => out.push_str("0-9A-Za-z_"),
                    ('s', true) => out.push_str(JS_SPACE),
                    ('D', true) => out.push_str("[^0-9]"),
                    ('W', true) => out.push_str("[^0-9A-Za-z_]"),
                    ('S', true) => {
                        out.push_str("[^");
                        out.push_str(JS_SPACE);
                        out.push(']');
                    }
                    // `\b` in a class is a backspace in JavaScript.
                    ('b', true) => out.push_str(r"\x08"),
                    ('/', _) => out.push('/'),
                    _ => {
                        out.push('\\');
                        out.push(e);
                    }
                }
                continue;
            }
            '[' if !in_class => {
                if chars.get(i + 1) == Some(&'^') && chars.get(i + 2) == Some(&']') {
                    out.push_str("(?s:.)");
                    i += 3;
                    continue;
                }
                in_class = true;
                out.push('[');
                i += 1;
                // A `]` or `^]` right after the opening bracket is literal in Rust but
                // closes an empty class in JavaScript; keep JavaScript's reading by
                // escaping nothing here (such patterns are rare and both reject `[]`).
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                continue;
            }
            '[' if in_class => {
                // A literal `[` inside a class: Rust would open a nested class.
                out.push_str(r"\[");
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '.' if !in_class && !dot_all => out.push_str(r"[^\n\r\u2028\u2029]"),
            // Rust gives `&&`, `--`, `~~` set-operation meanings inside classes.
            '&' | '~' | '-' if in_class && chars.get(i + 1) == Some(&c) => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// The first construct of `pattern` that the engine cannot run, if any.
pub fn unsupported(pattern: &str) -> Option<&'static str> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let mut in_class = false;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                if !in_class {
                    match chars.get(i + 1) {
                        Some('1'..='9') => return Some("back-references"),
                        Some('k') if chars.get(i + 2) == Some(&'<') => {
                            return Some("back-references")
                        }
                        _ => {}
                    }
                }
                i += 2;
                continue;
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class && chars.get(i + 1) == Some(&'?') => match chars.get(i + 2) {
                Some('=') | Some('!') => return Some("look-ahead"),
                Some('<') if matches!(chars.get(i + 3), Some('=') | Some('!')) => {
                    return Some("look-behind")
                }
                _ => {}
            },
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_become_ascii() {
        assert_eq!(translate(r"\d+", false), "[0-9]+");
        assert_eq!(translate(r"[\d.]", false), "[0-9.]");
        assert_eq!(translate(r"a.b", true), "a.b");
        assert_eq!(translate(r"a.b", false), r"a[^\n\r\u2028\u2029]b");
        assert_eq!(translate(r"[^]", false), "(?s:.)");
        assert_eq!(translate(r"\/", false), "/");
    }

    #[test]
    fn unsupported_constructs_are_named() {
        assert_eq!(unsupported(r"a(?=b)"), Some("look-ahead"));
        assert_eq!(unsupported(r"(?<!a)b"), Some("look-behind"));
        assert_eq!(unsupported(r"(a)\1"), Some("back-references"));
        assert_eq!(unsupported(r"(?<n>a)"), None);
        assert_eq!(unsupported(r"[\1]"), None);
        assert_eq!(unsupported(r"a\d"), None);
    }
}
