//! Which format a file is: decided by its content (magic bytes, first character), then checked
//! against its extension. Also turns text bytes into a `str` (UTF-8, UTF-16, Windows-1252).

use std::borrow::Cow;

use nagar_core::Issue;

use crate::{ReadError, ReadErrorKind};

/// A data file format nagar can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Csv,
    Json,
    Xlsx,
    Xls,
    Xlsb,
    Ods,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Json => "JSON",
            Format::Xlsx => "Excel (.xlsx)",
            Format::Xls => "Excel 97-2003 (.xls)",
            Format::Xlsb => "Excel binary (.xlsb)",
            Format::Ods => "OpenDocument (.ods)",
        }
    }

    pub fn is_spreadsheet(self) -> bool {
        matches!(self, Format::Xlsx | Format::Xls | Format::Xlsb | Format::Ods)
    }

    /// The format an extension promises, if it is one we know.
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "csv" | "tsv" | "tab" | "txt" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "xlsx" | "xlsm" => Some(Format::Xlsx),
            "xls" => Some(Format::Xls),
            "xlsb" => Some(Format::Xlsb),
            "ods" => Some(Format::Ods),
            _ => None,
        }
    }
}

/// The extension of a file name or path, without the dot ("" when there is none).
pub(crate) fn extension(file_name: &str) -> &str {
    let base = base_name(file_name);
    match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext,
        _ => "",
    }
}

/// The file name without folders and extension.
pub(crate) fn stem(file_name: &str) -> &str {
    let base = base_name(file_name);
    match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => base,
    }
}

fn base_name(file_name: &str) -> &str {
    file_name.rsplit(['/', '\\']).next().unwrap_or(file_name)
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const ZIP_EMPTY_MAGIC: &[u8] = b"PK\x05\x06";
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// What the content is, before the extension is consulted.
enum Content {
    Known(Format),
    /// Text that starts like JSON (`[` or `{`).
    JsonLike,
}

/// Decide the format of `bytes`; issues are warnings about the decision (e.g. a workbook whose
/// extension names another workbook format).
pub(crate) fn detect(bytes: &[u8], file_name: &str) -> Result<(Format, Vec<Issue>), ReadError> {
    let err = |kind| ReadError::new(file_name, kind);
    let ext = extension(file_name);
    let by_ext = Format::from_extension(ext);
    let content = sniff(bytes).map_err(err)?;
    let mut issues = Vec::new();
    let format = match (content, by_ext) {
        (Content::Known(c), Some(e)) if c == e => c,
        // A scalar JSON document: let the JSON reader say what it expected.
        (Content::Known(Format::Csv), Some(Format::Json)) if is_json(bytes, file_name)? => Format::Json,
        (Content::Known(c), None) => c,
        (Content::Known(c), Some(e)) if c.is_spreadsheet() && e.is_spreadsheet() => {
            issues.push(
                Issue::warning(format!("the file is named .{ext} but is an {} workbook; read as such", c.name()))
                    .file(file_name),
            );
            c
        }
        (Content::Known(c), Some(_)) => {
            let content = if c == Format::Csv { describe_text(bytes) } else { format!("an {} file", c.name()) };
            return Err(err(ReadErrorKind::FormatMismatch { extension: ext.to_string(), content }));
        }
        (Content::JsonLike, Some(Format::Json) | None) => Format::Json,
        (Content::JsonLike, Some(Format::Csv)) => {
            // A CSV header may start with a bracket; only real JSON contradicts the name.
            if is_json(bytes, file_name)? {
                return Err(err(ReadErrorKind::FormatMismatch { extension: ext.to_string(), content: "JSON".into() }));
            }
            Format::Csv
        }
        (Content::JsonLike, Some(_)) => {
            return Err(err(ReadErrorKind::FormatMismatch { extension: ext.to_string(), content: "JSON text".into() }))
        }
    };
    Ok((format, issues))
}

fn is_json(bytes: &[u8], file_name: &str) -> Result<bool, ReadError> {
    let text = decode_text(bytes, file_name)?.0;
    Ok(serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok())
}

fn sniff(bytes: &[u8]) -> Result<Content, ReadErrorKind> {
    if let Some(book) = sniff_container(bytes) {
        return book.map(Content::Known);
    }
    for (magic, what) in [
        (&b"%PDF"[..], "a PDF document"),
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"\x1F\x8B", "a gzip archive"),
        (b"Rar!", "a RAR archive"),
        (b"7z\xBC\xAF", "a 7-Zip archive"),
    ] {
        if bytes.starts_with(magic) {
            return Err(ReadErrorKind::UnknownFormat(format!(
                "this is {what}, not a data file (CSV, JSON or spreadsheet)"
            )));
        }
    }
    // The start of the file decides; the reader decodes (and checks) all of it.
    let text = decode_text_kind(head(bytes))?.0;
    match text.trim_start().chars().next() {
        None => Err(ReadErrorKind::Empty),
        Some('[' | '{') => Ok(Content::JsonLike),
        Some(_) => Ok(Content::Known(Format::Csv)),
    }
}

/// Workbook containers: a zip archive (XLSX, XLSB, ODS, told apart by the names inside) or an
/// OLE container (XLS, or a password-protected workbook); `None` for any other content.
fn sniff_container(bytes: &[u8]) -> Option<Result<Format, ReadErrorKind>> {
    if bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(ZIP_EMPTY_MAGIC) {
        return Some(sniff_zip(bytes));
    }
    if bytes.starts_with(OLE_MAGIC) {
        // Password-protected .xlsx files are OLE containers holding an "EncryptedPackage" stream.
        let utf16: Vec<u8> = "EncryptedPackage".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        if contains(bytes, &utf16) {
            return Some(Err(ReadErrorKind::UnknownFormat(
                "the workbook is protected with a password; remove the password and save it again".into(),
            )));
        }
        return Some(Ok(Format::Xls));
    }
    None
}

/// [`detect`] for workbook content only: for a zip or OLE container, the format and issues (or
/// the error) [`detect`] gives, the same arms of its decision; `None` for any other content,
/// which is not decoded. The browser's spreadsheet-reading module uses only this, so it links
/// neither the text decoding nor the JSON check (serde_json's parser).
#[cfg(feature = "spreadsheet-read")]
pub(crate) fn detect_workbook(bytes: &[u8], file_name: &str) -> Result<Option<(Format, Vec<Issue>)>, ReadError> {
    let err = |kind| ReadError::new(file_name, kind);
    let Some(book) = sniff_container(bytes) else { return Ok(None) };
    let c = book.map_err(err)?;
    let ext = extension(file_name);
    let mut issues = Vec::new();
    match Format::from_extension(ext) {
        Some(e) if e == c => {}
        None => {}
        Some(e) if e.is_spreadsheet() => issues.push(
            Issue::warning(format!("the file is named .{ext} but is an {} workbook; read as such", c.name()))
                .file(file_name),
        ),
        Some(_) => {
            let content = format!("an {} file", c.name());
            return Err(err(ReadErrorKind::FormatMismatch { extension: ext.to_string(), content }));
        }
    }
    Ok(Some((c, issues)))
}

/// The first 64 KiB, not cutting a UTF-8 character in two.
fn head(bytes: &[u8]) -> &[u8] {
    const HEAD: usize = 1 << 16;
    let Some(h) = bytes.get(..HEAD) else { return bytes };
    match std::str::from_utf8(h) {
        Err(e) if e.error_len().is_none() => h.get(..e.valid_up_to()).unwrap_or(h),
        _ => h,
    }
}

fn sniff_zip(bytes: &[u8]) -> Result<Format, ReadErrorKind> {
    // File names are stored uncompressed in the local headers and in the central directory at
    // the end, so looking at both ends of the archive finds them without unpacking.
    let head = &bytes[..bytes.len().min(1 << 16)];
    let tail = &bytes[bytes.len().saturating_sub(1 << 20)..];
    let has = |needle: &[u8]| contains(head, needle) || contains(tail, needle);
    if has(b"xl/workbook.bin") {
        Ok(Format::Xlsb)
    } else if has(b"xl/workbook.xml") {
        Ok(Format::Xlsx)
    } else if has(b"application/vnd.oasis.opendocument.spreadsheet") {
        Ok(Format::Ods)
    } else if has(b"application/vnd.oasis.opendocument") {
        Err(ReadErrorKind::UnknownFormat("an OpenDocument file that is not a spreadsheet".into()))
    } else if has(b"word/document.xml") {
        Err(ReadErrorKind::UnknownFormat("a Word document, not a data file".into()))
    } else {
        Err(ReadErrorKind::UnknownFormat(
            "a zip archive that is neither an Excel workbook (.xlsx) nor an OpenDocument spreadsheet (.ods)".into(),
        ))
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// A short description of text content for mismatch errors.
fn describe_text(bytes: &[u8]) -> String {
    let start: String = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let start = start.trim_start();
    if start.starts_with("<!doctype html") || start.starts_with("<html") || start.contains("<table") {
        "an HTML page (some websites save HTML tables as .xls: open it in a spreadsheet program and save as .xlsx or .csv)"
            .into()
    } else if start.starts_with("<?xml") {
        "an XML file (for an Excel 2003 XML file, open it in a spreadsheet program and save as .xlsx)".into()
    } else {
        "plain text (CSV)".into()
    }
}

/// Bytes → text: UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252 (with an issue).
/// Binary data (NUL bytes, many control characters) is refused.
pub(crate) fn decode_text<'a>(bytes: &'a [u8], file_name: &str) -> Result<(Cow<'a, str>, Vec<Issue>), ReadError> {
    decode_text_kind(bytes).map_err(|k| ReadError::new(file_name, k)).map(|(text, notes)| {
        let issues = notes.into_iter().map(|(sev, m)| Issue::new(sev, m).file(file_name)).collect();
        (text, issues)
    })
}

type Notes = Vec<(nagar_core::Severity, String)>;

fn decode_text_kind(bytes: &[u8]) -> Result<(Cow<'_, str>, Notes), ReadErrorKind> {
    use nagar_core::Severity;
    let mut notes = Vec::new();
    let text: Cow<'_, str> = if let Some(body) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        match std::str::from_utf8(body) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => {
                notes.push((
                    Severity::Warning,
                    "the file has bytes that are not valid UTF-8; they are shown as \u{FFFD}".to_string(),
                ));
                String::from_utf8_lossy(body)
            }
        }
    } else if let Some((body, big_endian, name)) = utf16_bom(bytes) {
        let (text, had_errors) = decode_utf16(body, big_endian);
        notes.push((Severity::Info, format!("the file is {name} text; read as such")));
        if had_errors {
            notes.push((
                Severity::Warning,
                format!("the file has bytes that are not valid {name}; they are shown as \u{FFFD}"),
            ));
        }
        Cow::Owned(text)
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => {
                notes.push((
                    Severity::Warning,
                    "the file is not UTF-8; it was read as Windows-1252 (Western European). If letters look \
                     wrong, save it as \"CSV UTF-8\""
                        .to_string(),
                ));
                Cow::Owned(decode_windows_1252(bytes))
            }
        }
    };
    if looks_binary(&text) {
        return Err(ReadErrorKind::NotText);
    }
    Ok((text, notes))
}

/// NUL anywhere, or more than 1% control characters (other than tab, CR, LF, form feed and a
/// DOS end-of-file mark), means this is not text. Counted on the UTF-8 bytes (this runs over the
/// whole file): characters are the bytes that start one, and the control characters (Unicode
/// Cc) are the bytes 0x00-0x1F and 0x7F, and U+0080-U+009F, encoded as 0xC2 0x80-0x9F.
/// A byte that is a control character by itself (Unicode Cc of U+0000-U+007F) other than the ones
/// text files hold: tab, line ends, form feed and a DOS end-of-file mark (0x1A).
fn c0_control(x: u8) -> bool {
    (x < 0x20 && !matches!(x, b'\t' | b'\n' | b'\r' | 0x0c | 0x1a)) || x == 0x7f
}

/// Whether a byte of `b` could be (part of) a control character as [`looks_binary`] counts them:
/// below 0x20 but for tab, line ends, form feed and 0x1A; 0x7F; 0xC2 (which starts U+0080-U+00BF).
/// Eight bytes at a time: only a word with a byte below 0x20, 0x7F or 0xC2 in it (in a text file,
/// mostly a word with a line end) is looked at byte by byte. (The browser's build, not vectorised,
/// spent a tenth of reading a file in the byte-by-byte pass this replaces.)
fn any_suspect(b: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let suspect = |x: u8| c0_control(x) || x == 0xC2;
    // A byte of `w` below `n` (n <= 0x80), and a zero byte: exact tests (Bit Twiddling Hacks,
    // "hasless" and "haszero").
    let has_less = |w: u64, n: u64| w.wrapping_sub(ONES * n) & !w & HIGH != 0;
    let has_zero = |w: u64| has_less(w, 1);
    let mut words = b.chunks_exact(8);
    for word in &mut words {
        let w = u64::from_le_bytes(<[u8; 8]>::try_from(word).unwrap_or_default());
        let maybe = has_less(w, 0x20) || has_zero(w ^ (ONES * 0x7f)) || has_zero(w ^ (ONES * 0xc2));
        if maybe && word.iter().any(|&x| suspect(x)) {
            return true;
        }
    }
    words.remainder().iter().any(|&x| suspect(x))
}

fn looks_binary(text: &str) -> bool {
    let b = text.as_bytes();
    if b.contains(&0) {
        return true;
    }
    // Most files have no byte that could be a control character at all: one pass over the
    // bytes, eight at a time, before the counts below.
    if !any_suspect(b) {
        return false;
    }
    // Three counts without branches, which the compiler vectorises (this runs over every byte of
    // every file read: a loop with a `match` per byte was a tenth of `nagar score`'s work).
    let chars: usize = b.iter().map(|&x| usize::from(x & 0xC0 != 0x80)).sum();
    let c0: usize = b.iter().map(|&x| usize::from(c0_control(x))).sum();
    let c1: usize = b.windows(2).map(|w| usize::from(w[0] == 0xC2 && (0x80..=0x9f).contains(&w[1]))).sum();
    let controls = c0 + c1;
    controls > 0 && controls * 100 > chars
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_and_stem_of_paths() {
        assert_eq!(extension("dir/ASEM_iMeta.csv"), "csv");
        assert_eq!(extension(r"C:\x\data.XLSX"), "XLSX");
        assert_eq!(extension(".hidden"), "");
        assert_eq!(extension("noext"), "");
        assert_eq!(stem("a/b/ASEM_iMeta.csv"), "ASEM_iMeta");
        assert_eq!(stem("mpi.2019.toml"), "mpi.2019");
    }

    #[test]
    fn zip_archives_are_told_apart_by_their_file_names() {
        let zip = |names: &str| [&b"PK\x03\x04\x14\x00"[..], names.as_bytes()].concat();
        assert_eq!(sniff_zip(&zip("[Content_Types].xml xl/workbook.xml")), Ok(Format::Xlsx));
        assert_eq!(sniff_zip(&zip("xl/workbook.bin")), Ok(Format::Xlsb));
        assert_eq!(sniff_zip(&zip("mimetypeapplication/vnd.oasis.opendocument.spreadsheet")), Ok(Format::Ods));
        assert!(sniff_zip(&zip("mimetypeapplication/vnd.oasis.opendocument.text")).is_err());
        assert!(sniff_zip(&zip("word/document.xml")).is_err());
        let (format, issues) = detect(&zip("mimetypeapplication/vnd.oasis.opendocument.spreadsheet"), "a.ods").unwrap();
        assert_eq!((format, issues.len()), (Format::Ods, 0));
    }

    /// `detect_workbook` decides as `detect` does on every container and extension, and leaves
    /// any other content alone.
    #[cfg(feature = "spreadsheet-read")]
    #[test]
    fn detect_workbook_agrees_with_detect_on_workbooks() {
        let zip = |names: &str| [&b"PK\x03\x04\x14\x00"[..], names.as_bytes()].concat();
        let mut secret = OLE_MAGIC.to_vec();
        secret.extend("EncryptedPackage".encode_utf16().flat_map(|u| u.to_le_bytes()));
        let books = [
            zip("xl/workbook.xml"),
            zip("xl/workbook.bin"),
            zip("mimetypeapplication/vnd.oasis.opendocument.spreadsheet"),
            zip("word/document.xml"),
            OLE_MAGIC.to_vec(),
            secret,
        ];
        for bytes in &books {
            for name in ["b.xlsx", "b.XLSM", "b.ods", "b.xls", "b.xlsb", "b.csv", "b.json", "b.dat", "b"] {
                let whole = detect(bytes, name);
                let book = detect_workbook(bytes, name).map(|o| o.expect("a container"));
                assert_eq!(book, whole, "{name}");
            }
        }
        for text in [&b"a,b\n1,2\n"[..], b"[{\"a\": 1}]", b"", b"%PDF-1.4"] {
            assert_eq!(detect_workbook(text, "b.xlsx"), Ok(None));
        }
    }

    #[test]
    fn password_protected_workbook_is_named() {
        let mut bytes = OLE_MAGIC.to_vec();
        bytes.extend("EncryptedPackage".encode_utf16().flat_map(|u| u.to_le_bytes()));
        let e = detect(&bytes, "secret.xlsx").unwrap_err();
        assert!(e.to_string().contains("password"), "{e}");
        assert_eq!(detect(OLE_MAGIC, "old.xls").unwrap().0, Format::Xls);
    }

    #[test]
    fn binary_is_not_text() {
        assert!(looks_binary("a\0b"));
        assert!(!looks_binary("a,b\r\n1,2\n\x1a"));
        assert!(looks_binary("\x01\x02\x03abc"));
    }
}

/// A UTF-16 byte-order mark: the body after it, whether it is big-endian, and the encoding's name.
fn utf16_bom(bytes: &[u8]) -> Option<(&[u8], bool, &'static str)> {
    if let Some(body) = bytes.strip_prefix(b"\xFF\xFE") {
        Some((body, false, "UTF-16LE"))
    } else {
        bytes.strip_prefix(b"\xFE\xFF").map(|body| (body, true, "UTF-16BE"))
    }
}

/// UTF-16 to a String; unpaired surrogates and an odd last byte become U+FFFD (and are reported).
fn decode_utf16(body: &[u8], big_endian: bool) -> (String, bool) {
    let units = body.chunks_exact(2).map(|p| {
        if big_endian {
            u16::from_be_bytes([p[0], p[1]])
        } else {
            u16::from_le_bytes([p[0], p[1]])
        }
    });
    let odd = !body.len().is_multiple_of(2);
    let mut had_errors = odd;
    let mut out: String = char::decode_utf16(units)
        .map(|r| {
            r.unwrap_or_else(|_| {
                had_errors = true;
                char::REPLACEMENT_CHARACTER
            })
        })
        .collect();
    if odd {
        out.push(char::REPLACEMENT_CHARACTER);
    }
    (out, had_errors)
}

/// Windows-1252 (the WHATWG index): bytes 0x80–0x9F map to the characters below, every other
/// byte to the code point of the same value. A table, not a library: the decoder library linked
/// the tables of every encoding it knows into the browser module (about 130 KB gzipped).
const WINDOWS_1252_80_9F: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}', '\u{02C6}',
    '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}', '\u{0090}', '\u{2018}',
    '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}', '\u{02DC}', '\u{2122}', '\u{0161}',
    '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

fn decode_windows_1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| if (0x80..=0x9F).contains(&b) { WINDOWS_1252_80_9F[usize::from(b - 0x80)] } else { char::from(b) })
        .collect()
}

#[cfg(test)]
mod encoding_tests {
    use super::*;

    #[test]
    fn windows_1252_maps_the_euro_sign_quotes_and_latin_1() {
        // 0x80 €, 0x93/0x94 “ ”, 0xE9 é, 0x41 A
        assert_eq!(decode_windows_1252(b"\x80\x93A\x94\xE9"), "€“A”é");
    }

    #[test]
    fn utf16_with_either_byte_order_is_read_and_bad_units_are_replaced() {
        let le: Vec<u8> = "é,1".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = "é,1".encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(decode_utf16(&le, false), ("é,1".to_string(), false));
        assert_eq!(decode_utf16(&be, true), ("é,1".to_string(), false));
        let (text, bad) = decode_utf16(&[0x00, 0xD8, 0x41, 0x00], false); // lone high surrogate, then A
        assert!(bad);
        assert_eq!(text, "\u{FFFD}A");
    }
}

#[cfg(test)]
mod binary_tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The word-at-a-time pass finds what a byte-by-byte pass finds, at any offset.
        #[test]
        fn any_suspect_as_byte_by_byte(b in proptest::collection::vec(any::<u8>(), 0..64), skip in 0usize..8) {
            let b = b.get(skip..).unwrap_or_default();
            let by_byte = b.iter().any(|&x| (x < 0x20 && !matches!(x, b'\t' | b'\n' | b'\r' | 0x0c | 0x1a)) || x == 0x7f || x == 0xC2);
            prop_assert_eq!(any_suspect(b), by_byte);
        }
    }

    #[test]
    fn any_suspect_finds_each_suspect_byte_in_any_lane() {
        for x in 0..=255u8 {
            let suspect = (x < 0x20 && !matches!(x, b'\t' | b'\n' | b'\r' | 0x0c | 0x1a)) || x == 0x7f || x == 0xC2;
            for lane in 0..17 {
                let mut b = vec![b'a'; 17];
                b[lane] = x;
                assert_eq!(any_suspect(&b), suspect, "byte {x:#x} at {lane}");
            }
        }
    }

    /// The definition, on characters: what `looks_binary` computes on bytes.
    fn looks_binary_by_chars(text: &str) -> bool {
        let (mut chars, mut controls) = (0usize, 0usize);
        for c in text.chars() {
            chars += 1;
            match c {
                '\0' => return true,
                '\t' | '\n' | '\r' | '\x0c' | '\x1a' => {}
                c if c.is_control() => controls += 1,
                _ => {}
            }
        }
        controls > 0 && controls * 100 > chars
    }

    proptest! {
        #[test]
        fn byte_count_equals_char_count(s in "(\\PC|[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}\\u{a0}\\u{100}-\\u{10ff}]){0,200}") {
            prop_assert_eq!(looks_binary(&s), looks_binary_by_chars(&s));
        }
    }

    #[test]
    fn examples() {
        assert!(looks_binary("a\0b"));
        assert!(looks_binary("\u{85}abc"), "one C1 control in four characters");
        assert!(!looks_binary("ä,ö\r\n\tx\x0c\x1a"));
        assert!(looks_binary(&format!("{}\x01\x02", "x".repeat(100))));
        assert!(!looks_binary(&format!("{}\x01", "x".repeat(100))));
    }
}
