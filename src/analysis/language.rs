//! Which language a text is in (whatlang's trigram and script models), so the Vietnamese
//! segmenter and tagger run only on Vietnamese text.
use whatlang::Lang;

/// How much of a text is looked at: enough for a confident answer, bounded for speed.
const SAMPLE_BYTES: usize = 2048;

/// Letters only Vietnamese writes among the languages in Latin script: đ, ă, ơ, ư and the
/// vowels with a tone mark stacked or below (Latin Extended Additional U+1EA0-U+1EF9).
fn vietnamese_letter(c: char) -> bool {
    matches!(
        c,
        'đ' | 'Đ' | 'ă' | 'Ă' | 'ơ' | 'Ơ' | 'ư' | 'Ư' | '\u{1EA0}'..='\u{1EF9}'
    )
}

/// A text's language as identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identified {
    /// ISO 639-1 code where one exists ("vi", "en"), else ISO 639-3 ("fil").
    pub code: &'static str,
    /// Whether the identification is reliable (long and clear enough).
    pub reliable: bool,
}

impl Identified {
    /// Whether the Vietnamese models should run: on Vietnamese text, and on any text the
    /// identifier is not sure about (short texts: this is a Vietnamese service).
    pub fn runs_vietnamese_models(self) -> bool {
        self.code == "vi" || !self.reliable
    }
}

/// Whether `text` shows Vietnamese letters in most sentences: a tenth of its letters (at
/// least 100) is far above what a loanword or a name in another language brings.
pub fn written_in_vietnamese(text: &str) -> bool {
    let (mut letters, mut own) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        own += usize::from(vietnamese_letter(c));
    }
    letters >= 100 && own * 10 >= letters
}

/// The language of `text`, None when there is nothing to tell it by (no letters).
pub fn identify(text: &str) -> Option<Identified> {
    let mut end = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &text[..end];
    // The trigram models (a tenth of the pipeline's time) are not needed for Vietnamese.
    if written_in_vietnamese(sample) {
        return Some(Identified {
            code: "vi",
            reliable: true,
        });
    }
    let info = whatlang::detect(sample)?;
    Some(Identified {
        code: iso_639_1(info.lang()),
        reliable: info.is_reliable(),
    })
}

/// Two-letter codes of the languages whatlang knows that have one.
fn iso_639_1(lang: Lang) -> &'static str {
    match lang {
        Lang::Vie => "vi",
        Lang::Eng => "en",
        Lang::Cmn => "zh",
        Lang::Jpn => "ja",
        Lang::Kor => "ko",
        Lang::Fra => "fr",
        Lang::Deu => "de",
        Lang::Spa => "es",
        Lang::Por => "pt",
        Lang::Ita => "it",
        Lang::Rus => "ru",
        Lang::Ukr => "uk",
        Lang::Tha => "th",
        Lang::Khm => "km",
        Lang::Ind => "id",
        Lang::Nld => "nl",
        Lang::Pol => "pl",
        Lang::Tur => "tr",
        Lang::Ara => "ar",
        Lang::Heb => "he",
        Lang::Hin => "hi",
        Lang::Swe => "sv",
        Lang::Dan => "da",
        Lang::Fin => "fi",
        Lang::Ces => "cs",
        Lang::Hun => "hu",
        Lang::Ell => "el",
        Lang::Ron => "ro",
        Lang::Tgl => "tl",
        other => other.code(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_english_and_the_unsure() {
        let vi = identify(include_str!("../../tests/fixtures/article_dump.txt")).unwrap();
        assert_eq!(
            vi,
            Identified {
                code: "vi",
                reliable: true
            }
        );
        let en = identify(
            "Similarly, the committee said on Tuesday that the new rules would take effect next \
             year, after a public consultation that drew thousands of comments from residents.",
        )
        .unwrap();
        assert_eq!((en.code, en.reliable), ("en", true));
        assert!(!en.runs_vietnamese_models());
        // Too short to be sure: the Vietnamese models run.
        assert!(identify("Ok").is_none_or(|l| l.runs_vietnamese_models()));
        assert_eq!(identify("123 ... !!!"), None);
    }
}
