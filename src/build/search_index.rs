//! Builds the search index (`crate::web::search`) from the compiled lessons: the plain text of
//! every lesson, split into sections at its headings.

use crate::model::course::Course;
use crate::model::lesson::{Block, Lesson, Question};
use crate::web::search::{Entry, SearchIndex, Section};
use std::collections::BTreeMap;

/// The search index of the course; `lessons` may come in any order, and a lesson of the course
/// without one is found by title.
pub fn build(course: &Course, lessons: &[Lesson]) -> SearchIndex {
    let by_id: BTreeMap<&str, &Lesson> = lessons.iter().map(|l| (l.id.as_str(), l)).collect();
    let lessons = course
        .lessons()
        .map(|r| Entry {
            id: r.lesson.id.clone(),
            title: r.lesson.title.clone(),
            place: format!("{} › {}", r.stage.title, r.topic.title),
            sections: by_id
                .get(r.lesson.id.as_str())
                .map_or_else(Vec::new, |l| sections(l)),
        })
        .collect();
    SearchIndex::new(lessons)
}

/// A lesson's searchable text, split into sections at its headings.
fn sections(lesson: &Lesson) -> Vec<Section> {
    let mut s = Sections(vec![Section::default()]);
    for block in &lesson.blocks {
        match block {
            Block::Prose { html } | Block::Callout { html, .. } => s.html(html),
            Block::Code(code) => s.text(&code.code),
            Block::Exercise(e) => {
                s.text(e.title.as_deref().unwrap_or_default());
                s.html(&e.prompt_html);
                // Not the tests or solution: a snippet must not give answers away.
                s.text(&e.starter);
            }
            Block::Question(Question::Choice {
                prompt_html,
                options,
                ..
            }) => {
                s.html(prompt_html);
                options.iter().for_each(|o| s.html(&o.html));
            }
            Block::Question(Question::Predict {
                prompt_html, code, ..
            }) => {
                s.html(prompt_html);
                s.text(&code.code);
            }
        }
    }
    s.0.into_iter()
        .map(|section| Section {
            heading: squash(&section.heading),
            text: squash(&section.text),
            ..section
        })
        .filter(|section| section.anchor.is_some() || !section.text.is_empty())
        .collect()
}

struct Sections(Vec<Section>);

impl Sections {
    fn current(&mut self) -> &mut String {
        &mut self.0.last_mut().expect("there is always a section").text
    }

    fn text(&mut self, text: &str) {
        let current = self.current();
        current.push(' ');
        current.push_str(text);
    }

    /// Adds the text of rendered HTML; each heading starts a section.
    fn html(&mut self, html: &str) {
        self.current().push(' ');
        // A heading being read; it becomes a section at its closing tag.
        let mut heading: Option<Section> = None;
        let mut rest = html;
        loop {
            let (text, tag) = match rest.find('<') {
                Some(lt) => {
                    let end = rest[lt..].find('>').map_or(rest.len(), |gt| lt + gt + 1);
                    (&rest[..lt], &rest[lt..end])
                }
                None => (rest, ""),
            };
            rest = &rest[text.len() + tag.len()..];
            let target = match &mut heading {
                Some(h) => &mut h.heading,
                None => self.current(),
            };
            decode_entities(text, target);
            if tag.is_empty() {
                break;
            }
            let closing = tag.starts_with("</");
            let name: String = tag
                .trim_start_matches(['<', '/'])
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect();
            let is_heading = matches!(name.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
            if is_heading && !closing {
                heading = Some(Section {
                    anchor: attribute(tag, "id"),
                    ..Section::default()
                });
            } else if is_heading {
                self.0.extend(heading.take());
            } else if !INLINE.contains(&name.as_str()) {
                // Block boundaries separate words: `<p>a</p><p>b</p>` is "a b", not "ab".
                target.push(' ');
            }
        }
        self.0.extend(heading);
    }
}

/// Tags that sit inside a word's line of text, so they don't separate words.
const INLINE: &[&str] = &[
    "a", "b", "code", "del", "em", "i", "s", "span", "strong", "sub", "sup",
];

/// The value of `name="…"` in an opening tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = tag[start..].find('"')?;
    let mut value = String::new();
    decode_entities(&tag[start..start + len], &mut value);
    Some(value)
}

/// Appends `text` with the entities the renderers write turned back into characters.
fn decode_entities(text: &str, out: &mut String) {
    const ENTITIES: [(&str, char); 5] = [
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&amp;", '&'),
        ("&quot;", '"'),
        ("&#39;", '\''),
    ];
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let (c, len) = ENTITIES
            .iter()
            .find(|(entity, _)| rest.starts_with(entity))
            .map_or(('&', 1), |(entity, c)| (*c, entity.len()));
        out.push(c);
        rest = &rest[len..];
    }
    out.push_str(rest);
}

/// Collapses every run of whitespace to one space, so snippets read as one line.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entities_the_renderers_write_are_decoded_once() {
        let mut out = String::new();
        decode_entities("&amp;lt; &lt;&gt;&amp;&quot;&#39; & &copy;", &mut out);
        assert_eq!(out, "&lt; <>&\"' & &copy;");
    }
}
