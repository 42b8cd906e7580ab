//! Spaced repetition for quiz questions (SM-2): a question answered comes back after an
//! interval that grows each time it is recalled and resets when it is missed.

use crate::learner::{DAY_MS, Millis};
use serde::{Deserialize, Serialize};

/// When a question is next due, and how its interval grows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Card {
    pub due_at: Millis,
    pub interval_days: u32,
    /// SM-2's easiness factor, from 1.3 up; 2.5 to start.
    pub ease: f64,
    /// Correct answers in a row.
    pub streak: u32,
}

impl Card {
    /// A question answered for the first time.
    pub fn first(correct: bool, now: Millis) -> Self {
        Self::new_at(now).answer(correct, now)
    }

    fn new_at(now: Millis) -> Self {
        Self {
            due_at: now,
            interval_days: 0,
            ease: 2.5,
            streak: 0,
        }
    }

    pub fn is_due(&self, now: Millis) -> bool {
        self.due_at <= now
    }

    /// The card after an answer: right answers space it out (1 day, 6 days, then × ease);
    /// a wrong one brings it back tomorrow and makes it come round more often.
    pub fn answer(self, correct: bool, now: Millis) -> Self {
        // SM-2 grades 0–5; a quiz answer is right (4: recalled) or wrong (1).
        let grade: f64 = if correct { 4.0 } else { 1.0 };
        let ease = (self.ease + 0.1 - (5.0 - grade) * (0.08 + (5.0 - grade) * 0.02)).max(1.3);
        let (streak, interval_days) = if correct {
            let interval = match self.streak {
                0 => 1,
                1 => 6,
                _ => (f64::from(self.interval_days) * ease).round() as u32,
            };
            (self.streak + 1, interval.clamp(1, 3650))
        } else {
            (0, 1)
        };
        Self {
            due_at: now + Millis::from(interval_days) * DAY_MS,
            interval_days,
            ease,
            streak,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_grow_with_each_right_answer() {
        let now = 1_000_000;
        let c = Card::first(true, now);
        assert_eq!((c.interval_days, c.due_at), (1, now + DAY_MS));
        assert!(!c.is_due(now) && c.is_due(now + DAY_MS));
        let c = c.answer(true, c.due_at);
        assert_eq!(c.interval_days, 6);
        let c = c.answer(true, c.due_at);
        assert_eq!(c.interval_days, 15); // 6 × 2.5
        let c = c.answer(true, c.due_at);
        assert!(c.interval_days > 30, "{c:?}");
    }

    #[test]
    fn a_wrong_answer_brings_it_back_tomorrow_and_more_often() {
        let now = 0;
        let learnt = Card::first(true, now)
            .answer(true, DAY_MS)
            .answer(true, 7 * DAY_MS);
        let missed = learnt.answer(false, 20 * DAY_MS);
        assert_eq!(missed.interval_days, 1);
        assert_eq!(missed.due_at, 21 * DAY_MS);
        assert_eq!(missed.streak, 0);
        assert!(missed.ease < learnt.ease);
        let again = missed
            .answer(true, 21 * DAY_MS)
            .answer(true, 22 * DAY_MS)
            .answer(true, 28 * DAY_MS);
        assert!(
            again.interval_days < 15,
            "harder cards grow more slowly: {again:?}"
        );
    }

    #[test]
    fn ease_never_drops_below_the_floor() {
        let mut c = Card::first(false, 0);
        for day in 1..20 {
            c = c.answer(false, day * DAY_MS);
        }
        assert!((c.ease - 1.3).abs() < 1e-9);
        assert_eq!(Card::first(false, 5).due_at, 5 + DAY_MS);
    }
}
