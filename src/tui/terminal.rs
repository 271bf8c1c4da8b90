//! Taking over the terminal and always giving it back: on return, on error (the guard's
//! `Drop`), on panic (a hook that restores before the message prints) and on signals
//! (handled by the event loop, which then returns normally).

use std::io::stdout;

use anyhow::{Context, Result};
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;

pub struct TerminalGuard {
    pub terminal: DefaultTerminal,
}

impl TerminalGuard {
    pub fn new() -> Result<TerminalGuard> {
        // Runs after ratatui's own hook (installed by try_init, which wraps this one) has
        // left raw mode and the alternate screen.
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = execute!(stdout(), DisableMouseCapture);
            previous(info);
        }));
        let terminal = ratatui::try_init().context("setting up the terminal")?;
        // Outermost, so that a contained parser panic leaves the terminal as it is.
        crate::domain::panics::silence_contained();
        let guard = TerminalGuard { terminal };
        execute!(stdout(), EnableMouseCapture).context("enabling the mouse")?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = execute!(stdout(), DisableMouseCapture);
        ratatui::restore();
    }
}
