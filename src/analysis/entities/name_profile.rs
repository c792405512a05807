//! A name-type profile mined from unlabelled news (`vitext train name-profile`): for each
//! capitalised run of syllables seen often enough in the middle of sentences ("Trần Phú",
//! "Hải Phòng", "Louis Vuitton"), which kinds of words stood before it ("đường", "tỉnh", "CLB",
//! "công ty", "ông", "tại"...), how often any did, and how often the run was seen. It is the
//! world knowledge labelled sentences are too few to carry: which names are streets, clubs,
//! companies. Keys only (hashes of syllable keys), no text.
use rustc_hash::FxHashMap;

use crate::analysis::features::mix;

const MAGIC: &[u8; 8] = b"VTXNPF01";

/// Seed of a run's hash (differs from the tagger's run hash on purpose: a table key, not a
/// feature).
const PROFILE_SALT: u64 = 0x0E1F_11E5;

/// The longest run (in syllables) the profile keeps and looks up.
pub const MAX_RUN: usize = 6;

/// The kinds of context a name is seen in; the id is stored in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Cue {
    /// After a title, a kinship or a role word: "ông", "bà", "Tổng thống", "cầu thủ".
    Person = 0,
    /// After "đường", "phố", "ngõ", "quốc lộ".
    Street = 1,
    /// After an administrative unit: "tỉnh", "thành phố", "huyện", "xã", "bang".
    Admin = 2,
    /// After "tại", "ở", "đến", "sang", "thủ đô", "sông", "đảo".
    Place = 3,
    /// After "CLB", "đội", "đội tuyển", "tuyển".
    Team = 4,
    /// After "công ty", "tập đoàn", "hãng", "ngân hàng", "thương hiệu".
    Company = 5,
    /// After "bộ", "sở", "cơ quan", "tổ chức", "liên đoàn", "đảng".
    Agency = 6,
    /// After "trường", "đại học", "bệnh viện", "học viện".
    School = 7,
    /// After "đài", "báo", "tờ", "kênh", "tạp chí", "hãng tin".
    Media = 8,
    /// After a work or event word: "giải", "phim", "ca khúc", "chiến dịch", "ứng dụng".
    Work = 9,
    /// After "người", "tiếng", "dân tộc": peoples and languages.
    People = 10,
    /// Before a verb of saying: "cho biết", "nói", "chia sẻ" (people and organisations).
    Speaks = 11,
}

/// How many kinds of cue there are.
pub const N_CUES: usize = 12;

impl Cue {
    /// Every cue, by id.
    pub const ALL: [Cue; N_CUES] = [
        Cue::Person,
        Cue::Street,
        Cue::Admin,
        Cue::Place,
        Cue::Team,
        Cue::Company,
        Cue::Agency,
        Cue::School,
        Cue::Media,
        Cue::Work,
        Cue::People,
        Cue::Speaks,
    ];
}

/// What the profile says of one run, quantised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RunProfile {
    /// The most frequent cue and its share of the cued sightings in eighths (0 when never cued).
    pub first: (u8, u8),
    /// The second cue and its share (share 0: none).
    pub second: (u8, u8),
    /// Which share of the sightings had a cue at all, in quarters.
    pub cued: u8,
    /// log2 of the number of sightings, capped at 15.
    pub seen: u8,
}

impl RunProfile {
    /// From the counts of each cue and the number of sightings.
    pub fn from_counts(cues: &[u32; N_CUES], seen: u32) -> Self {
        let total: u32 = cues.iter().sum();
        let mut order: Vec<usize> = (0..N_CUES).collect();
        order.sort_by_key(|&c| (std::cmp::Reverse(cues[c]), c));
        let share = |c: usize| -> u8 {
            if total == 0 {
                0
            } else {
                ((u64::from(cues[c]) * 8 + u64::from(total) / 2) / u64::from(total)) as u8
            }
        };
        let (a, b) = (order[0], order[1]);
        Self {
            first: (a as u8, share(a)),
            second: (b as u8, if cues[b] == 0 { 0 } else { share(b) }),
            cued: if seen == 0 {
                0
            } else {
                ((u64::from(total.min(seen)) * 4) / u64::from(seen)) as u8
            },
            seen: (32 - seen.leading_zeros()).min(15) as u8,
        }
    }

    fn pack(self) -> [u8; 4] {
        [
            self.first.0 << 4 | self.first.1,
            self.second.0 << 4 | self.second.1,
            self.cued,
            self.seen,
        ]
    }

    fn unpack(b: [u8; 4]) -> Option<Self> {
        let p = Self {
            first: (b[0] >> 4, b[0] & 15),
            second: (b[1] >> 4, b[1] & 15),
            cued: b[2],
            seen: b[3],
        };
        let ok = usize::from(p.first.0) < N_CUES
            && usize::from(p.second.0) < N_CUES
            && p.first.1 <= 8
            && p.second.1 <= 8
            && p.cued <= 4
            && p.seen <= 15;
        ok.then_some(p)
    }
}

/// The hash a run of syllable keys is stored under.
pub fn run_hash(keys: &[u64]) -> u64 {
    keys.iter().fold(PROFILE_SALT, |h, &k| mix(h, k))
}

#[derive(Debug, thiserror::Error)]
/// A profile that does not load.
pub enum ProfileError {
    #[error("name profile: bad magic")]
    /// Not a name profile.
    BadMagic,
    #[error("name profile truncated, the wrong size or with values out of range")]
    /// Truncated, the wrong size, or values out of range.
    BadSize,
}

/// Run hash -> profile.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NameProfile {
    map: FxHashMap<u64, RunProfile>,
}

/// Where a token sits in the longest profiled run that covers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfileMatch {
    /// The profile of the matched run.
    pub profile: RunProfile,
    /// 0 alone, 1 first, 2 inside, 3 last.
    pub at: u8,
    /// Whether the match is the whole capitalised run.
    pub whole: bool,
}

impl NameProfile {
    /// From (run hash, profile) pairs.
    pub fn new(pairs: impl IntoIterator<Item = (u64, RunProfile)>) -> Self {
        Self {
            map: pairs.into_iter().collect(),
        }
    }

    /// How many runs the profile knows.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether it knows none.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The profile of a run of syllable keys.
    pub fn get(&self, keys: &[u64]) -> Option<RunProfile> {
        self.map.get(&run_hash(keys)).copied()
    }

    /// Covers a capitalised run left to right with the longest profiled pieces (a run often
    /// holds two names: "Ukraine Volodymyr Zelensky"); tokens no piece covers get None.
    pub fn cover(&self, run: &[u64]) -> Vec<Option<ProfileMatch>> {
        let n = run.len();
        let mut out = vec![None; n];
        let mut i = 0;
        while i < n {
            let found = (1..=MAX_RUN.min(n - i))
                .rev()
                .find_map(|len| self.get(&run[i..i + len]).map(|p| (len, p)));
            let Some((len, profile)) = found else {
                i += 1;
                continue;
            };
            for (k, slot) in out[i..i + len].iter_mut().enumerate() {
                let at = if len == 1 {
                    0
                } else if k == 0 {
                    1
                } else if k + 1 == len {
                    3
                } else {
                    2
                };
                *slot = Some(ProfileMatch {
                    profile,
                    at,
                    whole: len == n,
                });
            }
            i += len;
        }
        out
    }

    /// Magic, count, then (hash, 4 packed bytes) sorted by hash: the same profile always gives
    /// the same bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut pairs: Vec<(u64, [u8; 4])> = self.map.iter().map(|(&h, p)| (h, p.pack())).collect();
        pairs.sort_unstable();
        let mut out = Vec::with_capacity(12 + pairs.len() * 12);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(pairs.len() as u32).to_le_bytes());
        for (h, p) in pairs {
            out.extend_from_slice(&h.to_le_bytes());
            out.extend_from_slice(&p);
        }
        out
    }

    /// Reads what `to_bytes` wrote; returns the profile and the bytes after it.
    pub fn from_bytes(bytes: &[u8]) -> Result<(Self, &[u8]), ProfileError> {
        if bytes.len() < 12 || &bytes[..8] != MAGIC {
            return Err(ProfileError::BadMagic);
        }
        let n = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes")) as usize;
        let end = n
            .checked_mul(12)
            .and_then(|b| b.checked_add(12))
            .filter(|&e| e <= bytes.len())
            .ok_or(ProfileError::BadSize)?;
        let mut map = FxHashMap::default();
        map.reserve(n);
        for e in bytes[12..end].chunks_exact(12) {
            let h = u64::from_le_bytes(e[..8].try_into().expect("8 bytes"));
            let p = RunProfile::unpack(e[8..12].try_into().expect("4 bytes"))
                .ok_or(ProfileError::BadSize)?;
            map.insert(h, p);
        }
        Ok((Self { map }, &bytes[end..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantises_counts() {
        let mut cues = [0u32; N_CUES];
        cues[Cue::Street as usize] = 30;
        cues[Cue::Person as usize] = 10;
        let p = RunProfile::from_counts(&cues, 80);
        assert_eq!(p.first, (Cue::Street as u8, 6));
        assert_eq!(p.second, (Cue::Person as u8, 2));
        assert_eq!(p.cued, 2);
        assert_eq!(p.seen, 7);
        let none = RunProfile::from_counts(&[0; N_CUES], 5);
        assert_eq!((none.first.1, none.second.1, none.cued), (0, 0, 0));
    }

    #[test]
    fn covers_runs_longest_first_and_round_trips() {
        let street = RunProfile::from_counts(&[0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 9);
        let place = RunProfile::from_counts(&[0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0], 9);
        let profile = NameProfile::new([(run_hash(&[1, 2]), street), (run_hash(&[3]), place)]);
        let cover = profile.cover(&[3, 1, 2, 4]);
        assert_eq!(cover[0].unwrap().profile, place);
        assert_eq!((cover[0].unwrap().at, cover[0].unwrap().whole), (0, false));
        assert_eq!((cover[1].unwrap().at, cover[2].unwrap().at), (1, 3));
        assert_eq!(cover[3], None);
        assert!(profile.cover(&[1, 2])[0].unwrap().whole);
        let mut bytes = profile.to_bytes();
        bytes.extend_from_slice(b"rest");
        let (back, rest) = NameProfile::from_bytes(&bytes).unwrap();
        assert_eq!((back, rest), (profile.clone(), &b"rest"[..]));
        assert!(NameProfile::from_bytes(&bytes[..20]).is_err());
        assert!(NameProfile::from_bytes(b"VTXNPF00xxxx").is_err());
        let mut bad = profile.to_bytes();
        bad[12 + 8] = 0xF0; // cue 15 of 12
        assert!(NameProfile::from_bytes(&bad).is_err());
    }
}
