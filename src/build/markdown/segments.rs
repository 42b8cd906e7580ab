//! The line scanner: a lesson file split into Markdown segments and `::: kind id` … `:::`
//! blocks, outside fenced code, keeping exact line numbers.

use super::LessonParser;
use crate::build::error::line_of;

pub(super) enum Segment<'a> {
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
pub(super) fn split_segments<'a>(source: &'a str, parser: &mut LessonParser) -> Vec<Segment<'a>> {
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
