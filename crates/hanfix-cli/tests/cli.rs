//! End-to-end tests of the `hanfix` binary.
//!
//! The repair stages are still being written, so these tests check formats, field preservation,
//! ordering, exit codes and atomicity; repaired text is compared only against `hanfix::fix`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_hanfix");

/// Sentences written for these tests: damaged (Traditional + pinyin + ASCII commas), mojibake-free
/// clean ones, and mixed.
const SENTENCES: &[&str] = &[
    "學(xué)校附近新開了一家書(shū)店,週末人很多。",
    "今天下午有雷阵雨，请大家带好雨具。",
    "這座橋(qiáo)已經使用了五十年,今年將進行維修。",
    "市场上的苹果价格比上个月便宜了一些。",
    "研究人員發現,睡眠不足會影響記(jì)憶力!",
    "Hello world, plain ASCII stays as it is.",
    "他說:「明天見(jiàn)。」",
    "",
];

fn hanfix(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run hanfix");
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn hanfix_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run hanfix")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(o));
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn dir_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// `n` JSON lines with an id, a text field and extra fields.
fn generated_jsonl(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let text = format!(
            "{}{}",
            SENTENCES[i % SENTENCES.len()],
            SENTENCES[(i * 7 + 3) % SENTENCES.len()]
        );
        s.push_str(&format!(
            "{{\"id\":\"doc-{i}\",\"text\":{},\"n\":{i},\"tags\":[\"a\",{{\"b\":1.0}}]}}\n",
            json_str(&text)
        ));
    }
    s
}

#[test]
fn jsonl_fields_and_key_order_are_preserved_with_nested_unicode_key() {
    let text = SENTENCES[0];
    let line = format!(
        "{{\"id\":1,\"段落\":{{\"标题\":\"新闻\",\"内容\":{},\"页\":2}},\"x\":1.50e3,\"y\":null,\"z\":\"\\u4e2d\"}}\n",
        json_str(text)
    );
    let o = hanfix(
        &["fix", "--jsonl", "--text-key", "段落.内容"],
        line.as_bytes(),
    );
    ok(&o);
    let out = String::from_utf8(o.stdout).unwrap();
    let expected = line.replace(&json_str(text), &json_str(&hanfix::fix(text)));
    assert_eq!(out, expected);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["段落"]["内容"], hanfix::fix(text));
}

#[test]
fn clean_lines_are_byte_identical() {
    let line = "\u{FEFF}{ \"text\" : \"今天下午有雷阵雨。\",  \"n\": 1.0 }\r\n{\"text\":\"ok\"}";
    let o = hanfix(&["fix", "--jsonl"], line.as_bytes());
    ok(&o);
    assert_eq!(String::from_utf8(o.stdout).unwrap(), line);
}

#[test]
fn keep_original_and_annotate_add_fields() {
    let line = format!(
        "{{\"meta\":{{\"content\":{}}},\"id\":\"a\"}}\n",
        json_str(SENTENCES[2])
    );
    let o = hanfix(
        &[
            "fix",
            "--jsonl",
            "--text-key",
            "meta.content",
            "--keep-original",
            "orig",
            "--annotate",
        ],
        line.as_bytes(),
    );
    ok(&o);
    let out = String::from_utf8(o.stdout).unwrap();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["meta"]["orig"], SENTENCES[2]);
    assert_eq!(v["meta"]["content"], hanfix::fix(SENTENCES[2]));
    assert_eq!(v["id"], "a");
    let ann = &v["hanfix"];
    assert_eq!(ann["edits_per_stage"].as_object().unwrap().len(), 7);
    assert!(ann["garble"].is_number());
    assert!(ann["script"].is_string());
    assert!(
        out.find("\"id\"").unwrap() < out.find("\"hanfix\"").unwrap(),
        "annotation goes last: {out}"
    );
}

#[test]
fn gzip_and_zstd_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let data = generated_jsonl(200);
    let gz = dir.path().join("in.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(data.as_bytes()).unwrap();
    enc.finish().unwrap();
    let zst = dir.path().join("in.jsonl.zst");
    std::fs::write(&zst, zstd::encode_all(data.as_bytes(), 3).unwrap()).unwrap();
    std::fs::write(dir.path().join("in.jsonl"), &data).unwrap();

    let plain = hanfix_in(dir.path(), &["fix", "in.jsonl"]);
    ok(&plain);
    ok(&hanfix_in(
        dir.path(),
        &["fix", "in.jsonl.gz", "-o", "out.jsonl.zst"],
    ));
    ok(&hanfix_in(
        dir.path(),
        &["fix", "in.jsonl.zst", "-o", "out.jsonl.gz"],
    ));
    let from_zst =
        zstd::decode_all(std::fs::File::open(dir.path().join("out.jsonl.zst")).unwrap()).unwrap();
    let mut from_gz = Vec::new();
    flate2::read::MultiGzDecoder::new(
        std::fs::File::open(dir.path().join("out.jsonl.gz")).unwrap(),
    )
    .read_to_end(&mut from_gz)
    .unwrap();
    assert_eq!(from_zst, plain.stdout);
    assert_eq!(from_gz, plain.stdout);
    assert_eq!(plain.stdout.iter().filter(|&&b| b == b'\n').count(), 200);
    // Compressed standard input is recognised by its magic bytes.
    let o = hanfix(
        &["fix", "--jsonl"],
        &zstd::encode_all(data.as_bytes(), 1).unwrap(),
    );
    ok(&o);
    assert_eq!(o.stdout, plain.stdout);
}

#[test]
fn output_is_identical_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.jsonl"), generated_jsonl(5000)).unwrap();
    let one = hanfix_in(dir.path(), &["fix", "big.jsonl", "--threads", "1"]);
    let two = hanfix_in(dir.path(), &["fix", "big.jsonl", "--threads", "2"]);
    let four = hanfix_in(dir.path(), &["fix", "big.jsonl", "-j", "4"]);
    ok(&one);
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(one.stdout, four.stdout);
    let lines: Vec<&str> = std::str::from_utf8(&one.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), 5000);
    for (i, l) in lines.iter().enumerate() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["id"], format!("doc-{i}"));
        assert_eq!(v["n"], i);
    }
    // The same for explain output and for plain text cut into small pieces.
    let e1 = hanfix_in(dir.path(), &["explain", "big.jsonl", "--threads", "1"]);
    let e2 = hanfix_in(dir.path(), &["explain", "big.jsonl", "--threads", "2"]);
    ok(&e1);
    assert_eq!(e1.stdout, e2.stdout);
    let text: String = (0..3000)
        .map(|i| format!("{}\n", SENTENCES[i % SENTENCES.len()]))
        .collect();
    std::fs::write(dir.path().join("big.txt"), &text).unwrap();
    let p1 = hanfix_in(
        dir.path(),
        &["fix", "big.txt", "-j", "1", "--chunk-bytes", "1000"],
    );
    let p2 = hanfix_in(
        dir.path(),
        &["fix", "big.txt", "-j", "2", "--chunk-bytes", "1000"],
    );
    ok(&p1);
    assert_eq!(p1.stdout, p2.stdout);
    assert_eq!(p1.stdout.iter().filter(|&&b| b == b'\n').count(), 3000);
}

#[test]
fn plain_text_matches_library_and_long_lines_work() {
    let text = format!("{}\n{}\n", SENTENCES[0], SENTENCES[4]);
    let o = hanfix(&["fix"], text.as_bytes());
    ok(&o);
    assert_eq!(String::from_utf8(o.stdout).unwrap(), hanfix::fix(&text));
    // One line far longer than a piece: cut at safe bytes, nothing lost or broken.
    let long: String = SENTENCES[1].repeat(20_000);
    let o = hanfix(&["fix", "--chunk-bytes", "4096", "-q"], long.as_bytes());
    ok(&o);
    let out = String::from_utf8(o.stdout).expect("valid UTF-8");
    assert_eq!(out.chars().filter(|&c| c == '雷').count(), 20_000);
}

#[test]
fn malformed_line_reports_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.jsonl"),
        "{\"text\":\"好\"}\n{\"text\":\"好\"}\n{\"text\": oops}\n{\"text\":\"好\"}\n",
    )
    .unwrap();
    let o = hanfix_in(dir.path(), &["fix", "bad.jsonl"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("bad.jsonl:3"), "{}", stderr(&o));
    // Under fail, what was written to standard output before the bad line stays.
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        "{\"text\":\"好\"}\n{\"text\":\"好\"}\n"
    );

    std::fs::write(dir.path().join("types.jsonl"), "{\"text\":[1]}\n").unwrap();
    let o = hanfix_in(dir.path(), &["fix", "types.jsonl"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("types.jsonl:1") && stderr(&o).contains("not a string"),
        "{}",
        stderr(&o)
    );
    std::fs::write(dir.path().join("missing.jsonl"), "{\"body\":\"x\"}\n").unwrap();
    let o = hanfix_in(dir.path(), &["fix", "missing.jsonl"]);
    assert!(stderr(&o).contains("missing.jsonl:1") && stderr(&o).contains("missing field `text`"));
}

#[test]
fn skip_mode_passes_bad_lines_through_and_max_errors_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    let input = "{\"text\":\"好\"}\nnot json\n{\"text\":1}\n{\"text\":\"好\"}\n";
    std::fs::write(dir.path().join("in.jsonl"), input).unwrap();
    let o = hanfix_in(
        dir.path(),
        &["fix", "in.jsonl", "--on-error", "skip", "--stats", "s.json"],
    );
    ok(&o);
    assert_eq!(String::from_utf8(o.stdout.clone()).unwrap(), input);
    assert!(stderr(&o).contains("in.jsonl:2") && stderr(&o).contains("in.jsonl:3"));
    let stats: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("s.json")).unwrap()).unwrap();
    assert_eq!(stats["errors_skipped"], 2);
    assert_eq!(stats["documents"], 2);
    assert_eq!(stats["edits_per_stage"].as_object().unwrap().len(), 7);

    let o = hanfix_in(
        dir.path(),
        &["fix", "in.jsonl", "--on-error", "skip", "--max-errors", "2"],
    );
    ok(&o);
    let o = hanfix_in(
        dir.path(),
        &[
            "fix",
            "in.jsonl",
            "--on-error",
            "skip",
            "--max-errors",
            "1",
            "-o",
            "out.jsonl",
        ],
    );
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(!dir.path().join("out.jsonl").exists());
}

#[test]
fn failed_run_leaves_nothing_at_out() {
    let dir = tempfile::tempdir().unwrap();
    let mut data = generated_jsonl(3000);
    data.push_str("{broken\n");
    std::fs::write(dir.path().join("in.jsonl"), &data).unwrap();
    let o = hanfix_in(dir.path(), &["fix", "in.jsonl", "-o", "out.jsonl.gz"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(dir_names(dir.path()), vec!["in.jsonl"]);
    // An existing OUT is left as it was.
    std::fs::write(dir.path().join("out.jsonl"), "old").unwrap();
    let o = hanfix_in(dir.path(), &["fix", "in.jsonl", "-o", "out.jsonl"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap(),
        "old"
    );
    assert_eq!(dir_names(dir.path()), vec!["in.jsonl", "out.jsonl"]);
    // And a good run replaces it.
    std::fs::write(dir.path().join("in.jsonl"), generated_jsonl(10)).unwrap();
    ok(&hanfix_in(
        dir.path(),
        &["fix", "in.jsonl", "-o", "out.jsonl"],
    ));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out.jsonl"))
            .unwrap()
            .lines()
            .count(),
        10
    );
    assert_eq!(dir_names(dir.path()), vec!["in.jsonl", "out.jsonl"]);
}

#[test]
fn empty_inputs() {
    let o = hanfix(&["fix"], b"");
    ok(&o);
    assert!(o.stdout.is_empty());
    let o = hanfix(&["fix", "--jsonl"], b"");
    ok(&o);
    assert!(o.stdout.is_empty());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("e.jsonl"), "").unwrap();
    ok(&hanfix_in(dir.path(), &["fix", "e.jsonl", "-o", "o.jsonl"]));
    assert_eq!(std::fs::read(dir.path().join("o.jsonl")).unwrap(), b"");
    let o = hanfix(&["explain"], b"");
    ok(&o);
    assert!(o.stdout.is_empty());
}

#[test]
fn invalid_utf8_is_decoded_and_logged() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.txt"), b"ok \xFF\xFF end\n").unwrap();
    let o = hanfix_in(dir.path(), &["fix", "bad.txt"]);
    ok(&o);
    let out = String::from_utf8(o.stdout).expect("valid UTF-8 out");
    assert!(out.contains('\u{FFFD}'));
    let o = hanfix_in(dir.path(), &["explain", "bad.txt"]);
    ok(&o);
    let first: serde_json::Value =
        serde_json::from_str(String::from_utf8(o.stdout).unwrap().lines().next().unwrap()).unwrap();
    assert_eq!(first["stage"], "decode");
    assert_eq!(first["byte_start"], 3);
}

#[test]
fn binary_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("blob.bin"),
        b"\x7fELF\x02\x01\x01\x00\x00\x00binary",
    )
    .unwrap();
    let o = hanfix_in(dir.path(), &["fix", "blob.bin", "-o", "out.txt"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("blob.bin") && e.contains("binary"), "{e}");
    assert!(!dir.path().join("out.txt").exists());
}

#[test]
fn explain_lists_edits_with_offsets() {
    let text = SENTENCES[4];
    let o = hanfix(&["explain"], text.as_bytes());
    ok(&o);
    let edits = hanfix::explain(text);
    let out = String::from_utf8(o.stdout).unwrap();
    assert_eq!(out.lines().count(), edits.len());
    for (line, e) in out.lines().zip(&edits) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["doc"], 0);
        assert_eq!(v["stage"], e.stage.name());
        assert_eq!(v["byte_start"], e.start);
        assert_eq!(v["byte_end"], e.end);
        let (s, en) = e.char_span(text);
        assert_eq!(
            (v["start"].as_u64().unwrap(), v["end"].as_u64().unwrap()),
            (s as u64, en as u64)
        );
        assert_eq!(v["before"], e.before);
        assert_eq!(v["after"], e.after);
        for key in ["confidence", "reason"] {
            assert!(v.get(key).is_some());
        }
    }
    let line = format!("{{\"id\":\"x9\",\"text\":{}}}\n", json_str(text));
    let o = hanfix(&["explain", "--jsonl"], line.as_bytes());
    ok(&o);
    for l in String::from_utf8(o.stdout).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["doc"], "x9");
    }
}

#[test]
fn attribute_files_follow_the_dolma_layout() {
    let dir = tempfile::tempdir().unwrap();
    let mut data = generated_jsonl(20);
    data.push_str(&format!("{{\"text\":{}}}\n", json_str(SENTENCES[0])));
    std::fs::write(dir.path().join("docs.jsonl.gz"), {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data.as_bytes()).unwrap();
        e.finish().unwrap()
    })
    .unwrap();
    ok(&hanfix_in(
        dir.path(),
        &[
            "fix",
            "docs.jsonl.gz",
            "--attributes",
            "attrs",
            "-o",
            "out.jsonl",
        ],
    ));
    let mut s = String::new();
    flate2::read::MultiGzDecoder::new(
        std::fs::File::open(dir.path().join("attrs/docs.jsonl.gz")).unwrap(),
    )
    .read_to_string(&mut s)
    .unwrap();
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines.len(), 21);
    let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(first["id"], "doc-0");
    let attrs = first["attributes"].as_object().unwrap();
    assert_eq!(attrs.len(), 7);
    assert!(attrs.keys().all(|k| k.starts_with("hanfix__")));
    let last: serde_json::Value = serde_json::from_str(lines[20]).unwrap();
    assert_eq!(last["id"], 21, "line number when there is no id field");
    let spans: usize = last["attributes"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_array().unwrap().len())
        .sum();
    assert_eq!(spans, hanfix::explain(SENTENCES[0]).len());
    for v in last["attributes"].as_object().unwrap().values() {
        for span in v.as_array().unwrap() {
            let span = span.as_array().unwrap();
            assert_eq!(span.len(), 3);
            assert!(span[0].as_u64().unwrap() <= span[1].as_u64().unwrap());
        }
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["fix", "--script", "klingon"][..],
        &["fix", "--bogus"],
        &["nosuch"],
        &["fix", "--annotate"],
        &["fix", "--keep-original", "o"],
    ] {
        let o = hanfix(args, b"");
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
    let o = hanfix(&["fix", "/nonexistent/file.txt"], b"");
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn version_help_and_demo() {
    let o = hanfix(&["--version"], b"");
    ok(&o);
    assert!(String::from_utf8(o.stdout)
        .unwrap()
        .contains(env!("CARGO_PKG_VERSION")));
    let o = hanfix(&["fix", "--help"], b"");
    ok(&o);
    assert!(String::from_utf8(o.stdout).unwrap().contains("Examples:"));
    let o = hanfix(&["demo"], b"");
    ok(&o);
    let out = String::from_utf8(o.stdout).unwrap();
    let demo = include_str!("../assets/demo.txt");
    assert!(out.contains(demo.lines().next().unwrap()));
    assert!(out.contains(hanfix::fix(demo).lines().next().unwrap()));
}

#[test]
fn several_inputs_and_globs_concatenate_in_order() {
    let dir = tempfile::tempdir().unwrap();
    for (i, name) in ["b.jsonl", "a.jsonl", "c.jsonl"].iter().enumerate() {
        std::fs::write(dir.path().join(name), format!("{{\"text\":\"{i}\"}}\n")).unwrap();
    }
    let o = hanfix_in(dir.path(), &["fix", "*.jsonl"]);
    ok(&o);
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        "{\"text\":\"1\"}\n{\"text\":\"0\"}\n{\"text\":\"2\"}\n"
    );
}

fn parquet_fixture(path: &PathBuf, texts: &[Option<&str>]) {
    use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray, StructArray};
    use arrow_schema::{DataType, Field};
    use std::sync::Arc;
    let n = texts.len();
    let ids: ArrayRef = Arc::new(Int64Array::from_iter_values(0..n as i64));
    let content: ArrayRef = Arc::new(texts.iter().copied().collect::<StringArray>());
    let page: ArrayRef = Arc::new(Int64Array::from_iter_values((0..n as i64).map(|i| i * 10)));
    let meta = StructArray::from(vec![
        (
            Arc::new(Field::new("content", DataType::Utf8, true)),
            content,
        ),
        (Arc::new(Field::new("page", DataType::Int64, false)), page),
    ]);
    let score: ArrayRef = Arc::new(Float64Array::from_iter_values(
        (0..n).map(|i| i as f64 / 2.0),
    ));
    let url: ArrayRef = Arc::new(
        (0..n)
            .map(|i| Some(format!("https://example.invalid/{i}")))
            .collect::<StringArray>(),
    );
    let batch = RecordBatch::try_from_iter(vec![
        ("id", ids),
        ("meta", Arc::new(meta) as ArrayRef),
        ("score", score),
        ("url", url),
    ])
    .unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(
        std::fs::File::create(path).unwrap(),
        batch.schema(),
        None,
    )
    .unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

fn read_parquet(path: &PathBuf) -> arrow_array::RecordBatch {
    let r = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        std::fs::File::open(path).unwrap(),
    )
    .unwrap()
    .build()
    .unwrap();
    let batches: Vec<_> = r.map(|b| b.unwrap()).collect();
    arrow_select_concat(&batches)
}

fn arrow_select_concat(batches: &[arrow_array::RecordBatch]) -> arrow_array::RecordBatch {
    assert_eq!(batches.len(), 1, "fixture fits one batch");
    batches[0].clone()
}

#[test]
fn parquet_round_trip_keeps_other_columns() {
    use arrow_array::cast::AsArray;
    use arrow_array::Array;
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in.parquet");
    let texts: Vec<Option<&str>> = (0..500)
        .map(|i| {
            if i % 50 == 7 {
                None
            } else {
                Some(SENTENCES[i % SENTENCES.len()])
            }
        })
        .collect();
    parquet_fixture(&inp, &texts);
    let o = hanfix_in(
        dir.path(),
        &[
            "fix",
            "in.parquet",
            "--text-key",
            "meta.content",
            "--keep-original",
            "orig",
            "--annotate",
            "-o",
            "out.parquet",
        ],
    );
    ok(&o);
    let a = read_parquet(&inp);
    let b = read_parquet(&dir.path().join("out.parquet"));
    assert_eq!(b.num_rows(), 500);
    for name in ["id", "score", "url"] {
        assert_eq!(
            a.column_by_name(name).unwrap(),
            b.column_by_name(name).unwrap(),
            "{name}"
        );
    }
    let meta = b.column_by_name("meta").unwrap().as_struct();
    let content = meta.column_by_name("content").unwrap().as_string::<i32>();
    let orig = meta.column_by_name("orig").unwrap().as_string::<i32>();
    assert_eq!(
        meta.column_by_name("page").unwrap(),
        a.column_by_name("meta")
            .unwrap()
            .as_struct()
            .column_by_name("page")
            .unwrap()
    );
    for (i, t) in texts.iter().enumerate() {
        match t {
            Some(t) => {
                assert_eq!(content.value(i), hanfix::fix(t));
                assert_eq!(orig.value(i), *t);
            }
            None => assert!(content.is_null(i)),
        }
    }
    let ann = b.column_by_name("hanfix").unwrap().as_string::<i32>();
    let v: serde_json::Value = serde_json::from_str(ann.value(0)).unwrap();
    assert_eq!(v["edits_per_stage"].as_object().unwrap().len(), 7);

    // A non-string column is a clear error, and nothing is written.
    let o = hanfix_in(
        dir.path(),
        &[
            "fix",
            "in.parquet",
            "--text-key",
            "score",
            "-o",
            "bad.parquet",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("`score` is Float64, not a string column"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("bad.parquet").exists());
    // A file that is not Parquet names the file.
    std::fs::write(dir.path().join("junk.parquet"), "not parquet").unwrap();
    let o = hanfix_in(dir.path(), &["fix", "junk.parquet", "-o", "bad.parquet"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("junk.parquet"));
    // explain reads Parquet too.
    let o = hanfix_in(
        dir.path(),
        &["explain", "in.parquet", "--text-key", "meta.content"],
    );
    ok(&o);
    let n: usize = texts
        .iter()
        .flatten()
        .map(|t| hanfix::explain(t).len())
        .sum();
    assert_eq!(String::from_utf8(o.stdout).unwrap().lines().count(), n);
}

#[test]
fn output_to_a_fifo_or_through_a_symlink_keeps_them() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.jsonl"), generated_jsonl(50)).unwrap();
    let expected = hanfix_in(dir.path(), &["fix", "in.jsonl"]).stdout;
    // A symbolic link stays a link; its target gets the output.
    std::fs::write(dir.path().join("target.jsonl"), "old").unwrap();
    std::os::unix::fs::symlink("target.jsonl", dir.path().join("link.jsonl")).unwrap();
    ok(&hanfix_in(
        dir.path(),
        &["fix", "in.jsonl", "-o", "link.jsonl"],
    ));
    assert!(std::fs::symlink_metadata(dir.path().join("link.jsonl"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        std::fs::read(dir.path().join("target.jsonl")).unwrap(),
        expected
    );
    // A FIFO (like /dev/null or any device) is written in place, never renamed over.
    let fifo = dir.path().join("pipe");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    ok(&hanfix_in(dir.path(), &["fix", "in.jsonl", "-o", "pipe"]));
    assert_eq!(reader.join().unwrap(), expected);
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
}
