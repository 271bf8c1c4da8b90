//! Tables drawn as aligned columns: the walk gathers each row's cells as text, and the
//! table is drawn when it closes, each column padded to its widest cell. Bounded by
//! design: at most `MAX_ROWS` rows and `MAX_COLUMNS` columns are kept, each cell cut to
//! `MAX_CELL` columns, and what was left out is said under the table. A table whose
//! cells hold whole paragraphs lays a page out rather than tabulating data: its cells
//! become paragraphs, as they read.

use crate::domain::text::{truncate, width};

/// The most rows a table keeps; the rest are counted.
pub(super) const MAX_ROWS: usize = 200;
/// The most columns a table keeps; the rest are counted.
pub(super) const MAX_COLUMNS: usize = 12;
/// The widest a cell is drawn, in terminal columns.
pub(super) const MAX_CELL: usize = 40;
/// A cell longer than this (in bytes) is a paragraph: the table is a layout table.
const PARAGRAPH_CELL: usize = 4 * MAX_CELL;
/// The most bytes of cell text a layout table keeps in all, so that its paragraphs
/// stay within the input's size (the cells are kept whole until the table closes).
const MAX_KEPT: usize = 16 * 1024 * 1024;

/// One row: its cells, and whether they are headings (`<th>`).
#[derive(Default)]
struct Row {
    cells: Vec<String>,
    header: bool,
    /// Cells past `MAX_COLUMNS`.
    extra: usize,
}

/// A table being gathered.
#[derive(Default)]
pub(super) struct Table {
    rows: Vec<Row>,
    rows_left_out: usize,
    columns_left_out: usize,
    kept: usize,
    pub(super) caption: Option<String>,
}

/// What a closed table reads as: one drawn block, or paragraphs (a layout table).
pub(super) enum Drawn {
    Block(String),
    Paragraphs(Vec<String>),
}

impl Table {
    pub(super) fn start_row(&mut self) {
        if self.rows.len() < MAX_ROWS {
            self.rows.push(Row::default());
        } else {
            self.rows_left_out += 1;
        }
    }

    /// Adds the cell gathered as `text` to the current row (starting one when a cell
    /// comes before any row).
    pub(super) fn add_cell(&mut self, text: String, header: bool) {
        if self.rows.is_empty() {
            self.start_row();
        }
        if self.rows_left_out > 0 {
            return;
        }
        let Some(row) = self.rows.last_mut() else {
            return;
        };
        if row.cells.len() >= MAX_COLUMNS {
            row.extra += 1;
            self.columns_left_out = self.columns_left_out.max(row.extra);
            return;
        }
        if self.kept + text.len() > MAX_KEPT {
            return;
        }
        self.kept += text.len();
        row.header = header && (row.cells.is_empty() || row.header);
        row.cells.push(text);
    }

    /// The table as it reads.
    pub(super) fn draw(self) -> Drawn {
        let rows: Vec<Row> = self
            .rows
            .into_iter()
            .filter(|r| r.cells.iter().any(|c| !c.is_empty()))
            .collect();
        let columns = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
        let layout = rows
            .iter()
            .any(|r| r.cells.iter().any(|c| c.len() > PARAGRAPH_CELL));
        if layout || columns <= 1 {
            let mut paragraphs: Vec<String> = self.caption.into_iter().collect();
            paragraphs.extend(
                rows.into_iter()
                    .flat_map(|r| r.cells)
                    .filter(|c| !c.is_empty()),
            );
            return Drawn::Paragraphs(paragraphs);
        }
        let mut widths = vec![0; columns];
        for row in &rows {
            for (i, cell) in row.cells.iter().enumerate() {
                widths[i] = widths[i].max(width(cell).min(MAX_CELL));
            }
        }
        let mut lines: Vec<String> = self.caption.into_iter().collect();
        for (index, row) in rows.iter().enumerate() {
            let mut cells: Vec<String> = (0..columns)
                .map(|i| {
                    let cell = row.cells.get(i).map_or("", String::as_str);
                    let cell = truncate(cell, MAX_CELL);
                    let pad = widths[i].saturating_sub(width(&cell));
                    format!("{cell}{}", " ".repeat(pad))
                })
                .collect();
            while cells.last().is_some_and(|c| c.trim().is_empty()) {
                cells.pop();
            }
            lines.push(cells.join(" | ").trim_end().to_owned());
            if index == 0 && row.header && rows.len() > 1 {
                let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
                lines.push(rule.join("-+-"));
            }
        }
        if self.rows_left_out > 0 {
            lines.push(format!("({} more rows left out)", self.rows_left_out));
        }
        if self.columns_left_out > 0 {
            lines.push(format!("({} more columns left out)", self.columns_left_out));
        }
        Drawn::Block(lines.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::import::html::to_text;

    #[test]
    fn a_table_is_drawn_in_aligned_columns_under_its_headings() {
        let c = to_text(
            "<p>Before</p><table><caption>Ferry times</caption>\
             <tr><th>Route</th><th>First</th><th>Last</th></tr>\
             <tr><td>Quay – Island</td><td>06:10</td><td><p>23:40</p></td></tr>\
             <tr><td>Quay – Point <a href=\"https://example.org/p\">map</a></td><td>7:00</td><td></td></tr>\
             </table><p>After</p>",
        );
        assert_eq!(
            c.paragraphs,
            [
                "Before",
                "Ferry times\n\
                 Route                | First | Last\n\
                 ---------------------+-------+------\n\
                 Quay – Island        | 06:10 | 23:40\n\
                 Quay – Point map [1] | 7:00",
                "After"
            ]
        );
        assert_eq!(c.links, ["https://example.org/p"]);
    }

    #[test]
    fn a_huge_table_is_capped_in_rows_columns_and_cell_width() {
        // Within the parser's element budget: 1,000 rows of 14 cells.
        let row = format!("<tr>{}</tr>", "<td>cell</td>".repeat(14));
        let wide = format!("<tr><td>{}</td><td>b</td></tr>", "w".repeat(150));
        let html = format!("<table>{wide}{}</table>", row.repeat(1_000));
        let c = to_text(&html);
        let table = &c.paragraphs[0];
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), super::MAX_ROWS + 2, "rows, then two notes");
        assert!(lines[0].starts_with(&format!("{}…", "w".repeat(super::MAX_CELL - 1))));
        assert!(
            lines
                .iter()
                .all(|l| l.matches(" | ").count() < super::MAX_COLUMNS)
        );
        assert_eq!(lines[super::MAX_ROWS], "(801 more rows left out)");
        assert_eq!(lines[super::MAX_ROWS + 1], "(2 more columns left out)");
    }

    #[test]
    fn a_layout_table_reads_as_paragraphs_and_nested_tables_as_cells() {
        let long = "A paragraph long enough to be prose rather than a cell of data. ".repeat(4);
        let c = to_text(&format!(
            "<table><tr><td>Menu</td><td><p>{long}</p><p>More</p></td></tr></table>\
             <table><tr><td>Outer <table><tr><td>in</td><td>ner</td></tr></table></td>\
             <td>x</td></tr></table>"
        ));
        assert_eq!(c.paragraphs[0], "Menu");
        assert!(c.paragraphs[1].starts_with("A paragraph long"));
        assert!(c.paragraphs[1].ends_with("More"));
        assert_eq!(c.paragraphs[2], "Outer in ner | x");
    }
}
