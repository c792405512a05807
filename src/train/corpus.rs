//! Training files as the `train` commands name them: "path*N" repeats, folders of documents,
//! CoNLL sentence blocks, and the one rule for which items are held out.
use std::path::{Path, PathBuf};

/// Which items are held out: every `every`th one (the one at `slice` of each `every`), or with
/// `blocks` > 0 the `slice`th of `blocks` contiguous blocks (unseen documents look like a
/// contiguous block of a corpus in document order, not like every Nth sentence of it).
#[derive(Debug, Clone, Copy)]
pub struct HoldOut {
    every: usize,
    slice: usize,
    blocks: usize,
}

impl HoldOut {
    /// Items `slice`, `slice + every`, ... held out; `slice` defaults to the last of each
    /// `every`. An error when `slice` is not below `every`.
    pub fn new(every: usize, slice: Option<usize>) -> Result<Self, String> {
        let slice = slice.unwrap_or(every.saturating_sub(1));
        if every > 0 && slice >= every {
            return Err(format!(
                "the held-out slice {slice} must be below --holdout-every {every}"
            ));
        }
        Ok(Self {
            every,
            slice,
            blocks: 0,
        })
    }

    /// The `slice`th (default the last) of `blocks` contiguous blocks held out.
    pub fn block(blocks: usize, slice: Option<usize>) -> Result<Self, String> {
        let slice = slice.unwrap_or(blocks.saturating_sub(1));
        if blocks > 0 && slice >= blocks {
            return Err(format!("the held-out block {slice} must be below {blocks}"));
        }
        Ok(Self {
            every: 0,
            slice,
            blocks,
        })
    }

    /// Nothing held out.
    pub fn none() -> Self {
        Self {
            every: 0,
            slice: 0,
            blocks: 0,
        }
    }

    /// How it holds out, for reports ("every 10th", "block 9 of 10").
    pub fn describe(&self) -> String {
        if self.blocks > 0 {
            format!("contiguous block {} of {}", self.slice, self.blocks)
        } else {
            format!("every {}th", self.every)
        }
    }

    /// How often an item is held out (0: never).
    pub fn every(&self) -> usize {
        self.every
    }

    /// Whether item `i` of `n` is held out.
    pub fn holds(&self, i: usize, n: usize) -> bool {
        let start = (self.slice * n).checked_div(self.blocks);
        let end = ((self.slice + 1) * n).checked_div(self.blocks);
        match (start, end) {
            (Some(start), Some(end)) => (start..end).contains(&i),
            _ => self.every > 0 && i % self.every == self.slice,
        }
    }

    /// (kept, held) of `items` in order.
    pub fn split<T>(&self, items: Vec<T>) -> (Vec<T>, Vec<T>) {
        let n = items.len();
        let (mut kept, mut held) = (Vec::new(), Vec::new());
        for (i, x) in items.into_iter().enumerate() {
            if self.holds(i, n) {
                held.push(x);
            } else {
                kept.push(x);
            }
        }
        (kept, held)
    }
}

/// "path*N" -> (path, N): a corpus weighted up N times.
pub fn repeat_spec(spec: &str) -> (PathBuf, usize) {
    match spec.rsplit_once('*') {
        Some((p, n)) if n.parse::<usize>().is_ok_and(|n| n > 0) => {
            (PathBuf::from(p), n.parse::<usize>().unwrap_or(1))
        }
        _ => (PathBuf::from(spec), 1),
    }
}

/// The files under `dir`, searched recursively, sorted.
pub fn files_under(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for e in std::fs::read_dir(dir)? {
            let p = e?.path();
            if p.is_dir() {
                walk(&p, out)?;
            } else {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, &mut out)?;
    out.sort();
    Ok(out)
}

/// A file's contents, with the path in the error.
pub fn read_text(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The sentence blocks of a CoNLL file (blank lines between them).
pub fn conll_blocks(text: &str) -> Vec<&str> {
    text.split("\n\n")
        .filter(|b| !b.trim().is_empty())
        .collect()
}

/// A text file to read line by line; an .xz file is read through `xz -dc`.
pub fn open_maybe_xz(path: &Path) -> std::io::Result<Box<dyn std::io::BufRead>> {
    // xz on a missing file prints an error and gives no lines: an empty corpus, not a failure,
    // unless the file is checked here.
    std::fs::metadata(path)
        .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    Ok(if path.extension().is_some_and(|e| e == "xz") {
        let child = std::process::Command::new("xz")
            .arg("-dc")
            .arg(path)
            .stdout(std::process::Stdio::piped())
            .spawn()?;
        Box::new(std::io::BufReader::new(
            child
                .stdout
                .ok_or_else(|| std::io::Error::other("xz: no stdout"))?,
        ))
    } else {
        Box::new(std::io::BufReader::new(std::fs::File::open(path)?))
    })
}

/// The text lines (title, summary, body paragraphs) of VietNews-style JSON Lines files, at most
/// `limit` articles a file, each passed to `f`.
pub fn for_each_article_line(
    paths: &[std::path::PathBuf],
    limit: usize,
    mut f: impl FnMut(&str),
) -> std::io::Result<()> {
    use std::io::BufRead;
    for path in paths {
        for (n, line) in open_maybe_xz(path)?.lines().enumerate() {
            if n >= limit {
                break;
            }
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&line?) else {
                continue;
            };
            for field in ["title", "summary", "body"] {
                let text = v.get(field).and_then(|x| x.as_str()).unwrap_or("");
                text.split('\n').for_each(&mut f);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_hold_out_rule() {
        let h = HoldOut::new(10, None).unwrap();
        assert!(h.holds(9, 100) && h.holds(19, 100) && !h.holds(0, 100));
        let (kept, held) = HoldOut::new(3, Some(0)).unwrap().split((0..7).collect());
        assert_eq!((kept, held), (vec![1, 2, 4, 5], vec![0, 3, 6]));
        assert!(HoldOut::new(3, Some(3)).is_err());
        assert_eq!(HoldOut::none().split((0..3).collect()).1, Vec::<i32>::new());
        let (kept, held) = HoldOut::block(4, Some(1)).unwrap().split((0..8).collect());
        assert_eq!((kept, held), (vec![0, 1, 4, 5, 6, 7], vec![2, 3]));
        assert!(HoldOut::block(4, Some(4)).is_err());
        assert_eq!(repeat_spec("a/b*2"), (PathBuf::from("a/b"), 2));
        assert_eq!(repeat_spec("a*b"), (PathBuf::from("a*b"), 1));
        assert_eq!(conll_blocks("a O\n\n\nb O\n").len(), 2);
        assert!(open_maybe_xz(Path::new("no/such/corpus.jsonl.xz")).is_err());
    }
}
