//! A fenced code block's info string (`python shared timeout=5 raises=KeyError`): its language
//! and how it runs.

use super::{LessonParser, is_identifier};
use crate::build::highlight::{escape_html, python_html};
use crate::model::lesson::{CodeBlock, ExampleFile};

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
            files: Vec::new(),
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

/// One fence of a several-file example, as written.
pub(super) struct ExampleFence {
    path: String,
    main: bool,
    block: CodeBlock,
    line: usize,
}

impl LessonParser<'_> {
    /// A fence like ```` ```python file=shop/cart.py main timeout=5 ````: the file's path and
    /// whether it is marked main, besides what [`Self::code_block`] reads.
    pub(super) fn example_fence(
        &mut self,
        info: &str,
        code: String,
        line: usize,
    ) -> Option<ExampleFence> {
        let (mut path, mut main) = (None, false);
        let mut rest = Vec::new();
        for word in info.split_whitespace() {
            match word {
                "main" => main = true,
                w if w.starts_with("file=") => path = self.file_path(w, line),
                w => rest.push(w),
            }
        }
        let block = self.code_block(&rest.join(" "), code, line);
        Some(ExampleFence {
            path: path?,
            main,
            block,
            line,
        })
    }

    /// Adjacent file fences as one example: the main file's block (marked `main`, else the
    /// first Python file), which carries how it runs, with every file as a tab.
    pub(super) fn several_files_example(&mut self, fences: Vec<ExampleFence>) -> Option<CodeBlock> {
        let first_line = fences.first()?.line;
        let marked: Vec<&ExampleFence> = fences.iter().filter(|f| f.main).collect();
        if let [first, second, ..] = marked.as_slice() {
            self.error(
                second.line,
                format!(
                    "a second main file: `{}` is marked main on line {}",
                    first.path, first.line
                ),
            );
        }
        let main = match marked.first() {
            Some(f) => f.path.clone(),
            None => match fences.iter().find(|f| f.block.language == "python") {
                Some(f) => f.path.clone(),
                None => {
                    self.error(
                        first_line,
                        "an example of several files needs a Python file to run",
                    );
                    return None;
                }
            },
        };
        let mut files = Vec::new();
        let mut main_block = None;
        for fence in fences {
            if files.iter().any(|f: &ExampleFile| f.path == fence.path) {
                self.error(
                    fence.line,
                    format!("`{}` appears twice in this example", fence.path),
                );
            }
            let is_main = fence.path == main;
            let block = fence.block;
            let options = block.shared || block.timeout_secs.is_some() || block.raises.is_some();
            if !is_main && (options || (block.language == "python" && !block.runnable)) {
                self.error(fence.line, format!("`{}` is not the main file: put how the example runs (norun, shared, timeout=, raises=) on the main file's fence", fence.path));
            }
            if is_main && block.language != "python" {
                self.error(
                    fence.line,
                    "the main file is the Python that Run runs: mark a ```python block main",
                );
            }
            files.push(ExampleFile {
                path: fence.path,
                language: block.language.clone(),
                code: block.code.clone(),
                html: block.html.clone(),
                main: is_main,
            });
            if is_main {
                main_block = Some(block);
            }
        }
        main_block.map(|block| CodeBlock { files, ..block })
    }
}
