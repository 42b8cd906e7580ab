//! HTML for prose: the one place pulldown-cmark is configured, heading anchors, callouts,
//! task lists, and code shown inside prompts.

use super::LessonParser;
use super::blocks::names_a_file;
use super::items::{Item, plain_text, slugify, top_level_items};
use crate::build::highlight::escape_html;
use crate::model::lesson::{Block, CalloutKind, CodeBlock};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Tag, TagEnd, html};

pub(super) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
        | Options::ENABLE_HEADING_ATTRIBUTES
}

impl LessonParser<'_> {
    /// Prose, code and callouts of a Markdown segment.
    pub(super) fn prose_blocks(&mut self, items: Vec<Item<'_>>) -> Vec<Block> {
        let mut blocks = Vec::new();
        let mut prose: Vec<Event> = Vec::new();
        let flush = |prose: &mut Vec<Event>, blocks: &mut Vec<Block>, this: &mut Self| {
            if !prose.is_empty() {
                blocks.push(Block::Prose {
                    html: this.render(std::mem::take(prose)),
                });
            }
        };
        // Adjacent ```` ```python file=… ```` fences: one example of several files.
        let mut file_fences = Vec::new();
        for item in items {
            if !matches!(&item, Item::Code { info, .. } if names_a_file(info))
                && !file_fences.is_empty()
                && let Some(block) = self.several_files_example(std::mem::take(&mut file_fences))
            {
                blocks.push(Block::Code(block));
            }
            match item {
                Item::Code { info, code, line } if names_a_file(&info) => {
                    flush(&mut prose, &mut blocks, self);
                    file_fences.extend(self.example_fence(&info, code, line));
                }
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
                    prose.extend(Self::render_task_list(options));
                }
            }
        }
        if let Some(block) = self.several_files_example(file_fences) {
            blocks.push(Block::Code(block));
        }
        flush(&mut prose, &mut blocks, self);
        blocks
    }

    pub(super) fn render_task_list<'a>(options: Vec<(bool, Vec<Event<'a>>)>) -> Vec<Event<'a>> {
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
    pub(super) fn render(&mut self, events: Vec<Event>) -> String {
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

    pub(super) fn markdown_html(&mut self, text: &str, line: usize) -> String {
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
                Item::TaskList { options, .. } => events.extend(Self::render_task_list(options)),
                Item::Heading { events: e, .. } | Item::Other { events: e, .. } => events.extend(e),
            }
        }
        let owned: Vec<Event<'static>> = events.into_iter().map(Event::into_static).collect();
        self.render(owned)
    }
}

pub(super) fn callout_events(kind: CalloutKind, inner: Vec<Event<'_>>) -> Vec<Event<'_>> {
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
pub(super) fn static_code_html(block: &CodeBlock) -> String {
    format!(
        "<pre class=\"code\"><code class=\"language-{}\">{}</code></pre>",
        escape_html(&block.language),
        block.html
    )
}
