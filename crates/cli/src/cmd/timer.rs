//! The focus timer: a full-screen terminal view for one deliberate practice
//! session. The aim at the top, elapsed and remaining time, keys to count a
//! rep, an error and an interruption, a notes field, pause/resume; at the end
//! it asks for difficulty 1–5 and feedback. The session is checkpointed to the
//! store every few seconds, so a closed terminal or a crash loses at most
//! that. `mm practice start` uses it when stdin and stdout are a terminal, and
//! the plain timer otherwise.

use crate::cmd::practice::PracticeStart;
use crate::ctx::Ctx;
use crate::ui::outln;
use anyhow::{Context as _, Result};

use mm_app::practice::{self, SessionDetails, Timed};
use mm_core::parse::{format_minutes, parse_minutes};
use mm_core::*;
use ratatui::Frame;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Gauge, Paragraph, Wrap};
use std::time::{Duration, Instant};

/// How often the running session is written to the store (mm-app's, shared
/// with the web timer).
pub const CHECKPOINT_EVERY: Duration = practice::CHECKPOINT_EVERY;

/// Where the session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Running,
    /// Typing into the notes field (the clock keeps running).
    Notes,
    /// Asking for difficulty 1–5.
    Difficulty,
    /// Asking for feedback.
    Feedback,
    Done,
}

/// The timer's state: pure, driven by [`Focus::tick`] and [`Focus::key`].
#[derive(Debug, Clone)]
pub struct Focus {
    pub goal: GoalId,
    pub aim: String,
    /// Stop by itself after this much focused time.
    pub limit: Option<Duration>,
    pub focused: Duration,
    /// Wall-clock time since the start, pauses included.
    pub wall: Duration,
    pub paused: bool,
    pub reps: u32,
    pub errors: u32,
    pub interruptions: u32,
    pub notes: String,
    pub difficulty: Option<u8>,
    pub feedback: String,
    pub phase: Phase,
    /// A one-line status (last checkpoint, or a refusal).
    pub status: String,
}

impl Focus {
    /// A new session.
    pub fn new(goal: GoalId, aim: &str, limit: Option<Duration>) -> Focus {
        Focus {
            goal,
            aim: aim.to_owned(),
            limit,
            focused: Duration::ZERO,
            wall: Duration::ZERO,
            paused: false,
            reps: 0,
            errors: 0,
            interruptions: 0,
            notes: String::new(),
            difficulty: None,
            feedback: String::new(),
            phase: Phase::Running,
            status: String::new(),
        }
    }

    /// Let `dt` pass.
    pub fn tick(&mut self, dt: Duration) {
        self.wall += dt;
        if !self.paused && matches!(self.phase, Phase::Running | Phase::Notes) {
            self.focused += dt;
            if self.limit.is_some_and(|l| self.focused >= l) {
                self.focused = self.limit.unwrap_or(self.focused);
                self.phase = Phase::Difficulty;
            }
        }
    }

    /// Handle one key press.
    pub fn key(&mut self, k: KeyEvent) {
        if k.kind == KeyEventKind::Release {
            return;
        }
        let ctrl_c = k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c');
        match self.phase {
            Phase::Running => match k.code {
                _ if ctrl_c => self.phase = Phase::Difficulty,
                KeyCode::Char(' ') | KeyCode::Char('r') => self.reps += 1,
                KeyCode::Char('e') => self.errors += 1,
                KeyCode::Char('i') => self.interruptions += 1,
                KeyCode::Char('p') => self.paused = !self.paused,
                KeyCode::Char('n') => self.phase = Phase::Notes,
                KeyCode::Char('q') | KeyCode::Esc => self.phase = Phase::Difficulty,
                _ => {}
            },
            Phase::Notes => match k.code {
                _ if ctrl_c => self.phase = Phase::Difficulty,
                KeyCode::Enter | KeyCode::Esc => self.phase = Phase::Running,
                KeyCode::Backspace => {
                    self.notes.pop();
                }
                KeyCode::Char(c) => self.notes.push(c),
                _ => {}
            },
            Phase::Difficulty => match k.code {
                KeyCode::Char(c @ '1'..='5') => {
                    self.difficulty = c.to_digit(10).map(|d| d as u8);
                    self.status.clear();
                    self.phase = Phase::Feedback;
                }
                KeyCode::Enter | KeyCode::Esc => self.phase = Phase::Feedback,
                _ if ctrl_c => self.phase = Phase::Feedback,
                _ => self.status = "difficulty is 1 (easy) to 5 (very hard); Enter skips".into(),
            },
            Phase::Feedback => match k.code {
                _ if ctrl_c => self.phase = Phase::Done,
                KeyCode::Enter | KeyCode::Esc => self.phase = Phase::Done,
                KeyCode::Backspace => {
                    self.feedback.pop();
                }
                KeyCode::Char(c) => self.feedback.push(c),
                _ => {}
            },
            Phase::Done => {}
        }
    }

    /// The session as the application keeps it.
    pub fn timed(&self) -> Timed {
        Timed {
            goal: self.goal,
            focused: self.focused,
            wall: self.wall,
            details: SessionDetails {
                aim: self.aim.clone(),
                reps: self.reps,
                errors: self.errors,
                interruptions: self.interruptions,
                difficulty: self.difficulty,
                feedback: Some(self.feedback.clone()),
                notes: Some(self.notes.clone()),
            },
        }
    }
}

fn clock(d: Duration) -> String {
    let s = d.as_secs();
    format!("{:02}:{:02}", s / 60, s % 60)
}

/// Draw the whole screen.
pub fn draw(f: &mut Frame<'_>, s: &Focus) {
    let [aim, time, counts, notes, ask, help] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(3),
        Constraint::Length(1),
    ])
    .areas(f.area());
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("Aim: ", Style::new().add_modifier(Modifier::BOLD)),
            Span::raw(s.aim.as_str()),
        ]))
        .wrap(Wrap { trim: true })
        .block(
            Block::new()
                .borders(Borders::ALL)
                .title(format!(" Goal {} · focus ", s.goal)),
        ),
        aim,
    );
    let label = match s.limit {
        Some(l) => format!(
            "elapsed {} · remaining {}{}",
            clock(s.focused),
            clock(l.saturating_sub(s.focused)),
            if s.paused { " · PAUSED" } else { "" }
        ),
        None => format!(
            "elapsed {}{}",
            clock(s.focused),
            if s.paused { " · PAUSED" } else { "" }
        ),
    };
    let ratio = s.limit.map_or(0.0, |l| {
        (s.focused.as_secs_f64() / l.as_secs_f64().max(1.0)).clamp(0.0, 1.0)
    });
    f.render_widget(
        Gauge::default()
            .block(Block::new().borders(Borders::ALL).title(" time "))
            .gauge_style(Style::new().fg(if s.paused {
                Color::Yellow
            } else {
                Color::Green
            }))
            .ratio(ratio)
            .label(label),
        time,
    );
    f.render_widget(
        Paragraph::new(format!(
            " reps {}   errors {}   interruptions {}   {}",
            s.reps,
            s.errors,
            s.interruptions,
            if s.paused { "PAUSED" } else { "RUNNING" }
        )),
        counts,
    );
    let notes_title = if s.phase == Phase::Notes {
        " notes (typing; Enter to finish) "
    } else {
        " notes (n to write) "
    };
    f.render_widget(
        Paragraph::new(s.notes.as_str())
            .wrap(Wrap { trim: false })
            .block(Block::new().borders(Borders::ALL).title(notes_title)),
        notes,
    );
    let question = match s.phase {
        Phase::Difficulty => "How hard was it? 1 (easy) … 5 (very hard), Enter to skip".to_owned(),
        Phase::Feedback => format!(
            "Feedback you got or noticed (Enter to save): {}",
            s.feedback
        ),
        Phase::Done => "Saving…".to_owned(),
        _ => s.status.clone(),
    };
    let ask_block = if matches!(s.phase, Phase::Difficulty | Phase::Feedback) {
        Block::new().borders(Borders::ALL).title(" end of session ")
    } else {
        Block::new().borders(Borders::ALL)
    };
    let mut lines = vec![Line::raw(question)];
    if matches!(s.phase, Phase::Difficulty) && !s.status.is_empty() {
        lines.push(Line::raw(s.status.as_str()));
    }
    f.render_widget(Paragraph::new(lines).block(ask_block), ask);
    f.render_widget(
        Paragraph::new(
            " space/r rep · e error · i interruption · p pause/resume · n notes · q finish",
        )
        .style(Style::new().add_modifier(Modifier::DIM)),
        help,
    );
}

/// Run the focus screen for `a`, checkpointing to the store.
pub fn run(ctx: &Ctx, a: PracticeStart) -> Result<()> {
    let goal = ctx.block(practice::can_start(&ctx.app, a.goal, &a.details.aim))?;
    let limit = a
        .limit
        .as_deref()
        .map(parse_minutes)
        .transpose()?
        .map(|m| Duration::from_secs(u64::from(m) * 60));
    let mut s = Focus::new(goal.id, &a.details.aim, limit);
    s.reps = a.details.reps;
    s.errors = a.details.errors;
    s.interruptions = a.details.interruptions;
    s.notes = a.details.notes.clone().unwrap_or_default();
    let mut saved: Option<SessionId> = None;
    let checkpoint = |s: &Focus, saved: &mut Option<SessionId>| {
        ctx.block(practice::checkpoint(&ctx.app, &s.timed(), saved))
    };
    let mut terminal = ratatui::try_init().context("cannot open the terminal screen")?;
    let outcome = (|| -> Result<()> {
        let mut last = Instant::now();
        let mut last_save = Instant::now();
        while s.phase != Phase::Done {
            terminal.draw(|f| draw(f, &s))?;
            if event::poll(Duration::from_millis(200))?
                && let Event::Key(k) = event::read()?
            {
                s.key(k);
            }
            let now = Instant::now();
            s.tick(now - last);
            last = now;
            if last_save.elapsed() >= CHECKPOINT_EVERY {
                last_save = Instant::now();
                match checkpoint(&s, &mut saved) {
                    Ok(true) => s.status = format!("checkpoint saved at {}", clock(s.focused)),
                    Ok(false) => {}
                    Err(e) => s.status = format!("checkpoint failed: {e:#}"),
                }
            }
        }
        Ok(())
    })();
    ratatui::restore();
    outcome?;
    if !checkpoint(&s, &mut saved)? {
        eprintln!("Under a minute of focus: nothing saved.");
        return Ok(());
    }
    let id = saved.context("the session was not saved")?;
    let session = ctx.block(ctx.store.get_session(id))?;
    if ctx.json {
        return ctx.print_json(&session);
    }
    outln!(
        "Saved session {}: {} focused on goal {} — {} reps, {} errors, {} interruptions{}.",
        session.id,
        format_minutes(session.focused_minutes),
        session.goal_id,
        session.reps,
        session.errors,
        session.interruptions,
        session
            .difficulty
            .map(|d| format!(", difficulty {d}"))
            .unwrap_or_default()
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn press(s: &mut Focus, keys: &str) {
        for c in keys.chars() {
            s.key(KeyEvent::from(KeyCode::Char(c)));
        }
    }

    fn screen(s: &Focus) -> String {
        let mut t = Terminal::new(TestBackend::new(90, 20)).unwrap();
        t.draw(|f| draw(f, s)).unwrap();
        let buf = t.backend().buffer().clone();
        (0..buf.area.height)
            .map(|y| {
                (0..buf.area.width)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn screen_shows_aim_time_and_counts() {
        let mut s = Focus::new(
            GoalId(2),
            "join orders to customers",
            Some(Duration::from_secs(25 * 60)),
        );
        s.tick(Duration::from_secs(65));
        press(&mut s, "rr ei");
        let text = screen(&s);
        assert!(text.contains("Aim: join orders to customers"), "{text}");
        assert!(text.contains("Goal 2"), "{text}");
        assert!(text.contains("elapsed 01:05 · remaining 23:55"), "{text}");
        assert!(
            text.contains("reps 3   errors 1   interruptions 1   RUNNING"),
            "{text}"
        );
    }

    #[test]
    fn pause_stops_the_focused_clock() {
        let mut s = Focus::new(GoalId(1), "x", None);
        s.tick(Duration::from_secs(10));
        press(&mut s, "p");
        s.tick(Duration::from_secs(100));
        assert_eq!(s.focused, Duration::from_secs(10));
        assert!(screen(&s).contains("PAUSED"));
        press(&mut s, "p");
        s.tick(Duration::from_secs(5));
        assert_eq!(
            (s.focused, s.wall),
            (Duration::from_secs(15), Duration::from_secs(115))
        );
    }

    #[test]
    fn notes_capture_typing_not_commands() {
        let mut s = Focus::new(GoalId(1), "x", None);
        press(&mut s, "n");
        press(&mut s, "use an index, review errors");
        s.key(KeyEvent::from(KeyCode::Enter));
        press(&mut s, "r");
        assert_eq!(s.notes, "use an index, review errors");
        assert_eq!(
            (s.reps, s.errors),
            (1, 0),
            "keys typed in notes do not count"
        );
        assert!(screen(&s).contains("use an index, review errors"));
    }

    #[test]
    fn the_end_asks_difficulty_then_feedback() {
        let mut s = Focus::new(GoalId(1), "x", Some(Duration::from_secs(60)));
        s.tick(Duration::from_secs(61));
        assert_eq!(s.phase, Phase::Difficulty, "the limit ends the session");
        assert!(screen(&s).contains("How hard was it?"));
        press(&mut s, "9");
        assert!(s.status.contains("1 (easy) to 5"), "{}", s.status);
        press(&mut s, "4");
        assert_eq!((s.difficulty, s.phase), (Some(4), Phase::Feedback));
        press(&mut s, "too fast");
        s.key(KeyEvent::from(KeyCode::Enter));
        assert_eq!(s.phase, Phase::Done);
        let n = s.timed().to_session(Utc::now()).unwrap();
        assert_eq!((n.focused_minutes, n.difficulty), (1, Some(4)));
        assert_eq!(n.feedback.as_deref(), Some("too fast"));
        n.validate(Utc::now() + chrono::Duration::minutes(1))
            .unwrap();
    }

    #[test]
    fn ctrl_c_finishes_and_nothing_under_half_a_minute() {
        let mut s = Focus::new(GoalId(1), "x", None);
        s.tick(Duration::from_secs(20));
        assert!(s.timed().to_session(Utc::now()).is_none());
        s.key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        assert_eq!(s.phase, Phase::Difficulty);
        s.tick(Duration::from_secs(600));
        assert_eq!(
            s.focused,
            Duration::from_secs(20),
            "the clock stops at the end"
        );
    }

    #[test]
    fn checkpoints_are_valid_sessions() {
        let mut s = Focus::new(GoalId(1), "x", None);
        let at = Utc::now() - chrono::Duration::minutes(10);
        for secs in [30u64, 89, 91, 600] {
            s.focused = Duration::from_secs(secs);
            s.wall = Duration::from_secs(secs);
            let n = s.timed().to_session(at).unwrap();
            n.validate(Utc::now())
                .unwrap_or_else(|e| panic!("{secs}s: {e}"));
        }
    }
}
