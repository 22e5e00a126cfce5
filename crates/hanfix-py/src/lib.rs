//! Python bindings for hanfix: the `hanfix._hanfix` extension module.
//!
//! The Python package `hanfix` (sources in `python/hanfix/` at the repository root) re-exports
//! everything defined here and adds the Arrow, Spark and datatrove adapters in plain Python.
//!
//! Every call releases the GIL while Rust repairs text. A [`Cleaner`] runs on the calling thread
//! unless it was built with `threads > 1`; batches are then split over scoped threads that live
//! only for the duration of one call, so a `Cleaner` holds no thread pool and stays valid in a
//! child process after `fork`.

use std::borrow::Cow;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use hanfix::{Edit, Fixer, Options, PunctMode, ScriptMode};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple, PyType};

/// Canonical name of a script mode, as accepted back by `ScriptMode::from_str`.
fn script_name(mode: ScriptMode) -> &'static str {
    match mode {
        ScriptMode::Auto => "auto",
        ScriptMode::Hans => "hans",
        ScriptMode::Hant => "hant",
        ScriptMode::Keep => "keep",
    }
}

/// Canonical name of a punctuation mode, as accepted back by `PunctMode::from_str`.
fn punct_name(mode: PunctMode) -> &'static str {
    match mode {
        PunctMode::Auto => "auto",
        PunctMode::Keep => "keep",
    }
}

/// Builds core options from the keyword arguments shared by `fix`, `explain` and `Cleaner`.
fn build_options(
    script: &str,
    punct: &str,
    mojibake: bool,
    byteshift: bool,
    pinyin: bool,
    html: bool,
) -> PyResult<Options> {
    let script = script
        .parse::<ScriptMode>()
        .map_err(|e| PyValueError::new_err(format!("script: {e}")))?;
    let punct = punct
        .parse::<PunctMode>()
        .map_err(|e| PyValueError::new_err(format!("punct: {e}")))?;
    Ok(Options {
        script,
        punct,
        mojibake,
        byteshift,
        pinyin,
        html,
    })
}

/// Reads a Python `str` as UTF-8. Strings holding lone surrogates cannot be repaired and are
/// reported as `ValueError` naming `what`.
fn read_str<'a>(s: &'a Bound<'_, PyString>, what: &dyn Fn() -> String) -> PyResult<Cow<'a, str>> {
    s.to_cow().map_err(|_| {
        PyValueError::new_err(format!(
            "{} is not valid Unicode (it contains lone surrogates)",
            what()
        ))
    })
}

/// Message carried by a panic payload.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_owned()
    }
}

/// Repairs one document; `Ok(None)` when it is unchanged. A panic inside the engine is caught and
/// returned as an error message so that it surfaces as a Python `RuntimeError`, not an abort.
fn fix_one(fixer: &Fixer, text: &str) -> Result<Option<String>, String> {
    catch_unwind(AssertUnwindSafe(|| match fixer.fix(text) {
        Cow::Borrowed(_) => None,
        Cow::Owned(s) => Some(s),
    }))
    .map_err(|p| panic_message(p.as_ref()))
}

/// The number of worker threads `threads` asks for (`0` means one per available core).
fn resolve_threads(threads: usize) -> usize {
    if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    }
}

/// Applies `f` to every item, on up to `threads` scoped threads that pull small chunks from a
/// shared counter (documents differ a lot in length, so static splitting would leave cores idle).
/// Results come back in input order.
fn map_parallel<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let workers = threads.min(items.len());
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    let chunk = (items.len() / (workers * 8)).clamp(1, 256);
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, Vec<R>)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let mut mine = Vec::new();
                loop {
                    let start = next.fetch_add(1, Ordering::Relaxed) * chunk;
                    if start >= items.len() {
                        break;
                    }
                    let end = (start + chunk).min(items.len());
                    mine.push((start, items[start..end].iter().map(&f).collect::<Vec<R>>()));
                }
                done.lock().unwrap_or_else(|e| e.into_inner()).extend(mine);
            });
        }
    });
    let mut parts = done.into_inner().unwrap_or_else(|e| e.into_inner());
    parts.sort_unstable_by_key(|(start, _)| *start);
    parts.into_iter().flat_map(|(_, part)| part).collect()
}

/// Converts one edit into the dict `explain` returns (offsets in code points of `original`).
fn edit_dict<'py>(py: Python<'py>, edit: &Edit, original: &str) -> PyResult<Bound<'py, PyDict>> {
    let (start, end) = edit.char_span(original);
    let d = PyDict::new(py);
    d.set_item("stage", edit.stage.name())?;
    d.set_item("start", start)?;
    d.set_item("end", end)?;
    d.set_item("before", &edit.before)?;
    d.set_item("after", &edit.after)?;
    // The shortest decimal of the f32 (0.99, not 0.9900000095367432).
    let confidence = edit
        .confidence
        .to_string()
        .parse::<f64>()
        .unwrap_or(f64::from(edit.confidence));
    d.set_item("confidence", confidence)?;
    d.set_item("reason", edit.reason.as_ref())?;
    Ok(d)
}

/// Repairs one Python string, returning the very same object when nothing changed.
fn fix_pystr<'py>(
    py: Python<'py>,
    fixer: &Fixer,
    text: &Bound<'py, PyString>,
) -> PyResult<Bound<'py, PyString>> {
    let s = read_str(text, &|| "text".to_owned())?;
    match py.detach(|| fix_one(fixer, &s)) {
        Ok(None) => Ok(text.clone()),
        Ok(Some(fixed)) => Ok(PyString::new(py, &fixed)),
        Err(msg) => Err(PyRuntimeError::new_err(format!(
            "hanfix internal error: {msg}"
        ))),
    }
}

/// Lists every edit made to one Python string.
fn explain_pystr<'py>(
    py: Python<'py>,
    fixer: &Fixer,
    text: &Bound<'py, PyString>,
) -> PyResult<Bound<'py, PyList>> {
    let s = read_str(text, &|| "text".to_owned())?;
    let original: &str = &s;
    let report = py
        .detach(|| {
            catch_unwind(AssertUnwindSafe(|| fixer.fix_report(original)))
                .map_err(|p| panic_message(p.as_ref()))
        })
        .map_err(|msg| PyRuntimeError::new_err(format!("hanfix internal error: {msg}")))?;
    let dicts = report
        .edits
        .iter()
        .map(|e| edit_dict(py, e, original))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, dicts)
}

/// Repairs a batch. Items must be `str` (or `None` when `allow_none`, which passes through).
/// Returns the output list (unchanged items are the input objects) and whether anything changed.
fn fix_many<'py>(
    py: Python<'py>,
    fixer: &Fixer,
    threads: usize,
    texts: &Bound<'py, PyAny>,
    allow_none: bool,
    method: &str,
) -> PyResult<(Bound<'py, PyList>, bool)> {
    if texts.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{method}() expects a list of str, not a single str"
        )));
    }
    let iter = texts.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{method}() expects a list of str, not {}",
            type_name(texts)
        ))
    })?;
    let mut objects: Vec<Bound<'py, PyAny>> = Vec::new();
    for item in iter {
        objects.push(item?);
    }
    let mut inputs: Vec<Option<Cow<'_, str>>> = Vec::with_capacity(objects.len());
    for (i, obj) in objects.iter().enumerate() {
        if let Ok(s) = obj.cast::<PyString>() {
            inputs.push(Some(read_str(s, &|| format!("{method}() item {i}"))?));
        } else if allow_none && obj.is_none() {
            inputs.push(None);
        } else {
            let expected = if allow_none { "str or None" } else { "str" };
            return Err(PyTypeError::new_err(format!(
                "{method}() item {i} is {}, expected {expected}",
                type_name(obj)
            )));
        }
    }
    let results = py.detach(|| {
        map_parallel(&inputs, resolve_threads(threads), |t| match t {
            Some(s) => fix_one(fixer, s),
            None => Ok(None),
        })
    });
    drop(inputs);
    let mut changed = false;
    let mut out = Vec::with_capacity(objects.len());
    for (i, (obj, res)) in objects.into_iter().zip(results).enumerate() {
        match res {
            Ok(None) => out.push(obj),
            Ok(Some(fixed)) => {
                changed = true;
                out.push(PyString::new(py, &fixed).into_any());
            }
            Err(msg) => {
                return Err(PyRuntimeError::new_err(format!(
                    "hanfix internal error on item {i}: {msg}"
                )))
            }
        }
    }
    Ok((PyList::new(py, out)?, changed))
}

/// Python type name of `obj`, for error messages.
fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_owned())
}

/// A reusable, picklable repair pipeline.
///
/// Pickling keeps only the options, so a `Cleaner` can be shipped to Spark executors,
/// multiprocessing workers or datatrove tasks. It holds no threads and is safe to use after
/// `fork`.
#[pyclass(module = "hanfix._hanfix", name = "Cleaner", subclass, frozen)]
pub struct Cleaner {
    fixer: Fixer,
    threads: usize,
}

#[pymethods]
impl Cleaner {
    /// Creates a cleaner. `threads` is the number of Rust threads used by `fix_batch` and
    /// `fix_arrow` (`1`, the default, suits one process per core as in Spark; `0` uses every core).
    #[new]
    #[pyo3(signature = (script = "auto", punct = "auto", mojibake = true, byteshift = true, pinyin = true, html = true, threads = 1))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        script: &str,
        punct: &str,
        mojibake: bool,
        byteshift: bool,
        pinyin: bool,
        html: bool,
        threads: i64,
    ) -> PyResult<Self> {
        let opts = build_options(script, punct, mojibake, byteshift, pinyin, html)?;
        let threads = usize::try_from(threads).map_err(|_| {
            PyValueError::new_err(format!(
                "threads must be >= 0 (0 means one per core), got {threads}"
            ))
        })?;
        Ok(Cleaner {
            fixer: Fixer::new(opts),
            threads,
        })
    }

    /// Output script mode: `"auto"`, `"hans"`, `"hant"` or `"keep"`.
    #[getter]
    fn script(&self) -> &'static str {
        script_name(self.fixer.options().script)
    }

    /// Punctuation mode: `"auto"` or `"keep"`.
    #[getter]
    fn punct(&self) -> &'static str {
        punct_name(self.fixer.options().punct)
    }

    /// Whether classic mojibake is repaired.
    #[getter]
    fn mojibake(&self) -> bool {
        self.fixer.options().mojibake
    }

    /// Whether GB18030 byte shifts are repaired.
    #[getter]
    fn byteshift(&self) -> bool {
        self.fixer.options().byteshift
    }

    /// Whether injected pinyin is removed.
    #[getter]
    fn pinyin(&self) -> bool {
        self.fixer.options().pinyin
    }

    /// Whether stray HTML is removed.
    #[getter]
    fn html(&self) -> bool {
        self.fixer.options().html
    }

    /// Number of Rust threads used for batches (`0`: one per core).
    #[getter]
    fn threads(&self) -> usize {
        self.threads
    }

    /// The options as a dict of keyword arguments that rebuild this cleaner.
    fn options<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let o = self.fixer.options();
        let d = PyDict::new(py);
        d.set_item("script", script_name(o.script))?;
        d.set_item("punct", punct_name(o.punct))?;
        d.set_item("mojibake", o.mojibake)?;
        d.set_item("byteshift", o.byteshift)?;
        d.set_item("pinyin", o.pinyin)?;
        d.set_item("html", o.html)?;
        d.set_item("threads", self.threads)?;
        Ok(d)
    }

    /// Repairs one document.
    fn fix<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyString>,
    ) -> PyResult<Bound<'py, PyString>> {
        fix_pystr(py, &self.fixer, text)
    }

    /// Repairs a list of documents, in order, using `threads` Rust threads.
    fn fix_batch<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        Ok(fix_many(py, &self.fixer, self.threads, texts, false, "fix_batch")?.0)
    }

    /// Like `fix_batch`, but `None` items pass through and the result is `None` when no item
    /// changed (used by `fix_arrow` to hand back the input array untouched).
    fn _fix_nullable<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyList>>> {
        let (out, changed) = fix_many(py, &self.fixer, self.threads, texts, true, "fix_arrow")?;
        Ok(changed.then_some(out))
    }

    /// Every edit made to one document, as dicts with code-point offsets.
    fn explain<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyString>,
    ) -> PyResult<Bound<'py, PyList>> {
        explain_pystr(py, &self.fixer, text)
    }

    /// Pickle support: the class and its options, nothing else.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyType>, Bound<'py, PyTuple>)> {
        let this = slf.get();
        let o = this.fixer.options();
        let args = (
            script_name(o.script),
            punct_name(o.punct),
            o.mojibake,
            o.byteshift,
            o.pinyin,
            o.html,
            this.threads,
        )
            .into_pyobject(slf.py())?;
        Ok((slf.get_type(), args))
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let this = slf.get();
        let o = this.fixer.options();
        Ok(format!(
            "{}(script='{}', punct='{}', mojibake={}, byteshift={}, pinyin={}, html={}, threads={})",
            slf.get_type().name()?,
            script_name(o.script),
            punct_name(o.punct),
            py_bool(o.mojibake),
            py_bool(o.byteshift),
            py_bool(o.pinyin),
            py_bool(o.html),
            this.threads
        ))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<Cleaner>().is_ok_and(|o| {
            let o = o.get();
            o.threads == self.threads && o.fixer.options() == self.fixer.options()
        })
    }
}

/// Python spelling of a bool.
fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// Repairs `text` and returns the repaired string.
#[pyfunction]
#[pyo3(signature = (text, script = "auto", punct = "auto", *, mojibake = true, byteshift = true, pinyin = true, html = true))]
#[allow(clippy::too_many_arguments)]
fn fix<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyString>,
    script: &str,
    punct: &str,
    mojibake: bool,
    byteshift: bool,
    pinyin: bool,
    html: bool,
) -> PyResult<Bound<'py, PyString>> {
    let fixer = Fixer::new(build_options(
        script, punct, mojibake, byteshift, pinyin, html,
    )?);
    fix_pystr(py, &fixer, text)
}

/// Repairs `text` and returns every edit as a dict.
#[pyfunction]
#[pyo3(signature = (text, script = "auto", punct = "auto", *, mojibake = true, byteshift = true, pinyin = true, html = true))]
#[allow(clippy::too_many_arguments)]
fn explain<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyString>,
    script: &str,
    punct: &str,
    mojibake: bool,
    byteshift: bool,
    pinyin: bool,
    html: bool,
) -> PyResult<Bound<'py, PyList>> {
    let fixer = Fixer::new(build_options(
        script, punct, mojibake, byteshift, pinyin, html,
    )?);
    explain_pystr(py, &fixer, text)
}

/// The `hanfix._hanfix` extension module.
#[pymodule]
fn _hanfix(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(fix, m)?)?;
    m.add_function(wrap_pyfunction!(explain, m)?)?;
    m.add_class::<Cleaner>()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_parallel_keeps_order() {
        let items: Vec<usize> = (0..1000).collect();
        for threads in [1, 2, 3, 8] {
            let out = map_parallel(&items, threads, |x| x * 2);
            assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        }
        assert!(map_parallel(&Vec::<usize>::new(), 4, |x| *x).is_empty());
    }

    #[test]
    fn mode_names_round_trip() {
        for m in [
            ScriptMode::Auto,
            ScriptMode::Hans,
            ScriptMode::Hant,
            ScriptMode::Keep,
        ] {
            assert_eq!(script_name(m).parse::<ScriptMode>().unwrap(), m);
        }
        for m in [PunctMode::Auto, PunctMode::Keep] {
            assert_eq!(punct_name(m).parse::<PunctMode>().unwrap(), m);
        }
    }

    #[test]
    fn fix_one_reports_unchanged_clean_text() {
        assert_eq!(fix_one(&Fixer::default(), "今天天气很好。"), Ok(None));
    }
}
