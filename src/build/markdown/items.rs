//! pulldown-cmark's events grouped into the top-level items block interpreters see: prose,
//! code, headings, lists of options, quotes that are callouts.

use super::render::options;
use crate::build::error::line_of;
use crate::model::lesson::CalloutKind;
use pulldown_cmark::{BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};

/// A top-level Markdown element, as the block interpreters see it.
pub(super) enum Item<'a> {
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

pub(super) fn top_level_items(text: &str, first_line: usize) -> Vec<Item<'_>> {
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

pub(super) fn wrap<'a>(tag: Tag<'a>, inner: Vec<Event<'a>>, line: usize) -> Item<'a> {
    let end = tag.to_end();
    let mut events = vec![Event::Start(tag)];
    events.extend(inner);
    events.push(Event::End(end));
    Item::Other { events, line }
}

/// A list whose items start with `[ ]` / `[x]`: the options of a choice question. Items
/// without a marker are reported by the caller (they come back with `Option` unset).
pub(super) fn task_list<'a>(start: Option<u64>, inner: Vec<Event<'a>>, line: usize) -> Item<'a> {
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
pub(super) fn marked_quote(raw: &str) -> Option<(String, String)> {
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

pub(super) fn callout_kind(kind: BlockQuoteKind) -> CalloutKind {
    match kind {
        BlockQuoteKind::Note => CalloutKind::Note,
        BlockQuoteKind::Tip => CalloutKind::Tip,
        BlockQuoteKind::Important => CalloutKind::Important,
        BlockQuoteKind::Warning => CalloutKind::Warning,
        BlockQuoteKind::Caution => CalloutKind::Caution,
    }
}

pub(super) fn plain_text(events: &[Event]) -> String {
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

pub(super) fn slugify(text: &str) -> String {
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

pub(super) fn is_list(events: &[Event]) -> bool {
    matches!(events.first(), Some(Event::Start(Tag::List(_))))
}
