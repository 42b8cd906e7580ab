//! Where the learner's code for an exercise is kept: one entry per exercise, and one per
//! further file of an exercise with several.

/// The entry for exercise `exercise` of lesson `lesson`, or for its file `file` (not the main
/// one): `lesson/exercise` or `lesson/exercise/path/of/file.py`, as the export file has it. Ids
/// hold no `/`, so the file's path is all that follows the second one.
pub fn entry(lesson: &str, exercise: &str, file: Option<&str>) -> String {
    match file {
        None => format!("{lesson}/{exercise}"),
        Some(path) => format!("{lesson}/{exercise}/{path}"),
    }
}

/// Where storage keeps an entry (under the page's own prefix).
pub const STORAGE_PREFIX: &str = "code/";

pub fn key(lesson: &str, exercise: &str, file: Option<&str>) -> String {
    format!("{STORAGE_PREFIX}{}", entry(lesson, exercise, file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_file_exercise_keeps_the_key_it_always_had() {
        assert_eq!(key("loops", "sum", None), "code/loops/sum");
        assert_eq!(
            key("loops", "sum", Some("shop/cart.py")),
            "code/loops/sum/shop/cart.py"
        );
    }
}
