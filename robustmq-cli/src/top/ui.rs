//! Drawing `robustmq top`: every function takes the [`App`] by reference and draws into a
//! [`Frame`]; nothing here changes state or does I/O.

use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{
    Block, Cell, Clear, HighlightSpacing, Padding, Paragraph, Row, Sparkline, Table, TableState,
    Tabs, Wrap,
};
use ratatui::Frame;

use super::state::{App, Column, GroupColumn, Link, Sort, Tab, TopicColumn};
use crate::units::{fmt_byte_rate, fmt_bytes, fmt_clock, fmt_rate, fmt_uptime};

/// Below this size the screen only says that the terminal is too small.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

const SUMMARY_HEIGHT: u16 = 6;
const CONNECTIONS_WIDTH: u16 = 24;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        draw_too_small(frame, area);
        return;
    }
    let [title, summary, tabs, table, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(SUMMARY_HEIGHT),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_title(frame, title, app);
    draw_summary(frame, summary, app);
    draw_tabs(frame, tabs, app);
    match app.tab {
        Tab::Topics => draw_topics(frame, table, app),
        Tab::Groups => draw_groups(frame, table, app),
    }
    draw_status(frame, status, app);
    if app.show_help {
        draw_help(frame, area);
    }
}

/// Server strings go to the terminal: control characters (escape sequences) become `?`.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn draw_too_small(frame: &mut Frame, area: Rect) {
    let text = Text::from(vec![
        Line::from("terminal too small".bold()),
        Line::from(format!("{}x{}", area.width, area.height)),
        Line::from(format!("need {MIN_WIDTH}x{MIN_HEIGHT}")),
        Line::from("q quits"),
    ]);
    let height = (text.height() as u16).min(area.height);
    let [_, middle, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(height),
        Constraint::Fill(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        middle,
    );
}

fn draw_title(frame: &mut Frame, area: Rect, app: &App) {
    let bar = Style::new().fg(Color::Black).bg(Color::Cyan);
    let sep = || Span::raw(" │ ");
    let mut left = vec![Span::raw(" robustmq top").bold()];
    if let Some(id) = &app.cluster_id {
        left.extend([sep(), Span::raw(format!("cluster {}", clean(id)))]);
    }
    let mut right = Vec::new();
    if app.paused {
        right.push(Span::raw(" PAUSED ").fg(Color::White).bg(Color::Red).bold());
        right.push(Span::raw(" "));
    }
    if let Some(s) = &app.snapshot {
        let nodes = &s.nodes;
        let roles = |n: &robustmq_api::admin::NodeStatus| clean(&n.roles.join(","));
        let node_text = match nodes.as_slice() {
            [] => "no nodes".to_string(),
            [n] => format!("node {}: {}", n.node_id, roles(n)),
            _ => format!(
                "{} nodes: {}",
                nodes.len(),
                nodes
                    .iter()
                    .map(|n| format!("{} [{}]", n.node_id, roles(n)))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        };
        left.extend([sep(), Span::raw(node_text)]);
        if let Some(up) = nodes.iter().map(|n| n.uptime_seconds).max() {
            left.extend([sep(), Span::raw(format!("up {}", fmt_uptime(up)))]);
        }
        let mut versions: Vec<&str> = nodes.iter().map(|n| n.version.as_str()).collect();
        versions.sort_unstable();
        versions.dedup();
        if !versions.is_empty() {
            left.extend([sep(), Span::raw(format!("v{}", clean(&versions.join("/"))))]);
        }
    }
    let right = Line::from(right);
    let [l, r] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(right.width() as u16),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(Line::from(left)).style(bar), l);
    frame.render_widget(Paragraph::new(right).style(bar), r);
}

fn draw_summary(frame: &mut Frame, area: Rect, app: &App) {
    let [conn, rates] =
        Layout::horizontal([Constraint::Length(CONNECTIONS_WIDTH), Constraint::Fill(1)])
            .areas(area);

    let protocols = app
        .snapshot
        .as_ref()
        .map(|s| s.connections.as_slice())
        .unwrap_or_default();
    let total: i64 = protocols
        .iter()
        .fold(0i64, |acc, p| acc.saturating_add(p.connections));
    let inner_w = CONNECTIONS_WIDTH.saturating_sub(4) as usize;
    let lines: Vec<Line> = protocols
        .iter()
        .map(|p| {
            let name = clean(&p.protocol);
            let count = p.connections.to_string();
            let pad = inner_w.saturating_sub(name.chars().count() + count.len());
            Line::from(format!("{name}{}{count}", " ".repeat(pad.max(1))))
        })
        .collect();
    let title = if app.snapshot.is_some() {
        format!(" Connections {total} ")
    } else {
        " Connections ".to_string()
    };
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(title)
                .padding(Padding::horizontal(1)),
        ),
        conn,
    );

    let mut block = Block::bordered().title(" Throughput ");
    if let Some(s) = &app.snapshot {
        block =
            block.title(Line::from(format!(" {} UTC ", fmt_clock(s.timestamp_ms))).right_aligned());
    }
    let inner = block.inner(rates);
    frame.render_widget(block, rates);
    let total = app
        .snapshot
        .as_ref()
        .and_then(|s| s.total)
        .unwrap_or_default();
    let h = &app.history;
    let rows = [
        (
            "msgs in",
            fmt_rate(total.messages_in_per_sec),
            &h.msgs_in,
            Color::Green,
        ),
        (
            "msgs out",
            fmt_rate(total.messages_out_per_sec),
            &h.msgs_out,
            Color::Blue,
        ),
        (
            "bytes in",
            fmt_byte_rate(total.bytes_in_per_sec),
            &h.bytes_in,
            Color::Green,
        ),
        (
            "bytes out",
            fmt_byte_rate(total.bytes_out_per_sec),
            &h.bytes_out,
            Color::Blue,
        ),
    ];
    let lines = Layout::vertical([Constraint::Length(1); 4]).areas::<4>(inner);
    for ((label, value, history, color), line) in rows.into_iter().zip(lines) {
        let [text, spark] =
            Layout::horizontal([Constraint::Length(24), Constraint::Fill(1)]).areas(line);
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::raw(format!(" {label:<10}")),
                Span::raw(format!("{value:>12} ")).bold(),
            ])),
            text,
        );
        // The newest samples that fit, newest at the right edge.
        let width = spark.width as usize;
        let skip = history.len().saturating_sub(width);
        let data: Vec<u64> = history.iter().skip(skip).copied().collect();
        frame.render_widget(
            Sparkline::default()
                .data(&data)
                .style(Style::new().fg(color)),
            spark,
        );
    }
}

fn draw_tabs(frame: &mut Frame, area: Rect, app: &App) {
    let titles = Tab::ALL.iter().enumerate().map(|(i, t)| {
        let total = app.total_rows(*t);
        let shown = if *t == app.tab {
            app.row_count()
        } else {
            total
        };
        if shown == total {
            format!("{} {} ({total})", i + 1, t.title())
        } else {
            format!("{} {} ({shown}/{total})", i + 1, t.title())
        }
    });
    frame.render_widget(
        Tabs::new(titles)
            .select(app.tab.index())
            .highlight_style(Style::new().fg(Color::Yellow).bold().underlined()),
        area,
    );
}

/// A header cell with the sort marker on the sorted column.
fn header<C: Column>(sort: Sort<C>, right_aligned: impl Fn(C) -> bool) -> Row<'static> {
    Row::new(C::ALL.iter().map(|c| {
        let mut title = c.title().to_string();
        if *c == sort.column {
            title.push(if sort.descending { '▼' } else { '▲' });
        }
        let line = Line::from(title);
        Cell::from(if right_aligned(*c) {
            line.alignment(Alignment::Right)
        } else {
            line
        })
    }))
    .style(Style::new().bold())
}

fn right(s: String) -> Cell<'static> {
    Cell::from(Line::from(s).alignment(Alignment::Right))
}

/// The table's block: its title shows the applied filter.
fn table_block(app: &App) -> Block<'static> {
    let mut block = Block::bordered();
    if !app.filter.is_empty() {
        block = block.title(format!(" filter: {} ", clean(&app.filter)));
    }
    block
}

fn empty_message(frame: &mut Frame, area: Rect, app: &App, what: &str) {
    let msg = if app.snapshot.is_none() {
        "waiting for the first snapshot…".to_string()
    } else if app.filter.is_empty() {
        format!("no {what}")
    } else {
        format!("no {what} match '{}'", clean(&app.filter))
    };
    // Below the border and the header row.
    let y = area.y.saturating_add(2);
    if y < area.bottom().saturating_sub(1) {
        let line = Rect::new(area.x + 1, y, area.width.saturating_sub(2), 1);
        frame.render_widget(
            Paragraph::new(msg)
                .alignment(Alignment::Center)
                .style(Style::new().fg(Color::DarkGray)),
            line,
        );
    }
}

fn render_table(frame: &mut Frame, area: Rect, app: &App, table: Table, rows: usize, what: &str) {
    let table = table
        .block(table_block(app))
        .column_spacing(1)
        .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
        .highlight_spacing(HighlightSpacing::Never);
    let mut state = TableState::default().with_selected((rows > 0).then(|| app.selected()));
    frame.render_stateful_widget(table, area, &mut state);
    if rows == 0 {
        empty_message(frame, area, app, what);
    }
}

fn draw_topics(frame: &mut Frame, area: Rect, app: &App) {
    let topics = app.topics();
    let rows = topics.iter().map(|t| {
        let r = t.rates.unwrap_or_default();
        Row::new(vec![
            Cell::from(clean(&t.topic)),
            right(t.partitions.to_string()),
            right(fmt_rate(r.messages_in_per_sec)),
            right(fmt_rate(r.messages_out_per_sec)),
            right(fmt_byte_rate(r.bytes_in_per_sec)),
            right(fmt_byte_rate(r.bytes_out_per_sec)),
            right(fmt_bytes(t.size_bytes)),
        ])
    });
    let widths = [
        Constraint::Min(12),
        Constraint::Length(6),
        Constraint::Length(10),
        Constraint::Length(11),
        Constraint::Length(11),
        Constraint::Length(12),
        Constraint::Length(10),
    ];
    let table = Table::new(rows, widths).header(header(app.topic_sort, |c| c != TopicColumn::Name));
    render_table(frame, area, app, table, topics.len(), "topics");
}

fn draw_groups(frame: &mut Frame, area: Rect, app: &App) {
    let groups = app.groups();
    let rows = groups.iter().map(|g| {
        let state_style = match g.state.as_str() {
            "Stable" => Style::new().fg(Color::Green),
            "Empty" | "Dead" => Style::new().fg(Color::DarkGray),
            _ => Style::new().fg(Color::Yellow),
        };
        let lag_style = if g.lag > 0 {
            Style::new().fg(Color::Yellow)
        } else {
            Style::new()
        };
        Row::new(vec![
            Cell::from(clean(&g.name)),
            Cell::from(clean(&g.state)).style(state_style),
            right(g.members.to_string()),
            right(g.lag.to_string()).style(lag_style),
        ])
    });
    let widths = [
        Constraint::Min(12),
        Constraint::Length(20),
        Constraint::Length(9),
        Constraint::Length(14),
    ];
    let table = Table::new(rows, widths).header(header(app.group_sort, |c| {
        matches!(c, GroupColumn::Members | GroupColumn::Lag)
    }));
    render_table(frame, area, app, table, groups.len(), "groups");
}

fn draw_status(frame: &mut Frame, area: Rect, app: &App) {
    if let Some(input) = &app.input {
        let line = Line::from(vec![
            Span::raw(" filter: ").bold(),
            Span::raw(clean(input)),
            Span::raw("█"),
            Span::raw("   Enter apply · Esc clear").fg(Color::DarkGray),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let mut left = vec![Span::raw(" ")];
    match &app.link {
        Link::Connecting => left.push(Span::raw("connecting…").fg(Color::Yellow)),
        Link::Live => left.push(Span::raw("● live").fg(Color::Green)),
        Link::Disconnected { reason, retry_in } => {
            let when = if retry_in.is_zero() {
                "retrying".to_string()
            } else {
                format!("retrying in {:.1}s", retry_in.as_secs_f64())
            };
            left.push(Span::raw(format!("disconnected: {}, {when}", clean(reason))).fg(Color::Red));
        }
    }
    if app.paused {
        let mut s = "  PAUSED".to_string();
        if app.skipped > 0 {
            let plural = if app.skipped == 1 { "" } else { "s" };
            s.push_str(&format!(" ({} snapshot{plural} skipped)", app.skipped));
        }
        left.push(Span::raw(s).fg(Color::Red).bold());
    }
    // The key hint gives way to the connection state when both do not fit.
    let left = Line::from(left);
    let room = (area.width as usize).saturating_sub(left.width());
    let hint = [
        " s sort · r reverse · / filter · p pause · ? help · q quit ",
        " ? help ",
        "",
    ]
    .into_iter()
    .find(|h| h.chars().count() <= room)
    .unwrap_or_default();
    let help = Line::from(hint).fg(Color::DarkGray);
    let [l, r] = Layout::horizontal([Constraint::Fill(1), Constraint::Length(help.width() as u16)])
        .areas(area);
    frame.render_widget(Paragraph::new(left), l);
    frame.render_widget(Paragraph::new(help), r);
}

const HELP: &[(&str, &str)] = &[
    ("Tab / Shift-Tab", "next / previous tab"),
    ("1 2", "go to tab"),
    ("s", "sort by the next column"),
    ("r", "reverse the sort"),
    ("/", "filter by name (Enter applies, Esc clears)"),
    ("p", "pause / resume updates"),
    ("↑ ↓ j k PgUp PgDn", "move the selection"),
    ("Home End g G", "first / last row"),
    ("?", "this help (any key closes)"),
    ("q Esc Ctrl-C", "quit"),
];

fn draw_help(frame: &mut Frame, area: Rect) {
    let width = 68.min(area.width);
    let height = (HELP.len() as u16 + 4).min(area.height);
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    let mut lines: Vec<Line> = HELP
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::raw(format!("{k:>18}")).bold().fg(Color::Yellow),
                Span::raw(format!("  {what}")),
            ])
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::from("rates are per second over the refresh interval").fg(Color::DarkGray));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(" keys ")
                .padding(Padding::horizontal(1)),
        ),
        popup,
    );
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;

    use super::super::state::tests::{fixture, live_app, rates};
    use super::super::state::{App, Update};
    use super::*;

    fn render(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
        let mut terminal = match Terminal::new(TestBackend::new(width, height)) {
            Ok(t) => t,
            Err(e) => match e {},
        };
        if let Err(e) = terminal.draw(|f| draw(f, app)) {
            match e {}
        }
        terminal
    }

    fn screen(t: &Terminal<TestBackend>) -> String {
        t.backend().to_string()
    }

    fn keys(app: &mut App, codes: &[KeyCode]) {
        for c in codes {
            app.on_key(KeyEvent::new(*c, KeyModifiers::NONE));
        }
    }

    /// A live app with a history of varied rates, as after a minute of updates.
    fn busy_app() -> App {
        let mut app = App::new();
        app.apply(Update::Connected {
            cluster_id: "rmq-test-cluster".into(),
        });
        for i in 0..60u32 {
            let mut s = fixture();
            let f = f64::from((i * 7) % 13 + 1);
            s.total = rates(100.0 * f, 80.0 * f, 1024.0 * f, 900.0 * f);
            app.apply(Update::Snapshot(Box::new(s)));
        }
        app.apply(Update::Snapshot(Box::new(fixture())));
        app
    }

    #[test]
    fn topics_100x30() {
        let t = render(&busy_app(), 100, 30);
        let s = screen(&t);
        assert!(s.contains("cluster rmq-test-cluster"));
        assert!(s.contains("orders") && s.contains("1.2k/s"));
        insta::assert_snapshot!(t.backend());
    }

    #[test]
    fn groups_100x30() {
        let mut app = busy_app();
        keys(&mut app, &[KeyCode::Char('2')]);
        let t = render(&app, 100, 30);
        assert!(screen(&t).contains("PreparingRebalance"));
        insta::assert_snapshot!(t.backend());
    }

    #[test]
    fn too_small_40x10() {
        let t = render(&busy_app(), 40, 10);
        assert!(screen(&t).contains("terminal too small"));
        insta::assert_snapshot!(t.backend());
    }

    #[test]
    fn help_overlay_100x30() {
        let mut app = live_app();
        keys(&mut app, &[KeyCode::Char('?')]);
        insta::assert_snapshot!(render(&app, 100, 30).backend());
    }

    #[test]
    fn paused_disconnected_filtered_100x30() {
        let mut app = busy_app();
        keys(&mut app, &[KeyCode::Char('/')]);
        for c in "or".chars() {
            keys(&mut app, &[KeyCode::Char(c)]);
        }
        keys(&mut app, &[KeyCode::Enter, KeyCode::Char('p')]);
        app.apply(Update::Snapshot(Box::new(fixture())));
        app.apply(Update::Disconnected {
            reason: "transport error: connection refused".into(),
            retry_in: Duration::from_millis(2000),
        });
        let t = render(&app, 100, 30);
        let s = screen(&t);
        assert!(s.contains("PAUSED"));
        assert!(
            s.contains("disconnected: transport error: connection refused, retrying in 2.0s"),
            "{s}"
        );
        insta::assert_snapshot!(t.backend());
    }

    #[test]
    fn waiting_and_filter_input_80x20() {
        let mut app = App::new();
        keys(&mut app, &[KeyCode::Char('/')]);
        for c in "pay".chars() {
            keys(&mut app, &[KeyCode::Char(c)]);
        }
        let t = render(&app, 80, 20);
        let s = screen(&t);
        assert!(s.contains("waiting for the first snapshot"));
        assert!(s.contains("filter: pay█"));
        insta::assert_snapshot!(t.backend());
    }

    #[test]
    fn control_characters_are_not_drawn() {
        let mut app = App::new();
        let mut s = fixture();
        s.topics[0].topic = "evil\u{1b}[2Jtopic".into();
        app.apply(Update::Snapshot(Box::new(s)));
        let out = screen(&render(&app, 100, 30));
        assert!(out.contains("evil?[2Jtopic"));
        assert!(!out.contains('\u{1b}'));
    }

    #[test]
    fn any_size_renders_without_panicking() {
        let mut app = busy_app();
        keys(&mut app, &[KeyCode::Char('?')]);
        for w in [0, 1, 5, 59, 60, 61, 80, 200] {
            for h in [0, 1, 3, 14, 15, 16, 40] {
                render(&app, w, h);
                app.show_help = !app.show_help;
                render(&app, w, h);
            }
        }
    }
}
