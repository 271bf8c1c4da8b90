//! A deterministic generator of realistic articles for benchmarks: many sources and
//! authors, two years of dates, 300–1,500-word bodies with a long-tailed vocabulary,
//! accented Latin, Korean and Japanese text.

#![allow(dead_code)]

/// xorshift64*: small, fast and the same on every machine, so corpora are reproducible.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A rank from a Zipf (s = 1) distribution over `n` words, as word frequencies in
    /// running text follow: the top hundred words make about half of all tokens.
    pub fn zipf(&mut self, n: usize) -> usize {
        ((n as f64).powf(self.unit()) as usize)
            .saturating_sub(1)
            .min(n - 1)
    }
}

const COMMON: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "said",
    "on",
    "for",
    "that",
    "with",
    "was",
    "is",
    "by",
    "at",
    "from",
    "it",
    "as",
    "be",
    "has",
    "have",
    "will",
    "city",
    "year",
    "after",
    "new",
    "government",
    "officials",
    "people",
    "minister",
    "market",
    "report",
    "week",
    "police",
    "council",
    "school",
    "company",
    "water",
    "energy",
    "prices",
    "election",
    "train",
    "river",
    "workers",
    "hospital",
    "budget",
    "plan",
    "vote",
    "storm",
    "team",
    "court",
    "bank",
    "farmers",
    "students",
    "museum",
    "festival",
    "bridge",
    "harbour",
];

const ACCENTED: &[&str] = &[
    "Ägypten",
    "café",
    "Zürich",
    "São",
    "Kvæstrup",
    "Ørsted",
    "naïve",
    "Málaga",
    "Łódź",
    "façade",
    "Crème",
    "Dvořák",
];

const KOREAN: &[&str] = &[
    "서울",
    "시장",
    "정부",
    "발표",
    "지하철",
    "날씨",
    "선거",
    "학교",
];
const JAPANESE: &[&str] = &[
    "東京の地下鉄、終電を30分延長へ",
    "大阪で新しい図書館が開館",
    "台風の影響で新幹線が運休",
    "北海道の雪まつり、来場者が過去最多",
];

pub const SOURCES: usize = 20;

/// Rare words and how often they are planted: `word` is in every `every`-th article.
pub const PLANTED: &[(&str, usize)] = &[("zephyrine", 9_973), ("quillwort", 997)];

/// English letter frequencies, in tenths of a percent.
const LETTERS: &[(char, usize)] = &[
    ('e', 127),
    ('t', 91),
    ('a', 82),
    ('o', 75),
    ('i', 70),
    ('n', 67),
    ('s', 63),
    ('h', 61),
    ('r', 60),
    ('d', 43),
    ('l', 40),
    ('c', 28),
    ('u', 28),
    ('m', 24),
    ('w', 24),
    ('f', 22),
    ('g', 20),
    ('y', 20),
    ('p', 19),
    ('b', 15),
    ('v', 10),
    ('k', 8),
    ('j', 2),
    ('x', 2),
    ('q', 1),
    ('z', 1),
];

fn letter(rng: &mut Rng) -> char {
    let total: usize = LETTERS.iter().map(|(_, f)| f).sum();
    let mut pick = rng.below(total);
    for &(c, f) in LETTERS {
        if pick < f {
            return c;
        }
        pick -= f;
    }
    'e'
}

pub struct Generator {
    rng: Rng,
    vocabulary: Vec<String>,
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        let mut rng = Rng::new(seed);
        let mut vocabulary: Vec<String> = COMMON.iter().map(|w| (*w).to_owned()).collect();
        // Letters drawn with English frequencies, lengths 3 to 12: a vocabulary as varied
        // as a language's, which matters because FTS5 hashes terms by their bytes.
        for _ in 0..30_000 {
            let n = 3 + rng.below(4) + rng.below(4) + rng.below(3);
            let word: String = (0..n).map(|_| letter(&mut rng)).collect();
            vocabulary.push(word);
        }
        Generator { rng, vocabulary }
    }

    fn word(&mut self) -> &str {
        let rng = &mut self.rng;
        match rng.below(200) {
            0 => ACCENTED[rng.below(ACCENTED.len())],
            1 => KOREAN[rng.below(KOREAN.len())],
            _ => {
                let i = rng.zipf(self.vocabulary.len());
                &self.vocabulary[i]
            }
        }
    }

    fn sentence(&mut self, out: &mut String) {
        let n = 8 + self.rng.below(18);
        for i in 0..n {
            let w = self.word().to_owned();
            if i == 0 {
                let mut c = w.chars();
                if let Some(f) = c.next() {
                    out.extend(f.to_uppercase());
                    out.push_str(c.as_str());
                }
            } else {
                out.push(' ');
                out.push_str(&w);
            }
        }
        out.push_str(". ");
    }

    /// Article `index` as one JSON Lines record.
    pub fn json_line(&mut self, index: usize) -> String {
        let source = format!("Source {:02}", index % SOURCES);
        let mut title = String::new();
        if self.rng.below(50) == 0 {
            title.push_str(JAPANESE[self.rng.below(JAPANESE.len())]);
        } else {
            let words = 6 + self.rng.below(9);
            for i in 0..words {
                if i > 0 {
                    title.push(' ');
                }
                let w = self.word().to_owned();
                title.push_str(&w);
            }
        }
        let author = format!("Author {}", self.rng.below(12));
        let day = self.rng.below(730) as i64;
        let seconds = 1_704_067_200 + day * 86_400 + self.rng.below(86_400) as i64;
        let published = jiff::Timestamp::from_second(seconds)
            .map(|t| t.to_string())
            .unwrap_or_default();
        let target_words = 300 + self.rng.below(1_201);
        let mut paragraphs = Vec::new();
        // Planted words with known counts, for checking and timing searches.
        for (word, every) in PLANTED {
            if index.is_multiple_of(*every) {
                paragraphs.push(format!("A note on {word} for the record."));
            }
        }
        let mut words = 0;
        while words < target_words {
            let mut p = String::new();
            for _ in 0..(3 + self.rng.below(4)) {
                self.sentence(&mut p);
            }
            words += p.split_whitespace().count();
            paragraphs.push(p.trim_end().to_owned());
        }
        serde_json::json!({
            "guid": format!("bench-{index}"),
            "source": source,
            "title": title,
            "author": author,
            "published": published,
            "url": format!("https://bench.example.org/{index}"),
            "paragraphs": paragraphs,
        })
        .to_string()
    }
}

/// How many articles a benchmark uses: `HERALD_BENCH_N`, else 100,000.
pub fn size_from_env() -> usize {
    std::env::var("HERALD_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

/// Writes `n` generated articles to `path` as JSON Lines.
pub fn write_jsonl(path: &std::path::Path, n: usize) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut generator = Generator::new(7);
    for i in 0..n {
        writeln!(out, "{}", generator.json_line(i))?;
    }
    out.flush()
}
