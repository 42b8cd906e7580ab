//! Routes live in the URL fragment (`#/lesson/<id>`), so deep links work on any static host,
//! under any sub-path, with no server rewrite rules.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Roadmap,
    Lesson(String),
    /// Quiz questions due for spaced review.
    Review,
    /// Charts, statistics, notes, export and import.
    Progress,
    NotFound(String),
}

impl Route {
    /// Parses `location.hash` (with or without the leading `#`).
    pub fn parse(hash: &str) -> Self {
        let path = hash.strip_prefix('#').unwrap_or(hash);
        let path = path.strip_prefix('/').unwrap_or(path);
        let path = path.trim_end_matches('/');
        match path.split('/').collect::<Vec<_>>().as_slice() {
            [""] => Self::Roadmap,
            ["lesson", id] if !id.is_empty() => Self::Lesson(decode(id)),
            ["review"] => Self::Review,
            ["progress"] => Self::Progress,
            _ => Self::NotFound(decode(path)),
        }
    }

    /// The fragment for this route, for use as an `href`.
    pub fn href(&self) -> String {
        match self {
            Self::Roadmap | Self::NotFound(_) => "#/".to_owned(),
            Self::Lesson(id) => format!("#/lesson/{id}"),
            Self::Review => "#/review".to_owned(),
            Self::Progress => "#/progress".to_owned(),
        }
    }
}

/// Undoes percent-encoding that browsers add to fragments; invalid escapes stay as typed.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fragments() {
        assert_eq!(Route::parse(""), Route::Roadmap);
        assert_eq!(Route::parse("#"), Route::Roadmap);
        assert_eq!(Route::parse("#/"), Route::Roadmap);
        assert_eq!(
            Route::parse("#/lesson/control-flow"),
            Route::Lesson("control-flow".into())
        );
        assert_eq!(
            Route::parse("#/lesson/control-flow/"),
            Route::Lesson("control-flow".into())
        );
        assert_eq!(Route::parse("#/lesson/"), Route::NotFound("lesson".into()));
        assert_eq!(Route::parse("#/nope/x"), Route::NotFound("nope/x".into()));
        assert_eq!(Route::parse("#/lesson/a%20b"), Route::Lesson("a b".into()));
        assert_eq!(
            Route::parse("#/lesson/bad%zz%"),
            Route::Lesson("bad%zz%".into())
        );
    }

    #[test]
    fn href_round_trips() {
        let r = Route::Lesson("functions".into());
        assert_eq!(Route::parse(&r.href()), r);
        assert_eq!(Route::parse(&Route::Roadmap.href()), Route::Roadmap);
        assert_eq!(Route::parse(&Route::Review.href()), Route::Review);
        assert_eq!(Route::parse("#/progress/"), Route::Progress);
    }
}
