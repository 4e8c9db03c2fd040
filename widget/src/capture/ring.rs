//! A bounded buffer of the most recent entries: capture must never grow with the page's age.

use std::collections::VecDeque;

#[derive(Debug)]
pub struct Ring<T> {
    limit: usize,
    entries: VecDeque<T>,
}

impl<T: Clone> Ring<T> {
    pub fn new(limit: usize) -> Self {
        let limit = limit.max(1);
        Ring {
            limit,
            entries: VecDeque::with_capacity(limit.min(128)),
        }
    }

    /// Adds `entry`, dropping the oldest when full.
    pub fn push(&mut self, entry: T) {
        if self.entries.len() == self.limit {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    pub fn newest_mut(&mut self) -> Option<&mut T> {
        self.entries.back_mut()
    }

    pub fn snapshot(&self) -> Vec<T> {
        self.entries.iter().cloned().collect()
    }
}
