//! Everything the event loop waits for arrives on one channel: terminal input from its
//! own thread, and termination signals from another.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread;

use ratatui::crossterm::event::{self, Event as TermEvent};

#[derive(Debug)]
pub enum Event {
    Terminal(TermEvent),
    /// SIGTERM, SIGHUP or SIGINT: save and leave.
    Terminate,
    /// The terminal could not be read.
    InputFailed(String),
    /// What a background thread (the search worker, a feed fetch) reports.
    Report(crate::app::Report),
}

pub fn spawn() -> (Sender<Event>, Receiver<Event>) {
    let (sender, receiver) = channel();
    spawn_input(sender.clone());
    spawn_signals(sender.clone());
    (sender, receiver)
}

fn spawn_input(sender: Sender<Event>) {
    thread::spawn(move || {
        loop {
            let sent = match event::read() {
                Ok(ev) => sender.send(Event::Terminal(ev)),
                Err(err) => {
                    let _ = sender.send(Event::InputFailed(err.to_string()));
                    break;
                }
            };
            if sent.is_err() {
                break;
            }
        }
    });
}

fn spawn_signals(sender: Sender<Event>) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT]) else {
        return;
    };
    thread::spawn(move || {
        if signals.forever().next().is_some() {
            let _ = sender.send(Event::Terminate);
        }
    });
}
