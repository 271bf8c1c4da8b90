//! A SQL condition together with the values of its `?` placeholders, so that a
//! condition assembled from pieces can never lose its parameter or get another's.

use rusqlite::types::Value;

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Clause {
    sql: String,
    params: Vec<Value>,
}

impl Clause {
    /// The condition that always holds: what `and` starts from.
    pub fn always() -> Clause {
        Clause {
            sql: "1".to_owned(),
            params: Vec::new(),
        }
    }

    /// One condition with a `?` for each of `params`, in order. An `OR` inside `sql`
    /// must be in parentheses, as `any` writes it.
    pub fn new(sql: impl Into<String>, params: Vec<Value>) -> Clause {
        Clause {
            sql: sql.into(),
            params,
        }
    }

    /// Both conditions.
    pub fn and(self, other: Clause) -> Clause {
        if self.sql == "1" {
            return other;
        }
        if other.sql == "1" {
            return self;
        }
        let mut params = self.params;
        params.extend(other.params);
        Clause {
            sql: format!("{} AND {}", self.sql, other.sql),
            params,
        }
    }

    /// Any of `alternatives`; `None` when there are none.
    pub fn any(alternatives: Vec<Clause>) -> Option<Clause> {
        if alternatives.is_empty() {
            return None;
        }
        let sql: Vec<&str> = alternatives.iter().map(|c| c.sql.as_str()).collect();
        let sql = format!("({})", sql.join(" OR "));
        Some(Clause {
            sql,
            params: alternatives.into_iter().flat_map(|c| c.params).collect(),
        })
    }

    /// The condition's opposite.
    pub fn not(self) -> Clause {
        Clause {
            sql: format!("NOT ({})", self.sql),
            params: self.params,
        }
    }

    pub fn sql(&self) -> &str {
        &self.sql
    }

    pub fn into_params(self) -> Vec<Value> {
        self.params
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(n: i64) -> Value {
        Value::Integer(n)
    }

    /// Each placeholder gets its own clause's value, whatever the nesting: checked by
    /// SQLite on a table of numbers.
    #[test]
    fn each_condition_keeps_its_own_parameters() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE n (x INTEGER);
             WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 20)
             INSERT INTO n SELECT i FROM c;",
        )
        .unwrap();
        let found = |clause: Clause| -> Vec<i64> {
            let sql = format!("SELECT x FROM n WHERE {} ORDER BY x", clause.sql());
            assert_eq!(
                sql.matches('?').count(),
                clause.params.len(),
                "one value a placeholder: {sql}"
            );
            let mut stmt = conn.prepare(&sql).unwrap();
            stmt.query_map(rusqlite::params_from_iter(clause.into_params()), |r| {
                r.get(0)
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
        };
        let above = |n| Clause::new("x > ?", vec![int(n)]);
        let below = |n| Clause::new("x < ?", vec![int(n)]);
        let either = Clause::any(vec![
            Clause::new("x = ?", vec![int(3)]),
            Clause::new("x BETWEEN ? AND ?", vec![int(15), int(16)]),
        ])
        .unwrap();
        assert_eq!(found(above(2).and(below(5))), [3, 4]);
        assert_eq!(found(either.clone()), [3, 15, 16]);
        assert_eq!(found(above(10).and(either.clone())), [15, 16]);
        assert_eq!(found(either.clone().and(below(16))), [3, 15]);
        assert_eq!(found(above(2).and(below(17)).and(either.not())), {
            let mut v: Vec<i64> = (3..=16).collect();
            v.retain(|x| ![3, 15, 16].contains(x));
            v
        });
        assert_eq!(found(Clause::always()).len(), 20);
        assert_eq!(found(Clause::always().and(below(3))), [1, 2]);
        assert_eq!(Clause::any(Vec::new()), None);
    }

    #[test]
    fn always_disappears_into_what_it_is_joined_with() {
        let c = Clause::new("a = ?", vec![int(1)]);
        assert_eq!(Clause::always().and(c.clone()), c);
        assert_eq!(c.clone().and(Clause::always()), c);
        assert_eq!(Clause::always().sql(), "1");
    }
}
