//! Offline full-text search over the whole course.
//!
//! The index is the plain text of every lesson, split at its headings. It is built with the
//! content (`crate::build::search_index`), written next to the lesson files and fetched the
//! first time search opens; this half, the queries, runs in the browser. A query is
//! a linear scan of it: the course is about 50 lessons (~170 KB of text), and a release build
//! answers a query over all of it in about a millisecond natively, even on a slow, busy machine,
//! so an inverted index would only add weight.
//!
//! Words are runs of letters and digits, so `sum_evens` is the two words `sum` and `evens`, and
//! punctuation in a query is ignored.

use serde::{Deserialize, Serialize};

/// About how long a snippet is, in bytes.
const SNIPPET_LEN: usize = 160;
/// About how much of a snippet comes before its first match, in bytes.
const SNIPPET_LEAD: usize = 50;

/// Built at build time from the whole course, serialized to JSON, fetched by the app the first
/// time search opens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchIndex {
    /// In course order, which breaks ties between equally good matches.
    lessons: Vec<Entry>,
}

/// One lesson in the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub title: String,
    /// "Stage title › Topic title".
    pub place: String,
    pub sections: Vec<Section>,
}

/// A lesson's text from one heading to the next; the text before the first heading has none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// The heading's `id` attribute, to link to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub heading: String,
    /// Prose, callouts, prompts and code as plain text, whitespace collapsed.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub lesson_id: String,
    pub title: String,
    /// "Stage title › Topic title"
    pub place: String,
    /// The best-matching section's heading id, if the match is under a heading.
    pub section: Option<String>,
    /// A short excerpt around the first match, as `(text, is_match)` pieces so the UI can
    /// highlight matching words without HTML.
    pub snippet: Vec<(String, bool)>,
}

impl SearchIndex {
    /// The index of `lessons`, in course order (see `crate::build::search_index`).
    pub fn new(lessons: Vec<Entry>) -> Self {
        Self { lessons }
    }

    /// Best matches first, at most `limit`. Every query word must match somewhere in the
    /// lesson, case-insensitively; the last word also matches as a prefix, so results appear
    /// while typing. Title matches outrank heading (and stage/topic) matches, which outrank
    /// body and code matches; within a tier more matches rank higher; ties keep course order.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let query = Query::new(query);
        if query.words.is_empty() {
            return Vec::new();
        }
        // Score, position in the course, best section.
        let mut ranked: Vec<(Score, usize, Option<usize>)> = Vec::new();
        for (order, entry) in self.lessons.iter().enumerate() {
            let mut found = vec![false; query.words.len()];
            let title = query.count(&entry.title, &mut found);
            let mut heading = query.count(&entry.place, &mut found);
            let mut body = 0;
            let mut best = None;
            for (i, section) in entry.sections.iter().enumerate() {
                let mut seen = vec![false; query.words.len()];
                let h = query.count(&section.heading, &mut seen);
                let b = query.count(&section.text, &mut seen);
                heading += h;
                body += b;
                let distinct = seen.iter().filter(|s| **s).count();
                // The section that matches the most query words, then under its heading.
                let key = (distinct, h, b);
                if h + b > 0 && best.is_none_or(|(k, _)| key > k) {
                    best = Some((key, i));
                }
                found.iter_mut().zip(seen).for_each(|(f, s)| *f |= s);
            }
            if found.iter().all(|f| *f) {
                ranked.push(((title, heading, body), order, best.map(|(_, i)| i)));
            }
        }
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked
            .into_iter()
            .take(limit)
            .map(|(_, order, section)| hit(&self.lessons[order], section, &query))
            .collect()
    }
}

/// Matches in the title, in headings (with the stage and topic titles) and in the body:
/// compared in that order, so one title match outranks any number of body matches.
type Score = (usize, usize, usize);

fn hit(entry: &Entry, section: Option<usize>, query: &Query) -> Hit {
    // A match only in the title or place shows the start of the lesson.
    let source = section.or_else(|| entry.sections.iter().position(|s| !s.text.is_empty()));
    Hit {
        lesson_id: entry.id.clone(),
        title: entry.title.clone(),
        place: entry.place.clone(),
        section: section.and_then(|i| entry.sections[i].anchor.clone()),
        snippet: source.map_or_else(Vec::new, |i| section_snippet(&entry.sections[i], query)),
    }
}

/// The snippet of a section; when only its heading matches, the heading leads it, so the
/// matched word still shows.
fn section_snippet(section: &Section, query: &Query) -> Vec<(String, bool)> {
    let in_text = tokens(&section.text).any(|(_, t)| query.matches(t));
    if in_text || section.heading.is_empty() {
        snippet(&section.text, query)
    } else {
        snippet(&format!("{}: {}", section.heading, section.text), query)
    }
}

/// The query's words, lowercased.
struct Query {
    words: Vec<String>,
}

impl Query {
    fn new(query: &str) -> Self {
        Self {
            words: tokens(query).map(|(_, w)| w.to_lowercase()).collect(),
        }
    }

    /// Whether `token` matches word `i`: whole, or as a prefix for the last word.
    fn matches_word(&self, token: &str, i: usize) -> bool {
        let word = self.words[i].as_str();
        let prefix = i + 1 == self.words.len();
        // Course text is nearly all ASCII: compare without allocating.
        if token.is_ascii() {
            let head = if prefix && token.len() >= word.len() {
                &token[..word.len()]
            } else {
                token
            };
            head.eq_ignore_ascii_case(word)
        } else {
            let lower = token.to_lowercase();
            if prefix {
                lower.starts_with(word)
            } else {
                lower == word
            }
        }
    }

    fn matches(&self, token: &str) -> bool {
        (0..self.words.len()).any(|i| self.matches_word(token, i))
    }

    /// How many words of `text` match; marks in `found` which query words did. (A word that
    /// matches two query words counts twice.)
    fn count(&self, text: &str, found: &mut [bool]) -> usize {
        let mut count = 0;
        for (i, f) in found.iter_mut().enumerate() {
            let n = self.occurrences(text, i);
            *f |= n > 0;
            count += n;
        }
        count
    }

    /// How many words of `text` match query word `i`.
    fn occurrences(&self, text: &str, i: usize) -> usize {
        let word = self.words[i].as_bytes();
        if !self.words[i].is_ascii() {
            return tokens(text)
                .filter(|(_, t)| self.matches_word(t, i))
                .count();
        }
        // An ASCII word (nearly every query) is found by looking for its first letter, which is
        // several times faster than cutting the whole text into words; the result is the same.
        let prefix = i + 1 == self.words.len();
        let bytes = text.as_bytes();
        let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        (0..bytes.len())
            .filter(|&at| {
                bytes[at].to_ascii_lowercase() == word[0]
                    && bytes[at..].len() >= word.len()
                    && bytes[at..at + word.len()].eq_ignore_ascii_case(word)
                    && !is_word(text[..at].chars().next_back())
                    && (prefix || !is_word(text[at + word.len()..].chars().next()))
            })
            .count()
    }
}

/// The words of `text` (runs of letters and digits) with their byte offsets.
fn tokens(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut from = 0;
    std::iter::from_fn(move || {
        let start = from + text[from..].find(char::is_alphanumeric)?;
        let end = text[start..]
            .find(|c: char| !c.is_alphanumeric())
            .map_or(text.len(), |n| start + n);
        from = end;
        Some((start, &text[start..end]))
    })
}

/// About [`SNIPPET_LEN`] bytes of `text` around its first match, cut between words.
fn snippet(text: &str, query: &Query) -> Vec<(String, bool)> {
    let first = tokens(text)
        .find(|(_, t)| query.matches(t))
        .map_or((0, 0), |(at, t)| (at, at + t.len()));
    let (start, end) = window(text, first);
    let mut pieces = Vec::new();
    if start > 0 {
        push(&mut pieces, "…", false);
    }
    let part = &text[start..end];
    let mut done = 0;
    for (at, token) in tokens(part) {
        if query.matches(token) {
            push(&mut pieces, &part[done..at], false);
            push(&mut pieces, token, true);
            done = at + token.len();
        }
    }
    push(&mut pieces, &part[done..], false);
    if end < text.len() {
        push(&mut pieces, "…", false);
    }
    pieces
}

/// Adds a piece, joining plain text to plain text before it.
fn push(pieces: &mut Vec<(String, bool)>, text: &str, is_match: bool) {
    match pieces.last_mut() {
        _ if text.is_empty() => {}
        Some((last, false)) if !is_match => last.push_str(text),
        _ => pieces.push((text.to_owned(), is_match)),
    }
}

/// The byte range of a snippet: from a little before the match at `first`, about
/// [`SNIPPET_LEN`] long, starting and ending at spaces (the text's only whitespace).
fn window(text: &str, (first, first_end): (usize, usize)) -> (usize, usize) {
    if text.len() <= SNIPPET_LEN {
        return (0, text.len());
    }
    let mut start = text.floor_char_boundary(first.saturating_sub(SNIPPET_LEAD));
    if start > 0 {
        start = text[start..first]
            .find(' ')
            .map_or(first, |i| start + i + 1);
    }
    let limit = text.floor_char_boundary((start + SNIPPET_LEN).max(first_end));
    if limit >= text.len() {
        return (start, text.len());
    }
    let end = match text[first_end..limit].rfind(' ') {
        Some(i) => first_end + i,
        // The match itself fills the snippet: end after the word it is in.
        None => text[limit..].find(' ').map_or(text.len(), |i| limit + i),
    };
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::markdown::parse_lesson;
    use crate::model::course::tests::sample;
    use crate::model::lesson::Lesson;

    /// The sample course (lessons A, B and C) with these lesson sources.
    fn index(a: &str, b: &str, c: &str) -> SearchIndex {
        let lessons: Vec<Lesson> = [("c", c), ("a", a), ("b", b)]
            .iter()
            .map(|(id, src)| {
                parse_lesson(id, &format!("{id}.md"), src).unwrap_or_else(|e| panic!("{e:?}"))
            })
            .collect();
        crate::build::search_index::build(&sample(), &lessons)
    }

    fn ids(hits: &[Hit]) -> Vec<&str> {
        hits.iter().map(|h| h.lesson_id.as_str()).collect()
    }

    fn text(hit: &Hit) -> String {
        hit.snippet.iter().map(|(t, _)| t.as_str()).collect()
    }

    fn matched(hit: &Hit) -> Vec<&str> {
        hit.snippet
            .iter()
            .filter(|(_, m)| *m)
            .map(|(t, _)| t.as_str())
            .collect()
    }

    #[test]
    fn finds_words_in_prose_and_in_code() {
        let i = index(
            "Intro.\n\n## Loops\n\nA loop repeats *work*.\n",
            "Plain words.\n\n```python\ntotal = sum(range(10))\n```\n",
            "Nothing here.\n",
        );
        let hits = i.search("REPEATS", 10);
        assert_eq!(ids(&hits), ["a"]);
        assert_eq!(hits[0].title, "A");
        assert_eq!(hits[0].place, "S1 › T1");
        assert_eq!(hits[0].section.as_deref(), Some("loops"));
        assert_eq!(ids(&i.search("total", 10)), ["b"]);
        assert_eq!(ids(&i.search("range", 10)), ["b"]);
        assert!(i.search("missing", 10).is_empty());
    }

    #[test]
    fn the_last_word_matches_as_a_prefix() {
        let i = index("Iterators step.\n", "An iterable thing.\n", "Iter.\n");
        assert_eq!(ids(&i.search("iter", 10)), ["a", "b", "c"]);
        assert_eq!(ids(&i.search("iterab", 10)), ["b"]);
        // Only the last word: earlier words match whole.
        assert!(i.search("iter step", 10).is_empty());
        assert_eq!(ids(&i.search("iterators st", 10)), ["a"]);
    }

    #[test]
    fn every_word_must_match_somewhere_in_the_lesson() {
        let i = index(
            "## One\n\nalpha\n\n## Two\n\nbeta\n",
            "alpha only\n",
            "beta only\n",
        );
        assert_eq!(ids(&i.search("alpha beta", 10)), ["a"]);
        assert_eq!(ids(&i.search("beta alpha", 10)), ["a"]);
        assert_eq!(ids(&i.search("alpha", 10)), ["a", "b"]);
        assert_eq!(ids(&i.search("alpha", 1)), ["a"]);
        // Stage and topic titles count as part of the lesson.
        assert_eq!(ids(&i.search("s2 beta", 10)), ["c"]);
    }

    #[test]
    fn titles_beat_headings_beat_body_and_more_matches_rank_higher() {
        let mut course = sample();
        course.stages[1].topics[0].lessons[0].title = "Sorting".into();
        let lessons: Vec<Lesson> = [
            ("a", "sorting sorting sorting sorting\n"),
            ("b", "## Sorting\n\nText.\n"),
            ("c", "Nothing.\n"),
        ]
        .iter()
        .map(|(id, src)| parse_lesson(id, "x.md", src).unwrap())
        .collect();
        let i = crate::build::search_index::build(&course, &lessons);
        assert_eq!(ids(&i.search("sorting", 10)), ["c", "b", "a"]);

        let i = index("word\n", "word word\n", "word\n");
        assert_eq!(
            ids(&i.search("word", 10)),
            ["b", "a", "c"],
            "ties keep course order"
        );
    }

    #[test]
    fn the_best_section_is_the_one_matching_most_words() {
        let i = index(
            "## First\n\nalpha\n\n## Second\n\nalpha beta\n\n## Beta\n\nalpha\n",
            "",
            "",
        );
        assert_eq!(
            i.search("alpha beta", 1)[0].section.as_deref(),
            Some("beta")
        );
        assert_eq!(i.search("alpha", 1)[0].section.as_deref(), Some("first"));
        // Text before the first heading has no anchor.
        let i = index("Intro alpha.\n\n## Later\n\nbeta\n", "", "");
        assert_eq!(i.search("alpha", 1)[0].section, None);
        let hit = &i.search("s1", 1)[0];
        assert_eq!(hit.section, None, "a match in the place only");
        assert_eq!(text(hit), "Intro alpha.", "shows the start of the lesson");
    }

    #[test]
    fn snippets_mark_matches_and_cut_between_words() {
        let filler = "lorem ipsum dolor sit amet ".repeat(20);
        let i = index(
            &format!("{filler}the **needle** is < here > & `there` needle.\n\n{filler}\n"),
            "",
            "",
        );
        let hit = &i.search("needle", 1)[0];
        let snippet = text(hit);
        assert_eq!(matched(hit), ["needle", "needle"]);
        assert!(
            snippet.starts_with("…") && snippet.ends_with("…"),
            "{snippet}"
        );
        assert!(
            snippet.contains("the needle is < here > & there needle."),
            "{snippet}"
        );
        assert!(!snippet.contains("<strong>") && !snippet.contains("&amp;"));
        assert!((120..=200).contains(&snippet.len()), "{}", snippet.len());
        // Whole words only at the cuts.
        let words: Vec<&str> = snippet.trim_matches('…').split(' ').collect();
        assert!(
            words.iter().all(|w| {
                "lorem ipsum dolor sit amet the needle is < here > & there needle."
                    .split(' ')
                    .any(|x| x == *w)
            }),
            "{snippet}"
        );

        let short = index("Just a needle.\n", "", "");
        assert_eq!(
            short.search("NEED", 1)[0].snippet,
            [
                ("Just a ".to_owned(), false),
                ("needle".to_owned(), true),
                (".".to_owned(), false)
            ]
        );
    }

    #[test]
    fn html_is_stripped_and_entities_decoded() {
        let i = index(
            "Compare `a < b` and \"quotes\" & 'apostrophes'.\n\n> [!TIP]\n> Callout words.\n",
            "",
            "::: choice pick\nWhich <one>?\n\n- [x] `x >= 1`\n- [ ] `y`\n\n> [!EXPLAIN]\n> Secret explanation.\n:::\n",
        );
        let hit = &i.search("compare", 1)[0];
        assert_eq!(
            text(hit),
            "Compare a < b and \"quotes\" & 'apostrophes'. Callout words."
        );
        let hit = &i.search("which", 1)[0];
        assert_eq!(hit.lesson_id, "c");
        assert_eq!(text(hit), "Which ? x >= 1 y", "raw HTML tags are dropped");
        assert!(
            i.search("secret", 5).is_empty(),
            "explanations are not indexed"
        );
    }

    #[test]
    fn exercises_index_prompt_and_starter_but_not_the_solution() {
        let i = index(
            "::: exercise add\n### Adding up\n\nWrite `plus`.\n\n```python starter\ndef plus(a, b):\n    ...\n```\n\n```python tests\nassert plus(1, 2) == 3\n```\n\n```python solution\ndef plus(a, b):\n    return a + b\n```\n\n> [!HINT]\n> hinted.\n\n> [!HINT]\n> more.\n:::\n",
            "",
            "",
        );
        assert_eq!(ids(&i.search("adding", 5)), ["a"]);
        assert_eq!(ids(&i.search("def plus", 5)), ["a"]);
        assert!(i.search("return", 5).is_empty());
        assert!(i.search("assert", 5).is_empty());
        assert!(i.search("hinted", 5).is_empty());
    }

    #[test]
    fn words_outside_ascii_match_case_insensitively() {
        let i = index("Ein Café, Größe.\n", "Cafeteria.\n", "décaf\n");
        assert_eq!(ids(&i.search("CAFÉ", 5)), ["a"]);
        assert_eq!(ids(&i.search("größe", 5)), ["a"]);
        assert_eq!(ids(&i.search("caf", 5)), ["a", "b"], "not inside `décaf`");
        assert_eq!(ids(&i.search("décaf", 5)), ["c"]);
        assert_eq!(matched(&i.search("café ein", 1)[0]), ["Ein", "Café"]);
    }

    #[test]
    fn blank_and_punctuation_queries_find_nothing() {
        let i = index("Words.\n", "", "");
        assert!(i.search("", 10).is_empty());
        assert!(i.search("   \t", 10).is_empty());
        assert!(i.search("?!", 10).is_empty());
        assert!(i.search("words", 0).is_empty());
    }

    #[test]
    fn the_index_survives_json() {
        let i = index("## H\n\nText.\n", "Code.\n", "");
        let json = serde_json::to_string(&i).unwrap();
        assert_eq!(serde_json::from_str::<SearchIndex>(&json).unwrap(), i);
    }

    #[test]
    fn the_real_course_finds_functions_by_def() {
        let compiled = crate::build::content::load(std::path::Path::new("content"))
            .unwrap_or_else(|e| panic!("{e:?}"));
        let index = crate::build::search_index::build(&compiled.course, &compiled.lessons);
        let hits = index.search("def", 100);
        assert!(ids(&hits).contains(&"functions"), "{:?}", ids(&hits));
        let hit = hits.iter().find(|h| h.lesson_id == "functions").unwrap();
        assert!(
            matched(hit)
                .iter()
                .all(|m| m.to_lowercase().starts_with("def"))
        );
        assert!(!matched(hit).is_empty());
    }

    #[test]
    fn a_match_only_in_a_heading_shows_in_the_snippet() {
        let i = index(
            "Intro.\n\n## Treating attrs as a dictionary\n\nThey are pairs of names and values.\n",
            "",
            "",
        );
        let hit = &i.search("dictionary", 1)[0];
        assert_eq!(matched(hit), ["dictionary"]);
        assert_eq!(
            text(hit),
            "Treating attrs as a dictionary: They are pairs of names and values."
        );
    }
}
