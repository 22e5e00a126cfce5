//! Parquet input and output: rewrites one string column (top-level or inside structs), keeps
//! every other column.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{
    Array, ArrayRef, LargeStringArray, RecordBatch, StringArray, StringViewArray, StructArray,
};
use arrow_schema::{DataType, Field, FieldRef, Fields, Schema, SchemaRef};
use hanfix::StageKind;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use crate::error::{CliError, Result};
use crate::io::{Input, Output};
use crate::run::{
    annotation_json, attribute_name, position_edits, Config, EditOut, Mode, Repaired, Runner,
};

const BATCH_ROWS: usize = 2048;

/// The repaired form of one row's text.
struct RowOut {
    /// New text, when it changed.
    text: Option<String>,
    per_stage: [usize; 7],
    bytes: usize,
    annotation: Option<String>,
    edits: Vec<EditOut>,
}

fn open(input: &Input) -> Result<(ParquetRecordBatchReader, SchemaRef)> {
    let path = input.path().ok_or_else(|| {
        CliError::Usage("Parquet cannot be read from standard input; give a file".into())
    })?;
    let file = File::open(path).map_err(|e| CliError::io("cannot open", path, e))?;
    let err = |e: parquet::errors::ParquetError| {
        CliError::Runtime(format!(
            "{}: not a readable Parquet file: {e}",
            path.display()
        ))
    };
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(err)?
        .with_batch_size(BATCH_ROWS);
    let schema = builder.schema().clone();
    let reader = builder.build().map_err(err)?;
    Ok((reader, schema))
}

/// Finds the column at `path` (a field name, or names joined by dots through struct columns).
fn resolve(fields: &Fields, path: &str) -> Option<Vec<usize>> {
    if let Some(i) = fields.iter().position(|f| f.name() == path) {
        return Some(vec![i]);
    }
    for (dot, _) in path.match_indices('.') {
        let (head, rest) = (&path[..dot], &path[dot + 1..]);
        if let Some(i) = fields.iter().position(|f| f.name() == head) {
            if let DataType::Struct(inner) = fields[i].data_type() {
                if let Some(mut tail) = resolve(inner, rest) {
                    tail.insert(0, i);
                    return Some(tail);
                }
            }
        }
    }
    None
}

/// The values of a string column, or `None` when the column is not a string column.
fn strings(col: &ArrayRef) -> Option<Vec<Option<&str>>> {
    Some(match col.data_type() {
        DataType::Utf8 => col.as_string::<i32>().iter().collect(),
        DataType::LargeUtf8 => col.as_string::<i64>().iter().collect(),
        DataType::Utf8View => col.as_string_view().iter().collect(),
        _ => return None,
    })
}

/// A string column of the same type as `like`.
fn string_array<'a>(like: &DataType, values: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
    match like {
        DataType::LargeUtf8 => Arc::new(values.collect::<LargeStringArray>()),
        DataType::Utf8View => Arc::new(values.collect::<StringViewArray>()),
        _ => Arc::new(values.collect::<StringArray>()),
    }
}

/// The document id of `row`, as JSON, from a string or integer column.
fn id_json(col: &dyn Array, row: usize) -> Option<String> {
    if col.is_null(row) {
        return None;
    }
    let s = match col.data_type() {
        DataType::Utf8 => serde_json::to_string(col.as_string::<i32>().value(row)).ok()?,
        DataType::LargeUtf8 => serde_json::to_string(col.as_string::<i64>().value(row)).ok()?,
        DataType::Utf8View => serde_json::to_string(col.as_string_view().value(row)).ok()?,
        DataType::Int8 => col.as_primitive::<Int8Type>().value(row).to_string(),
        DataType::Int16 => col.as_primitive::<Int16Type>().value(row).to_string(),
        DataType::Int32 => col.as_primitive::<Int32Type>().value(row).to_string(),
        DataType::Int64 => col.as_primitive::<Int64Type>().value(row).to_string(),
        DataType::UInt8 => col.as_primitive::<UInt8Type>().value(row).to_string(),
        DataType::UInt16 => col.as_primitive::<UInt16Type>().value(row).to_string(),
        DataType::UInt32 => col.as_primitive::<UInt32Type>().value(row).to_string(),
        DataType::UInt64 => col.as_primitive::<UInt64Type>().value(row).to_string(),
        _ => return None,
    };
    Some(s)
}

/// Rebuilds `columns` with the leaf at `idx` replaced by `new` and, when given, a sibling
/// column `keep` (name and array) set beside it.
fn replace_leaf(
    fields: &Fields,
    mut columns: Vec<ArrayRef>,
    idx: &[usize],
    new: ArrayRef,
    keep: Option<(&str, ArrayRef)>,
) -> Result<(Fields, Vec<ArrayRef>)> {
    let mut fields: Vec<FieldRef> = fields.iter().cloned().collect();
    let i = idx[0];
    if idx.len() == 1 {
        columns[i] = new;
        if let Some((name, arr)) = keep {
            let field = Arc::new(Field::new(name, arr.data_type().clone(), true));
            match fields.iter().position(|f| f.name() == name) {
                Some(k) => {
                    fields[k] = field;
                    columns[k] = arr;
                }
                None => {
                    fields.push(field);
                    columns.push(arr);
                }
            }
        }
    } else {
        let st: &StructArray = columns[i].as_struct();
        let (inner_fields, inner_cols, nulls) = st.clone().into_parts();
        let (nf, nc) = replace_leaf(&inner_fields, inner_cols, &idx[1..], new, keep)?;
        let rebuilt = StructArray::try_new(nf.clone(), nc, nulls)
            .map_err(|e| CliError::Runtime(e.to_string()))?;
        columns[i] = Arc::new(rebuilt);
        let old = &fields[i];
        fields[i] = Arc::new(
            Field::new(old.name(), DataType::Struct(nf), old.is_nullable())
                .with_metadata(old.metadata().clone()),
        );
    }
    Ok((Fields::from(fields), columns))
}

/// The text column at `idx` of `batch`.
fn leaf(batch: &RecordBatch, idx: &[usize]) -> ArrayRef {
    let mut col = batch.column(idx[0]).clone();
    for &i in &idx[1..] {
        col = col.as_struct().column(i).clone();
    }
    col
}

/// Checks that the text column exists and holds strings; returns its position.
fn text_column(schema: &Schema, cfg: &Config, name: &str) -> Result<Vec<usize>> {
    let idx = resolve(schema.fields(), &cfg.text_key)
        .ok_or_else(|| CliError::Runtime(format!("{name}: no column `{}`", cfg.text_key)))?;
    let mut field: &Field = &schema.fields()[idx[0]];
    for &i in &idx[1..] {
        if let DataType::Struct(f) = field.data_type() {
            field = &f[i];
        }
    }
    match field.data_type() {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Ok(idx),
        other => Err(CliError::Runtime(format!(
            "{name}: column `{}` is {other}, not a string column",
            cfg.text_key
        ))),
    }
}

/// Repairs the text column of one batch; returns the new batch and per-row results.
fn fix_batch(
    runner: &mut Runner<'_>,
    cfg: &Config,
    batch: &RecordBatch,
    idx: &[usize],
) -> Result<(RecordBatch, Vec<Option<RowOut>>)> {
    let col = leaf(batch, idx);
    let values = strings(&col).unwrap_or_default();
    let rows: Vec<Option<RowOut>> = runner.map(&values, |v| {
        v.map(|text| {
            let report = Repaired::text(cfg, text);
            let annotation = cfg.annotate.as_ref().map(|_| annotation_json(&report));
            let per_stage = report.counts();
            let changed = report.text != text;
            let edits = if cfg.wants_edits() {
                position_edits(text, report.edits)
            } else {
                Vec::new()
            };
            RowOut {
                text: changed.then_some(report.text),
                per_stage,
                bytes: text.len(),
                annotation,
                edits,
            }
        })
    });
    for r in rows.iter().flatten() {
        let stages = StageKind::ALL.map(|k| (k, r.per_stage[k as usize]));
        runner.stats.add_doc(r.bytes, &stages);
    }
    if cfg.mode == Mode::Explain {
        return Ok((batch.clone(), rows));
    }
    let new_col = string_array(
        col.data_type(),
        values
            .iter()
            .zip(&rows)
            .map(|(v, r)| match r.as_ref().and_then(|r| r.text.as_deref()) {
                Some(t) => Some(t),
                None => *v,
            }),
    );
    let keep = cfg.keep_original.as_deref().map(|k| (k, col.clone()));
    let schema = batch.schema();
    let (mut fields, mut columns) = replace_leaf(
        schema.fields(),
        batch.columns().to_vec(),
        idx,
        new_col,
        keep,
    )?;
    if let Some(name) = &cfg.annotate {
        let arr: ArrayRef = Arc::new(
            rows.iter()
                .map(|r| r.as_ref().and_then(|r| r.annotation.as_deref()))
                .collect::<StringArray>(),
        );
        let field = Arc::new(Field::new(name, DataType::Utf8, true));
        let mut fv: Vec<FieldRef> = fields.iter().cloned().collect();
        match fv.iter().position(|f| f.name() == name) {
            Some(k) => {
                fv[k] = field;
                columns[k] = arr;
            }
            None => {
                fv.push(field);
                columns.push(arr);
            }
        }
        fields = Fields::from(fv);
    }
    let out_schema = Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()));
    let out =
        RecordBatch::try_new(out_schema, columns).map_err(|e| CliError::Runtime(e.to_string()))?;
    Ok((out, rows))
}

/// Repairs Parquet `inputs` into one Parquet file at `out`.
pub fn fix_files(
    runner: &mut Runner<'_>,
    cfg: &Config,
    inputs: &[Input],
    out: &Path,
) -> Result<()> {
    let mut writer: Option<(ArrowWriter<Output>, SchemaRef)> = None;
    for input in inputs {
        let name = input.display();
        let (reader, schema) = open(input)?;
        let idx = text_column(&schema, cfg, &name)?;
        let mut attrs = match &cfg.attributes {
            Some(dir) => Some(Output::open(Some(&dir.join(attribute_name(input))))?),
            None => None,
        };
        let id_col = schema.fields().iter().position(|f| f.name() == &cfg.id_key);
        // The output schema, from an empty batch, so that an empty input still writes a file.
        let (empty, _) = fix_batch(runner, cfg, &RecordBatch::new_empty(schema.clone()), &idx)?;
        let w = match writer.as_mut() {
            Some((w, first)) => {
                if first.fields() != empty.schema().fields() {
                    return Err(CliError::Runtime(format!(
                        "{name}: schema differs from the first input"
                    )));
                }
                w
            }
            None => {
                let props = WriterProperties::builder()
                    .set_compression(Compression::ZSTD(ZstdLevel::default()))
                    .build();
                let sink = Output::open(Some(out))?;
                let w = ArrowWriter::try_new(sink, empty.schema(), Some(props)).map_err(|e| {
                    CliError::Runtime(format!("cannot write {}: {e}", out.display()))
                })?;
                &mut writer.insert((w, empty.schema())).0
            }
        };
        let mut row = 0usize;
        for batch in reader {
            let batch = batch.map_err(|e| {
                CliError::Runtime(format!("{name}: rows from {}: cannot decode: {e}", row + 1))
            })?;
            let (fixed, rows) = fix_batch(runner, cfg, &batch, &idx)?;
            w.write(&fixed)
                .map_err(|e| CliError::Runtime(format!("cannot write {}: {e}", out.display())))?;
            if let Some(a) = attrs.as_mut() {
                for (i, r) in rows.iter().enumerate() {
                    let id = id_col
                        .and_then(|c| id_json(batch.column(c).as_ref(), i))
                        .unwrap_or_else(|| (row + i + 1).to_string());
                    let edits = r.as_ref().map(|r| r.edits.as_slice()).unwrap_or(&[]);
                    a.write_all(&crate::run::attribute_line(&id, edits))?;
                }
            }
            row += batch.num_rows();
            runner.progress_update();
        }
        runner.stats.files += 1;
        if let Some(a) = attrs {
            a.finish()?;
        }
    }
    match writer {
        Some((w, _)) => {
            let sink = w
                .into_inner()
                .map_err(|e| CliError::Runtime(format!("cannot write {}: {e}", out.display())))?;
            sink.finish()
        }
        None => Err(CliError::Usage("no input".into())),
    }
}

/// Explains the edits of one Parquet input.
pub fn explain_file(
    runner: &mut Runner<'_>,
    cfg: &Config,
    index: usize,
    input: &Input,
    out: &mut Output,
) -> Result<()> {
    let name = input.display();
    let (reader, schema) = open(input)?;
    let idx = text_column(&schema, cfg, &name)?;
    let id_col = schema.fields().iter().position(|f| f.name() == &cfg.id_key);
    let file_field = cfg.multi.then_some(name.as_str());
    let _ = index;
    let mut row = 0usize;
    let mut buf = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| {
            CliError::Runtime(format!("{name}: rows from {}: cannot decode: {e}", row + 1))
        })?;
        let (_, rows) = fix_batch(runner, cfg, &batch, &idx)?;
        buf.clear();
        for (i, r) in rows.iter().enumerate() {
            let Some(r) = r else { continue };
            let doc = id_col
                .and_then(|c| id_json(batch.column(c).as_ref(), i))
                .unwrap_or_else(|| (row + i).to_string());
            for e in &r.edits {
                crate::run::explain_line(&mut buf, &doc, file_field, e, (0, 0));
            }
        }
        out.write_all(&buf)?;
        row += batch.num_rows();
        runner.progress_update();
    }
    runner.stats.files += 1;
    Ok(())
}
