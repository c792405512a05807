//! Word lists shipped in models/lexicon (licences and sources in models/README.md), embedded in
//! the binary and keyed by canonical syllable keys (see normalize::syllable_key).
use rustc_hash::FxHashSet;
use std::sync::OnceLock;

use super::normalize::syllable_key;

macro_rules! lexicon_file {
    ($path:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/models/lexicon/",
            $path
        ))
    };
}

/// A set of multi-syllable entries; each entry is its syllable keys joined by one space.
#[derive(Debug, Default)]
pub struct WordSet {
    entries: FxHashSet<String>,
    /// Longest entry, in syllables.
    pub max_syllables: usize,
}

impl WordSet {
    /// A set of the given entries (words with syllables separated by spaces or "_").
    pub fn from_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> Self {
        let mut set = WordSet::default();
        for line in lines {
            set.insert(line);
        }
        set
    }

    /// Adds one entry (ignored when it holds no letter or digit).
    pub fn insert(&mut self, entry: &str) {
        let keys: Vec<String> = entry
            .split(|c: char| c.is_whitespace() || c == '_')
            .filter(|s| !s.is_empty())
            .map(syllable_key)
            .collect();
        if keys.is_empty() || !keys.iter().all(|k| k.chars().any(char::is_alphanumeric)) {
            return;
        }
        self.max_syllables = self.max_syllables.max(keys.len());
        self.entries.insert(keys.join(" "));
    }

    /// Looks up keys already joined by single spaces.
    pub fn contains_key(&self, joined_keys: &str) -> bool {
        self.entries.contains(joined_keys)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Entries as syllable keys joined by one space.
    pub fn entries(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(String::as_str)
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// All embedded lexicons, parsed once.
#[derive(Debug)]
pub struct Lexicons {
    /// General vocabulary (RDRsegmenter VN_DICT) plus place and country names.
    pub words: WordSet,
    /// Words that open sentences and are not names when capitalised there.
    pub sentence_openers: WordSet,
    /// Vietnamese family names.
    pub family_names: WordSet,
    /// Vietnamese middle names ("Văn", "Thị") and given names, one or two syllables (namedb).
    pub middle_names: WordSet,
    /// Vietnamese given names.
    pub given_names: WordSet,
    /// Vietnamese places: provinces, districts, locations.
    pub locations: WordSet,
    /// Country names, long and short.
    pub countries: WordSet,
    /// Companies known worldwide.
    pub companies: WordSet,
    /// Given names common in foreign news names ("John", "Volodymyr"), authored here.
    pub foreign_given_names: WordSet,
    /// Institutions named after their seat ("Lầu Năm Góc", "Nhà Trắng"), authored here.
    pub institutions: WordSet,
}

impl Lexicons {
    /// Builds the lexicons from file contents, looked up by their path under models/lexicon.
    fn build(file: &dyn Fn(&'static str) -> std::borrow::Cow<'static, str>) -> Self {
        let (loc, prov, dist) = (
            file("rdrsegmenter/VN_LOCATIONS.txt"),
            file("admin_units/provinces.txt"),
            file("admin_units/districts_pre2025.txt"),
        );
        let locations: Vec<&str> = loc
            .lines()
            .chain(prov.lines())
            .chain(admin_names(&dist))
            .collect();
        let (long, short) = (
            file("rdrsegmenter/COUNTRY_L_NAME.txt"),
            file("rdrsegmenter/COUNTRY_S_NAME.txt"),
        );
        let countries: Vec<&str> = long.lines().chain(short.lines()).collect();
        let dict = file("rdrsegmenter/VN_DICT.txt");
        let words = WordSet::from_lines(
            dict.lines()
                .chain(locations.iter().copied())
                .chain(countries.iter().copied()),
        );
        let given: Vec<_> = [
            "namedb/boy.txt",
            "namedb/girl.txt",
            "namedb/boy_one_word.txt",
            "namedb/girl_one_word.txt",
        ]
        .into_iter()
        .map(file)
        .collect();
        Lexicons {
            words,
            sentence_openers: WordSet::from_lines(
                file("rdrsegmenter/VN_FIRST_SENT_WORDS.txt").lines(),
            ),
            family_names: WordSet::from_lines(file("rdrsegmenter/VN_FAMILY_NAMES.txt").lines()),
            middle_names: WordSet::from_lines(file("rdrsegmenter/VN_MIDDLE_NAMES.txt").lines()),
            given_names: WordSet::from_lines(given.iter().flat_map(|f| f.lines())),
            locations: WordSet::from_lines(locations.iter().copied()),
            countries: WordSet::from_lines(countries.iter().copied()),
            companies: WordSet::from_lines(file("rdrsegmenter/WORLD_COMPANY.txt").lines()),
            foreign_given_names: WordSet::from_lines(
                file("vitext/foreign_given_names.txt").lines(),
            ),
            institutions: WordSet::from_lines(file("vitext/institutions.txt").lines()),
        }
    }

    fn embedded(path: &'static str) -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed(match path {
            "rdrsegmenter/VN_LOCATIONS.txt" => lexicon_file!("rdrsegmenter/VN_LOCATIONS.txt"),
            "admin_units/provinces.txt" => lexicon_file!("admin_units/provinces.txt"),
            "admin_units/districts_pre2025.txt" => {
                lexicon_file!("admin_units/districts_pre2025.txt")
            }
            "rdrsegmenter/COUNTRY_L_NAME.txt" => lexicon_file!("rdrsegmenter/COUNTRY_L_NAME.txt"),
            "rdrsegmenter/COUNTRY_S_NAME.txt" => lexicon_file!("rdrsegmenter/COUNTRY_S_NAME.txt"),
            "rdrsegmenter/VN_DICT.txt" => lexicon_file!("rdrsegmenter/VN_DICT.txt"),
            "rdrsegmenter/VN_FIRST_SENT_WORDS.txt" => {
                lexicon_file!("rdrsegmenter/VN_FIRST_SENT_WORDS.txt")
            }
            "rdrsegmenter/VN_FAMILY_NAMES.txt" => lexicon_file!("rdrsegmenter/VN_FAMILY_NAMES.txt"),
            "rdrsegmenter/WORLD_COMPANY.txt" => lexicon_file!("rdrsegmenter/WORLD_COMPANY.txt"),
            "rdrsegmenter/VN_MIDDLE_NAMES.txt" => lexicon_file!("rdrsegmenter/VN_MIDDLE_NAMES.txt"),
            "vitext/foreign_given_names.txt" => lexicon_file!("vitext/foreign_given_names.txt"),
            "vitext/institutions.txt" => lexicon_file!("vitext/institutions.txt"),
            "namedb/boy.txt" => lexicon_file!("namedb/boy.txt"),
            "namedb/girl.txt" => lexicon_file!("namedb/girl.txt"),
            "namedb/boy_one_word.txt" => lexicon_file!("namedb/boy_one_word.txt"),
            "namedb/girl_one_word.txt" => lexicon_file!("namedb/girl_one_word.txt"),
            _ => "",
        })
    }

    /// The lexicons from `dir` (laid out like models/lexicon); files absent there fall back to
    /// the embedded ones. Returns which files were read from `dir`.
    pub fn from_dir(dir: &std::path::Path) -> std::io::Result<(Self, Vec<String>)> {
        if !dir.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{} is not a directory", dir.display()),
            ));
        }
        let read = std::cell::RefCell::new(Vec::new());
        // A file that is absent stays embedded; one that is there but cannot be read is an
        // error, never silently replaced.
        let failed = std::cell::RefCell::new(None);
        let lex = Self::build(&|path| {
            let full = dir.join("lexicon").join(path);
            match std::fs::read_to_string(&full) {
                Ok(s) => {
                    read.borrow_mut().push(path.to_string());
                    std::borrow::Cow::Owned(s)
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::embedded(path),
                Err(e) => {
                    failed.borrow_mut().get_or_insert(std::io::Error::new(
                        e.kind(),
                        format!("{}: {e}", full.display()),
                    ));
                    Self::embedded(path)
                }
            }
        });
        match failed.into_inner() {
            Some(e) => Err(e),
            None => Ok((lex, read.into_inner())),
        }
    }

    /// The process-wide embedded lexicons (parsed on first use, a few milliseconds).
    pub fn get() -> &'static Lexicons {
        static LEXICONS: OnceLock<Lexicons> = OnceLock::new();
        LEXICONS.get_or_init(|| Self::build(&Self::embedded))
    }
}

/// "Huyện An Biên" -> "An Biên": the admin-unit lists prefix the unit type.
fn admin_names(list: &str) -> impl Iterator<Item = &str> + '_ {
    list.lines().map(|l| {
        ["Huyện ", "Quận ", "Thị xã ", "Thành phố ", "Thành Phố "]
            .iter()
            .find_map(|p| l.strip_prefix(p))
            .unwrap_or(l)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicons_load_and_match_any_tone_convention() {
        let lx = Lexicons::get();
        assert!(lx.words.len() > 30_000);
        assert!(lx.words.contains_key("bộ trưởng"));
        assert!(lx.words.contains_key(&format!(
            "{} {}",
            syllable_key("hoà"),
            syllable_key("bình")
        )));
        assert!(lx.locations.contains_key("an biên"));
        assert!(lx.family_names.contains_key("nguyễn"));
    }

    #[test]
    fn a_model_directory_overrides_single_files() {
        let dir = std::env::temp_dir().join(format!("vitext-lex-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("lexicon/rdrsegmenter")).unwrap();
        std::fs::write(
            dir.join("lexicon/rdrsegmenter/VN_DICT.txt"),
            "xin chào\nđường sắt đô thị\n",
        )
        .unwrap();
        let (lx, read) = Lexicons::from_dir(&dir).unwrap();
        assert_eq!(read, ["rdrsegmenter/VN_DICT.txt"]);
        assert!(lx.words.contains_key("đường sắt đô thị"));
        assert!(!lx.words.contains_key("bộ trưởng"));
        assert!(
            lx.family_names.contains_key("nguyễn"),
            "other files stay embedded"
        );
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(Lexicons::from_dir(&dir).is_err());
    }
}
