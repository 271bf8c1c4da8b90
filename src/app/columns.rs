//! The article list's columns: which fields, in which order, and how wide the source and
//! author columns are (the config file's `list_columns` and `source_width`). The title
//! takes whatever room is left.

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Column {
    /// `●` unread and `★` starred.
    Flags,
    Source,
    Author,
    Title,
    Date,
}

/// The columns the list shows; always a title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    pub fields: Vec<Column>,
    /// The source and author columns' width; `None`: a fifth of the list, 8 to 18.
    pub source_width: Option<u16>,
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            fields: vec![Column::Flags, Column::Source, Column::Title, Column::Date],
            source_width: None,
        }
    }
}

impl Columns {
    /// Checks a choice from the config file: a title, each field once, a sane width.
    pub fn new(fields: Vec<Column>, source_width: Option<u16>) -> Result<Columns, String> {
        if !fields.contains(&Column::Title) {
            return Err(
                "list_columns needs \"title\": the title takes the room the others leave".into(),
            );
        }
        for (i, field) in fields.iter().enumerate() {
            if fields[..i].contains(field) {
                return Err(format!("list_columns names {field:?} twice").to_lowercase());
            }
        }
        if let Some(width) = source_width
            && !(4..=60).contains(&width)
        {
            return Err(format!(
                "source_width must be from 4 to 60 columns, not {width}"
            ));
        }
        Ok(Columns {
            fields,
            source_width,
        })
    }

    /// The source and author width in a list `width` columns wide.
    pub fn name_width(&self, width: usize) -> usize {
        match self.source_width {
            Some(w) => usize::from(w),
            None => (width / 5).clamp(8, 18),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_needs_a_title_and_each_field_once() {
        assert!(Columns::new(vec![Column::Title, Column::Date], Some(10)).is_ok());
        assert!(
            Columns::new(vec![Column::Source, Column::Date], None)
                .unwrap_err()
                .contains("title")
        );
        assert!(
            Columns::new(vec![Column::Title, Column::Title], None)
                .unwrap_err()
                .contains("twice")
        );
        assert!(
            Columns::new(vec![Column::Title], Some(2))
                .unwrap_err()
                .contains("source_width")
        );
        assert_eq!(Columns::default().name_width(100), 18);
        assert_eq!(Columns::default().name_width(30), 8);
    }
}
