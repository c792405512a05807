//! The service end to end: a real server on loopback, a generated client.
mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::*;
use tokio_stream::StreamExt;
use tonic::Code;
use vitext::proto::{self, AnalyzeRequest, AnalyzeStreamRequest, OffsetUnit, Stage};

#[tokio::test]
async fn every_rpc_answers_on_an_article() {
    let server = TestServer::start(&[]).await;
    let mut c = server.client().await;

    let x = c
        .extract(proto::ExtractRequest {
            document: Some(text_doc("a1", ARTICLE_DUMP)),
            include_removed: true,
            ..Default::default()
        })
        .await
        .expect("extract")
        .into_inner();
    assert_eq!(x.id, "a1");
    assert_eq!(x.title, "Hà Nội khánh thành tuyến đường sắt đô thị mới");
    assert!(x.text.contains("Phát biểu tại buổi lễ"));
    for junk in [
        "Tin liên quan",
        "Thống kê truy cập",
        "(Ảnh:",
        "Giá vé tàu điện được công bố",
    ] {
        assert!(!x.text.contains(junk), "{junk:?} left in {:?}", x.text);
    }
    let m = x.metadata.expect("metadata");
    assert_eq!(m.published, "2024-11-06T14:14:00");
    assert_eq!(m.source_credits, ["Báo Mẫu"]);
    assert!(x.blocks.iter().any(|b| !b.kept && b.kind == "caption"));

    let s = c
        .segment(proto::SegmentRequest {
            document: Some(text_doc("a2", ARTICLE_DUMP)),
            ..Default::default()
        })
        .await
        .expect("segment")
        .into_inner();
    assert_eq!(
        s.text, ARTICLE_DUMP,
        "segmentation must not rewrite plain text"
    );
    let words: Vec<String> = s
        .sentences
        .iter()
        .flat_map(|st| st.tokens.iter())
        .map(|t| {
            s.text
                .chars()
                .skip(t.start as usize)
                .take((t.end - t.start) as usize)
                .collect()
        })
        .collect();
    for w in ["Hà Nội", "khánh thành", "đường sắt", "35.000", "12,5"] {
        assert!(
            words.iter().any(|x| x == w),
            "{w:?} not a word in {words:?}"
        );
    }
    assert!(
        s.sentences
            .iter()
            .flat_map(|st| &st.tokens)
            .all(|t| t.tag.is_empty()),
        "tags only when asked"
    );

    // Parts of speech on request: a tag on every word, the same words.
    let p = c
        .segment(proto::SegmentRequest {
            document: Some(text_doc("a2", ARTICLE_DUMP)),
            pos: true,
            ..Default::default()
        })
        .await
        .expect("segment with pos")
        .into_inner();
    let tagged: Vec<(String, &str)> = p
        .sentences
        .iter()
        .flat_map(|st| st.tokens.iter())
        .map(|t| {
            let w: String = p
                .text
                .chars()
                .skip(t.start as usize)
                .take((t.end - t.start) as usize)
                .collect();
            (w, t.tag.as_str())
        })
        .collect();
    assert_eq!(tagged.len(), words.len());
    assert!(tagged.iter().all(|(_, t)| !t.is_empty()), "{tagged:?}");
    for (w, tag) in [
        ("Hà Nội", "Np"),
        ("khánh thành", "V"),
        ("35.000", "M"),
        (",", "CH"),
    ] {
        assert!(
            tagged.iter().any(|(x, t)| x == w && *t == tag),
            "{w:?} not tagged {tag}: {tagged:?}"
        );
    }

    let t = c
        .tag_entities(proto::TagEntitiesRequest {
            document: Some(text_doc("a3", ARTICLE_DUMP)),
            ..Default::default()
        })
        .await
        .expect("tag")
        .into_inner();
    let ents: HashSet<(String, String)> = t
        .entities
        .iter()
        .map(|e| (e.text.clone(), e.label.clone()))
        .collect();
    assert!(
        ents.contains(&("Nguyễn Văn Minh".into(), "PER".into())),
        "{ents:?}"
    );
    assert!(ents.contains(&("Hà Nội".into(), "LOC".into())), "{ents:?}");
    assert!(
        t.entities
            .iter()
            .any(|e| e.label == "MONEY" && e.value == "35000000000000 VND"),
        "{:?}",
        t.entities
    );
    assert!(t
        .entities
        .iter()
        .any(|e| e.label == "PERCENT" && e.value == "15%"));

    let a = c
        .analyze(AnalyzeRequest {
            document: Some(html_doc("a4", ARTICLE_HTML)),
            ..Default::default()
        })
        .await
        .expect("analyze")
        .into_inner();
    assert_eq!(a.id, "a4");
    assert_eq!(a.title, "Hà Nội khánh thành tuyến đường sắt đô thị mới");
    assert!(
        !a.text.contains("Trang chủ") && !a.text.contains("Tin liên quan") && !a.text.contains("©")
    );
    assert!(!a.sentences.is_empty() && !a.entities.is_empty());
    assert_eq!(
        a.metadata.as_ref().map(|m| m.author.as_str()),
        Some("Minh Quân")
    );
    check_offsets(&a);
    server.stop().await;
}

#[tokio::test]
async fn offsets_follow_the_requested_unit() {
    let server = TestServer::start(&[]).await;
    let mut c = server.client().await;
    let text = "Ông 😀 Minh đến Hà Nội.";
    let mut ends = Vec::new();
    for unit in [
        OffsetUnit::CodePoint,
        OffsetUnit::Utf8Byte,
        OffsetUnit::Utf16,
    ] {
        let r = c
            .segment(proto::SegmentRequest {
                document: Some(text_doc("u", text)),
                offset_unit: unit as i32,
                ..Default::default()
            })
            .await
            .expect("segment")
            .into_inner();
        ends.push(r.sentences[0].end);
    }
    assert_eq!(
        ends,
        [
            text.chars().count() as u32,
            text.len() as u32,
            text.encode_utf16().count() as u32
        ]
    );
    server.stop().await;
}

fn stream_request(doc: proto::Document) -> AnalyzeStreamRequest {
    AnalyzeStreamRequest {
        request: Some(AnalyzeRequest {
            document: Some(doc),
            ..Default::default()
        }),
    }
}

#[tokio::test]
async fn a_stream_of_200_with_bad_articles_gets_200_answers() {
    let server =
        TestServer::start(&["--max-document-bytes", "100000", "--stream-window", "4"]).await;
    let mut c = server.client().await;
    let mut expected_bad = HashSet::new();
    let mut reqs = Vec::new();
    for i in 0..200 {
        let id = format!("doc-{i}");
        let doc = match i % 10 {
            3 => text_doc(&id, ""),
            5 => raw_doc(&id, (0..2000u32).map(|b| (b % 7) as u8).collect(), ""),
            7 => text_doc(&id, &"a ".repeat(60_000)),
            9 => proto::Document {
                id: id.clone(),
                ..Default::default()
            },
            _ => text_doc(&id, ARTICLE_DUMP),
        };
        if matches!(i % 10, 3 | 5 | 7 | 9) {
            expected_bad.insert(id.clone());
        }
        reqs.push(stream_request(doc));
    }
    let mut answers = c
        .analyze_stream(tokio_stream::iter(reqs))
        .await
        .expect("stream")
        .into_inner();
    let mut seen = HashSet::new();
    let mut bad = HashSet::new();
    while let Some(msg) = answers.next().await {
        let r = msg.expect("stream item").response.expect("response");
        assert!(seen.insert(r.id.clone()), "duplicate answer for {}", r.id);
        if let Some(e) = &r.error {
            let expected = if r.id.ends_with('7') {
                Code::OutOfRange
            } else {
                Code::InvalidArgument
            };
            assert_eq!(e.code, expected as i32, "{}: {e:?}", r.id);
            bad.insert(r.id.clone());
        } else {
            assert!(!r.sentences.is_empty());
        }
    }
    assert_eq!(seen.len(), 200);
    assert_eq!(bad, expected_bad);
    server.stop().await;
}

/// With a byte budget smaller than the articles, each runs alone in turn: all are answered,
/// none waits forever.
#[tokio::test]
async fn articles_over_the_byte_budget_run_one_at_a_time() {
    let server = TestServer::start(&["--max-in-flight-bytes", "1000"]).await;
    let calls: Vec<_> = (0..4)
        .map(|i| {
            let url = server.url();
            tokio::spawn(async move {
                let mut c = proto::text_analyzer_client::TextAnalyzerClient::connect(url)
                    .await
                    .expect("connect");
                c.analyze(AnalyzeRequest {
                    document: Some(text_doc(&format!("b{i}"), ARTICLE_DUMP)),
                    ..Default::default()
                })
                .await
                .map(|r| r.into_inner().id)
            })
        })
        .collect();
    for (i, call) in calls.into_iter().enumerate() {
        let id = tokio::time::timeout(Duration::from_secs(30), call)
            .await
            .expect("answered in time")
            .expect("join")
            .expect("analysed");
        assert_eq!(id, format!("b{i}"));
    }
    server.stop().await;
}

/// A crawler's stream with one article over --max-document-bytes (8 MiB by default): that
/// article gets its own OUT_OF_RANGE answer and the 40 others are analysed.
#[tokio::test]
async fn one_oversized_article_does_not_end_its_stream() {
    let server = TestServer::start(&[]).await;
    let mut c = server.client().await;
    let reqs: Vec<_> = (0..41)
        .map(|i| {
            let id = format!("a{i}");
            let doc = if i == 20 {
                text_doc(&id, &"Tin tức hôm nay. ".repeat(12 << 20 >> 4))
            } else {
                text_doc(&id, ARTICLE_DUMP)
            };
            stream_request(doc)
        })
        .collect();
    let mut answers = c
        .analyze_stream(tokio_stream::iter(reqs))
        .await
        .expect("stream")
        .into_inner();
    let (mut ok, mut out_of_range) = (HashSet::new(), Vec::new());
    while let Some(msg) = answers.next().await {
        let r = msg.expect("the stream goes on").response.expect("response");
        match r.error {
            Some(e) => out_of_range.push((r.id, e.code)),
            None => assert!(ok.insert(r.id)),
        }
    }
    assert_eq!(ok.len(), 40);
    assert_eq!(out_of_range, [("a20".to_string(), Code::OutOfRange as i32)]);
    server.stop().await;
}

#[tokio::test]
async fn oversized_documents_and_messages_are_refused() {
    let server = TestServer::start(&["--max-document-bytes", "50000"]).await;
    let mut c = server.client().await;
    let big = "xin chào ".repeat(7000);
    let err = c
        .analyze(AnalyzeRequest {
            document: Some(text_doc("big", &big)),
            ..Default::default()
        })
        .await
        .expect_err("too big");
    assert_eq!(err.code(), Code::OutOfRange, "{err:?}");
    // Over the message limit (four documents + envelope): refused by the transport's decoder.
    let huge = "x".repeat(400_000);
    let err = c
        .analyze(AnalyzeRequest {
            document: Some(text_doc("huge", &huge)),
            ..Default::default()
        })
        .await
        .expect_err("too big");
    assert_eq!(err.code(), Code::OutOfRange, "{err:?}");
    // The server is still fine.
    c.analyze(AnalyzeRequest {
        document: Some(text_doc("ok", "Xin chào Hà Nội.")),
        ..Default::default()
    })
    .await
    .expect("small ok");
    server.stop().await;
}

#[tokio::test]
async fn bad_requests_get_invalid_argument() {
    let server = TestServer::start(&[]).await;
    let mut c = server.client().await;
    let cases = vec![
        AnalyzeRequest {
            document: None,
            ..Default::default()
        },
        AnalyzeRequest {
            document: Some(text_doc("e", "")),
            ..Default::default()
        },
        AnalyzeRequest {
            document: Some(text_doc("ws", " \n\t ")),
            ..Default::default()
        },
        AnalyzeRequest {
            document: Some(raw_doc(
                "cs",
                b"abc".to_vec(),
                "text/plain; charset=klingon",
            )),
            ..Default::default()
        },
        AnalyzeRequest {
            document: Some(text_doc("st", "abc")),
            stages: vec![42],
            ..Default::default()
        },
    ];
    for req in cases {
        let err = c.analyze(req).await.expect_err("bad request");
        assert_eq!(err.code(), Code::InvalidArgument, "{err:?}");
    }
    server.stop().await;
}

#[tokio::test]
async fn raw_bytes_in_legacy_charsets_decode() {
    let server = TestServer::start(&[]).await;
    let mut c = server.client().await;
    let source = cp1258_form("Thủ đô Hà Nội đón khách quốc tế.");
    let (body, _, _) = encoding_rs::WINDOWS_1258.encode(&source);
    let r = c
        .analyze(AnalyzeRequest {
            document: Some(raw_doc(
                "w",
                body.into_owned(),
                "text/plain; charset=windows-1258",
            )),
            stages: vec![Stage::Segment as i32],
            ..Default::default()
        })
        .await
        .expect("windows-1258")
        .into_inner();
    assert!(r.text.contains("Hà Nội"), "{:?}", r.text);
    let utf16: Vec<u8> = "\u{feff}Xin chào Việt Nam."
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let r = c
        .analyze(AnalyzeRequest {
            document: Some(raw_doc("u16", utf16, "")),
            ..Default::default()
        })
        .await
        .expect("utf-16")
        .into_inner();
    assert!(r.text.contains("Việt Nam"));
    server.stop().await;
}

#[tokio::test]
async fn an_expired_deadline_stops_the_work() {
    let server = TestServer::start(&["--max-document-bytes", "20000000"]).await;
    let mut c = server.client().await;
    let text = "Ông Nguyễn Văn Minh đến Hà Nội ngày 6/11 và chi 35.000 tỷ đồng. ".repeat(120_000);
    let mut req = tonic::Request::new(AnalyzeRequest {
        document: Some(text_doc("slow", &text)),
        ..Default::default()
    });
    req.set_timeout(Duration::from_millis(30));
    let err = c.analyze(req).await.expect_err("deadline");
    assert!(
        matches!(err.code(), Code::DeadlineExceeded | Code::Cancelled),
        "{err:?}"
    );
    // The worker gave up: a small request right after is served at once.
    let ok = tokio::time::timeout(
        Duration::from_secs(20),
        c.analyze(AnalyzeRequest {
            document: Some(text_doc("ok", "Xin chào.")),
            ..Default::default()
        }),
    )
    .await;
    assert!(matches!(ok, Ok(Ok(_))));
    server.stop().await;
}

#[tokio::test]
async fn overload_is_shed_with_resource_exhausted() {
    let server = TestServer::start(&[
        "--max-in-flight",
        "2",
        "--worker-threads",
        "1",
        "--max-document-bytes",
        "20000000",
    ])
    .await;
    let c = server.client().await;
    let text = "Ông Nguyễn Văn Minh đến Hà Nội ngày 6/11 và chi 35.000 tỷ đồng. ".repeat(20_000);
    let mut calls = Vec::new();
    for i in 0..8 {
        let mut c = c.clone();
        let doc = text_doc(&format!("l{i}"), &text);
        calls.push(tokio::spawn(async move {
            c.analyze(AnalyzeRequest {
                document: Some(doc),
                ..Default::default()
            })
            .await
        }));
    }
    let mut ok = 0;
    let mut shed = 0;
    for call in calls {
        match call.await.expect("join") {
            Ok(_) => ok += 1,
            Err(s) if s.code() == Code::ResourceExhausted => {
                assert!(s.metadata().get("grpc-retry-pushback-ms").is_some());
                shed += 1
            }
            Err(s) => panic!("unexpected {s:?}"),
        }
    }
    assert!(ok >= 2 && shed >= 1, "ok={ok} shed={shed}");
    server.stop().await;
}

#[tokio::test]
async fn health_reflection_and_metrics_answer() {
    let server = TestServer::start(&[]).await;
    let mut h = tonic_health::pb::health_client::HealthClient::new(server.channel().await);
    let r = h
        .check(tonic_health::pb::HealthCheckRequest {
            service: "vitext.v1.TextAnalyzer".into(),
        })
        .await
        .expect("health")
        .into_inner();
    assert_eq!(
        r.status,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );

    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::{
        server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
        ServerReflectionRequest,
    };
    let mut refl = ServerReflectionClient::new(server.channel().await);
    let req = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut resp = refl
        .server_reflection_info(tokio_stream::iter(vec![req]))
        .await
        .expect("reflection")
        .into_inner();
    let first = resp.next().await.expect("one answer").expect("ok");
    let Some(MessageResponse::ListServicesResponse(list)) = first.message_response else {
        panic!("no service list")
    };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    assert!(
        names.contains(&"vitext.v1.TextAnalyzer".to_string()),
        "{names:?}"
    );

    let mut c = server.client().await;
    c.analyze(AnalyzeRequest {
        document: Some(text_doc("m", ARTICLE_DUMP)),
        ..Default::default()
    })
    .await
    .expect("analyze");
    // Refused by the transport before the handler (a message over the limit): still counted,
    // with the code the client saw.
    let mut small = server.client().await;
    let err = small
        .tag_entities(proto::TagEntitiesRequest {
            document: Some(text_doc("over", &"x".repeat((32 << 20) + (128 << 10)))),
            ..Default::default()
        })
        .await
        .expect_err("over the message limit");
    assert_eq!(err.code(), Code::OutOfRange);
    let body = http_get(common::metrics_addr(), "/metrics").await;
    let count = |needle: &str| -> f64 {
        body.lines()
            .filter(|l| l.starts_with(needle))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    };
    assert!(
        count("vitext_requests_total{rpc=\"TagEntities\",code=\"OUT_OF_RANGE\"}") >= 1.0,
        "{body}"
    );
    for needle in [
        "vitext_requests_total{rpc=\"Analyze\",code=\"OK\"}",
        "vitext_request_duration_seconds_bucket{rpc=\"Analyze\"",
        "vitext_stage_duration_seconds_bucket{stage=\"segment\"",
        "vitext_articles_total",
        "vitext_build_info",
        "vitext_model_info{segmenter=\"perceptron\",tagger=\"linear-chain-bioes\",source=\"embedded\"} 1",
    ] {
        assert!(
            body.contains(needle),
            "{needle} missing from /metrics:\n{body}"
        );
    }
    server.stop().await;
}

async fn http_get(addr: std::net::SocketAddr, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connect metrics");
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await
    .expect("write");
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.expect("read");
    String::from_utf8_lossy(&buf).into_owned()
}

/// Windows-1258 spells tone marks as combining characters after a (possibly accented) base.
fn cp1258_form(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    for c in s.chars() {
        let d: Vec<char> = c.to_string().nfd().collect();
        let (tones, base): (Vec<char>, Vec<char>) = d
            .into_iter()
            .partition(|m| ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'].contains(m));
        out.extend(base.into_iter().nfc());
        out.extend(tones);
    }
    out
}
