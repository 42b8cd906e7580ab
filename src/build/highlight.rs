//! A small Python tokenizer that turns source into highlighted HTML at build time.
//!
//! It only has to colour static examples well; the editor brings its own highlighter.

const KEYWORDS: &[&str] = &[
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "match", "case", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with",
    "yield", "type",
];

const CONSTANTS: &[&str] = &["True", "False", "None", "Ellipsis", "NotImplemented"];

const BUILTINS: &[&str] = &[
    "abs",
    "all",
    "any",
    "bool",
    "bytes",
    "callable",
    "chr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "hasattr",
    "hash",
    "help",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "list",
    "map",
    "max",
    "min",
    "next",
    "object",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "sorted",
    "staticmethod",
    "classmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
    "self",
    "cls",
];

/// Escapes text for use inside HTML elements and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Python source as HTML with `<span class="tok-…">` around keywords, strings, numbers,
/// comments, builtins, definitions and decorators.
pub fn python_html(code: &str) -> String {
    let mut out = String::with_capacity(code.len() * 2);
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    // The previous word, so the name after `def`/`class` can be marked as a definition.
    let mut previous_word = String::new();
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let class = if c == '#' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            Some("comment")
        } else if let Some(end) = string_end(&chars, i) {
            i = end;
            Some("string")
        } else if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            // In a hex literal `e` is a digit, so a sign after it is an operator.
            let hex = c == '0' && matches!(chars.get(i + 1), Some('x' | 'X'));
            i += 1;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric()
                    || chars[i] == '_'
                    || chars[i] == '.'
                    || ((chars[i] == '+' || chars[i] == '-')
                        && matches!(chars[i - 1], 'e' | 'E')
                        && !hex))
            {
                i += 1;
            }
            Some("number")
        } else if c == '@' && is_line_start(&chars, i) {
            i += 1;
            while i < chars.len() && (is_ident(chars[i]) || chars[i] == '.') {
                i += 1;
            }
            Some("decorator")
        } else if is_ident_start(c) {
            while i < chars.len() && is_ident(chars[i]) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let class = if previous_word == "def" || previous_word == "class" {
                Some("def")
            } else if KEYWORDS.contains(&word.as_str())
                && !is_soft_keyword_used_as_name(&word, &chars, i)
            {
                Some("keyword")
            } else if CONSTANTS.contains(&word.as_str()) {
                Some("constant")
            } else if BUILTINS.contains(&word.as_str()) {
                Some("builtin")
            } else {
                None
            };
            previous_word = word;
            class
        } else {
            i += 1;
            if !c.is_whitespace() {
                previous_word.clear();
            }
            None
        };
        let text: String = chars[start..i].iter().collect();
        match class {
            Some(class) => {
                out.push_str("<span class=\"tok-");
                out.push_str(class);
                out.push_str("\">");
                out.push_str(&escape_html(&text));
                out.push_str("</span>");
            }
            None => out.push_str(&escape_html(&text)),
        }
    }
    out
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_line_start(chars: &[char], i: usize) -> bool {
    chars[..i]
        .iter()
        .rev()
        .take_while(|c| **c != '\n')
        .all(|c| c.is_whitespace())
}

/// `match`, `case` and `type` are keywords only at the start of a statement; elsewhere
/// (`type(x)`, `match = ...`) they are ordinary names.
fn is_soft_keyword_used_as_name(word: &str, chars: &[char], end: usize) -> bool {
    if !matches!(word, "match" | "case" | "type") {
        return false;
    }
    let start = end - word.chars().count();
    if !is_line_start(chars, start) {
        return true;
    }
    let next = chars[end..].iter().find(|c| **c != ' ');
    matches!(next, None | Some('(' | '=' | '.' | ')' | ',' | ':' | '\n'))
}

/// If a string literal (with optional prefix such as `f`, `rb`) starts at `i`, where it ends.
fn string_end(chars: &[char], i: usize) -> Option<usize> {
    let mut q = i;
    while q < chars.len()
        && q - i < 2
        && matches!(chars[q].to_ascii_lowercase(), 'r' | 'b' | 'f' | 'u' | 't')
    {
        q += 1;
    }
    if q > i && i > 0 && is_ident(chars[i - 1]) {
        return None;
    }
    let quote = *chars.get(q)?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let raw = chars[i..q].iter().any(|c| c.eq_ignore_ascii_case(&'r'));
    let triple = chars.get(q + 1) == Some(&quote) && chars.get(q + 2) == Some(&quote);
    let mut j = q + if triple { 3 } else { 1 };
    while j < chars.len() {
        let c = chars[j];
        if c == '\\' && !raw {
            j += 2;
            continue;
        }
        if !triple && c == '\n' {
            return Some(j);
        }
        if c == quote {
            if !triple {
                return Some(j + 1);
            }
            if chars.get(j + 1) == Some(&quote) && chars.get(j + 2) == Some(&quote) {
                return Some(j + 3);
            }
        }
        j += 1;
    }
    Some(chars.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_the_kinds_of_token() {
        let html = python_html(
            "def greet(name):\n    # say hi\n    print(f\"hi {name}\", 3.5)\n    return None",
        );
        assert!(
            html.contains(
                r#"<span class="tok-keyword">def</span> <span class="tok-def">greet</span>"#
            ),
            "{html}"
        );
        assert!(html.contains(r#"<span class="tok-comment"># say hi</span>"#));
        assert!(html.contains(r#"<span class="tok-builtin">print</span>"#));
        assert!(html.contains(r#"<span class="tok-string">f&quot;hi {name}&quot;</span>"#));
        assert!(html.contains(r#"<span class="tok-number">3.5</span>"#));
        assert!(html.contains(r#"<span class="tok-constant">None</span>"#));
    }

    #[test]
    fn escapes_html_and_keeps_every_character() {
        let src = "if a < b and c > d: print('<b>&')\n'''multi\nline'''\n";
        let html = python_html(src);
        assert!(!html.contains("<b>"));
        let text = html
            .split('<')
            .map(|p| p.split_once('>').map_or(p, |(_, t)| t))
            .collect::<String>()
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
            .replace("&#39;", "'")
            .replace("&quot;", "\"");
        assert_eq!(text, src);
    }

    #[test]
    fn triple_quoted_strings_span_lines_and_names_are_not_strings() {
        let html = python_html("x = \"\"\"a\n'b'\"\"\"\nbf = 1\nrf");
        assert!(html.contains("<span class=\"tok-string\">&quot;&quot;&quot;a\n&#39;b&#39;&quot;&quot;&quot;</span>"), "{html}");
        assert!(!html.contains("tok-string\">bf"));
    }

    #[test]
    fn exponent_signs_belong_to_the_number_unless_it_is_hex() {
        let html = python_html("0x1 + 1e+5 - 0xe-1");
        assert!(
            html.contains(r#"<span class="tok-number">1e+5</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="tok-number">0x1</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="tok-number">0xe</span>-"#),
            "{html}"
        );
    }

    #[test]
    fn soft_keywords_only_at_statement_start() {
        assert!(python_html("match x:\n    case 1:\n        pass").contains("tok-keyword\">match"));
        assert!(!python_html("match = 3").contains("tok-keyword\">match"));
        assert!(python_html("print(type(3))").contains("tok-builtin\">type"));
    }
}
