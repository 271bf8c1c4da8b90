//! herald in a real terminal for end-to-end tests: tmux runs it, send-keys types,
//! capture-pane reads the screen.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
}

impl Tmux {
    pub fn start(command: &str, width: u16, height: u16) -> Tmux {
        let check = Command::new("tmux").arg("-V").output();
        assert!(
            check.is_ok_and(|o| o.status.success()),
            "tmux is needed for this test: apt-get install tmux (.ci/run does this)"
        );
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let socket = format!("herald-e2e-{}-{n}", std::process::id());
        let tmux = Tmux { socket };
        let out = tmux.run(&[
            "new-session",
            "-d",
            "-s",
            "herald",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            command,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        tmux
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .env_remove("TMUX")
            .output()
            .unwrap()
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "herald"];
        args.extend_from_slice(keys);
        assert!(self.run(&args).status.success());
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "herald"]).stdout)
            .into_owned()
    }

    pub fn alternate_screen_on(&self) -> bool {
        let out = self.run(&["display-message", "-p", "-t", "herald", "#{alternate_on}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    /// Waits until `done` holds for the screen; fails with the last screen after 10 s.
    pub fn wait_for(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; the screen was:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}
