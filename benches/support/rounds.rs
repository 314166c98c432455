//! Interleaved rounds of a baseline and ours: the ratio of their best rounds,
//! and the median of each round's own ratio. A round runs both sides back to
//! back, so a machine whose speed drifts between rounds (a shared host) hits
//! both alike: where the two figures disagree, the machine was noisy.

use std::time::Duration;

/// Each round's time, baseline and ours.
#[derive(Default)]
pub struct Rounds(Vec<(Duration, Duration)>);

impl Rounds {
    pub fn push(&mut self, baseline: Duration, ours: Duration) {
        self.0.push((baseline, ours));
    }

    /// The best round of each side.
    pub fn best(&self) -> (Duration, Duration) {
        let baseline = self.0.iter().map(|r| r.0).min().unwrap_or(Duration::MAX);
        let ours = self.0.iter().map(|r| r.1).min().unwrap_or(Duration::MAX);
        (baseline, ours)
    }

    /// Throughput, ours ÷ baseline, of the best rounds.
    pub fn best_ratio(&self) -> f64 {
        let (baseline, ours) = self.best();
        baseline.as_secs_f64() / ours.as_secs_f64()
    }

    /// The median over rounds of each round's throughput ratio.
    pub fn median_ratio(&self) -> f64 {
        let mut ratios: Vec<f64> = self
            .0
            .iter()
            .map(|(baseline, ours)| baseline.as_secs_f64() / ours.as_secs_f64())
            .collect();
        ratios.sort_by(f64::total_cmp);
        match ratios.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => ratios[n / 2],
            n => (ratios[n / 2 - 1] + ratios[n / 2]) / 2.0,
        }
    }
}
