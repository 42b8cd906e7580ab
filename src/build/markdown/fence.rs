//! A fenced code block's info string (`python shared timeout=5 raises=KeyError`): its language
//! and how it runs.

use super::{LessonParser, is_identifier};
use crate::build::highlight::{escape_html, python_html};
use crate::model::lesson::CodeBlock;

impl LessonParser<'_> {
    pub(super) fn code_block(&mut self, info: &str, code: String, line: usize) -> CodeBlock {
        let mut words = info.split_whitespace();
        let language = words.next().unwrap_or("text").to_owned();
        let python = language == "python";
        let mut block = CodeBlock {
            html: if python {
                python_html(&code)
            } else {
                escape_html(&code)
            },
            language,
            code,
            runnable: python,
            shared: false,
            timeout_secs: None,
            raises: None,
        };
        for word in words {
            match word {
                "norun" if python => block.runnable = false,
                "shared" if python => block.shared = true,
                w if python && w.starts_with("timeout=") => {
                    match w["timeout=".len()..].parse::<u32>() {
                        Ok(secs) if (1..=600).contains(&secs) => block.timeout_secs = Some(secs),
                        _ => self.error(line, format!("`{w}`: the timeout is a whole number of seconds from 1 to 600")),
                    }
                }
                w if python && w.starts_with("raises=") => {
                    let name = &w["raises=".len()..];
                    if is_identifier(name) {
                        block.raises = Some(name.to_owned());
                    } else {
                        self.error(line, format!("`{w}`: name the exception the example ends with, like raises=KeyError"));
                    }
                }
                w => self.error(
                    line,
                    format!("unknown option `{w}` on a `{}` code block (python blocks take norun, shared, timeout=N, raises=Error)", block.language),
                ),
            }
        }
        block
    }
}
