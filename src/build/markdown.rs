//! Markdown → lesson blocks: the lesson format described in `content/AUTHORING.md`.
//!
//! A lesson file is split into Markdown segments and `::: kind id` … `:::` blocks by a line
//! scanner (so line numbers stay exact), then each part is parsed with pulldown-cmark and its
//! top-level items are interpreted: prose, code, callouts, exercise fields, quiz options.

use crate::build::error::{ContentError, line_of};
use crate::build::highlight::{escape_html, python_html};
use crate::model::course::is_valid_id;
use crate::model::lesson::{
    Block, CalloutKind, ChoiceOption, CodeBlock, Compare, Exercise, Lesson, Question, TestStyle,
    Tests,
};
use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html,
};
use std::collections::{BTreeMap, BTreeSet};

const BLOCK_KINDS: &str = "`exercise`, `choice` or `predict`";

/// Parses one lesson file. `file` is the path used in error messages.
pub fn parse_lesson(id: &str, file: &str, source: &str) -> Result<Lesson, Vec<ContentError>> {
    let mut parser = LessonParser {
        file,
        errors: Vec::new(),
        slugs: BTreeSet::new(),
        block_ids: BTreeMap::new(),
    };
    let mut blocks = Vec::new();
    for segment in split_segments(source, &mut parser) {
        match segment {
            Segment::Markdown { line, text } => {
                let items = top_level_items(text, line);
                blocks.extend(parser.prose_blocks(items));
            }
            Segment::Container {
                kind,
                id,
                line,
                body_line,
                body,
            } => {
                if let Some(block) = parser.container(kind, id, line, body_line, body) {
                    blocks.push(block);
                }
            }
        }
    }
    if parser.errors.is_empty() {
        Ok(Lesson {
            id: id.to_owned(),
            blocks,
        })
    } else {
        Err(parser.errors)
    }
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
        | Options::ENABLE_HEADING_ATTRIBUTES
}

enum Segment<'a> {
    Markdown {
        line: usize,
        text: &'a str,
    },
    Container {
        kind: &'a str,
        id: Option<&'a str>,
        line: usize,
        body_line: usize,
        body: &'a str,
    },
}

/// Splits the source at `:::` lines that are outside fenced code.
fn split_segments<'a>(source: &'a str, parser: &mut LessonParser) -> Vec<Segment<'a>> {
    struct Open<'a> {
        kind: &'a str,
        id: Option<&'a str>,
        line: usize,
        body_start: usize,
    }
    let mut segments = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let mut open: Option<Open<'a>> = None;
    let mut markdown_start = (0, 1);
    let mut offset = 0;
    for (index, raw) in source.split_inclusive('\n').enumerate() {
        let line_no = index + 1;
        let line_start = offset;
        offset += raw.len();
        let trimmed = raw.trim();
        if let Some((ch, len)) = fence {
            let run = trimmed.chars().take_while(|c| *c == ch).count();
            if run >= len && trimmed.chars().skip(run).all(char::is_whitespace) {
                fence = None;
            }
            continue;
        }
        if let Some(ch) = ['`', '~'].into_iter().find(|c| trimmed.starts_with(*c)) {
            let run = trimmed.chars().take_while(|c| *c == ch).count();
            if run >= 3 {
                fence = Some((ch, run));
                continue;
            }
        }
        if !raw.starts_with(":::") {
            continue;
        }
        let words: Vec<&str> = trimmed.trim_start_matches(':').split_whitespace().collect();
        match (words.as_slice(), &open) {
            ([], Some(o)) => {
                segments.push(Segment::Container {
                    kind: o.kind,
                    id: o.id,
                    line: o.line,
                    body_line: line_of(source, o.body_start),
                    body: &source[o.body_start..line_start],
                });
                open = None;
                markdown_start = (offset, line_no + 1);
            }
            ([], None) => parser.error(line_no, "`:::` closes a block, but no block is open"),
            ([kind, rest @ ..], None) => {
                segments.push(Segment::Markdown {
                    line: markdown_start.1,
                    text: &source[markdown_start.0..line_start],
                });
                if rest.len() > 1 {
                    parser.error(line_no, format!("`::: {kind}` takes one id, found `{}`", rest.join(" ")));
                }
                open = Some(Open {
                    kind,
                    id: rest.first().copied(),
                    line: line_no,
                    body_start: offset,
                });
            }
            ([_, ..], Some(o)) => parser.error(
                line_no,
                format!("blocks can't nest: the block opened on line {} is still open (close it with `:::`)", o.line),
            ),
        }
    }
    if let Some(o) = open {
        parser.error(
            o.line,
            format!("`::: {}` is never closed: end it with a line `:::`", o.kind),
        );
    } else {
        segments.push(Segment::Markdown {
            line: markdown_start.1,
            text: &source[markdown_start.0..],
        });
    }
    segments
}

/// A top-level Markdown element, as the block interpreters see it.
enum Item<'a> {
    Code {
        info: String,
        code: String,
        line: usize,
    },
    /// A `> [!WORD]` quote that pulldown-cmark doesn't know (hints, explanations).
    Marked {
        word: String,
        body: String,
        line: usize,
    },
    Callout {
        kind: CalloutKind,
        events: Vec<Event<'a>>,
    },
    TaskList {
        options: Vec<(bool, Vec<Event<'a>>)>,
        line: usize,
    },
    Heading {
        level: HeadingLevel,
        text: String,
        events: Vec<Event<'a>>,
        line: usize,
    },
    Other {
        events: Vec<Event<'a>>,
        line: usize,
    },
}

fn top_level_items(text: &str, first_line: usize) -> Vec<Item<'_>> {
    let line_at = |offset: usize| first_line + line_of(text, offset) - 1;
    let mut items = Vec::new();
    let mut iter = Parser::new_ext(text, options()).into_offset_iter();
    while let Some((event, range)) = iter.next() {
        let line = line_at(range.start);
        let Event::Start(tag) = event else {
            items.push(Item::Other {
                events: vec![event],
                line,
            });
            continue;
        };
        // Everything up to the matching end tag.
        let mut inner = Vec::new();
        let mut depth = 1;
        for (e, _) in iter.by_ref() {
            match &e {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                break;
            }
            inner.push(e);
        }
        items.push(match tag {
            Tag::CodeBlock(kind) => Item::Code {
                info: match kind {
                    CodeBlockKind::Fenced(info) => info.trim().to_owned(),
                    CodeBlockKind::Indented => String::new(),
                },
                code: plain_text(&inner).trim_end_matches('\n').to_owned(),
                line,
            },
            Tag::BlockQuote(Some(kind)) => Item::Callout {
                kind: callout_kind(kind),
                events: inner,
            },
            Tag::BlockQuote(None) => {
                let raw = &text[range];
                match marked_quote(raw) {
                    Some((word, body)) => Item::Marked { word, body, line },
                    None => wrap(Tag::BlockQuote(None), inner, line),
                }
            }
            Tag::List(start) if matches!(inner.get(1), Some(Event::TaskListMarker(_))) => {
                task_list(start, inner, line)
            }
            Tag::Heading { level, .. } => Item::Heading {
                level,
                text: plain_text(&inner),
                events: {
                    let mut events = vec![Event::Start(tag)];
                    events.extend(inner);
                    events.push(Event::End(TagEnd::Heading(level)));
                    events
                },
                line,
            },
            tag => wrap(tag, inner, line),
        });
    }
    items
}

fn wrap<'a>(tag: Tag<'a>, inner: Vec<Event<'a>>, line: usize) -> Item<'a> {
    let end = tag.to_end();
    let mut events = vec![Event::Start(tag)];
    events.extend(inner);
    events.push(Event::End(end));
    Item::Other { events, line }
}

/// A list whose items start with `[ ]` / `[x]`: the options of a choice question. Items
/// without a marker are reported by the caller (they come back with `Option` unset).
fn task_list<'a>(start: Option<u64>, inner: Vec<Event<'a>>, line: usize) -> Item<'a> {
    let mut options = Vec::new();
    let mut all_marked = true;
    let mut depth = 0;
    // (correct, events, saw a marker) for the item being read.
    let mut current: Option<(bool, Vec<Event<'a>>, bool)> = None;
    for e in inner {
        match (&e, depth, current.as_mut()) {
            (Event::Start(Tag::Item), 0, _) => {
                depth = 1;
                current = Some((false, Vec::new(), false));
            }
            (Event::End(TagEnd::Item), 1, _) => {
                depth = 0;
                if let Some((correct, events, marked)) = current.take() {
                    all_marked &= marked;
                    options.push((correct, events));
                }
            }
            (Event::TaskListMarker(checked), 1, Some((correct, events, marked)))
                if events.is_empty() =>
            {
                *correct = *checked;
                *marked = true;
            }
            (_, _, Some((_, events, _))) => {
                match &e {
                    Event::Start(_) => depth += 1,
                    Event::End(_) => depth -= 1,
                    _ => {}
                }
                events.push(e);
            }
            _ => {}
        }
    }
    if all_marked {
        Item::TaskList { options, line }
    } else {
        let mut events = vec![Event::Start(Tag::List(start))];
        for (_, item) in options {
            events.push(Event::Start(Tag::Item));
            events.extend(item);
            events.push(Event::End(TagEnd::Item));
        }
        events.push(Event::End(TagEnd::List(start.is_some())));
        Item::Other { events, line }
    }
}

/// `> [!WORD]` followed by the quote's Markdown body, for words pulldown-cmark doesn't know.
fn marked_quote(raw: &str) -> Option<(String, String)> {
    let mut lines = raw.lines().map(|l| {
        let l = l.trim_start();
        let l = l.strip_prefix('>').unwrap_or(l);
        l.strip_prefix(' ').unwrap_or(l)
    });
    let first = lines.next()?.trim();
    let word = first.strip_prefix("[!")?.strip_suffix(']')?;
    if word.is_empty() || !word.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    Some((
        word.to_ascii_uppercase(),
        lines.collect::<Vec<_>>().join("\n"),
    ))
}

fn callout_kind(kind: BlockQuoteKind) -> CalloutKind {
    match kind {
        BlockQuoteKind::Note => CalloutKind::Note,
        BlockQuoteKind::Tip => CalloutKind::Tip,
        BlockQuoteKind::Important => CalloutKind::Important,
        BlockQuoteKind::Warning => CalloutKind::Warning,
        BlockQuoteKind::Caution => CalloutKind::Caution,
    }
}

fn plain_text(events: &[Event]) -> String {
    let mut out = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out
}

fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

struct LessonParser<'f> {
    file: &'f str,
    errors: Vec<ContentError>,
    /// Heading ids used so far in this lesson, to keep anchors unique.
    slugs: BTreeSet<String>,
    /// Block id → line where it was first used.
    block_ids: BTreeMap<String, usize>,
}

/// Fields of a block collected while walking its items.
#[derive(Default)]
struct Fields {
    title: Option<String>,
    prompt: Vec<Event<'static>>,
    code: BTreeMap<&'static str, (String, usize, String)>,
    hints: Vec<String>,
    explanation: Option<String>,
    options: Option<Vec<ChoiceOption>>,
}

impl LessonParser<'_> {
    fn error(&mut self, line: usize, message: impl Into<String>) {
        self.errors
            .push(ContentError::new(self.file, line, message));
    }

    /// Prose, code and callouts of a Markdown segment.
    fn prose_blocks(&mut self, items: Vec<Item<'_>>) -> Vec<Block> {
        let mut blocks = Vec::new();
        let mut prose: Vec<Event> = Vec::new();
        let flush = |prose: &mut Vec<Event>, blocks: &mut Vec<Block>, this: &mut Self| {
            if !prose.is_empty() {
                blocks.push(Block::Prose {
                    html: this.render(std::mem::take(prose)),
                });
            }
        };
        for item in items {
            match item {
                Item::Code { info, code, line } => {
                    flush(&mut prose, &mut blocks, self);
                    blocks.push(Block::Code(self.code_block(&info, code, line)));
                }
                Item::Callout { kind, events } => {
                    flush(&mut prose, &mut blocks, self);
                    let html = self.render(events);
                    blocks.push(Block::Callout { kind, html });
                }
                Item::Marked { word, line, .. } => self.error(
                    line,
                    format!("`[!{word}]` is not a callout here: use NOTE, TIP, IMPORTANT, WARNING or CAUTION (HINT belongs in an exercise, EXPLAIN in a question)"),
                ),
                Item::Heading {
                    level: HeadingLevel::H1,
                    line,
                    ..
                } => self.error(line, "the lesson title comes from course.toml: start sections at `##`"),
                Item::Heading { events, .. } | Item::Other { events, .. } => prose.extend(events),
                Item::TaskList { options, .. } => {
                    // A task list in prose is just a checklist.
                    prose.extend(self.render_task_list(options));
                }
            }
        }
        flush(&mut prose, &mut blocks, self);
        blocks
    }

    fn render_task_list<'a>(&mut self, options: Vec<(bool, Vec<Event<'a>>)>) -> Vec<Event<'a>> {
        let mut events = vec![Event::Start(Tag::List(None))];
        for (checked, item) in options {
            events.push(Event::Start(Tag::Item));
            events.push(Event::TaskListMarker(checked));
            events.extend(item);
            events.push(Event::End(TagEnd::Item));
        }
        events.push(Event::End(TagEnd::List(false)));
        events
    }

    /// HTML for prose events, with ids on headings so sections can be linked.
    fn render(&mut self, events: Vec<Event>) -> String {
        let mut out = Vec::with_capacity(events.len());
        let mut iter = events.into_iter().peekable();
        while let Some(event) = iter.next() {
            if let Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) = event
            {
                let mut inner = Vec::new();
                while let Some(e) = iter.next_if(|e| !matches!(e, Event::End(TagEnd::Heading(_)))) {
                    inner.push(e);
                }
                let base = id.map_or_else(|| slugify(&plain_text(&inner)), |i| i.to_string());
                let mut slug = base.clone();
                let mut n = 2;
                while !self.slugs.insert(slug.clone()) {
                    slug = format!("{base}-{n}");
                    n += 1;
                }
                out.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(slug)),
                    classes,
                    attrs,
                }));
                out.extend(inner);
                continue;
            }
            out.push(event);
        }
        let mut html = String::new();
        html::push_html(&mut html, out.into_iter());
        html
    }

    fn markdown_html(&mut self, text: &str, line: usize) -> String {
        let mut events = Vec::new();
        for item in top_level_items(text, line) {
            match item {
                Item::Code { info, code, line } => {
                    let block = self.code_block(&info, code, line);
                    events.push(Event::Html(CowStr::from(static_code_html(&block))));
                }
                Item::Marked { word, line, .. } => self.error(
                    line,
                    format!("`[!{word}]` can't be used inside another quote"),
                ),
                Item::Callout {
                    events: inner,
                    kind,
                } => {
                    events.extend(callout_events(kind, inner));
                }
                Item::TaskList { options, .. } => events.extend(self.render_task_list(options)),
                Item::Heading { events: e, .. } | Item::Other { events: e, .. } => events.extend(e),
            }
        }
        let owned: Vec<Event<'static>> = events.into_iter().map(Event::into_static).collect();
        self.render(owned)
    }

    fn code_block(&mut self, info: &str, code: String, line: usize) -> CodeBlock {
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

    fn container(
        &mut self,
        kind: &str,
        id: Option<&str>,
        line: usize,
        body_line: usize,
        body: &str,
    ) -> Option<Block> {
        if !matches!(kind, "exercise" | "choice" | "predict") {
            self.error(
                line,
                format!("unknown block `{kind}`: expected {BLOCK_KINDS}"),
            );
            return None;
        }
        let Some(id) = id else {
            self.error(
                line,
                format!("`::: {kind}` needs an id, like `::: {kind} my-{kind}`"),
            );
            return None;
        };
        if !is_valid_id(id) {
            self.error(
                line,
                format!("block id `{id}`: use lowercase letters, digits and `-`"),
            );
        }
        if let Some(first) = self.block_ids.get(id) {
            let first = *first;
            self.error(
                line,
                format!("duplicate id `{id}`: already used on line {first}"),
            );
        } else {
            self.block_ids.insert(id.to_owned(), line);
        }
        let fields = self.fields(kind, body, body_line);
        let errors_before = self.errors.len();
        let block = match kind {
            "exercise" => self.exercise(id, line, fields),
            "choice" => self.choice(id, line, fields),
            _ => self.predict(id, line, fields),
        };
        (self.errors.len() == errors_before)
            .then_some(block)
            .flatten()
    }

    /// Walks a block's items, sorting them into fields; what is left is the prompt.
    fn fields(&mut self, kind: &str, body: &str, body_line: usize) -> Fields {
        let mut f = Fields::default();
        for item in top_level_items(body, body_line) {
            match item {
                Item::Heading { text, .. }
                    if kind == "exercise" && f.title.is_none() && f.prompt.is_empty() =>
                {
                    f.title = Some(text);
                }
                Item::Code { info, code, line } => {
                    let mut words = info.split_whitespace();
                    let (lang, role) = (words.next().unwrap_or(""), words.next());
                    let field = match (kind, lang, role) {
                        ("exercise", "python", Some(r @ ("starter" | "tests" | "solution" | "compare"))) => {
                            Some(r)
                        }
                        ("predict", "python", None) => Some("code"),
                        ("predict", "output", None) => Some("output"),
                        _ => None,
                    };
                    match field {
                        Some(name) => {
                            let name: &'static str = match name {
                                "starter" => "starter",
                                "tests" => "tests",
                                "solution" => "solution",
                                "compare" => "compare",
                                "code" => "code",
                                _ => "output",
                            };
                            if let Some((_, first, _)) = f.code.get(name) {
                                let first = *first;
                                self.error(line, format!("a second `{name}` code block: the first is on line {first}"));
                            } else {
                                f.code.insert(name, (code, line, info));
                            }
                        }
                        None => {
                            let block = self.code_block(&info, code, line);
                            f.prompt.push(Event::Html(CowStr::from(static_code_html(&block))));
                        }
                    }
                }
                Item::Marked { word, body, line } => match (word.as_str(), kind) {
                    ("HINT", "exercise") => {
                        let html = self.markdown_html(&body, line + 1);
                        f.hints.push(html);
                    }
                    ("EXPLAIN", "choice" | "predict") => {
                        if f.explanation.is_some() {
                            self.error(line, "a second `[!EXPLAIN]`: give one explanation per question");
                        }
                        f.explanation = Some(self.markdown_html(&body, line + 1));
                    }
                    _ => self.error(
                        line,
                        format!("`[!{word}]` doesn't belong in a `{kind}` block (exercises take [!HINT], questions [!EXPLAIN])"),
                    ),
                },
                Item::TaskList { options, line } if kind == "choice" => {
                    if f.options.is_some() {
                        self.error(line, "a question has one list of options");
                    }
                    let options = options
                        .into_iter()
                        .map(|(correct, events)| {
                            let owned: Vec<Event<'static>> = events.into_iter().map(Event::into_static).collect();
                            ChoiceOption {
                                html: self.render(owned).trim().to_owned(),
                                correct,
                            }
                        })
                        .collect();
                    f.options = Some(options);
                }
                Item::TaskList { options, .. } => {
                    let events = self.render_task_list(options);
                    f.prompt.extend(events.into_iter().map(Event::into_static));
                }
                Item::Other { events, line } if kind == "choice" && is_list(&events) && f.options.is_none() => {
                    self.error(line, "each option starts with `[ ]` (wrong) or `[x]` (right), like `- [x] a list`");
                }
                Item::Callout { kind, events } => {
                    f.prompt.extend(callout_events(kind, events).into_iter().map(Event::into_static));
                }
                Item::Heading { events, .. } | Item::Other { events, .. } => {
                    f.prompt.extend(events.into_iter().map(Event::into_static));
                }
            }
        }
        f
    }

    fn prompt(&mut self, f: &mut Fields, kind: &str, line: usize) -> String {
        if f.prompt.is_empty() {
            self.error(
                line,
                format!("this `{kind}` block has no prompt: say what the learner should do"),
            );
        }
        self.render(std::mem::take(&mut f.prompt))
    }

    fn required_code(
        &mut self,
        f: &mut Fields,
        name: &str,
        line: usize,
        how: &str,
    ) -> Option<(String, usize, String)> {
        let found = f.code.remove(name);
        if found.is_none() {
            self.error(line, how.to_owned());
        }
        found
    }

    fn exercise(&mut self, id: &str, line: usize, mut f: Fields) -> Option<Block> {
        let prompt_html = self.prompt(&mut f, "exercise", line);
        let tests = self.required_code(
            &mut f,
            "tests",
            line,
            &format!("exercise `{id}` has no tests: add a ```python tests block with asserts or unittest.TestCase classes"),
        );
        let solution = self.required_code(
            &mut f,
            "solution",
            line,
            &format!("exercise `{id}` has no reference solution: add a ```python solution block"),
        );
        if let Some((code, tline, _)) = &tests
            && code.trim().is_empty()
        {
            self.error(*tline, format!("exercise `{id}` has an empty tests block"));
        }
        let starter = f
            .code
            .remove("starter")
            .map(|(c, _, _)| c)
            .unwrap_or_default();
        let compare = f
            .code
            .remove("compare")
            .and_then(|(generator, cline, info)| {
                let function = info.split_whitespace().nth(2).unwrap_or("");
                let is_name = !function.is_empty()
                    && !function.starts_with(|c: char| c.is_ascii_digit())
                    && function.chars().all(|c| c.is_alphanumeric() || c == '_');
                if !is_name {
                    self.error(
                        cline,
                        "name the function to compare: ```python compare my_function",
                    );
                    return None;
                }
                if !generator.contains("def cases(") {
                    self.error(
                        cline,
                        "a compare block defines `def cases(rng):` that yields argument tuples",
                    );
                }
                Some(Compare {
                    function: function.to_owned(),
                    generator,
                })
            });
        let (tests, _, _) = tests?;
        let (solution, _, _) = solution?;
        Some(Block::Exercise(Exercise {
            id: id.to_owned(),
            title: f.title,
            prompt_html,
            starter,
            tests: Tests {
                style: TestStyle::detect(&tests),
                code: tests,
            },
            hints: f.hints,
            solution_html: python_html(&solution),
            solution,
            compare,
        }))
    }

    fn choice(&mut self, id: &str, line: usize, mut f: Fields) -> Option<Block> {
        let prompt_html = self.prompt(&mut f, "choice", line);
        let explanation_html = self.explanation(&mut f, id, line);
        let Some(options) = f.options else {
            self.error(
                line,
                format!("question `{id}` has no options: add a list of `- [ ]` / `- [x]` items"),
            );
            return None;
        };
        if options.len() < 2 {
            self.error(line, format!("question `{id}` needs at least two options"));
        }
        let correct = options.iter().filter(|o| o.correct).count();
        if correct == 0 {
            self.error(
                line,
                format!("quiz `{id}` has no correct answer: mark at least one option with [x]"),
            );
        }
        Some(Block::Question(Question::Choice {
            id: id.to_owned(),
            prompt_html,
            multiple: correct > 1,
            options,
            explanation_html: explanation_html?,
        }))
    }

    fn predict(&mut self, id: &str, line: usize, mut f: Fields) -> Option<Block> {
        let prompt_html = self.prompt(&mut f, "predict", line);
        let explanation_html = self.explanation(&mut f, id, line);
        let code = self.required_code(
            &mut f,
            "code",
            line,
            &format!("question `{id}` has no ```python block to predict"),
        );
        let output = self.required_code(
            &mut f,
            "output",
            line,
            &format!("question `{id}` has no ```output block with what the code prints"),
        );
        let (code, code_line, info) = code?;
        let (expected, _, _) = output?;
        Some(Block::Question(Question::Predict {
            id: id.to_owned(),
            prompt_html,
            code: self.code_block(&info, code, code_line),
            expected,
            explanation_html: explanation_html?,
        }))
    }

    fn explanation(&mut self, f: &mut Fields, id: &str, line: usize) -> Option<String> {
        let explanation = f.explanation.take();
        if explanation.is_none() {
            self.error(line, format!("question `{id}` has no explanation: add a `> [!EXPLAIN]` quote saying why the answer is right"));
        }
        explanation
    }
}

/// A Python name such as `KeyError`.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_list(events: &[Event]) -> bool {
    matches!(events.first(), Some(Event::Start(Tag::List(_))))
}

fn callout_events(kind: CalloutKind, inner: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut events = vec![Event::Html(CowStr::from(format!(
        "<aside class=\"callout callout-{}\" role=\"note\"><p class=\"callout-label\">{}</p>",
        kind.class(),
        kind.label()
    )))];
    events.extend(inner);
    events.push(Event::Html(CowStr::from("</aside>")));
    events
}

/// A code block shown inside a prompt or hint (highlighted, never run).
fn static_code_html(block: &CodeBlock) -> String {
    format!(
        "<pre class=\"code\"><code class=\"language-{}\">{}</code></pre>",
        escape_html(&block.language),
        block.html
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Lesson {
        parse_lesson("l", "content/s/l.md", src).unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn errors(src: &str) -> Vec<String> {
        parse_lesson("l", "content/s/l.md", src)
            .expect_err("should fail")
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    const EXERCISE: &str = "Intro *text*.

::: exercise sum-evens
### Add evens
Write `sum_evens`.

```python starter
def sum_evens(xs):
    ...
```

```python tests
assert sum_evens([1, 2]) == 2
```

```python solution
def sum_evens(xs):
    return sum(x for x in xs if x % 2 == 0)
```

> [!HINT]
> Use `%`.

> [!HINT]
> Loop.
:::

After.
";

    #[test]
    fn prose_code_and_callouts_become_blocks() {
        let lesson = parse(
            "## Why\n\nSome **bold**, a [link](https://docs.python.org), `code`.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```python shared timeout=3 raises=KeyError\nprint(1)\n```\n\n> [!TIP]\n> Try it.\n\n```text\n<raw>\n```\n",
        );
        let [
            Block::Prose { html },
            Block::Code(py),
            Block::Callout { kind, html: tip },
            Block::Code(text),
        ] = lesson.blocks.as_slice()
        else {
            panic!("{:#?}", lesson.blocks)
        };
        assert!(html.contains("<h2 id=\"why\">Why</h2>"));
        assert!(html.contains("<table>") && html.contains("<code>code</code>"));
        assert!(py.runnable && py.shared && py.timeout_secs == Some(3));
        assert_eq!(py.raises.as_deref(), Some("KeyError"));
        assert_eq!(py.namespace("intro").as_deref(), Some("lesson:intro"));
        assert_eq!(text.namespace("intro"), None);
        assert_eq!(py.code, "print(1)");
        assert!(py.html.contains("tok-builtin"));
        assert_eq!(*kind, CalloutKind::Tip);
        assert!(tip.contains("Try it."));
        assert!(!text.runnable);
        assert_eq!(text.html, "&lt;raw&gt;");
    }

    #[test]
    fn exercise_fields_are_parsed() {
        let lesson = parse(EXERCISE);
        assert_eq!(lesson.blocks.len(), 3);
        let Block::Exercise(ex) = &lesson.blocks[1] else {
            panic!()
        };
        assert_eq!(ex.id, "sum-evens");
        assert_eq!(ex.title.as_deref(), Some("Add evens"));
        assert!(ex.prompt_html.contains("<code>sum_evens</code>"));
        assert_eq!(ex.starter, "def sum_evens(xs):\n    ...");
        assert_eq!(ex.tests.style, TestStyle::Asserts);
        assert!(ex.solution.contains("return sum"));
        assert_eq!(ex.hints.len(), 2);
        assert!(ex.hints[0].contains("<code>%</code>"));
        assert!(lesson.has_python());
    }

    #[test]
    fn compare_blocks_name_a_function_and_define_cases() {
        let block = "```python compare sum_evens\ndef cases(rng):\n    yield ([1, 2],)\n```\n\n";
        let lesson =
            parse(&EXERCISE.replace("> [!HINT]\n> Use", &format!("{block}> [!HINT]\n> Use")));
        let compare = lesson.exercises().next().unwrap().compare.clone().unwrap();
        assert_eq!(compare.function, "sum_evens");
        assert!(compare.generator.starts_with("def cases(rng):"));
        let nameless = EXERCISE.replace(
            "> [!HINT]\n> Use",
            &format!("{}> [!HINT]\n> Use", block.replace(" sum_evens", "")),
        );
        assert!(
            errors(&nameless)
                .iter()
                .any(|e| e.contains("name the function to compare"))
        );
    }

    #[test]
    fn unittest_classes_are_accepted_as_tests() {
        let src = EXERCISE.replace(
            "assert sum_evens([1, 2]) == 2",
            "import unittest\nclass T(unittest.TestCase):\n    def test_it(self):\n        self.assertEqual(sum_evens([2]), 2)",
        );
        let lesson = parse(&src);
        assert_eq!(
            lesson.exercises().next().unwrap().tests.style,
            TestStyle::Unittest
        );
    }

    #[test]
    fn choice_questions_single_and_multiple() {
        let lesson = parse(
            "::: choice one\nPick one.\n\n- [ ] a\n- [x] `b`\n\n> [!EXPLAIN]\n> Because.\n:::\n\n::: choice many\nPick all.\n\n- [x] a\n- [x] b\n- [ ] c\n\n> [!EXPLAIN]\n> Both.\n:::\n",
        );
        let qs: Vec<_> = lesson.questions().collect();
        let Question::Choice {
            options,
            multiple,
            explanation_html,
            ..
        } = qs[0]
        else {
            panic!()
        };
        assert!(!multiple);
        assert_eq!(options.len(), 2);
        assert!(options[1].correct && options[1].html.contains("<code>b</code>"));
        assert!(explanation_html.contains("Because."));
        let Question::Choice { multiple, .. } = qs[1] else {
            panic!()
        };
        assert!(multiple);
    }

    #[test]
    fn predict_questions() {
        let lesson = parse(
            "::: predict p\nWhat prints?\n\n```python\nprint(2 + 2)\n```\n\n```output\n4\n```\n\n> [!EXPLAIN]\n> Sums.\n:::\n",
        );
        let Some(Question::Predict { code, expected, .. }) = lesson.questions().next() else {
            panic!()
        };
        assert_eq!(code.code, "print(2 + 2)");
        assert_eq!(expected, "4");
    }

    #[test]
    fn colons_inside_code_fences_are_not_blocks() {
        let lesson = parse("```text\n::: exercise nope\n:::\n```\n");
        assert!(matches!(&lesson.blocks[0], Block::Code(c) if c.code.contains("::: exercise")));
    }

    #[test]
    fn broken_lessons_name_file_and_line() {
        assert_eq!(
            errors("Intro\n\n::: video intro\nx\n:::\n"),
            ["content/s/l.md:3: unknown block `video`: expected `exercise`, `choice` or `predict`"]
        );
        let no_correct =
            errors("a\n::: choice q\nPick.\n\n- [ ] a\n- [ ] b\n\n> [!EXPLAIN]\n> x\n:::\n");
        assert_eq!(
            no_correct,
            ["content/s/l.md:2: quiz `q` has no correct answer: mark at least one option with [x]"]
        );
        let src = EXERCISE.replace("```python tests\nassert sum_evens([1, 2]) == 2\n```\n", "");
        let e = errors(&src);
        assert_eq!(e.len(), 1);
        assert!(
            e[0].starts_with("content/s/l.md:3: exercise `sum-evens` has no tests"),
            "{e:?}"
        );
    }

    #[test]
    fn structural_mistakes_are_reported() {
        let dup = format!("{EXERCISE}\n{}", &EXERCISE[EXERCISE.find(":::").unwrap()..]);
        assert!(
            errors(&dup)
                .iter()
                .any(|e| e.contains(":30: duplicate id `sum-evens`: already used on line 3")),
            "{:?}",
            errors(&dup)
        );
        assert!(
            errors("::: choice q\nx\n")
                .iter()
                .any(|e| e.contains(":1: `::: choice` is never closed"))
        );
        assert!(
            errors("x\n:::\n")
                .iter()
                .any(|e| e.contains(":2: `:::` closes a block"))
        );
        assert!(
            errors("::: exercise a\n::: choice b\n:::\n")
                .iter()
                .any(|e| e.contains(":2: blocks can't nest"))
        );
        assert!(
            errors("# Title\n")
                .iter()
                .any(|e| e.contains(":1: the lesson title comes from course.toml"))
        );
        assert!(
            errors("> [!HINT]\n> x\n")
                .iter()
                .any(|e| e.contains(":1: `[!HINT]` is not a callout here"))
        );
        assert!(
            errors("```python fast\nx\n```\n")
                .iter()
                .any(|e| e.contains(":1: unknown option `fast`"))
        );
        assert!(
            errors("```python raises=\"an error\"\nx\n```\n")
                .iter()
                .any(|e| e.contains(":1: `raises=\"an`: name the exception"))
        );
        assert!(
            errors("::: choice q\nPick.\n\n- a\n- b\n\n> [!EXPLAIN]\n> x\n:::\n")
                .iter()
                .any(|e| e.contains(":4: each option starts with"))
        );
        assert!(
            errors("::: predict q\nWhat?\n\n```python\nprint(1)\n```\n:::\n")
                .iter()
                .any(|e| e.contains("no ```output block"))
        );
        assert!(
            errors("::: exercise\n:::\n")
                .iter()
                .any(|e| e.contains(":1: `::: exercise` needs an id"))
        );
    }

    #[test]
    fn heading_anchors_stay_unique() {
        let lesson = parse("## Recap\n\n## Recap\n");
        let Block::Prose { html } = &lesson.blocks[0] else {
            panic!()
        };
        assert!(html.contains("id=\"recap\"") && html.contains("id=\"recap-2\""));
    }
}
