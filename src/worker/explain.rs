//! What the learner is told about a Python error: one plain sentence for the common kinds, on
//! top of Python's own message and traceback.

use super::protocol::{Cause, PyError};

impl PyError {
    /// One plain-language sentence about the error, for the common kinds.
    pub fn explanation(&self) -> Option<String> {
        let at = self
            .line
            .map(|l| format!(" on line {l}"))
            .unwrap_or_default();
        let quoted = quoted_name(&self.message);
        Some(match self.kind.as_str() {
            "SyntaxError" => format!(
                "Python couldn't read your code{at}: something there isn't valid Python. Look for a missing `:`, bracket or quote, on that line or the one before."
            ),
            "IndentationError" | "TabError" => format!(
                "The indentation{at} doesn't fit: lines in the same block must start at the same column, and the line after a `:` must be indented."
            ),
            "NameError" => match quoted {
                Some(name) => format!(
                    "Python doesn't know the name `{name}`{at}. Check its spelling (capitals count), and that it is defined before this line runs."
                ),
                None => format!("A name{at} isn't defined yet."),
            },
            "UnboundLocalError" => format!(
                "A variable{at} is used inside a function before the function gives it a value. Assign it first, or pass it in as a parameter."
            ),
            "TypeError" => format!(
                "A value{at} is the wrong type for what is being done with it — for example adding a number to a string, or calling a function with the wrong number of arguments."
            ),
            "ValueError" => format!(
                "A value{at} has the right type but an unusable value — for example int(\"abc\")."
            ),
            "KeyError" => format!(
                "The dictionary{at} has no key {}. Check the spelling, or use .get() to supply a default.",
                if self.message.is_empty() {
                    "like that".to_owned()
                } else {
                    self.message.clone()
                }
            ),
            "IndexError" => format!(
                "An index{at} is past the end of the sequence. Positions start at 0, so the last item of a list of n items is at n - 1."
            ),
            "AttributeError" => format!(
                "The value{at} has no attribute or method by that name. Check the spelling and what type the value really is."
            ),
            "ZeroDivisionError" => {
                format!("Something{at} was divided by zero, which has no answer.")
            }
            "RecursionError" => format!(
                "A function{at} kept calling itself without stopping. Check that the recursion has a base case it always reaches."
            ),
            _ if self.cause == Some(Cause::DownloadFailed) => {
                "This code uses a package that PyRoad downloads the first time a program needs it, and the download didn't work: the message says which, and how big it is.".to_owned()
            }
            "ModuleNotFoundError" | "ImportError" => format!(
                "That module{at} isn't available here. Check its name; packages outside the standard library need a lesson that loads them."
            ),
            "FileNotFoundError" => format!(
                "There is no file at that path{at}. Files live in the browser's memory here: create the file before opening it for reading."
            ),
            "AssertionError" => format!("An assert{at} was false."),
            "KeyboardInterrupt" => "The program was stopped.".to_owned(),
            "MemoryError" => {
                format!("The program{at} asked for more memory than the browser can give it.")
            }
            "OverflowError" => format!("A number{at} grew too large to handle."),
            "StopIteration" => {
                format!("next(){at} was called on an iterator that had run out of items.")
            }
            _ => return None,
        })
    }
}

/// The first 'quoted' word of an error message (`name 'x' is not defined` → `x`).
fn quoted_name(message: &str) -> Option<&str> {
    let start = message.find('\'')? + 1;
    let len = message[start..].find('\'')?;
    Some(&message[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_errors_are_explained() {
        let err = |kind: &str, message: &str| PyError {
            kind: kind.into(),
            message: message.into(),
            line: Some(2),
            traceback: String::new(),
            cause: None,
        };
        for kind in [
            "SyntaxError",
            "IndentationError",
            "NameError",
            "TypeError",
            "ValueError",
            "KeyError",
            "IndexError",
            "AttributeError",
            "ZeroDivisionError",
            "RecursionError",
            "ModuleNotFoundError",
        ] {
            let text = err(kind, "'k'")
                .explanation()
                .unwrap_or_else(|| panic!("{kind} has no explanation"));
            assert!(
                text.contains("line 2") || kind == "KeyboardInterrupt",
                "{kind}: {text}"
            );
        }
        assert!(
            err("KeyError", "'colour'")
                .explanation()
                .unwrap()
                .contains("no key 'colour'")
        );
        assert_eq!(err("MyOwnError", "x").explanation(), None);
        let offline = PyError {
            cause: Some(Cause::DownloadFailed),
            ..err("ModuleNotFoundError", "numpy")
        };
        assert!(
            offline
                .explanation()
                .unwrap()
                .contains("download didn't work")
        );
    }
}
