//! `multipart/form-data` bodies (RFC 7578), as Django's `MultiPartParser` reads them: the
//! fields go to `request.POST()`, the files to `request.FILES()`.
//!
//! The body is in memory already (the server reads it whole, within
//! DATA_UPLOAD_MAX_MEMORY_SIZE), so a file is a slice of it, never copied. As in Django: a
//! part without a `name` is skipped, a part with a `filename` is a file (skipped when the
//! name is empty once its directories are cut off), the rest (an empty file input too) are
//! fields, decoded as UTF-8
//! with invalid bytes replaced; `Content-Transfer-Encoding: base64` is decoded; more than
//! DATA_UPLOAD_MAX_NUMBER_FIELDS fields or DATA_UPLOAD_MAX_NUMBER_FILES files is refused. A
//! body that does not hold together is refused with a 400, never half-read.

mod base64;
mod names;
mod params;

use bytes::Bytes;

use super::QueryDict;

/// A file of a multipart form: Django's `UploadedFile` (an `InMemoryUploadedFile`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    /// The file's name as the client sent it, without any directory: Django's `name`.
    pub name: String,
    /// The part's media type (`image/png`), or "" when the client sent none.
    pub content_type: String,
    /// The `charset` parameter of its Content-Type, if any.
    pub charset: Option<String>,
    content: Bytes,
}

impl UploadedFile {
    /// Its size in bytes.
    pub fn size(&self) -> usize {
        self.content.len()
    }

    /// Its bytes: Django's `read()`.
    pub fn read(&self) -> &[u8] {
        &self.content
    }

    /// Its bytes, shared with the request's body (no copy).
    pub fn content(&self) -> Bytes {
        self.content.clone()
    }
}

/// The files of a multipart form by field name: Django's `request.FILES`, a MultiValueDict.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Files {
    files: Vec<(String, UploadedFile)>,
}

impl Files {
    /// The last file sent under `field`.
    pub fn get(&self, field: &str) -> Option<&UploadedFile> {
        self.files
            .iter()
            .rev()
            .find(|(f, _)| f == field)
            .map(|(_, file)| file)
    }

    /// Every file sent under `field` (an `<input type="file" multiple>`).
    pub fn getlist(&self, field: &str) -> Vec<&UploadedFile> {
        self.files
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, file)| file)
            .collect()
    }

    pub fn contains_key(&self, field: &str) -> bool {
        self.files.iter().any(|(f, _)| f == field)
    }

    /// Every (field, file) pair in the order sent.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &UploadedFile)> {
        self.files.iter().map(|(f, file)| (f.as_str(), file))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Why a multipart body was refused: Django's MultiPartParserError, TooManyFieldsSent and
/// TooManyFilesSent, each a 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MultiPartParserError {
    #[error("Invalid Content-Type: {0}")]
    InvalidContentType(String),
    #[error("Invalid boundary in multipart: {0}")]
    InvalidBoundary(String),
    #[error("{0}")]
    Malformed(&'static str),
    #[error("The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS.")]
    TooManyFields,
    #[error("The number of files exceeded settings.DATA_UPLOAD_MAX_NUMBER_FILES.")]
    TooManyFiles,
}

/// DATA_UPLOAD_MAX_NUMBER_FIELDS and DATA_UPLOAD_MAX_NUMBER_FILES (None: no limit).
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    pub fields: Option<usize>,
    pub files: Option<usize>,
}

/// Parses `body`, sent with the Content-Type header `content_type` (its `boundary` parameter
/// says where parts end).
///
/// Django's reading, which browsers' bodies never test but hostile ones do: the body is cut at
/// every `--boundary`, wherever it stands, a line break before it dropped; each piece (the
/// preamble and the epilogue too) whose first 1024 bytes hold an empty line is a part, its
/// headers before that line (a piece of 1024 bytes or more without one is refused); a part
/// with a Content-Disposition is a field, or a file when it names a non-empty `filename`, and
/// is kept when it has a `name`. Every piece but a file counts against
/// DATA_UPLOAD_MAX_NUMBER_FIELDS, which allows two more for the preamble and the epilogue.
pub fn parse(
    content_type: &str,
    body: &Bytes,
    limits: Limits,
) -> Result<(QueryDict, Files), MultiPartParserError> {
    if !content_type.starts_with("multipart/") {
        return Err(MultiPartParserError::InvalidContentType(
            content_type.to_owned(),
        ));
    }
    let (_, params) = params::parse_header_parameters(content_type).unwrap_or_default();
    let boundary = param(&params, "boundary").unwrap_or_default();
    // The request's encoding (Django's `request.encoding`), UTF-8 unless the Content-Type
    // names another: names, values and file names are decoded in it.
    let charset = param(&params, "charset")
        .and_then(|c| params::Charset::named(&c))
        .unwrap_or(params::Charset::Utf8);
    let text = |s: &str| match charset {
        params::Charset::Utf8 => s.to_owned(),
        other => other.decode(s.as_bytes()),
    };
    if !valid_boundary(&boundary) {
        return Err(MultiPartParserError::InvalidBoundary(
            if boundary.is_empty() {
                "None".into()
            } else {
                boundary
            },
        ));
    }
    let mut fields = Vec::new();
    let mut files = Files::default();
    if body.is_empty() {
        return Ok((QueryDict::from_pairs(fields), files));
    }
    let (mut piece_count, mut file_count) = (0usize, 0usize);
    let pieces = pieces(body, format!("--{boundary}").as_bytes());
    let last = pieces.len().saturating_sub(1);
    for (i, piece) in pieces.into_iter().enumerate() {
        let part = split_part(&piece)?;
        let headers = part.as_ref().map(|(headers, _)| Headers::parse(headers));
        let disposition = headers.as_ref().and_then(|h| h.disposition.as_ref());
        let filename = disposition
            .and_then(|(_, d)| param(d, "filename"))
            .filter(|f| !f.is_empty());
        if filename.is_none() {
            piece_count += 1;
            if limits.fields.is_some_and(|limit| piece_count > limit + 2) {
                return Err(MultiPartParserError::TooManyFields);
            }
        }
        let (Some((_, content)), Some(headers), Some((_, disposition))) =
            (part, headers.as_ref(), disposition)
        else {
            continue;
        };
        let Some(name) = param(disposition, "name") else {
            continue;
        };
        // Django strips the name's bytes: ASCII whitespace only.
        let name = text(name.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b'));
        let Some(filename) = filename else {
            let content = if headers.base64 {
                // Not base64 after all: the bytes as sent, as Django keeps them.
                base64::b64decode(&content).map_or(content, Bytes::from)
            } else {
                content
            };
            fields.push((name, charset.decode(&content)));
            continue;
        };
        file_count += 1;
        if limits.files.is_some_and(|limit| file_count > limit) {
            return Err(MultiPartParserError::TooManyFiles);
        }
        // Django completes a file when the next piece begins: the last one, with nothing
        // after it, is an interrupted upload, and dropped.
        if i == last {
            continue;
        }
        let Some(filename) = names::sanitize_file_name(&text(&filename)) else {
            continue;
        };
        let content =
            if headers.base64 {
                Bytes::from(base64::decode_file(&content).ok_or(
                    MultiPartParserError::Malformed("Could not decode base64 data."),
                )?)
            } else {
                content
            };
        let (content_type, params) = headers.content_type.clone().unwrap_or_default();
        files.files.push((
            name,
            UploadedFile {
                name: filename,
                content_type: content_type.trim().to_owned(),
                charset: param(&params, "charset"),
                content,
            },
        ));
    }
    Ok((QueryDict::from_pairs(fields), files))
}

/// Django's boundary pattern: 1 to 201 printable ASCII characters, the last not a space.
fn valid_boundary(b: &str) -> bool {
    (1..=201).contains(&b.len())
        && b.bytes().all(|c| (b' '..=b'~').contains(&c))
        && !b.ends_with(' ')
}

/// `body` cut at every `delimiter`, each piece before one without the line break (`\r\n`,
/// `\n` or `\r`) that ends it; the last piece unless nothing follows the last delimiter.
fn pieces(body: &Bytes, delimiter: &[u8]) -> Vec<Bytes> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(found) = find(body, delimiter, at) {
        let mut end = found;
        if end > at && body[end - 1] == b'\n' {
            end -= 1;
        }
        if end > at && body[end - 1] == b'\r' {
            end -= 1;
        }
        out.push(body.slice(at..end));
        at = found + delimiter.len();
    }
    if at < body.len() {
        out.push(body.slice(at..));
    }
    out
}

/// A part's headers and content, or None for a piece that is not a part (it has no empty
/// line in its first 1024 bytes, and is shorter than that); a longer one is refused.
#[allow(clippy::type_complexity)]
fn split_part(piece: &Bytes) -> Result<Option<(&[u8], Bytes)>, MultiPartParserError> {
    const MAX_HEADER_SIZE: usize = 1024;
    let head = &piece[..piece.len().min(MAX_HEADER_SIZE)];
    match find(head, b"\r\n\r\n", 0) {
        Some(end) => Ok(Some((&piece[..end], piece.slice(end + 4..)))),
        None if piece.len() >= MAX_HEADER_SIZE => Err(MultiPartParserError::Malformed(
            "Request max total header size exceeded.",
        )),
        None => Ok(None),
    }
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// The headers of a part that matter, each the last of its name: Content-Disposition and
/// Content-Type (each its value and parameters), and Content-Transfer-Encoding.
#[derive(Default)]
struct Headers {
    disposition: Option<(String, Vec<(String, String)>)>,
    content_type: Option<(String, Vec<(String, String)>)>,
    base64: bool,
}

impl Headers {
    /// Lines end at `\r\n`; one that is not UTF-8, has no `:` or names a charset unknown
    /// here is skipped, as Django skips it.
    fn parse(block: &[u8]) -> Headers {
        let mut out = Headers::default();
        let mut lines = Vec::new();
        let mut at = 0;
        while let Some(end) = find(block, b"\r\n", at) {
            lines.push(&block[at..end]);
            at = end + 2;
        }
        lines.push(&block[at..]);
        for line in lines {
            let Some((main, params)) = std::str::from_utf8(line)
                .ok()
                .and_then(params::parse_header_parameters)
            else {
                continue;
            };
            // The name and the value before the first `;` come lower-cased together.
            let Some((name, value)) = main.split_once(':') else {
                continue;
            };
            let value = value.to_owned();
            match name {
                "content-disposition" => out.disposition = Some((value, params)),
                "content-type" => out.content_type = Some((value, params)),
                "content-transfer-encoding" => out.base64 = value.trim() == "base64",
                _ => {}
            }
        }
        out
    }
}

/// A parameter's value: the last of its name.
fn param(params: &[(String, String)], key: &str) -> Option<String> {
    params
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CT: &str = "multipart/form-data; boundary=----rjangoBoundary7MA4";

    fn body(parts: &str) -> Bytes {
        Bytes::from(parts.replace('\n', "\r\n"))
    }

    fn parse_ok(text: &str) -> (QueryDict, Files) {
        parse(CT, &body(text), Limits::default()).unwrap()
    }

    #[test]
    fn fields_and_files_as_a_browser_sends_them() {
        let (post, files) = parse_ok(
            "preamble, ignored
------rjangoBoundary7MA4
Content-Disposition: form-data; name=\"title\"

Hello, world
------rjangoBoundary7MA4
Content-Disposition: form-data; name=\"tag\"

a
------rjangoBoundary7MA4
content-disposition: form-data; name=\"tag\"

b\u{e9}
------rjangoBoundary7MA4
Content-Disposition: form-data; name=\"photo\"; filename=\"C:\\Users\\ada\\cat.png\"
Content-Type: image/png

\u{89}PNG

body
------rjangoBoundary7MA4
Content-Disposition: form-data; name=\"notes\"; filename=\"../../etc/notes.txt\"
Content-Type: text/plain; charset=latin-1

notes
------rjangoBoundary7MA4
Content-Disposition: form-data; name=\"empty\"; filename=\"\"
Content-Type: application/octet-stream


------rjangoBoundary7MA4--
epilogue, ignored
",
        );
        assert_eq!(post.get("title"), Some("Hello, world"));
        assert_eq!(post.getlist("tag"), ["a", "b\u{e9}"]);
        let photo = files.get("photo").unwrap();
        assert_eq!(
            (photo.name.as_str(), photo.content_type.as_str()),
            ("cat.png", "image/png")
        );
        assert_eq!(photo.read(), "\u{89}PNG\r\n\r\nbody".as_bytes());
        let notes = files.get("notes").unwrap();
        assert_eq!(notes.name, "notes.txt");
        assert_eq!(notes.charset.as_deref(), Some("latin-1"));
        assert!(
            !files.contains_key("empty"),
            "an empty file input is no file"
        );
        assert_eq!(post.get("empty"), Some(""), "but a field, as in Django");
        assert_eq!(files.len(), 2);
    }

    #[test]
    fn quoted_names_extended_names_and_base64() {
        let (post, files) = parse_ok(
            "------rjangoBoundary7MA4
Content-Disposition: form-data; name=\"a;b \\\"c\\\"\"

semi
------rjangoBoundary7MA4
Content-Disposition: form-data; name=\"f\"; filename=\"plain.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt

x
------rjangoBoundary7MA4
Content-Disposition: form-data; name=\"b64\"
Content-Transfer-Encoding: base64

aGVs
bG8=
------rjangoBoundary7MA4
Content-Disposition: form-data; name=\"bad64\"
Content-Transfer-Encoding: base64

not base64!
------rjangoBoundary7MA4
Content-Disposition: form-data

no name: skipped
------rjangoBoundary7MA4--",
        );
        assert_eq!(post.get("a;b \"c\""), Some("semi"));
        assert_eq!(files.get("f").unwrap().name, "\u{20ac} rates.txt");
        assert_eq!(post.get("b64"), Some("hello"));
        assert_eq!(post.get("bad64"), Some("not base64!"), "kept as sent");
        assert_eq!(post.keys().len(), 3);
    }

    #[test]
    fn only_the_boundary_and_the_counts_are_refused() {
        let read = |ct: &str, text: &str| parse(ct, &body(text), Limits::default());
        assert_eq!(
            read("multipart/form-data", "x").unwrap_err().to_string(),
            "Invalid boundary in multipart: None"
        );
        assert!(matches!(
            read("multipart/form-data; boundary=\"ends in space \"", "x"),
            Err(MultiPartParserError::InvalidBoundary(_))
        ));
        // What does not hold together is read as Django reads it: a part never closed runs to
        // the end; a head without its empty line is no part, unless it is 1024 bytes or more.
        let (post, _) = read(
            CT,
            "------rjangoBoundary7MA4\nContent-Disposition: form-data; name=\"a\"\n\nnever closed",
        )
        .unwrap();
        assert_eq!(post.get("a"), Some("never closed"));
        for text in [
            "no boundary at all",
            "------rjangoBoundary7MA4\nContent-Disposition: form-data; name=\"a\"\nno blank line\n------rjangoBoundary7MA4--",
        ] {
            let (post, files) = read(CT, text).unwrap();
            assert!(post.keys().is_empty() && files.is_empty(), "{text:?}");
        }
        let long = format!(
            "------rjangoBoundary7MA4\nContent-Disposition: form-data; name=\"a\"\nX-Long: {}\n\nv\n------rjangoBoundary7MA4--",
            "x".repeat(1100)
        );
        assert_eq!(
            read(CT, &long).unwrap_err().to_string(),
            "Request max total header size exceeded."
        );
        // A file's base64 that cannot be decoded is refused, as Django refuses it.
        assert_eq!(
            read(
                CT,
                "------rjangoBoundary7MA4\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\nContent-Transfer-Encoding: base64\n\nabc\n------rjangoBoundary7MA4--"
            )
            .unwrap_err()
            .to_string(),
            "Could not decode base64 data."
        );
        // An empty body is an empty form, as in Django.
        let (post, files) = parse(CT, &Bytes::new(), Limits::default()).unwrap();
        assert!(post.keys().is_empty() && files.is_empty());
    }

    #[test]
    fn the_number_of_fields_and_files_is_limited() {
        let part = |name: &str, file: bool| {
            format!(
                "------rjangoBoundary7MA4\nContent-Disposition: form-data; name=\"{name}\"{}\n\nv\n",
                if file { "; filename=\"f.txt\"" } else { "" }
            )
        };
        let text = format!(
            "{}{}{}------rjangoBoundary7MA4--",
            part("a", false),
            part("b", false),
            part("c", true)
        );
        let limits = |fields, files| Limits {
            fields: Some(fields),
            files: Some(files),
        };
        // Every piece but a file counts, the preamble and the epilogue among them: two
        // fields and those two fit in a limit of two.
        assert!(parse(CT, &body(&text), limits(2, 1)).is_ok());
        assert_eq!(
            parse(CT, &body(&text), limits(1, 1)).unwrap_err(),
            MultiPartParserError::TooManyFields
        );
        assert_eq!(
            parse(CT, &body(&text), limits(2, 0)).unwrap_err(),
            MultiPartParserError::TooManyFiles
        );
    }
}
