//! JSON records: `[{"id": "A", "x": 1}, ...]` or `{"data": [...]}`. Columns are the keys in the
//! order first seen across all records (kept without turning on serde_json's `preserve_order`).

use std::fmt;

use nagar_core::{Cell, Issue, RawTable};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::detect::{decode_text, Format};
use crate::header::clean_headers;
use crate::{DataRead, ReadError, ReadErrorKind};

/// One element of the records array: an object (keys in file order) or something else.
enum Item {
    Record(Vec<(String, Value)>),
    Other(&'static str),
}

/// The whole document: the records, or what was found instead.
enum Top {
    Records(Vec<Item>),
    Other(String),
}

pub(crate) fn read_json(bytes: &[u8], file: &str) -> Result<DataRead, ReadError> {
    let (text, mut issues) = decode_text(bytes, file)?;
    let top: Top = serde_json::from_str(&text).map_err(|e| {
        let message = e.to_string();
        let message = message.rsplit_once(" at line ").map_or(message.as_str(), |(m, _)| m).to_string();
        ReadError::new(file, ReadErrorKind::Json { line: e.line(), column: e.column(), message })
    })?;
    let items = match top {
        Top::Records(items) => items,
        Top::Other(found) => return Err(ReadError::new(file, ReadErrorKind::NotRecords(found))),
    };
    if items.is_empty() {
        return Err(ReadError::new(file, ReadErrorKind::NotRecords("an empty array".into())));
    }
    // Columns: first-seen key order. Keys are compared exactly here; `clean_headers` then reports
    // keys that only differ in case or spacing.
    let mut keys: Vec<String> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for item in &items {
        if let Item::Record(fields) = item {
            for (k, _) in fields {
                if !index.contains_key(k) {
                    index.insert(k.clone(), keys.len());
                    keys.push(k.clone());
                }
            }
        }
    }
    let (columns, mut header_issues) = clean_headers(keys, file, 0);
    for i in &mut header_issues {
        i.row = None; // JSON has no header row
    }
    issues.append(&mut header_issues);
    let mut table = RawTable::new(file, columns);
    for (k, item) in items.into_iter().enumerate() {
        let row = k + 1;
        let fields = match item {
            Item::Record(fields) => fields,
            Item::Other(what) => {
                issues.push(
                    Issue::error(format!("record {row} is {what}, not an object; it is skipped")).file(file).row(row),
                );
                continue;
            }
        };
        let mut cells = vec![Cell::Empty; table.columns.len()];
        let mut filled = vec![false; table.columns.len()];
        for (key, value) in fields {
            let Some(&col) = index.get(&key) else { continue };
            let column = table.columns.get(col).cloned().unwrap_or_default();
            if filled.get(col).copied().unwrap_or(false) {
                issues.push(
                    Issue::warning("the key appears twice in this record; the last value is used")
                        .file(file)
                        .row(row)
                        .column(&column),
                );
            }
            let cell = match value {
                Value::Null => Cell::Empty,
                Value::Bool(b) => Cell::Bool(b),
                Value::Number(n) => n.as_f64().map_or(Cell::Empty, Cell::Number),
                Value::String(s) => {
                    let t = s.trim();
                    if t.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(t.to_string())
                    }
                }
                v @ (Value::Array(_) | Value::Object(_)) => {
                    let what = if v.is_array() { "an array" } else { "an object" };
                    let mut shown = v.to_string();
                    truncate(&mut shown, 80);
                    issues.push(
                        Issue::error(format!(
                            "expected a number, text, true/false or null, found {what}; read as empty"
                        ))
                        .file(file)
                        .row(row)
                        .column(&column)
                        .value(shown),
                    );
                    Cell::Empty
                }
            };
            if let (Some(slot), Some(f)) = (cells.get_mut(col), filled.get_mut(col)) {
                *slot = cell;
                *f = true;
            }
        }
        table.push_row(cells, row);
    }
    Ok(DataRead { table, format: Format::Json, issues })
}

fn truncate(s: &mut String, max_chars: usize) {
    if let Some((i, _)) = s.char_indices().nth(max_chars) {
        s.truncate(i);
        s.push('…');
    }
}

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Item;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a record (object)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Item, A::Error> {
                let mut fields = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    fields.push((k, v));
                }
                Ok(Item::Record(fields))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Item, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Item::Other("an array"))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Item, E> {
                Ok(Item::Other("true/false"))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Item, E> {
                Ok(Item::Other("a number"))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Item, E> {
                Ok(Item::Other("a number"))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Item, E> {
                Ok(Item::Other("a number"))
            }
            fn visit_str<E>(self, _: &str) -> Result<Item, E> {
                Ok(Item::Other("a string"))
            }
            fn visit_unit<E>(self) -> Result<Item, E> {
                Ok(Item::Other("null"))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Top {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Top;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of records")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Top, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Item>()? {
                    items.push(item);
                }
                Ok(Top::Records(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
                // `{"data": [...]}` (the shape many APIs wrap records in); any other object is
                // reported with its keys.
                let mut data: Option<DataValue> = None;
                let mut keys = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    if k == "data" {
                        data = Some(map.next_value::<DataValue>()?);
                    } else {
                        map.next_value::<de::IgnoredAny>()?;
                    }
                    keys.push(k);
                }
                match data {
                    Some(DataValue::Items(items)) => Ok(Top::Records(items)),
                    Some(DataValue::Other(what)) => Ok(Top::Other(format!("an object whose \"data\" is {what}"))),
                    None if keys.is_empty() => Ok(Top::Other("an empty object".into())),
                    None => {
                        let mut shown = keys.iter().take(8).map(|k| format!("{k:?}")).collect::<Vec<_>>().join(", ");
                        if keys.len() > 8 {
                            shown.push_str(", …");
                        }
                        Ok(Top::Other(format!("an object with keys {shown}")))
                    }
                }
            }
            fn visit_bool<E>(self, _: bool) -> Result<Top, E> {
                Ok(Top::Other("true/false".into()))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Top, E> {
                Ok(Top::Other("a number".into()))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Top, E> {
                Ok(Top::Other("a number".into()))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Top, E> {
                Ok(Top::Other("a number".into()))
            }
            fn visit_str<E>(self, _: &str) -> Result<Top, E> {
                Ok(Top::Other("a string".into()))
            }
            fn visit_unit<E>(self) -> Result<Top, E> {
                Ok(Top::Other("null".into()))
            }
        }
        d.deserialize_any(V)
    }
}

/// The value of `"data"` in the wrapper form.
enum DataValue {
    Items(Vec<Item>),
    Other(&'static str),
}

impl<'de> Deserialize<'de> for DataValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DataValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of records")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<DataValue, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Item>()? {
                    items.push(item);
                }
                Ok(DataValue::Items(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DataValue, A::Error> {
                while map.next_entry::<de::IgnoredAny, de::IgnoredAny>()?.is_some() {}
                Ok(DataValue::Other("an object"))
            }
            fn visit_bool<E>(self, _: bool) -> Result<DataValue, E> {
                Ok(DataValue::Other("true/false"))
            }
            fn visit_i64<E>(self, _: i64) -> Result<DataValue, E> {
                Ok(DataValue::Other("a number"))
            }
            fn visit_u64<E>(self, _: u64) -> Result<DataValue, E> {
                Ok(DataValue::Other("a number"))
            }
            fn visit_f64<E>(self, _: f64) -> Result<DataValue, E> {
                Ok(DataValue::Other("a number"))
            }
            fn visit_str<E>(self, _: &str) -> Result<DataValue, E> {
                Ok(DataValue::Other("a string"))
            }
            fn visit_unit<E>(self) -> Result<DataValue, E> {
                Ok(DataValue::Other("null"))
            }
        }
        d.deserialize_any(V)
    }
}
