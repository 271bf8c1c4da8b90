//! Keys that arrive together (a fast typist, a paste, tmux's send-keys: one read, one
//! batch of the loop) must do what the same keys do typed one at a time. Each sequence
//! runs on two fresh readers, one key at a time and all at once, and the screens, the
//! state and the store must agree. Sequences that reach the network (`x`, `a`) are left
//! out: no key waits for the network, by design.

mod common;

use common::{Harness, fixtures};

/// What a person can see or the store keeps after a sequence.
fn outcome(h: &Harness) -> String {
    format!(
        "{}\nfocus={:?} selected={} reader={:?} status={:?} unread={} stored_unread={} \
         total={} prompt={:?} view={}",
        h.screen(),
        h.app.focus,
        h.app.list.selected,
        h.app
            .reader
            .as_ref()
            .map(|r| r.article.summary.title.clone()),
        h.app.status,
        h.app.unread,
        h.store.articles().count_unread().unwrap(),
        h.store.articles().count().unwrap(),
        h.app.prompt.as_ref().map(|p| (p.kind, p.input.clone())),
        h.app.view.name,
    )
}

#[test]
fn keys_at_once_do_what_keys_one_at_a_time_do() {
    let sequences = [
        "A y u",
        "D u",
        "j D u",
        "enter D u",
        "m u",
        "s u",
        "D D u u",
        "/ t r a m enter j enter",
        "/ f e r r y enter enter",
        "2 j enter",
        "3 enter",
        "T j enter",
        "enter / s e c t i o n enter n n",
        "S j j tab enter",
        "z j enter",
        "? esc j enter",
        "/ t r a m enter V t enter 1 j",
        "A y j enter",
        "s j s u u",
        "enter U U",
        "/ t r a m enter O",
        "/ t r a m enter esc j enter",
        "T j m u",
        "2 s j enter",
        "D D D u j enter",
        "S j d y u",
        "S j tab D u",
        "2 A y u",
        "/ t r a m enter D j enter",
        "/ f e r r y enter A y u 1",
        "S G enter enter",
        "enter s 3 j",
        "/ x y z enter enter",
        "2 j j D j enter",
        "enter J J D u",
        "S j tab A y u",
    ];
    let mut differ = Vec::new();
    for sequence in sequences {
        let mut slow = Harness::new(&fixtures(), 120, 30);
        slow.keys(sequence);
        let mut fast = Harness::new(&fixtures(), 120, 30);
        fast.keys_at_once(sequence);
        let (slow, fast) = (outcome(&slow), outcome(&fast));
        if slow != fast {
            differ.push(format!(
                "[{sequence}]\none at a time:\n{slow}\nat once:\n{fast}"
            ));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n\n"));
}
