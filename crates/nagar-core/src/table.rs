//! The input table as read from a user's file: named columns of cells, with the source row of
//! every record so issues can point back to it. Readers (nagar-io) build it; the pipeline reads it.
//!
//! The cells live in one store, not one allocation each: a row-major array of 8-byte slots
//! (a number's own bits, or a NaN that says empty, a Y/N, or the offset and length of a text in
//! the table's one text buffer), `columns.len()` slots per row. Code reads them through borrowed
//! views ([`CellRef`], [`Row`]) and writes them with [`RawTable::push_row`] / [`RawTable::push_row_from`] / [`RawTable::set`];
//! [`Cell`] is the owned form, for building a row by hand and for the JSON wire format.

use serde::de::Deserializer;
use serde::ser::{SerializeSeq, SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

/// One cell as the file gave it, owned. Text is kept verbatim (trimmed by readers only where the
/// format says so); interpretation (numbers with Indian grouping, Y/N, ratings) happens in `parse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(untagged)]
pub enum Cell {
    #[default]
    Empty,
    Number(f64),
    Bool(bool),
    Text(String),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        self.view().is_empty()
    }
    /// The cell as a person would read it, for issue messages.
    pub fn display(&self) -> String {
        self.view().display()
    }
    /// The cell as a borrowed view.
    pub fn view(&self) -> CellRef<'_> {
        match self {
            Cell::Empty => CellRef::Empty,
            Cell::Number(x) => CellRef::Number(*x),
            Cell::Bool(b) => CellRef::Bool(*b),
            Cell::Text(s) => CellRef::Text(s),
        }
    }
}

/// One cell of a [`RawTable`], borrowed from its store: what [`Cell`] is, without owning its text.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum CellRef<'a> {
    #[default]
    Empty,
    Number(f64),
    Bool(bool),
    Text(&'a str),
}

impl<'a> CellRef<'a> {
    pub fn is_empty(self) -> bool {
        match self {
            CellRef::Empty => true,
            CellRef::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
    /// The cell as a person would read it, for issue messages.
    pub fn display(self) -> String {
        match self {
            CellRef::Empty => String::new(),
            CellRef::Number(x) => crate::fmt::number(x),
            CellRef::Bool(b) => b.to_string(),
            CellRef::Text(s) => s.to_string(),
        }
    }
    /// The text of a text cell.
    pub fn text(self) -> Option<&'a str> {
        match self {
            CellRef::Text(s) => Some(s),
            _ => None,
        }
    }
    /// The owned cell.
    pub fn to_cell(self) -> Cell {
        match self {
            CellRef::Empty => Cell::Empty,
            CellRef::Number(x) => Cell::Number(x),
            CellRef::Bool(b) => Cell::Bool(b),
            CellRef::Text(s) => Cell::Text(s.to_string()),
        }
    }
}

impl<'a> From<&'a Cell> for CellRef<'a> {
    fn from(cell: &'a Cell) -> Self {
        cell.view()
    }
}

impl PartialEq<Cell> for CellRef<'_> {
    fn eq(&self, other: &Cell) -> bool {
        *self == other.view()
    }
}

impl PartialEq<CellRef<'_>> for Cell {
    fn eq(&self, other: &CellRef<'_>) -> bool {
        self.view() == *other
    }
}

/// The same JSON as [`Cell`]'s (untagged: `null`, a number, a boolean, a string).
impl Serialize for CellRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            CellRef::Empty => s.serialize_unit(),
            CellRef::Number(x) => s.serialize_f64(x),
            CellRef::Bool(b) => s.serialize_bool(b),
            CellRef::Text(t) => s.serialize_str(t),
        }
    }
}

/// A cell in the store, in 8 bytes: a number is its own bits (a NaN as the one positive quiet
/// NaN), and every other cell is a negative quiet NaN whose payload says what it is (so no
/// number is ever read as one of them):
/// - bits 49–50: 0 empty, 1 a boolean (bit 0), 2 a text by its place in the table's text buffer
///   (bits 0–31 its start, bits 32–48 its length), 3 a text by its index into the table's list
///   of long texts (a start from 4 GiB or a length from 128 KiB on; no real file has one).
#[derive(Debug, Clone, Copy)]
struct Slot(u64);

/// The bits every tagged (not a number) slot has set: sign, exponent and quiet bit.
const TAG: u64 = 0xFFF8_0000_0000_0000;
const KIND_SHIFT: u32 = 49;
const INLINE_LEN_MAX: usize = (1 << 17) - 1;

impl Slot {
    const EMPTY: Slot = Slot(TAG);
    #[inline(always)]
    fn number(x: f64) -> Slot {
        Slot(if x.is_nan() { f64::NAN.to_bits() & !(1 << 63) } else { x.to_bits() })
    }
    #[inline(always)]
    fn bool(b: bool) -> Slot {
        Slot(TAG | (1 << KIND_SHIFT) | u64::from(b))
    }
    /// A text's slot where it fits in one; else `None` (then it goes in the long texts).
    #[inline(always)]
    fn inline_text(start: usize, len: usize) -> Option<Slot> {
        // A start that fits in 32 bits (always, where `usize` has 32).
        let start = u32::try_from(start).ok()?;
        (len <= INLINE_LEN_MAX).then_some(Slot(TAG | (2 << KIND_SHIFT) | ((len as u64) << 32) | u64::from(start)))
    }
    fn long_text(index: usize) -> Slot {
        Slot(TAG | (3 << KIND_SHIFT) | index as u64)
    }
    /// The start and length of a text slot's text.
    #[inline(always)]
    fn text_range(self, long: &[(usize, usize)]) -> Option<(usize, usize)> {
        match self.kind() {
            2 => Some(((self.0 & 0xFFFF_FFFF) as usize, ((self.0 >> 32) as usize) & INLINE_LEN_MAX)),
            3 => long.get((self.0 & 0xFFFF_FFFF_FFFF) as usize).copied(),
            _ => None,
        }
    }
    /// `u64::MAX` for a number, else the kind (0–3, see [`Slot`]).
    #[inline(always)]
    fn kind(self) -> u64 {
        if self.0 & TAG == TAG {
            (self.0 >> KIND_SHIFT) & 3
        } else {
            u64::MAX
        }
    }
}

/// The longest text a cell holds, in bytes (4 GiB − 1): a longer one is cut at the last
/// character boundary below it. No file nagar reads comes near: files are at most
/// `nagar_io::DEFAULT_MAX_BYTES` (256 MiB) unless the caller says otherwise, and a spreadsheet
/// cell holds at most 32,767 characters.
pub const MAX_CELL_TEXT: usize = u32::MAX as usize;

/// A rectangular table of cells: every row has exactly `columns.len()` cells (readers pad or
/// cut ragged rows and report it; a column added with [`RawTable::add_column`] is empty in the
/// rows before). `source_row(i)` is the 1-based row number in the file (header = row 1 for
/// tabular formats; record index + 1 for JSON).
///
/// Serialised (serde) as `{"file", "columns", "rows": [[cell, …], …], "source_rows"}`, each cell
/// as [`Cell`] is: the wire format the page's modules pass tables in.
#[derive(Clone, Default)]
pub struct RawTable {
    pub file: String,
    pub columns: Vec<String>,
    /// Row-major, `width` slots per row.
    slots: Vec<Slot>,
    /// Start and length in `text` of the texts too far in or too long for their slot.
    long: Vec<(usize, usize)>,
    /// The texts of the text cells, one after another (and, after [`RawTable::set`], texts no
    /// cell points to any more, until `dead` passes half the buffer).
    text: String,
    /// Bytes of `text` no cell points to.
    dead: usize,
    /// Slots per row: `columns.len()` as of the last row pushed.
    width: usize,
    source_rows: Vec<usize>,
}

/// One row of a [`RawTable`], borrowed.
#[derive(Clone, Copy)]
pub struct Row<'a> {
    slots: &'a [Slot],
    text: &'a str,
    long: &'a [(usize, usize)],
}

impl<'a> Row<'a> {
    pub fn len(&self) -> usize {
        self.slots.len()
    }
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
    /// Cell `k`, or `None` past the row's end.
    #[inline(always)]
    pub fn get(&self, k: usize) -> Option<CellRef<'a>> {
        // A `match`, not `Option::map`: in the browser's build (opt-level "z") the closure was a
        // call of its own for every cell read.
        #[allow(clippy::manual_map)]
        match self.slots.get(k) {
            Some(&s) => Some(view(s, self.text, self.long)),
            None => None,
        }
    }
    /// Cell `k`; empty past the row's end.
    #[inline(always)]
    pub fn cell(&self, k: usize) -> CellRef<'a> {
        self.get(k).unwrap_or_default()
    }
    /// Cell `k` in the few operations of a loop over many cells: [`Quick::Number`] for a number
    /// (NaN included), [`Quick::Empty`] for an empty cell (or past the row's end),
    /// [`Quick::Byte`] for a text of one byte, [`Quick::Other`] for anything else (read it with
    /// [`Row::cell`]). What [`Row::cell`] says, without making the cell (test below).
    #[inline(always)]
    pub fn quick(&self, k: usize) -> Quick {
        let Some(&s) = self.slots.get(k) else { return Quick::Empty };
        // The slot's own kind and text range, as `view` reads them.
        match s.kind() {
            u64::MAX => Quick::Number(f64::from_bits(s.0)),
            0 => Quick::Empty,
            2 => match s.text_range(self.long) {
                Some((start, 1)) => self.text.as_bytes().get(start).map_or(Quick::Other, |&b| Quick::Byte(b)),
                _ => Quick::Other,
            },
            _ => Quick::Other,
        }
    }
    pub fn iter(&self) -> impl ExactSizeIterator<Item = CellRef<'a>> + DoubleEndedIterator + 'a {
        let (text, long) = (self.text, self.long);
        self.slots.iter().map(move |&s| view(s, text, long))
    }
    /// The row's cells, owned.
    pub fn to_vec(&self) -> Vec<Cell> {
        self.iter().map(CellRef::to_cell).collect()
    }
}

impl std::fmt::Debug for Row<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for Row<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

impl PartialEq<Vec<Cell>> for Row<'_> {
    fn eq(&self, other: &Vec<Cell>) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a == *b)
    }
}

/// A cell as [`Row::quick`] sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Quick {
    Number(f64),
    Empty,
    /// A text of one byte (an ASCII character: a text is UTF-8).
    Byte(u8),
    Other,
}

#[inline(always)]
fn view<'a>(slot: Slot, text: &'a str, long: &[(usize, usize)]) -> CellRef<'a> {
    if slot.0 & TAG != TAG {
        return CellRef::Number(f64::from_bits(slot.0));
    }
    view_tagged(slot, text, long)
}

/// [`view`] of a slot that is not a number: inlined natively; one function in the browser's
/// modules, which it keeps 0.6 KB smaller (gzipped) at no measurable cost in speed.
#[cfg_attr(target_arch = "wasm32", inline(never))]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn view_tagged<'a>(slot: Slot, text: &'a str, long: &[(usize, usize)]) -> CellRef<'a> {
    match slot.kind() {
        0 => CellRef::Empty,
        1 => CellRef::Bool(slot.0 & 1 != 0),
        _ => CellRef::Text(
            slot.text_range(long).and_then(|(start, len)| text.get(start..start + len)).unwrap_or_default(),
        ),
    }
}

impl RawTable {
    pub fn new(file: impl Into<String>, columns: Vec<String>) -> Self {
        let width = columns.len();
        RawTable { file: file.into(), columns, width, ..RawTable::default() }
    }

    /// Room for `rows` more rows of `text_bytes` bytes of text in all.
    pub fn reserve(&mut self, rows: usize, text_bytes: usize) {
        self.slots.reserve(rows.saturating_mul(self.columns.len()));
        self.source_rows.reserve(rows);
        self.text.reserve(text_bytes);
    }

    /// Bytes of text held (the text cells' texts, one after another).
    pub fn text_bytes(&self) -> usize {
        self.text.len()
    }

    pub fn n_rows(&self) -> usize {
        self.source_rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.source_rows.is_empty()
    }

    /// The file row of every table row (see [`RawTable`]).
    pub fn source_rows(&self) -> &[usize] {
        &self.source_rows
    }

    /// The file row of table row `r`.
    pub fn source_row(&self, r: usize) -> Option<usize> {
        self.source_rows.get(r).copied()
    }

    /// Row `r`; an empty row past the table's end. (Its length is the number of columns also
    /// when `columns` was changed directly: cut, or padded with empty cells when read.)
    #[inline(always)]
    pub fn row(&self, r: usize) -> Row<'_> {
        let w = self.width;
        let len = w.min(self.columns.len());
        let slots = r.checked_mul(w).and_then(|a| self.slots.get(a..a + len)).unwrap_or_default();
        Row { slots, text: &self.text, long: &self.long }
    }

    pub fn rows(&self) -> impl ExactSizeIterator<Item = Row<'_>> + '_ {
        (0..self.n_rows()).map(|r| self.row(r))
    }

    /// Every row's cells, owned (for tests and small tables: one allocation per text cell).
    pub fn to_rows(&self) -> Vec<Vec<Cell>> {
        self.rows().map(|r| r.to_vec()).collect()
    }

    /// Cell `col` of row `row`: empty past the table's end (or in a column added after the
    /// row was pushed and before it was padded).
    pub fn cell(&self, row: usize, col: usize) -> CellRef<'_> {
        self.row(row).cell(col)
    }

    /// Add a row of owned cells, padded with empty cells or cut to the number of columns.
    pub fn push_row(&mut self, cells: Vec<Cell>, source_row: usize) {
        self.push_row_from(cells.iter().map(Cell::view), source_row);
    }

    /// Add a row from borrowed cells (their text is copied into the table's buffer), padded
    /// with empty cells or cut to the number of columns.
    pub fn push_row_from<'c>(&mut self, cells: impl IntoIterator<Item = CellRef<'c>>, source_row: usize) {
        self.fit_width();
        let w = self.width;
        let start = self.slots.len();
        for cell in cells.into_iter().take(w) {
            let slot = self.store(cell);
            self.slots.push(slot);
        }
        self.slots.resize(start + w, Slot::EMPTY);
        self.source_rows.push(source_row);
    }

    /// Replace one cell (a row or column past the table's end: nothing happens). Returns the
    /// old cell.
    pub fn set(&mut self, row: usize, col: usize, cell: CellRef<'_>) -> Cell {
        self.fit_width();
        let Some(i) = row.checked_mul(self.width).and_then(|a| a.checked_add(col)).filter(|_| col < self.width) else {
            return Cell::Empty;
        };
        let Some(&old) = self.slots.get(i) else { return Cell::Empty };
        let old_cell = view(old, &self.text, &self.long).to_cell();
        if let Some((_, len)) = old.text_range(&self.long) {
            self.dead += len;
        }
        let slot = self.store(cell);
        self.slots[i] = slot;
        if self.dead > 4096 && self.dead > self.text.len() / 2 {
            self.compact();
        }
        old_cell
    }

    /// Add a column (empty in every row) and return its index.
    pub fn add_column(&mut self, name: String) -> usize {
        self.columns.push(name);
        self.fit_width();
        self.columns.len() - 1
    }

    /// Remove column `k` (nothing happens past the last column).
    pub fn remove_column(&mut self, k: usize) {
        self.fit_width();
        if k >= self.width {
            return;
        }
        let w = self.width;
        let mut i = 0;
        self.slots.retain(|_| {
            i += 1;
            (i - 1) % w != k
        });
        self.columns.remove(k);
        self.width -= 1;
        self.compact();
    }

    /// Keep the first `n` rows.
    pub fn truncate(&mut self, n: usize) {
        if n < self.n_rows() {
            self.source_rows.truncate(n);
            self.slots.truncate(n * self.width);
            self.compact();
        }
    }

    /// Append the rows of `other` (a table of the same columns), with `row_offset` added to
    /// their file rows.
    pub fn append(&mut self, other: RawTable, row_offset: usize) {
        self.fit_width();
        let shift = self.text.len();
        if other.width == self.width && self.slots.is_empty() && self.text.is_empty() {
            // Nothing to shift: take the store as it is.
            (self.slots, self.text, self.long, self.dead) = (other.slots, other.text, other.long, other.dead);
            self.source_rows.extend(other.source_rows.iter().map(|r| r + row_offset));
        } else if other.width == self.width {
            self.slots.reserve(other.slots.len());
            for &s in &other.slots {
                let slot = match s.text_range(&other.long) {
                    Some((start, len)) => self.text_slot(start + shift, len),
                    None => s,
                };
                self.slots.push(slot);
            }
            self.text.push_str(&other.text);
            self.dead += other.dead;
            self.source_rows.extend(other.source_rows.iter().map(|r| r + row_offset));
        } else {
            for (r, row) in other.rows().enumerate() {
                self.push_row_from(row.iter(), other.source_rows[r] + row_offset);
            }
        }
    }

    /// Index of a column by exact name, then by case-insensitive trimmed name.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name).or_else(|| {
            let key = normalise_header(name);
            self.columns.iter().position(|c| normalise_header(c) == key)
        })
    }

    /// The slot of a cell, its text (if any) copied into the buffer.
    #[inline(always)]
    fn store(&mut self, cell: CellRef<'_>) -> Slot {
        match cell {
            CellRef::Empty => Slot::EMPTY,
            CellRef::Number(x) => Slot::number(x),
            CellRef::Bool(b) => Slot::bool(b),
            CellRef::Text(t) => {
                // A no-op where `usize` has 32 bits (the browser's build).
                #[allow(clippy::unnecessary_min_or_max)]
                let mut end = t.len().min(MAX_CELL_TEXT);
                while !t.is_char_boundary(end) {
                    end -= 1;
                }
                let start = self.text.len();
                self.text.push_str(&t[..end]);
                self.text_slot(start, end)
            }
        }
    }

    /// The slot of the text at `start..start + len` of the buffer.
    #[inline(always)]
    fn text_slot(&mut self, start: usize, len: usize) -> Slot {
        match Slot::inline_text(start, len) {
            Some(slot) => slot,
            None => self.long_text(start, len),
        }
    }

    #[cold]
    #[inline(never)]
    fn long_text(&mut self, start: usize, len: usize) -> Slot {
        self.long.push((start, len));
        Slot::long_text(self.long.len() - 1)
    }

    /// Lay the rows out at `columns.len()` slots each, if columns were added or removed since
    /// the last row was pushed.
    fn fit_width(&mut self) {
        let w = self.columns.len();
        if w == self.width {
            return;
        }
        let old = std::mem::take(&mut self.slots);
        let (n, ow) = (self.source_rows.len(), self.width);
        self.slots.reserve(n.saturating_mul(w));
        for r in 0..n {
            let row = old.get(r * ow..(r + 1) * ow).unwrap_or_default();
            let keep = row.len().min(w);
            self.slots.extend_from_slice(&row[..keep]);
            self.slots.resize(self.slots.len() + (w - keep), Slot::EMPTY);
        }
        self.width = w;
        self.compact();
    }

    /// Drop the texts no cell points to.
    fn compact(&mut self) {
        let old_text = std::mem::take(&mut self.text);
        let old_long = std::mem::take(&mut self.long);
        self.text.reserve(old_text.len() - self.dead.min(old_text.len()));
        for k in 0..self.slots.len() {
            if let Some((start, len)) = self.slots[k].text_range(&old_long) {
                let s = old_text.get(start..start + len).unwrap_or_default();
                let at = self.text.len();
                self.text.push_str(s);
                self.slots[k] = self.text_slot(at, s.len());
            }
        }
        self.dead = 0;
    }
}

impl std::fmt::Debug for RawTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawTable")
            .field("file", &self.file)
            .field("columns", &self.columns)
            .field("rows", &RowsOf(self))
            .field("source_rows", &self.source_rows)
            .finish()
    }
}

/// The same table: the same file, columns, file rows and cells (however they are stored).
impl PartialEq for RawTable {
    fn eq(&self, other: &Self) -> bool {
        self.file == other.file
            && self.columns == other.columns
            && self.source_rows == other.source_rows
            && self.rows().zip(other.rows()).all(|(a, b)| a == b)
    }
}

/// The rows of a table, for serialising and printing.
struct RowsOf<'a>(&'a RawTable);

impl std::fmt::Debug for RowsOf<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.rows()).finish()
    }
}

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for cell in self.iter() {
            seq.serialize_element(&cell)?;
        }
        seq.end()
    }
}

impl Serialize for RowsOf<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.n_rows()))?;
        for row in self.0.rows() {
            seq.serialize_element(&row)?;
        }
        seq.end()
    }
}

impl Serialize for RawTable {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("RawTable", 4)?;
        st.serialize_field("file", &self.file)?;
        st.serialize_field("columns", &self.columns)?;
        st.serialize_field("rows", &RowsOf(self))?;
        st.serialize_field("source_rows", &self.source_rows)?;
        st.end()
    }
}

/// The wire form (the derived format `RawTable` had when it held `Vec<Vec<Cell>>`).
#[derive(Deserialize)]
struct Wire {
    file: String,
    columns: Vec<String>,
    rows: Vec<Vec<Cell>>,
    source_rows: Vec<usize>,
}

/// Rows are padded or cut to the columns, as readers do; a row without a file row gets 0.
impl<'de> Deserialize<'de> for RawTable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Wire { file, columns, rows, source_rows } = Wire::deserialize(d)?;
        let mut t = RawTable::new(file, columns);
        t.reserve(rows.len(), 0);
        for (r, cells) in rows.into_iter().enumerate() {
            t.push_row(cells, source_rows.get(r).copied().unwrap_or(0));
        }
        Ok(t)
    }
}

/// Header comparison key: trimmed, lower case, runs of spaces/underscores/hyphens folded to `_`.
pub fn normalise_header(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for ch in name.trim().trim_start_matches('\u{feff}').chars() {
        if ch.is_whitespace() || ch == '_' || ch == '-' {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('_');
            }
            sep = false;
            out.push(ch.to_ascii_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn a_cell_takes_8_bytes() {
        assert_eq!(std::mem::size_of::<Slot>(), 8);
    }

    /// Every number comes back with its bits (a NaN as a NaN), and no number is taken for
    /// another kind of cell.
    #[test]
    fn numbers_keep_their_bits_and_kinds_stay_apart() {
        let xs = [
            0.0,
            -0.0,
            1.5,
            -2.25e300,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE / 8.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN,
            f64::from_bits(0xFFF0_0000_0000_0001), // a negative signalling NaN
            -f64::NAN,
            f64::NAN,
        ];
        let mut t = RawTable::new("f.csv", (0..xs.len() + 3).map(|k| format!("c{k}")).collect());
        let mut cells: Vec<Cell> = xs.iter().map(|&x| Cell::Number(x)).collect();
        cells.extend([Cell::Empty, Cell::Bool(true), Cell::Bool(false)]);
        t.push_row(cells, 2);
        for (k, &x) in xs.iter().enumerate() {
            match t.cell(0, k) {
                CellRef::Number(y) if x.is_nan() => assert!(y.is_nan(), "{k}"),
                CellRef::Number(y) => assert_eq!(y.to_bits(), x.to_bits(), "{k}"),
                other => panic!("{k}: {other:?}"),
            }
        }
        let n = xs.len();
        assert_eq!(
            [t.cell(0, n), t.cell(0, n + 1), t.cell(0, n + 2)],
            [CellRef::Empty, CellRef::Bool(true), CellRef::Bool(false)]
        );
    }

    /// `Row::quick` says what `Row::cell` says: every kind of number (NaN as a number), empty
    /// cells and the cells past the row's end, one-byte texts anywhere in the text buffer, and
    /// everything else (booleans, longer texts, one character of two bytes, long texts) as
    /// `Other`.
    #[test]
    fn quick_reads_as_cell() {
        let long = "y".repeat(INLINE_LEN_MAX + 1);
        let cells = vec![
            Cell::Number(0.0),
            Cell::Number(-0.0),
            Cell::Number(f64::NAN),
            Cell::Number(f64::NEG_INFINITY),
            Cell::Number(-1e300),
            Cell::Empty,
            Cell::Bool(true),
            Cell::Bool(false),
            text("Y"),
            text("n"),
            text("YY"),
            text("é"),
            text("\u{0}"),
            text(&long),
            text("7"),
        ];
        let mut t = RawTable::new("f.csv", (0..cells.len()).map(|k| format!("c{k}")).collect());
        for r in 0..3 {
            let mut row = cells.clone();
            row.rotate_left(r * 4); // one-byte texts at other places in the text buffer
            t.push_row(row, r + 2);
        }
        let mut seen = (0, 0, 0, 0);
        for r in 0..3 {
            let row = t.row(r);
            for k in 0..cells.len() + 2 {
                match (row.quick(k), row.cell(k)) {
                    (Quick::Number(x), CellRef::Number(y)) => {
                        assert!(x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()), "{r} {k}");
                        seen.0 += 1;
                    }
                    (Quick::Empty, CellRef::Empty) => seen.1 += 1,
                    (Quick::Byte(b), CellRef::Text(s)) => {
                        assert_eq!(s.as_bytes(), [b], "{r} {k}");
                        seen.2 += 1;
                    }
                    (Quick::Other, CellRef::Bool(_)) => seen.3 += 1,
                    (Quick::Other, CellRef::Text(s)) if s.len() != 1 => seen.3 += 1,
                    (q, c) => panic!("row {r} column {k}: quick {q:?}, cell {c:?}"),
                }
            }
        }
        assert_eq!(seen, (3 * 5, 3 * 3, 3 * 4, 3 * 5));
    }

    /// Texts past what a slot holds (from 128 KiB long) are kept whole, through a change of a
    /// cell, the removal of a column, an append and a clone.
    #[test]
    fn long_texts_are_kept_whole() {
        let long = "é".repeat(70_000); // 140,000 bytes
        let edge = "x".repeat(INLINE_LEN_MAX);
        let mut t = RawTable::new("f.csv", vec!["a".into(), "b".into(), "c".into()]);
        t.push_row(vec![text(&long), text("short"), text(&edge)], 2);
        t.push_row(vec![text("s2"), text(&edge), text(&long)], 3);
        assert_eq!(t.long.len(), 2, "two long texts, the 131,071-byte ones in their slots");
        assert_eq!(t.cell(0, 0), CellRef::Text(&long));
        assert_eq!(t.cell(0, 2), CellRef::Text(&edge));
        assert_eq!(t.cell(1, 2), CellRef::Text(&long));
        let mut other = RawTable::new("f.csv", vec!["a".into(), "b".into(), "c".into()]);
        other.push_row(vec![text(&long), Cell::Number(1.0), text("tail")], 2);
        t.append(other, 10);
        assert_eq!(t.row(2).to_vec(), vec![text(&long), Cell::Number(1.0), text("tail")]);
        // Enough dead text to compact.
        assert_eq!(t.set(0, 0, CellRef::Text("now short")), text(&long));
        assert_eq!(t.set(1, 2, CellRef::Number(2.0)), text(&long));
        assert_eq!(t.row(0).to_vec(), vec![text("now short"), text("short"), text(&edge)]);
        assert_eq!(t.row(1).to_vec(), vec![text("s2"), text(&edge), Cell::Number(2.0)]);
        assert_eq!(t.row(2).to_vec(), vec![text(&long), Cell::Number(1.0), text("tail")]);
        t.remove_column(1);
        assert_eq!(t.row(2).to_vec(), vec![text(&long), text("tail")]);
        assert_eq!(t.clone(), t);
        assert!(t.text_bytes() < 2 * long.len() + 2 * edge.len(), "dead text dropped");
    }

    #[test]
    fn rows_are_padded_cut_and_read_back() {
        let mut t = RawTable::new("f.csv", vec!["a".into(), "b".into(), "c".into()]);
        t.push_row(vec![text("x"), Cell::Number(1.5)], 2);
        t.push_row(vec![Cell::Bool(true), text(""), text("zz"), text("cut")], 4);
        assert_eq!(t.n_rows(), 2);
        assert_eq!(t.source_rows(), &[2, 4]);
        assert_eq!(t.row(0).to_vec(), vec![text("x"), Cell::Number(1.5), Cell::Empty]);
        assert_eq!(t.row(1).to_vec(), vec![Cell::Bool(true), text(""), text("zz")]);
        assert_eq!(t.cell(1, 2), CellRef::Text("zz"));
        assert_eq!(t.cell(9, 0), CellRef::Empty);
        assert_eq!(t.cell(0, 9), CellRef::Empty);
        assert!(t.row(5).is_empty());
    }

    #[test]
    fn set_add_column_truncate_and_append() {
        let mut t = RawTable::new("f", vec!["a".into()]);
        for k in 0..3 {
            t.push_row(vec![text(&format!("row {k}"))], k + 2);
        }
        assert_eq!(t.set(1, 0, CellRef::Text("changed")), text("row 1"));
        assert_eq!(t.set(1, 5, CellRef::Number(1.0)), Cell::Empty); // no such column: nothing
        let k = t.add_column("b".into());
        assert_eq!(k, 1);
        assert_eq!(t.row(2).to_vec(), vec![text("row 2"), Cell::Empty]);
        t.set(2, 1, CellRef::Number(7.0));
        assert_eq!(t.cell(2, 1), CellRef::Number(7.0));
        assert_eq!(t.cell(1, 0), CellRef::Text("changed"));
        // Many changes to one cell: the dead texts are dropped now and then.
        for i in 0..10_000 {
            t.set(0, 0, CellRef::Text(&format!("value {i}")));
        }
        assert_eq!(t.cell(0, 0), CellRef::Text("value 9999"));
        assert!(t.text.len() < 20_000, "{}", t.text.len());
        let mut other = RawTable::new("f", vec!["a".into(), "b".into()]);
        other.push_row(vec![text("more"), text("text")], 3);
        t.append(other, 10);
        assert_eq!(t.source_rows(), &[2, 3, 4, 13]);
        assert_eq!(t.row(3).to_vec(), vec![text("more"), text("text")]);
        t.truncate(2);
        assert_eq!(t.n_rows(), 2);
        assert_eq!(t.cell(1, 0), CellRef::Text("changed"));
        assert_eq!(t.cell(2, 0), CellRef::Empty);
    }

    #[test]
    fn wire_format_is_the_vec_of_cells_one() {
        // What `#[derive(Serialize)]` wrote for `rows: Vec<Vec<Cell>>`, written out by hand.
        let mut t = RawTable::new("d.csv", vec!["id".into(), "x".into(), "ok".into()]);
        t.push_row(vec![text("A1"), Cell::Number(2.5), Cell::Bool(false)], 2);
        t.push_row(vec![text("B \"2\""), Cell::Empty, text("Y")], 3);
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(
            json,
            r#"{"file":"d.csv","columns":["id","x","ok"],"rows":[["A1",2.5,false],["B \"2\"",null,"Y"]],"source_rows":[2,3]}"#
        );
        let back: RawTable = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
        // Ragged rows on the wire are padded or cut, as readers do.
        let ragged: RawTable =
            serde_json::from_str(r#"{"file":"f","columns":["a","b"],"rows":[["x"],[1,2,3]],"source_rows":[2]}"#)
                .unwrap();
        assert_eq!(ragged.row(0).to_vec(), vec![text("x"), Cell::Empty]);
        assert_eq!(ragged.row(1).to_vec(), vec![Cell::Number(1.0), Cell::Number(2.0)]);
        assert_eq!(ragged.source_rows(), &[2, 0]);
    }
}
