//! Word lists shipped in models/lexicon (Apache-2.0, see models/lexicon/README.md), embedded in
//! the binary and keyed by canonical syllable keys (see normalize::syllable_key).
use std::collections::HashSet;
use std::sync::OnceLock;

use super::normalize::syllable_key;

macro_rules! lexicon_file {
    ($path:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/models/lexicon/", $path))
    };
}

/// A set of multi-syllable entries; each entry is its syllable keys joined by one space.
#[derive(Debug, Default)]
pub struct WordSet {
    entries: HashSet<String>,
    /// Longest entry, in syllables.
    pub max_syllables: usize,
}

impl WordSet {
    pub fn from_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> Self {
        let mut set = WordSet::default();
        for line in lines {
            set.insert(line);
        }
        set
    }

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

    pub fn len(&self) -> usize {
        self.entries.len()
    }

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
    pub family_names: WordSet,
    pub locations: WordSet,
    pub countries: WordSet,
    pub companies: WordSet,
}

impl Lexicons {
    fn load() -> Self {
        let locations: Vec<&str> = lexicon_file!("rdrsegmenter/VN_LOCATIONS.txt")
            .lines()
            .chain(lexicon_file!("admin_units/provinces.txt").lines())
            .chain(admin_names(lexicon_file!("admin_units/districts_pre2025.txt")))
            .collect();
        let countries: Vec<&str> = lexicon_file!("rdrsegmenter/COUNTRY_L_NAME.txt")
            .lines()
            .chain(lexicon_file!("rdrsegmenter/COUNTRY_S_NAME.txt").lines())
            .collect();
        let words = WordSet::from_lines(
            lexicon_file!("rdrsegmenter/VN_DICT.txt")
                .lines()
                .chain(locations.iter().copied())
                .chain(countries.iter().copied()),
        );
        Lexicons {
            words,
            sentence_openers: WordSet::from_lines(lexicon_file!("rdrsegmenter/VN_FIRST_SENT_WORDS.txt").lines()),
            family_names: WordSet::from_lines(lexicon_file!("rdrsegmenter/VN_FAMILY_NAMES.txt").lines()),
            locations: WordSet::from_lines(locations),
            countries: WordSet::from_lines(countries),
            companies: WordSet::from_lines(lexicon_file!("rdrsegmenter/WORLD_COMPANY.txt").lines()),
        }
    }

    /// The process-wide lexicons (parsed on first use, a few milliseconds).
    pub fn get() -> &'static Lexicons {
        static LEXICONS: OnceLock<Lexicons> = OnceLock::new();
        LEXICONS.get_or_init(Lexicons::load)
    }
}

/// "Huyện An Biên" -> "An Biên": the admin-unit lists prefix the unit type.
fn admin_names(list: &str) -> impl Iterator<Item = &str> {
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
        assert!(lx.words.contains_key(&format!("{} {}", syllable_key("hoà"), syllable_key("bình"))));
        assert!(lx.locations.contains_key("an biên"));
        assert!(lx.family_names.contains_key("nguyễn"));
    }
}
