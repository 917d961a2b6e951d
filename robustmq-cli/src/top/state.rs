//! The state of `robustmq top`: what the screen shows and how keys and snapshots change it.
//!
//! Everything here is pure (no I/O, no clock): the event loop in `mod.rs` feeds it [`Update`]s
//! from the Watch stream and key events from the terminal, and `ui.rs` draws it.

use std::cmp::Ordering;
use std::collections::VecDeque;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use robustmq_api::admin::{GroupSummary, Rates, TopicRates, WatchSnapshot};

/// How many samples the rate sparklines keep.
pub const HISTORY_LEN: usize = 120;

/// The tabs below the summary. An MQTT sessions tab goes here once the Watch stream carries
/// sessions: add a variant, its entry in [`Tab::ALL`] and a table in `ui.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Topics,
    Groups,
}

impl Tab {
    pub const ALL: [Tab; 2] = [Tab::Topics, Tab::Groups];

    pub fn index(self) -> usize {
        match self {
            Tab::Topics => 0,
            Tab::Groups => 1,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Tab::Topics => "Topics",
            Tab::Groups => "Groups",
        }
    }

    fn offset(self, by: isize) -> Tab {
        let n = Tab::ALL.len() as isize;
        Tab::ALL[(self.index() as isize + by).rem_euclid(n) as usize]
    }
}

/// A table column that can be sorted on.
pub trait Column: Copy + PartialEq + 'static {
    const ALL: &'static [Self];
    fn title(self) -> &'static str;
    /// Numbers sort largest first when the column is picked, names alphabetically.
    fn descending_by_default(self) -> bool;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicColumn {
    Name,
    Partitions,
    MsgsIn,
    MsgsOut,
    BytesIn,
    BytesOut,
    Size,
}

impl Column for TopicColumn {
    const ALL: &'static [Self] = &[
        TopicColumn::Name,
        TopicColumn::Partitions,
        TopicColumn::MsgsIn,
        TopicColumn::MsgsOut,
        TopicColumn::BytesIn,
        TopicColumn::BytesOut,
        TopicColumn::Size,
    ];

    fn title(self) -> &'static str {
        match self {
            TopicColumn::Name => "Topic",
            TopicColumn::Partitions => "Parts",
            TopicColumn::MsgsIn => "Msgs/s in",
            TopicColumn::MsgsOut => "Msgs/s out",
            TopicColumn::BytesIn => "Bytes/s in",
            TopicColumn::BytesOut => "Bytes/s out",
            TopicColumn::Size => "Size",
        }
    }

    fn descending_by_default(self) -> bool {
        self != TopicColumn::Name
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupColumn {
    Name,
    State,
    Members,
    Lag,
}

impl Column for GroupColumn {
    const ALL: &'static [Self] = &[
        GroupColumn::Name,
        GroupColumn::State,
        GroupColumn::Members,
        GroupColumn::Lag,
    ];

    fn title(self) -> &'static str {
        match self {
            GroupColumn::Name => "Group",
            GroupColumn::State => "State",
            GroupColumn::Members => "Members",
            GroupColumn::Lag => "Lag",
        }
    }

    fn descending_by_default(self) -> bool {
        matches!(self, GroupColumn::Members | GroupColumn::Lag)
    }
}

/// The sort of one table: a column and a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort<C> {
    pub column: C,
    pub descending: bool,
}

impl<C: Column> Sort<C> {
    pub fn by(column: C) -> Self {
        Sort {
            column,
            descending: column.descending_by_default(),
        }
    }

    /// The next column, in its natural direction.
    pub fn cycle(&mut self) {
        let all = C::ALL;
        let i = all.iter().position(|c| *c == self.column).unwrap_or(0);
        *self = Sort::by(all[(i + 1) % all.len()]);
    }

    pub fn reverse(&mut self) {
        self.descending = !self.descending;
    }

    /// Applies the direction to an ascending comparison.
    fn order(&self, ascending: Ordering) -> Ordering {
        if self.descending {
            ascending.reverse()
        } else {
            ascending
        }
    }
}

/// The state of the connection to the Watch stream.
#[derive(Debug, Clone, PartialEq)]
pub enum Link {
    Connecting,
    Live,
    Disconnected { reason: String, retry_in: Duration },
}

/// What the Watch task reports to the event loop.
#[derive(Debug, Clone, PartialEq)]
pub enum Update {
    Connecting,
    /// Subscribed; the cluster id comes from ClusterStatus (the snapshots do not carry it).
    Connected {
        cluster_id: String,
    },
    Snapshot(Box<WatchSnapshot>),
    Disconnected {
        reason: String,
        retry_in: Duration,
    },
}

/// Rate history for the sparklines, oldest first, at most [`HISTORY_LEN`] samples.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub msgs_in: VecDeque<u64>,
    pub msgs_out: VecDeque<u64>,
    pub bytes_in: VecDeque<u64>,
    pub bytes_out: VecDeque<u64>,
}

impl History {
    fn push(&mut self, r: &Rates) {
        fn add(q: &mut VecDeque<u64>, v: f64) {
            if q.len() >= HISTORY_LEN {
                q.pop_front();
            }
            q.push_back(sample(v));
        }
        add(&mut self.msgs_in, r.messages_in_per_sec);
        add(&mut self.msgs_out, r.messages_out_per_sec);
        add(&mut self.bytes_in, r.bytes_in_per_sec);
        add(&mut self.bytes_out, r.bytes_out_per_sec);
    }
}

/// A rate as a sparkline sample: rounded, with negative or non-finite values as 0.
fn sample(v: f64) -> u64 {
    if v.is_finite() && v > 0.0 {
        // `as` saturates for values past u64::MAX.
        v.round() as u64
    } else {
        0
    }
}

/// The whole state of the screen.
#[derive(Debug, Clone)]
pub struct App {
    pub cluster_id: Option<String>,
    /// The last applied snapshot (None until the first one arrives).
    pub snapshot: Option<WatchSnapshot>,
    pub history: History,
    pub link: Link,
    pub tab: Tab,
    pub topic_sort: Sort<TopicColumn>,
    pub group_sort: Sort<GroupColumn>,
    /// The applied filter: a case-insensitive substring of the row's name.
    pub filter: String,
    /// The text being typed after `/`, until Enter applies it or Esc clears it.
    pub input: Option<String>,
    pub paused: bool,
    /// Snapshots dropped while paused.
    pub skipped: u64,
    pub show_help: bool,
    /// The selected row of each tab, in [`Tab::ALL`] order.
    pub selected: [usize; Tab::ALL.len()],
    pub quit: bool,
}

impl Default for App {
    fn default() -> Self {
        App::new()
    }
}

impl App {
    pub fn new() -> Self {
        App {
            cluster_id: None,
            snapshot: None,
            history: History::default(),
            link: Link::Connecting,
            tab: Tab::Topics,
            topic_sort: Sort::by(TopicColumn::MsgsIn),
            group_sort: Sort::by(GroupColumn::Lag),
            filter: String::new(),
            input: None,
            paused: false,
            skipped: 0,
            show_help: false,
            selected: [0; Tab::ALL.len()],
            quit: false,
        }
    }

    /// Applies what the Watch task reported. Snapshots are dropped while paused; the link state
    /// always updates so a paused screen still says when the daemon went away.
    pub fn apply(&mut self, update: Update) {
        match update {
            Update::Connecting => self.link = Link::Connecting,
            Update::Connected { cluster_id } => {
                self.link = Link::Live;
                if !cluster_id.is_empty() {
                    self.cluster_id = Some(cluster_id);
                }
            }
            Update::Disconnected { reason, retry_in } => {
                self.link = Link::Disconnected { reason, retry_in }
            }
            Update::Snapshot(s) => {
                self.link = Link::Live;
                if self.paused {
                    self.skipped += 1;
                } else {
                    self.history.push(&s.total.unwrap_or_default());
                    self.snapshot = Some(*s);
                    self.clamp_selection();
                }
            }
        }
    }

    /// Handles one key press. Returns whether anything changed (the caller redraws anyway).
    pub fn on_key(&mut self, key: KeyEvent) -> bool {
        if key.kind == KeyEventKind::Release {
            return false;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('C')) {
            self.quit = true;
            return true;
        }
        if let Some(input) = &mut self.input {
            match key.code {
                KeyCode::Enter => {
                    self.filter = input.trim().to_string();
                    self.input = None;
                    self.clamp_selection();
                }
                KeyCode::Esc => {
                    self.filter.clear();
                    self.input = None;
                    self.clamp_selection();
                }
                KeyCode::Backspace => {
                    input.pop();
                }
                KeyCode::Char('u') if ctrl => input.clear(),
                KeyCode::Char(c) if !ctrl && !c.is_control() => input.push(c),
                _ => return false,
            }
            return true;
        }
        if self.show_help {
            // Any key closes the help; q still quits.
            self.show_help = false;
            if key.code == KeyCode::Char('q') {
                self.quit = true;
            }
            return true;
        }
        match key.code {
            KeyCode::Char('q') | KeyCode::Esc => self.quit = true,
            KeyCode::Char('?') => self.show_help = true,
            KeyCode::Tab => self.tab = self.tab.offset(1),
            KeyCode::BackTab => self.tab = self.tab.offset(-1),
            KeyCode::Char(c @ '1'..='9') => {
                let i = c as usize - '1' as usize;
                match Tab::ALL.get(i) {
                    Some(t) => self.tab = *t,
                    None => return false,
                }
            }
            KeyCode::Char('s') => match self.tab {
                Tab::Topics => self.topic_sort.cycle(),
                Tab::Groups => self.group_sort.cycle(),
            },
            KeyCode::Char('r') => match self.tab {
                Tab::Topics => self.topic_sort.reverse(),
                Tab::Groups => self.group_sort.reverse(),
            },
            KeyCode::Char('/') => self.input = Some(self.filter.clone()),
            KeyCode::Char('p') => {
                self.paused = !self.paused;
                self.skipped = 0;
            }
            KeyCode::Down | KeyCode::Char('j') => self.move_selection(1),
            KeyCode::Up | KeyCode::Char('k') => self.move_selection(-1),
            KeyCode::PageDown => self.move_selection(10),
            KeyCode::PageUp => self.move_selection(-10),
            KeyCode::Home | KeyCode::Char('g') => self.move_selection(isize::MIN / 2),
            KeyCode::End | KeyCode::Char('G') => self.move_selection(isize::MAX / 2),
            _ => return false,
        }
        true
    }

    /// Rows of the current tab.
    pub fn row_count(&self) -> usize {
        match self.tab {
            Tab::Topics => self.topics().len(),
            Tab::Groups => self.groups().len(),
        }
    }

    pub fn selected(&self) -> usize {
        self.selected[self.tab.index()]
    }

    fn move_selection(&mut self, by: isize) {
        let n = self.row_count();
        let cur = self.selected() as isize;
        let max = n.saturating_sub(1) as isize;
        self.selected[self.tab.index()] = cur.saturating_add(by).clamp(0, max) as usize;
    }

    fn clamp_selection(&mut self) {
        for tab in Tab::ALL {
            let n = match tab {
                Tab::Topics => self.topics().len(),
                Tab::Groups => self.groups().len(),
            };
            let s = &mut self.selected[tab.index()];
            *s = (*s).min(n.saturating_sub(1));
        }
    }

    fn matches(&self, name: &str) -> bool {
        self.filter.is_empty() || name.to_lowercase().contains(&self.filter.to_lowercase())
    }

    /// The topics of the last snapshot, filtered and sorted (ties by name).
    pub fn topics(&self) -> Vec<&TopicRates> {
        let mut v: Vec<&TopicRates> = match &self.snapshot {
            Some(s) => s.topics.iter().filter(|t| self.matches(&t.topic)).collect(),
            None => Vec::new(),
        };
        let sort = self.topic_sort;
        v.sort_by(|a, b| {
            let (ra, rb) = (a.rates.unwrap_or_default(), b.rates.unwrap_or_default());
            let f = |x: f64, y: f64| x.total_cmp(&y);
            let ord = match sort.column {
                TopicColumn::Name => a.topic.cmp(&b.topic),
                TopicColumn::Partitions => a.partitions.cmp(&b.partitions),
                TopicColumn::MsgsIn => f(ra.messages_in_per_sec, rb.messages_in_per_sec),
                TopicColumn::MsgsOut => f(ra.messages_out_per_sec, rb.messages_out_per_sec),
                TopicColumn::BytesIn => f(ra.bytes_in_per_sec, rb.bytes_in_per_sec),
                TopicColumn::BytesOut => f(ra.bytes_out_per_sec, rb.bytes_out_per_sec),
                TopicColumn::Size => a.size_bytes.cmp(&b.size_bytes),
            };
            sort.order(ord).then_with(|| a.topic.cmp(&b.topic))
        });
        v
    }

    /// The groups of the last snapshot, filtered and sorted (ties by name).
    pub fn groups(&self) -> Vec<&GroupSummary> {
        let mut v: Vec<&GroupSummary> = match &self.snapshot {
            Some(s) => s.groups.iter().filter(|g| self.matches(&g.name)).collect(),
            None => Vec::new(),
        };
        let sort = self.group_sort;
        v.sort_by(|a, b| {
            let ord = match sort.column {
                GroupColumn::Name => a.name.cmp(&b.name),
                GroupColumn::State => a.state.cmp(&b.state),
                GroupColumn::Members => a.members.cmp(&b.members),
                GroupColumn::Lag => a.lag.cmp(&b.lag),
            };
            sort.order(ord).then_with(|| a.name.cmp(&b.name))
        });
        v
    }

    /// Total rows of a tab before filtering, for the tab titles.
    pub fn total_rows(&self, tab: Tab) -> usize {
        match (&self.snapshot, tab) {
            (None, _) => 0,
            (Some(s), Tab::Topics) => s.topics.len(),
            (Some(s), Tab::Groups) => s.groups.len(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use robustmq_api::admin::{NodeStatus, ProtocolConnections};

    pub fn rates(mi: f64, mo: f64, bi: f64, bo: f64) -> Option<Rates> {
        Some(Rates {
            messages_in_per_sec: mi,
            bytes_in_per_sec: bi,
            messages_out_per_sec: mo,
            bytes_out_per_sec: bo,
            ..Rates::default()
        })
    }

    fn topic(name: &str, parts: i32, size: u64, r: Option<Rates>) -> TopicRates {
        TopicRates {
            topic: name.into(),
            partitions: parts,
            size_bytes: size,
            rates: r,
        }
    }

    fn group(name: &str, state: &str, members: u32, lag: i64) -> GroupSummary {
        GroupSummary {
            name: name.into(),
            state: state.into(),
            protocol_type: "consumer".into(),
            members,
            lag,
        }
    }

    /// A fixed snapshot for state and rendering tests.
    pub fn fixture() -> WatchSnapshot {
        WatchSnapshot {
            timestamp_ms: 1_700_000_000_000 + 3_723_000,
            nodes: vec![NodeStatus {
                node_id: 1,
                roles: vec!["broker".into(), "controller".into()],
                version: "0.1.0".into(),
                uptime_seconds: 3 * 3600 + 4 * 60 + 5,
                listeners: vec![],
                data_dir: "/var/lib/robustmq".into(),
                data_dir_bytes: 5 << 30,
            }],
            connections: vec![
                ProtocolConnections {
                    protocol: "kafka".into(),
                    connections: 12,
                },
                ProtocolConnections {
                    protocol: "admin".into(),
                    connections: 1,
                },
            ],
            total: rates(1530.0, 2400.0, 1_572_864.0, 3_565_158.4),
            topics: vec![
                topic(
                    "orders",
                    12,
                    7 << 30,
                    rates(1200.0, 2400.0, 1_258_291.2, 2_516_582.4),
                ),
                topic("payments", 3, 350 << 20, rates(300.0, 0.0, 307_200.0, 0.0)),
                topic("audit-log", 1, 1536, rates(30.0, 0.0, 7_372.8, 0.0)),
                topic("idle", 6, 0, None),
            ],
            groups: vec![
                group("billing", "Stable", 3, 0),
                group("analytics", "Stable", 2, 12_345),
                group("replay", "Empty", 0, 987),
                group("rebalancer", "PreparingRebalance", 4, 5),
            ],
        }
    }

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn press(app: &mut App, codes: &[KeyCode]) {
        for c in codes {
            app.on_key(key(*c));
        }
    }

    fn type_str(app: &mut App, s: &str) {
        for c in s.chars() {
            app.on_key(key(KeyCode::Char(c)));
        }
    }

    pub fn live_app() -> App {
        let mut app = App::new();
        app.apply(Update::Connected {
            cluster_id: "rmq-test-cluster".into(),
        });
        app.apply(Update::Snapshot(Box::new(fixture())));
        app
    }

    fn topic_names(app: &App) -> Vec<&str> {
        app.topics().iter().map(|t| t.topic.as_str()).collect()
    }

    fn group_names(app: &App) -> Vec<&str> {
        app.groups().iter().map(|g| g.name.as_str()).collect()
    }

    #[test]
    fn topics_sort_by_rate_by_default() {
        let app = live_app();
        assert_eq!(
            topic_names(&app),
            ["orders", "payments", "audit-log", "idle"]
        );
        assert_eq!(app.topic_sort, Sort::by(TopicColumn::MsgsIn));
        assert!(app.topic_sort.descending);
    }

    #[test]
    fn s_cycles_columns_and_r_reverses() {
        let mut app = live_app();
        press(&mut app, &[KeyCode::Char('s')]);
        assert_eq!(app.topic_sort.column, TopicColumn::MsgsOut);
        // orders is the only topic with reads; the rest tie on 0 and fall back to names.
        assert_eq!(
            topic_names(&app),
            ["orders", "audit-log", "idle", "payments"]
        );
        press(&mut app, &[KeyCode::Char('s'); 3]);
        assert_eq!(app.topic_sort.column, TopicColumn::Size);
        assert_eq!(
            topic_names(&app),
            ["orders", "payments", "audit-log", "idle"]
        );
        press(&mut app, &[KeyCode::Char('s')]);
        assert_eq!(app.topic_sort, Sort::by(TopicColumn::Name));
        assert!(!app.topic_sort.descending, "names sort A to Z first");
        assert_eq!(
            topic_names(&app),
            ["audit-log", "idle", "orders", "payments"]
        );
        press(&mut app, &[KeyCode::Char('r')]);
        assert_eq!(
            topic_names(&app),
            ["payments", "orders", "idle", "audit-log"]
        );
        press(&mut app, &[KeyCode::Char('s')]);
        assert_eq!(app.topic_sort.column, TopicColumn::Partitions);
        assert_eq!(topic_names(&app)[0], "orders");
    }

    #[test]
    fn group_sort_is_per_tab() {
        let mut app = live_app();
        press(&mut app, &[KeyCode::Char('2')]);
        assert_eq!(app.tab, Tab::Groups);
        assert_eq!(
            group_names(&app),
            ["analytics", "replay", "rebalancer", "billing"]
        );
        press(&mut app, &[KeyCode::Char('s')]);
        assert_eq!(app.group_sort.column, GroupColumn::Name);
        assert_eq!(
            group_names(&app),
            ["analytics", "billing", "rebalancer", "replay"]
        );
        assert_eq!(
            app.topic_sort.column,
            TopicColumn::MsgsIn,
            "topics untouched"
        );
        press(&mut app, &[KeyCode::Char('s'), KeyCode::Char('s')]);
        assert_eq!(app.group_sort.column, GroupColumn::Members);
        assert_eq!(group_names(&app)[0], "rebalancer");
    }

    #[test]
    fn tabs_switch_with_tab_backtab_and_digits() {
        let mut app = live_app();
        press(&mut app, &[KeyCode::Tab]);
        assert_eq!(app.tab, Tab::Groups);
        press(&mut app, &[KeyCode::Tab]);
        assert_eq!(app.tab, Tab::Topics);
        press(&mut app, &[KeyCode::BackTab]);
        assert_eq!(app.tab, Tab::Groups);
        press(&mut app, &[KeyCode::Char('1')]);
        assert_eq!(app.tab, Tab::Topics);
        assert!(!app.on_key(key(KeyCode::Char('9'))), "no ninth tab");
        assert_eq!(app.tab, Tab::Topics);
    }

    #[test]
    fn filter_applies_on_enter_and_esc_clears() {
        let mut app = live_app();
        press(&mut app, &[KeyCode::Char('/')]);
        type_str(&mut app, "PAY");
        // Typing q or p while filtering is text, not a command.
        assert_eq!(app.input.as_deref(), Some("PAY"));
        assert_eq!(topic_names(&app).len(), 4, "not applied before Enter");
        press(&mut app, &[KeyCode::Enter]);
        assert_eq!(app.filter, "PAY");
        assert_eq!(topic_names(&app), ["payments"]);
        // Filter applies to groups by name too.
        press(&mut app, &[KeyCode::Char('2')]);
        assert!(group_names(&app).is_empty());

        press(&mut app, &[KeyCode::Char('/')]);
        assert_eq!(
            app.input.as_deref(),
            Some("PAY"),
            "edit starts from the filter"
        );
        press(&mut app, &[KeyCode::Backspace; 3]);
        type_str(&mut app, "qp");
        assert!(!app.quit && !app.paused);
        press(&mut app, &[KeyCode::Backspace, KeyCode::Backspace]);
        type_str(&mut app, "re");
        press(&mut app, &[KeyCode::Enter]);
        assert_eq!(group_names(&app), ["replay", "rebalancer"]);

        press(&mut app, &[KeyCode::Char('/'), KeyCode::Esc]);
        assert_eq!(app.filter, "");
        assert_eq!(app.input, None);
        assert_eq!(group_names(&app).len(), 4);
        assert!(!app.quit, "Esc in the filter does not quit");
    }

    #[test]
    fn pause_drops_snapshots_until_resumed() {
        let mut app = live_app();
        assert_eq!(app.history.msgs_in.len(), 1);
        press(&mut app, &[KeyCode::Char('p')]);
        assert!(app.paused);
        let mut next = fixture();
        next.topics.truncate(1);
        next.timestamp_ms += 1000;
        app.apply(Update::Snapshot(Box::new(next.clone())));
        app.apply(Update::Snapshot(Box::new(next.clone())));
        assert_eq!(app.skipped, 2);
        assert_eq!(topic_names(&app).len(), 4, "old snapshot still shown");
        assert_eq!(app.history.msgs_in.len(), 1);
        // The link state still changes while paused.
        app.apply(Update::Disconnected {
            reason: "boom".into(),
            retry_in: Duration::from_secs(1),
        });
        assert!(matches!(app.link, Link::Disconnected { .. }));
        press(&mut app, &[KeyCode::Char('p')]);
        assert!(!app.paused);
        app.apply(Update::Snapshot(Box::new(next)));
        assert_eq!(app.link, Link::Live);
        assert_eq!(topic_names(&app), ["orders"]);
        assert_eq!(app.history.msgs_in.len(), 2);
    }

    #[test]
    fn history_keeps_the_last_samples() {
        let mut app = App::new();
        for i in 0..(HISTORY_LEN + 30) {
            let mut s = fixture();
            s.total = rates(i as f64, f64::NAN, -5.0, f64::INFINITY);
            app.apply(Update::Snapshot(Box::new(s)));
        }
        assert_eq!(app.history.msgs_in.len(), HISTORY_LEN);
        assert_eq!(app.history.msgs_in.front(), Some(&30));
        assert_eq!(app.history.msgs_in.back(), Some(&(HISTORY_LEN as u64 + 29)));
        assert!(app.history.msgs_out.iter().all(|v| *v == 0));
        assert!(app.history.bytes_in.iter().all(|v| *v == 0));
        assert!(app.history.bytes_out.iter().all(|v| *v == 0));
    }

    #[test]
    fn quit_keys_and_help() {
        for k in [KeyCode::Char('q'), KeyCode::Esc] {
            let mut app = live_app();
            app.on_key(key(k));
            assert!(app.quit, "{k:?} quits");
        }
        let mut app = live_app();
        app.on_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        assert!(app.quit, "Ctrl-C quits");

        let mut app = live_app();
        press(&mut app, &[KeyCode::Char('?')]);
        assert!(app.show_help);
        press(&mut app, &[KeyCode::Esc]);
        assert!(!app.show_help && !app.quit, "Esc closes the help first");

        let mut app = live_app();
        press(&mut app, &[KeyCode::Char('/')]);
        app.on_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        assert!(app.quit, "Ctrl-C quits even while filtering");
    }

    #[test]
    fn key_releases_are_ignored() {
        let mut app = live_app();
        let mut k = key(KeyCode::Char('q'));
        k.kind = KeyEventKind::Release;
        assert!(!app.on_key(k));
        assert!(!app.quit);
    }

    #[test]
    fn selection_moves_and_clamps() {
        let mut app = live_app();
        press(
            &mut app,
            &[KeyCode::Down, KeyCode::Down, KeyCode::Char('j')],
        );
        assert_eq!(app.selected(), 3);
        press(&mut app, &[KeyCode::Down]);
        assert_eq!(app.selected(), 3, "stops at the last row");
        press(&mut app, &[KeyCode::Home]);
        assert_eq!(app.selected(), 0);
        press(&mut app, &[KeyCode::End]);
        assert_eq!(app.selected(), 3);
        let mut s = fixture();
        s.topics.truncate(2);
        app.apply(Update::Snapshot(Box::new(s)));
        assert_eq!(app.selected(), 1, "clamped when rows go away");
        press(&mut app, &[KeyCode::Char('2'), KeyCode::Up]);
        assert_eq!(app.selected(), 0);
    }

    #[test]
    fn empty_app_handles_keys() {
        let mut app = App::new();
        press(
            &mut app,
            &[
                KeyCode::Down,
                KeyCode::End,
                KeyCode::Char('s'),
                KeyCode::Char('r'),
            ],
        );
        assert_eq!(app.selected(), 0);
        assert!(app.topics().is_empty());
    }
}
