//! Evidence that needs approval. On a team server a programme may ask an
//! approver to accept each application of its goals before it counts; for
//! such a goal the mastery rule counts only the accepted applications.
//! [`Approvals`] says which goals need it and which applications were
//! accepted, and [`App::mastery`] is the one place the application layer
//! weighs a goal's evidence through it (the goal page, the check that marks
//! a goal achieved, the status view, badges). A journal with no approvals
//! (every single-person journal) counts every application, as before.

use crate::App;
use mm_core::mastery::{ConditionKind, MasteryReport};
use mm_core::{Application, ApplicationId, GoalId};
use mm_store::GoalEvidence;
use std::collections::{HashMap, HashSet};

/// Which goals count only approved applications, and which were approved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Approvals {
    goals: HashMap<GoalId, HashSet<ApplicationId>>,
    verdicts: HashMap<ApplicationId, Verdict>,
}

/// Where an application stands with the approvers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerdictState {
    /// Waiting for an approver.
    Pending,
    /// Accepted: it counts.
    Approved,
    /// Refused, with a message: it does not count.
    Rejected,
}

impl VerdictState {
    /// The state in a word.
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictState::Pending => "pending",
            VerdictState::Approved => "approved",
            VerdictState::Rejected => "rejected",
        }
    }
}

/// An approver's verdict on one application (what its goal page shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Where it stands.
    pub state: VerdictState,
    /// The approver's message, if any.
    pub message: Option<String>,
}

impl Approvals {
    /// Record where application `a` stands with the approvers.
    pub fn record(&mut self, a: ApplicationId, verdict: Verdict) {
        self.verdicts.insert(a, verdict);
    }

    /// Where application `a` stands, once put before the approvers.
    pub fn verdict(&self, a: ApplicationId) -> Option<&Verdict> {
        self.verdicts.get(&a)
    }

    /// Make `goal` count only applications accepted by an approver:
    /// `approved` (more calls add to them).
    pub fn require(&mut self, goal: GoalId, approved: impl IntoIterator<Item = ApplicationId>) {
        self.goals.entry(goal).or_default().extend(approved);
    }

    /// Whether `goal` counts only approved applications.
    pub fn required(&self, goal: GoalId) -> bool {
        self.goals.contains_key(&goal)
    }

    /// The goals that count only approved applications.
    pub fn goals(&self) -> impl Iterator<Item = GoalId> + '_ {
        self.goals.keys().copied()
    }

    /// Whether `a` counts toward its goal's mastery.
    pub fn counts(&self, a: &Application) -> bool {
        self.goals
            .get(&a.goal_id)
            .is_none_or(|ok| ok.contains(&a.id))
    }

    /// Weigh `ev` with `app`'s rule, counting only what counts.
    fn weigh(&self, app: &App, ev: &GoalEvidence) -> MasteryReport {
        let p = app.person();
        if !self.required(ev.goal.id) {
            return ev.check(&p.rule, p.offset);
        }
        let waiting = ev.applications.iter().filter(|a| !self.counts(a)).count();
        let mut counted = ev.clone();
        counted.applications.retain(|a| self.counts(a));
        let mut report = counted.check(&p.rule, p.offset);
        explain_waiting(&mut report, waiting);
        report
    }
}

/// Say, when no application counts yet, that an approver accepts each one
/// (and how many wait or were refused).
pub(crate) fn explain_waiting(report: &mut MasteryReport, waiting: usize) {
    if let Some(c) = report
        .conditions
        .iter_mut()
        .find(|c| c.kind == ConditionKind::Application && !c.met)
    {
        c.detail = match waiting {
            0 => "no approved application yet (an approver accepts each one)".into(),
            n => format!("no approved application yet: {n} not accepted by an approver (yet)"),
        };
    }
}

impl App {
    /// The same journal, counting applications of the goals in `approvals`
    /// only once approved (the team server passes what its approvers
    /// decided).
    pub fn with_approvals(mut self, approvals: Approvals) -> App {
        self.approvals = std::sync::Arc::new(approvals);
        self
    }

    /// Which goals count only approved applications.
    pub fn approvals(&self) -> &Approvals {
        &self.approvals
    }

    /// The mastery rule's verdict on `ev`, with the person's rule and only
    /// the applications that count.
    pub fn mastery(&self, ev: &GoalEvidence) -> MasteryReport {
        self.approvals.weigh(self, ev)
    }
}
