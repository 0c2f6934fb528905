//! `mm demo`: load the demo journey (`mm_app::demo`) and say what it holds.

use crate::Global;
use crate::ctx::Ctx;
use crate::exit;
use crate::ui::outln;
use anyhow::Result;

pub fn run(g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    let demo = ctx
        .block(mm_app::demo::load(&ctx.app))
        .map_err(|e| match e.kind() {
            mm_app::ErrorKind::Conflict => exit::hinted(e, "mm --db demo.db demo"),
            _ => e.into(),
        })?;
    if ctx.json {
        return ctx.print_json(&demo);
    }
    outln!("Loaded the demo journey into {}:", ctx.store.location())?;
    outln!(
        "  goal {}: pivot tables in two weeks — {} through the mastery rule",
        demo.achieved,
        demo.achieved_state
    )?;
    outln!(
        "  goal {}: SQL joins — in progress, {} days to go",
        demo.in_progress,
        demo.days_to_go
    )?;
    outln!(
        "Next: mm status · mm goal show {} · mm review --days 30",
        demo.in_progress
    )?;
    Ok(())
}
