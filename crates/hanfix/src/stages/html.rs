//! Stage `html`: stray HTML tags and entities left in extracted text.
//!
//! Removes common tags (`</p>`, `<br>`, `<div class="x">`, ...) and decodes named and numeric
//! entities (`&rdquo;`, `&nbsp;`, `&#12290;`). A `<br>` inside a line becomes a line break. A tag
//! whose `<` was swallowed by an orphan byte of a shifted span (`成?/p>`) loses the `?` too; what
//! the `?` stood for is chosen by the language model among sentence-closing punctuation, with the
//! quotes of the line kept balanced. A quote escaped with a backslash next to Chinese text (`说：\"好`)
//! loses the backslash, and a doubled comma (`，，`, `，、`) its second mark.

use super::{Doc, Stage};
use crate::edit::StageKind;
use crate::model::Model;
use crate::tables::is_chinese;
use crate::text::{line_start_near, Replacement};

/// The `html` stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct Html;

impl Stage for Html {
    fn kind(&self) -> StageKind {
        StageKind::Html
    }

    fn enabled(&self, doc: &Doc<'_>) -> bool {
        let punct =
            doc.flags.ascii_punct || doc.flags.classes & crate::tables::class::CJK_PUNCT != 0;
        doc.opts.html && (doc.flags.markup || doc.flags.question || punct)
    }

    fn run(&self, text: &str, _doc: &mut Doc<'_>, out: &mut Vec<Replacement>) {
        scan_with(text, true, out);
        let mut more = Vec::new();
        doubled_commas(text, &mut more);
        escaped_quotes(text, &mut more);
        // Keep the lists apart where they would overlap (they never should: tags and entities
        // hold no commas or backslashes). `out` comes sorted and disjoint from the scan, so once
        // `more` is sorted one sweep finds, for each of it, the only one of `out` it could overlap.
        debug_assert!(out.is_sorted_by_key(|r| r.start));
        more.sort_by_key(|r| r.start);
        let mut k = 0;
        more.retain(|d| {
            while out.get(k).is_some_and(|r| r.end <= d.start) {
                k += 1;
            }
            out.get(k).is_none_or(|r| r.start >= d.end)
        });
        out.extend(more);
        out.sort_by_key(|r| r.start);
    }
}

const TAGS: &[&str] = &[
    "p",
    "br",
    "div",
    "span",
    "a",
    "b",
    "i",
    "u",
    "em",
    "strong",
    "font",
    "li",
    "ul",
    "ol",
    "td",
    "tr",
    "th",
    "table",
    "tbody",
    "thead",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "img",
    "center",
    "section",
    "article",
    "small",
    "sup",
    "sub",
    "blockquote",
    "hr",
    "label",
    "header",
    "footer",
    "nav",
    "figure",
    "figcaption",
];

/// The character a named or numeric entity (`nbsp`, `#12290`, without `&` and `;`) stands for.
pub(crate) fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| !c.is_control() || *c == '\n');
    }
    Some(match name {
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "middot" => '·',
        "bull" => '•',
        "times" => '×',
        "divide" => '÷',
        "copy" => '©',
        "reg" => '®',
        "deg" => '°',
        "yen" => '¥',
        "laquo" => '«',
        "raquo" => '»',
        _ => return None,
    })
}

/// Longest attribute text of a tag, in bytes.
const MAX_ATTRS: usize = 200;

/// Length of a tag starting at `at` (which holds `<`, or the first char after a swallowed `<`),
/// and whether it is a line break.
fn tag_len(text: &str, at: usize) -> Option<(usize, bool)> {
    let rest = &text[at..];
    let body = rest.strip_prefix('/').unwrap_or(rest);
    let name_len = body
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    if name_len == 0 {
        return None;
    }
    let name = body[..name_len].to_ascii_lowercase();
    if !TAGS.contains(&name.as_str()) {
        return None;
    }
    let after_name = &body[name_len..];
    // Attributes are short: looking further for the `>` would make a text of unclosed tags cost
    // quadratic time.
    let close = after_name
        .bytes()
        .take(MAX_ATTRS + 1)
        .position(|b| b == b'>')?;
    let attrs = &after_name[..close];
    if !(attrs.is_empty() || attrs.starts_with([' ', '/']))
        || !attrs.is_ascii()
        || attrs.contains(['<', '\n'])
        || attrs.len() > MAX_ATTRS
    {
        return None;
    }
    let len = (rest.len() - body.len()) + name_len + close + 1;
    Some((len, name == "br"))
}

/// Whether `text` separates Han characters with ideographic spaces (U+3000) more often than
/// with ASCII ones: then a `&nbsp;` between Han characters is one too. (Traditional legal texts
/// write `第 1 條　` with U+3000, most Simplified text an ASCII space.)
fn ideographic_spaces(text: &str) -> bool {
    let han = crate::tables::is_han;
    let (mut wide, mut ascii) = (0usize, 0usize);
    let mut window = ['\n'; 3];
    for c in text.chars() {
        window = [window[1], window[2], c];
        if han(window[0]) && han(window[2]) {
            wide += (window[1] == '\u{3000}') as usize;
            ascii += (window[1] == ' ') as usize;
        }
    }
    wide > ascii
}

/// Proposes removal of tags and decoding of entities in `text`.
pub fn scan(text: &str, out: &mut Vec<Replacement>) {
    scan_with(text, false, out);
}

/// [`scan`]; with `follow_spacing`, a `&nbsp;` between Han characters is read as U+3000 where the
/// document's own spacing says so ([`ideographic_spaces`], computed only if such an entity
/// occurs). A space entity at the start or end of a line is dropped, as tags there are.
fn scan_with(text: &str, follow_spacing: bool, out: &mut Vec<Replacement>) {
    let wide_space = std::cell::OnceCell::new();
    let spaced_stops = std::cell::OnceCell::new();
    let bytes = text.as_bytes();
    let mut edges = Edges::new(text);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {
                if let Some((len, is_break)) = tag_len(text, i + 1).map(|(l, b)| (l + 1, b)) {
                    let end = i + len;
                    // Past other markup: `。<br></p><p>⏎` and `<br>&nbsp;⏎` end a line once.
                    let at_line_edge =
                        edges.starts_line(i) || edges.after(end).is_none_or(|c| c == '\n');
                    let with = if is_break && !at_line_edge { "\n" } else { "" };
                    edges.push(out, Replacement::new(i, end, with, 0.95, "stray HTML tag"));
                    i = end;
                    continue;
                }
            }
            b'&' => {
                if let Some((len, c)) = entity_at(text, i + 1) {
                    let end = i + 1 + len;
                    let with = if c == ' ' {
                        let before = edges.before(i);
                        let after = edges.after(end);
                        let han = |c: Option<char>| c.is_some_and(crate::tables::is_han);
                        // Chinese text puts no space after its full-width stops and commas: a
                        // space entity there is layout, unless the document spaces them itself.
                        let after_stop = before.is_some_and(is_stop)
                            && !*spaced_stops.get_or_init(|| spaces_after_stops(text));
                        if before.is_none_or(|c| c == '\n')
                            || after.is_none_or(|c| c == '\n')
                            || after_stop
                        {
                            String::new()
                        } else if follow_spacing
                            && han(before)
                            && han(after)
                            && *wide_space.get_or_init(|| ideographic_spaces(text))
                        {
                            "\u{3000}".to_owned()
                        } else {
                            " ".to_owned()
                        }
                    } else {
                        c.to_string()
                    };
                    edges.push(out, Replacement::new(i, end, with, 0.95, "HTML entity"));
                    i += 1 + len;
                    continue;
                }
            }
            b'?' => {
                if let Some(rep) = swallowed_markup(text, i) {
                    i = rep.end;
                    edges.push(out, rep);
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// What stands on either side of markup as the scan removes it, each answered in constant
/// time however long a stretch of markup is (`<br>` or `&nbsp;` a hundred thousand times over).
struct Edges<'a> {
    text: &'a str,
    /// Where the latest stretch of removed markup ends, and the character before it.
    removed: (usize, Option<char>),
    /// Where the latest tag that became a line break ends.
    broke: usize,
    /// The latest stretch whose end [`Edges::after`] found: from, to.
    markup: (usize, usize),
}

impl<'a> Edges<'a> {
    fn new(text: &'a str) -> Self {
        Edges {
            text,
            removed: (usize::MAX, None),
            broke: usize::MAX,
            markup: (1, 0),
        }
    }

    /// Adds `rep` to `out` (the scan's replacements, in order).
    fn push(&mut self, out: &mut Vec<Replacement>, rep: Replacement) {
        if rep.text.is_empty() {
            let before = self.before(rep.start);
            self.removed = (rep.end, before);
        } else if rep.text == "\n" {
            self.broke = rep.end;
        }
        out.push(rep);
    }

    /// The character of the text before byte `i`, looking back past markup already removed.
    fn before(&self, i: usize) -> Option<char> {
        if self.removed.0 == i {
            self.removed.1
        } else {
            self.text[..i].chars().next_back()
        }
    }

    /// Whether byte `i` starts a line once the markup before it is removed or has become a
    /// line break.
    fn starts_line(&self, i: usize) -> bool {
        self.broke == i || self.before(i).is_none_or(|c| c == '\n')
    }

    /// The character of the text at byte `i`, looking past tags and space entities (which the
    /// scan removes or turns into the same spacing).
    fn after(&mut self, i: usize) -> Option<char> {
        let (from, to) = self.markup;
        let end = if (from..=to).contains(&i) {
            to
        } else {
            let end = markup_end(self.text, i);
            self.markup = (i, end);
            end
        };
        self.text[end..].chars().next()
    }
}

/// Where the tags and space entities from byte `i` on end.
fn markup_end(text: &str, mut i: usize) -> usize {
    loop {
        match text.as_bytes().get(i) {
            Some(b'<') => match tag_len(text, i + 1) {
                Some((len, _)) => i += 1 + len,
                None => return i,
            },
            Some(b'&') => match entity_at(text, i + 1) {
                Some((len, ' ')) => i += 1 + len,
                _ => return i,
            },
            _ => return i,
        }
    }
}

/// A full-width stop or comma, after which Chinese text puts no space.
fn is_stop(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '，' | '；' | '：' | '、')
}

/// Whether `text` itself writes a space after a full-width stop or comma somewhere inside a line
/// (`周星驰 、 梁朝伟`): then a space entity after one is the author's too.
fn spaces_after_stops(text: &str) -> bool {
    let mut window = ['\n'; 3];
    for c in text.chars() {
        window = [window[1], window[2], c];
        if is_stop(window[0]) && matches!(window[1], ' ' | '\u{3000}') && window[2] != '\n' {
            return true;
        }
    }
    false
}

/// Crawled pages double commas where list markup was flattened: `，，`, `，、`, `,,`. Clean
/// Chinese text never has a full-width comma followed by another comma or an enumeration comma,
/// and no text at all writes `,、`, so the second mark is dropped. `,,` loses its second comma
/// only in Chinese text, found past closing brackets, quotes and entities on either side
/// (`（240年）,,随后`, `10km,,有效`), or as a thousands separator in a number beside Chinese
/// text (`海拔3,,892公尺`: three digits follow and end the group): `1,,2` and `a,,b` may be data.
pub fn doubled_commas(text: &str, out: &mut Vec<Replacement>) {
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if !matches!(c, '，' | ',') {
            continue;
        }
        let Some(&(j, d)) = iter.peek() else {
            break;
        };
        let doubled = match (c, d) {
            ('，', '，' | ',' | '、') | (',', '、') => true,
            (',', ',') => {
                chinese_before(text, i)
                    || chinese_after(text, j + 1)
                    || doubled_separator(text, i, j + 1)
            }
            _ => false,
        };
        if doubled {
            out.push(Replacement::new(
                j,
                j + d.len_utf8(),
                "",
                0.9,
                "doubled comma",
            ));
            iter.next();
        }
    }
}

/// Whether `,,` at `i..after` separates thousands in a number that stands beside Chinese text: a
/// digit before it, a group of exactly three digits after it.
fn doubled_separator(text: &str, i: usize, after: usize) -> bool {
    let b = text.as_bytes();
    let group = b[after..].iter().take_while(|c| c.is_ascii_digit()).count();
    if group != 3 || !i.checked_sub(1).is_some_and(|k| b[k].is_ascii_digit()) {
        return false;
    }
    let numeric = |c: &&u8| c.is_ascii_digit() || **c == b',' || **c == b'.';
    let start = i - b[..i].iter().rev().take_while(numeric).count();
    let end = after + b[after..].iter().take_while(numeric).count();
    chinese_before(text, start) || chinese_after(text, end)
}

/// How far [`chinese_before`] and [`chinese_after`] look past ASCII marks and entities.
const CONTEXT_STEPS: usize = 4;

/// Whether Chinese text ends right before byte `i`, looking back past a few ASCII marks (`)`,
/// `(`, `"`, `%`, `:`, which folding may have made of full-width ones), spaces and entities.
fn chinese_before(text: &str, mut i: usize) -> bool {
    for _ in 0..CONTEXT_STEPS {
        let Some(c) = text[..i].chars().next_back() else {
            return false;
        };
        if c == ';' {
            // An entity: `&rdquo;`.
            let from = i.saturating_sub(12);
            if let Some(amp) = text.get(from..i).and_then(|w| w.rfind('&')) {
                if let Some((len, e)) = entity_at(text, from + amp + 1) {
                    if from + amp + 1 + len == i {
                        if is_chinese(e) {
                            return true;
                        }
                        i = from + amp;
                        continue;
                    }
                }
            }
        }
        match c {
            ')' | ']' | '(' | '[' | '"' | '\'' | '%' | ':' | ' ' => i -= 1,
            _ => return is_chinese(c),
        }
    }
    false
}

/// Whether Chinese text starts at byte `i`, looking past a few ASCII opening marks and entities.
fn chinese_after(text: &str, mut i: usize) -> bool {
    for _ in 0..CONTEXT_STEPS {
        let Some(c) = text[i..].chars().next() else {
            return false;
        };
        if c == '&' {
            if let Some((len, e)) = entity_at(text, i + 1) {
                if is_chinese(e) {
                    return true;
                }
                i += 1 + len;
                continue;
            }
        }
        match c {
            '(' | '[' | '"' | '\'' | ' ' => i += 1,
            _ => return is_chinese(c),
        }
    }
    false
}

/// JSON and script escaping leaks a backslash before quotes (`他说：\"好\"`). Clean Chinese text
/// never writes one; code does (`printf(\"%d\")`). So a backslash goes where Chinese text or a
/// line edge stands right before it or right after its quote, or where Chinese text does past
/// ASCII marks (`学名:\"Fossa\")`); and once one has gone, every other one in the document goes
/// too, since a page is escaped as a whole.
pub fn escaped_quotes(text: &str, out: &mut Vec<Replacement>) {
    let bytes = text.as_bytes();
    let mut escapes = Vec::new();
    let mut any = false;
    for (i, _) in text.match_indices('\\') {
        if !matches!(bytes.get(i + 1), Some(b'"' | b'\'')) || i > 0 && bytes[i - 1] == b'\\' {
            continue;
        }
        // Chinese text right beside it is found by the two looks past marks, which start there.
        let edge = |c: Option<char>| c.is_none_or(|c| c == '\n');
        any = any
            || edge(text[..i].chars().next_back())
            || edge(text[i + 2..].chars().next())
            || chinese_before(text, i)
            || chinese_after_marks(text, i + 2);
        escapes.push(i);
    }
    if any {
        out.extend(
            escapes
                .into_iter()
                .map(|i| Replacement::new(i, i + 1, "", 0.9, "escaped quote")),
        );
    }
}

/// Whether Chinese text follows byte `i` past a few ASCII closing marks (`\")，` after folding).
fn chinese_after_marks(text: &str, i: usize) -> bool {
    let rest = &text[i..];
    let skipped = rest
        .bytes()
        .take(CONTEXT_STEPS)
        .take_while(|b| matches!(b, b')' | b']' | b',' | b'.' | b';' | b':'))
        .count();
    rest[skipped..].chars().next().is_some_and(is_chinese)
}

/// `name;` at `at`: its length and character.
fn entity_at(text: &str, at: usize) -> Option<(usize, char)> {
    let rest = &text[at..];
    let semi = rest.bytes().take(10).position(|b| b == b';')?;
    let name = &rest[..semi];
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'#') {
        return None;
    }
    Some((semi + 1, entity(name)?))
}

/// `?` standing for an orphan byte that swallowed the `<` of a tag or the `&` of an entity.
fn swallowed_markup(text: &str, q: usize) -> Option<Replacement> {
    let prev = text[..q].chars().next_back()?;
    if prev.is_ascii() {
        return None;
    }
    if let Some((len, _)) = tag_len(text, q + 1) {
        if !text[q + 1..].starts_with('/') {
            return None;
        }
        let end = q + 1 + len;
        // The quotes open on the line before it, counted over its last few KiB only: on a line
        // of many such tags, counting from its start would cost quadratic time.
        let line_start = line_start_near(text, q, QUOTE_LOOKBACK);
        let after = text[end..].chars().next().unwrap_or('\n');
        let best = best_closing(&text[line_start..q], prev, after);
        return Some(Replacement::new(
            q,
            end,
            best,
            0.7,
            "orphan byte swallowed the '<' of a closing tag",
        ));
    }
    if let Some((len, c)) = entity_at(text, q + 1) {
        let end = q + 1 + len;
        return Some(Replacement::new(
            q,
            end,
            c.to_string(),
            0.7,
            "orphan byte swallowed the '&' of an entity",
        ));
    }
    None
}

/// Bytes before a swallowed closing tag whose quotes [`best_closing`] balances.
const QUOTE_LOOKBACK: usize = 4096;

/// The sentence-closing punctuation that best explains a lost stretch at the end of `line`.
fn best_closing(line: &str, prev: char, after: char) -> &'static str {
    const CANDIDATES: &[&str] = &[
        "", "。", "”", "。”", "！”", "？”", "！", "？", "…”", "」", "。」",
    ];
    let opens = line.matches('“').count() as i64 - line.matches('”').count() as i64;
    let corner = line.matches('「').count() as i64 - line.matches('」').count() as i64;
    let model = Model::get();
    let mut best = ("", f32::NEG_INFINITY);
    for &cand in CANDIDATES {
        let closes = cand.matches('”').count() as i64;
        let ccloses = cand.matches('」').count() as i64;
        let balance_penalty = ((opens - closes).abs() + (corner - ccloses).abs()) as f32 * 4.0;
        let mut s = model.score(prev, cand) - balance_penalty;
        let last = cand.chars().next_back().unwrap_or(prev);
        s += model.logp(last, after);
        if s > best.1 {
            best = (cand, s);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str) -> String {
        crate::text::apply_with(text, scan)
    }

    #[test]
    fn removes_tags_and_decodes_entities() {
        assert_eq!(apply("你好</p>"), "你好");
        assert_eq!(apply("<p class=\"x\">你好</p>\n再见"), "你好\n再见");
        assert_eq!(apply("第一行<br>第二行"), "第一行\n第二行");
        // A break is one line break, wherever other markup stands between it and the line end.
        assert_eq!(apply("第一段。<br></p><p>\n第二段"), "第一段。\n第二段");
        assert_eq!(apply("第一段。<BR><br/>\n第二段"), "第一段。\n第二段");
        assert_eq!(apply("第一段。<br>&nbsp;\n第二段"), "第一段。\n第二段");
        assert_eq!(apply("第一段。<br><br>第二段"), "第一段。\n第二段");
        assert_eq!(apply("\n&nbsp;<br>第二段"), "\n第二段");
        // A space entity at a line edge goes; between Han characters it follows the document.
        let mut out = Vec::new();
        let text = "第 1 條　總則\n第 2 條&nbsp;適用範圍&nbsp;\n";
        scan_with(text, true, &mut out);
        let fixed = crate::text::apply_with(text, |_, o| o.extend(out.iter().cloned()));
        assert_eq!(fixed, "第 1 條　總則\n第 2 條　適用範圍\n");
        assert_eq!(apply("第二条&nbsp;适用范围"), "第二条 适用范围");
        assert_eq!(
            apply("&ldquo;好&rdquo;&nbsp;a&amp;b &#12290;"),
            "“好” a&b 。"
        );
    }

    #[test]
    fn doubled_commas_lose_the_second_mark() {
        let fix = |t: &str| crate::text::apply_with(t, doubled_commas);
        assert_eq!(fix("会议指出，，要优化环境"), "会议指出，要优化环境");
        assert_eq!(fix("全长六千公里，、流经青海"), "全长六千公里，流经青海");
        assert_eq!(fix("他说,,好"), "他说,好");
        assert_eq!(fix("甲、乙，丙"), "甲、乙，丙");
        assert_eq!(fix("1,,2"), "1,,2");
        // A doubled thousands separator in a number beside Chinese text.
        assert_eq!(fix("海拔3,,892公尺"), "海拔3,892公尺");
        assert_eq!(fix("約 2,451,,545。"), "約 2,451,545。");
        assert_eq!(fix("1,,446 and 2"), "1,,446 and 2");
        assert_eq!(fix("共1,,44人"), "共1,,44人");
    }

    #[test]
    fn doubled_commas_after_any_character_when_full_width() {
        let fix = |t: &str| crate::text::apply_with(t, doubled_commas);
        assert_eq!(fix("（1949年），，随后"), "（1949年），随后");
        assert_eq!(fix("CEO，、该企业"), "CEO，该企业");
        assert_eq!(fix("“好”,,他说"), "“好”,他说");
        assert_eq!(fix("a,,b"), "a,,b");
    }

    #[test]
    fn doubled_ascii_commas_in_chinese_text_seen_past_marks_and_entities() {
        let fix = |t: &str| crate::text::apply_with(t, doubled_commas);
        // Folding made ASCII of the brackets, so Chinese text is found past them.
        assert_eq!(fix("(240年),,随后"), "(240年),随后");
        assert_eq!(fix("距离10km,,有效"), "距离10km,有效");
        assert_eq!(fix("高&rdquo;,,&ldquo;地"), "高&rdquo;,&ldquo;地");
        // No text writes an enumeration comma after a comma.
        assert_eq!(fix("面积为108,、081.90"), "面积为108,081.90");
        assert_eq!(fix("Face++,、它是"), "Face++,它是");
        // Data and code keep theirs.
        assert_eq!(fix("f(x),,g(y)"), "f(x),,g(y)");
        assert_eq!(fix("1,,2"), "1,,2");
    }

    #[test]
    fn escaped_quotes_next_to_chinese_text_lose_the_backslash() {
        let fix = |t: &str| crate::text::apply_with(t, escaped_quotes);
        assert_eq!(fix(r#"他说：\"好的。\""#), r#"他说："好的。""#);
        assert_eq!(fix(r#"（\"Fossa\"）"#), r#"（"Fossa"）"#);
        assert_eq!(fix(r#"\"开头"#), r#""开头"#);
        // Code keeps its escapes, and an escaped backslash is not an escaped quote.
        assert_eq!(fix(r#"printf(\"%d\", x)"#), r#"printf(\"%d\", x)"#);
        assert_eq!(fix(r#"路径：C:\\"x"#), r#"路径：C:\\"x"#);
    }

    #[test]
    fn escaped_quotes_seen_past_folded_marks_go_with_every_other_one() {
        let fix = |t: &str| crate::text::apply_with(t, escaped_quotes);
        // `学名：` folded to `学名:`; the closing quote has only Latin text and `)` beside it,
        // but the page was escaped as a whole.
        assert_eq!(
            fix(r#"属(学名:\"Colepiocephale\")。"#),
            r#"属(学名:"Colepiocephale")。"#
        );
        assert_eq!(
            fix(r#"马岛灵猫(\"Fossa\"),又名"#),
            r#"马岛灵猫("Fossa"),又名"#
        );
        // With no escape beside Chinese text, none goes.
        assert_eq!(
            fix(r#"代码 printf(\"%d\", x) 和 puts(\"a\")"#),
            r#"代码 printf(\"%d\", x) 和 puts(\"a\")"#
        );
    }

    #[test]
    fn space_entities_after_full_width_stops_and_before_line_ends_go() {
        assert_eq!(apply("第一句。&nbsp;第二句"), "第一句。第二句");
        assert_eq!(apply("第一句。&nbsp;<br>\n第二句"), "第一句。\n第二句");
        assert_eq!(apply("结束&nbsp;&nbsp;\n"), "结束\n");
        assert_eq!(apply("<p>&nbsp;开头"), "开头");
        // Between Han characters it stays a space, and where the document spaces its stops.
        assert_eq!(apply("第二条&nbsp;适用范围"), "第二条 适用范围");
        assert_eq!(
            apply("周星驰 、 梁朝伟 。&nbsp;他"),
            "周星驰 、 梁朝伟 。 他"
        );
    }

    #[test]
    fn leaves_text_that_only_looks_like_markup() {
        assert_eq!(apply("a<b 且 c>d"), "a<b 且 c>d");
        assert_eq!(apply("x < y && y > z"), "x < y && y > z");
        assert_eq!(apply("R&D;"), "R&D;");
        assert_eq!(apply("<unknown>"), "<unknown>");
    }
}
