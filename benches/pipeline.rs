//! Throughput of each stage and of the whole pipeline on the seed articles (../shared/seeds when
//! present, else the project's fixture). `cargo bench --bench pipeline`.
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use vitext::analysis::extract::text_dump;
use vitext::analysis::lexicon::Lexicons;
use vitext::analysis::pipeline::{Content, Stages};
use vitext::analysis::segment::perceptron::PerceptronSegmenter;
use vitext::analysis::segment::{tokenize::tokenize, WordSegmenter};
use vitext::analysis::{sentence, Cancel, Options, Pipeline};

fn corpus() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    let mut docs: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    if docs.is_empty() {
        eprintln!("{} absent: benchmarking the fixture article", dir.display());
        docs.push(include_str!("../tests/fixtures/article_dump.txt").to_string());
    }
    docs
}

fn stages(c: &mut Criterion) {
    let docs = corpus();
    let bytes: usize = docs.iter().map(String::len).sum();
    Lexicons::get();
    let seg = PerceptronSegmenter::embedded().expect("embedded segmenter");
    let pipeline = Pipeline::default();
    let mut g = c.benchmark_group("seeds");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("tokenize+sentences", |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| sentence::split(d, &tokenize(d)).len())
                .sum::<usize>()
        })
    });
    g.bench_function("segmenter (tokenize, sentences, words)", |b| {
        b.iter(|| {
            let mut words = 0;
            for d in &docs {
                let toks = tokenize(d);
                for r in sentence::split(d, &toks) {
                    words += seg.segment(d, &toks[r]).len();
                }
            }
            words
        })
    });
    let blocks = vitext::analysis::extract::classifier::BlockModels::embedded().expect("loads");
    g.bench_function("extract (text dump)", |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| text_dump::extract(d, false, blocks.for_dumps()).text.len())
                .sum::<usize>()
        })
    });
    for (name, st) in [
        (
            "pipeline segment",
            Stages {
                extract: Some(false),
                segment: true,
                entities: false,
                pos: false,
            },
        ),
        (
            "pipeline segment+pos",
            Stages {
                extract: Some(false),
                segment: true,
                entities: false,
                pos: true,
            },
        ),
        (
            "pipeline segment+entities",
            Stages {
                extract: Some(false),
                segment: true,
                entities: true,
                pos: false,
            },
        ),
        (
            "pipeline extract+segment+entities",
            Stages {
                extract: Some(true),
                segment: true,
                entities: true,
                pos: false,
            },
        ),
    ] {
        let opts = Options {
            stages: st,
            ..Options::default()
        };
        g.bench_function(name, |b| {
            b.iter(|| {
                docs.iter()
                    .map(|d| {
                        pipeline
                            .analyze(Content::Text(d), &opts, &Cancel::new())
                            .map(|a| a.sentences.len())
                            .unwrap_or(0)
                    })
                    .sum::<usize>()
            })
        });
    }
    g.finish();

    // Markup: the project's HTML fixture, and decoding raw bytes in a legacy charset.
    let html = include_str!("../tests/fixtures/article.html");
    let mut g = c.benchmark_group("html");
    g.throughput(Throughput::Bytes(html.len() as u64));
    g.measurement_time(Duration::from_secs(3));
    g.bench_function("extract (html)", |b| {
        b.iter(|| {
            vitext::analysis::extract::html::extract(html, false, &blocks)
                .text
                .len()
        })
    });
    let (cp1258, _, _) = encoding_rs::WINDOWS_1258.encode(html);
    g.bench_function("decode (windows-1258 bytes)", |b| {
        b.iter(|| {
            vitext::analysis::decode::decode(&cp1258, "text/html; charset=windows-1258")
                .map(|d| d.text.len())
                .unwrap_or(0)
        })
    });
    g.bench_function("pipeline all stages (html)", |b| {
        b.iter(|| {
            pipeline
                .analyze(Content::Html(html), &Options::default(), &Cancel::new())
                .map(|a| a.entities.len())
                .unwrap_or(0)
        })
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
