//! A lesson goes on the page in batches, one task each: the first screen is painted without
//! waiting for the rest, and no single task holds the page's thread for long (on a phone, a
//! whole lesson's render and layout took over a second in one task).

use crate::model::lesson::{Block, Question};

/// Roughly what the first batch may cost: a phone's first screen and more.
pub const FIRST_BATCH: usize = 5_000;
/// Roughly what each later batch may cost: about 20 ms of a 4×-throttled CPU's time.
pub const LATER_BATCH: usize = 2_000;

// What a block's controls (buttons, editor, console, answer form) cost besides its text.
const CODE: usize = 300;
const EXERCISE: usize = 2_500;
const QUESTION: usize = 800;

/// What putting `block` on the page costs, in bytes of HTML (measured: about 100 bytes per
/// millisecond of a 4×-throttled CPU, render, style and layout together).
pub fn cost(block: &Block) -> usize {
    match block {
        Block::Prose { html } | Block::Callout { html, .. } => html.len(),
        Block::Code(code) => CODE + code.html.len(),
        Block::Exercise(exercise) => EXERCISE + exercise.prompt_html.len() + exercise.starter.len(),
        Block::Question(Question::Choice {
            prompt_html,
            options,
            ..
        }) => QUESTION + prompt_html.len() + options.iter().map(|o| o.html.len()).sum::<usize>(),
        Block::Question(Question::Predict {
            prompt_html, code, ..
        }) => QUESTION + prompt_html.len() + code.html.len(),
    }
}

/// How many blocks go in each batch, in order: every batch but the last reaches its budget
/// (`first`, then `later`), and every batch has at least one block.
pub fn batch_sizes(
    costs: impl IntoIterator<Item = usize>,
    first: usize,
    later: usize,
) -> Vec<usize> {
    let mut sizes = Vec::new();
    let (mut count, mut spent, mut budget) = (0, 0, first);
    for cost in costs {
        count += 1;
        spent += cost;
        if spent >= budget {
            sizes.push(count);
            (count, spent, budget) = (0, 0, later);
        }
    }
    if count > 0 {
        sizes.push(count);
    }
    sizes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_batch_is_bigger_and_each_closes_once_over_its_budget() {
        assert_eq!(batch_sizes([4, 4, 4, 1, 2, 2, 2, 9], 10, 4), vec![3, 3, 2]);
    }

    #[test]
    fn a_block_over_budget_is_a_batch_of_its_own_and_nothing_is_lost() {
        assert_eq!(batch_sizes([50, 1, 50, 1], 10, 10), vec![1, 2, 1]);
        assert_eq!(batch_sizes([1, 1], 10, 10), vec![2]);
        assert_eq!(batch_sizes([], 10, 10), Vec::<usize>::new());
    }
}
