//! The person's settings: the mastery rule, which can be tuned but never
//! bypassed.

use crate::{App, Result};
use mm_core::mastery::MasteryRule;

/// Changes to the mastery rule; `None` keeps the current value.
#[derive(Debug, Clone, Copy, Default)]
pub struct RuleChange {
    pub min_sessions: Option<u32>,
    pub min_days: Option<u32>,
    pub min_minutes_share: Option<f64>,
}

impl RuleChange {
    fn is_empty(&self) -> bool {
        self.min_sessions.is_none() && self.min_days.is_none() && self.min_minutes_share.is_none()
    }
}

/// The person's mastery rule after `change` (nothing is written when the
/// change is empty).
///
/// # Errors
/// Invalid for a minimum of zero or a share out of range.
pub async fn mastery_rule(app: &App, change: RuleChange) -> Result<MasteryRule> {
    let mut rule = app.person().rule;
    if change.is_empty() {
        return Ok(rule);
    }
    if let Some(n) = change.min_sessions {
        rule.min_sessions = n;
    }
    if let Some(n) = change.min_days {
        rule.min_days = n;
    }
    if let Some(f) = change.min_minutes_share {
        rule.min_minutes_share = f;
    }
    rule.validate()?;
    app.store().set_mastery_rule(&rule).await?;
    Ok(rule)
}
