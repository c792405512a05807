//! The hostile-input corpus through a real server: every input gets a valid answer or a clear
//! status (INVALID_ARGUMENT, OUT_OF_RANGE) within its deadline, never an internal error or a
//! hang; on one stream every article gets exactly one answer; the server stays SERVING.
mod common;

use std::time::Duration;

use common::{check_offsets, html_doc, raw_doc, text_doc, TestServer};
use tonic::Code;
use vitext::proto::{self, AnalyzeRequest, AnalyzeStreamRequest};

fn corpus() -> Vec<(&'static str, proto::Document)> {
    let mut invalid_utf8 = "Hà Nội ".as_bytes().to_vec();
    invalid_utf8.extend_from_slice(&[
        0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1, 0xF0, 0x28, 0x8C, 0x28,
    ]);
    invalid_utf8.extend_from_slice(" ngày 3/9.".as_bytes());
    let utf16: Vec<u8> = "Bộ trưởng Lloyd Austin đến Hà Nội."
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let deep = format!(
        "{}Bộ Quốc phòng{}",
        "<div>".repeat(200_000),
        "</div>".repeat(200_000)
    );
    let tiny = format!(
        "<html><body>{}</body></html>",
        "<p>Hà Nội.</p>".repeat(100_000)
    );
    vec![
        (
            "invalid UTF-8",
            raw_doc("u8", invalid_utf8, "text/plain; charset=utf-8"),
        ),
        (
            "NUL bytes",
            text_doc("nul", &"Ông Minh\0 đến\0\0 Huế.".repeat(1000)),
        ),
        (
            "binary garbage",
            raw_doc(
                "bin",
                (0..200_000u32)
                    .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                    .collect(),
                "",
            ),
        ),
        (
            "3 MB without a space",
            text_doc("nospace", &"Nguyễn".repeat(3 << 17)),
        ),
        ("200k nested tags", html_doc("deep", &deep)),
        ("100k tiny paragraphs", html_doc("tiny", &tiny)),
        (
            "one entity-looking word, megabytes",
            text_doc("word", &"Washington ".repeat(200_000)),
        ),
        (
            "RTL and CJK",
            text_doc(
                "rtl",
                &"مرحبا بالعالم שלום עולם 你好世界 こんにちは 안녕하세요. ".repeat(2000),
            ),
        ),
        (
            "emoji",
            text_doc("emoji", &"Hà Nội 👍🏽🇻🇳👨‍👩‍👧‍👦 mùa thu. ".repeat(2000)),
        ),
        (
            "zero-width characters",
            text_doc(
                "zw",
                &"Hà\u{200b}Nội\u{200d} Lloyd\u{feff}Austin\u{2060}. ".repeat(2000),
            ),
        ),
        (
            "combining marks piling up",
            text_doc("comb", &format!("e{} Hà Nội.", "\u{301}".repeat(500_000))),
        ),
        (
            "UTF-8 declared windows-1258",
            raw_doc(
                "cs1",
                "Bộ trưởng đến Hà Nội.".as_bytes().to_vec(),
                "text/plain; charset=windows-1258",
            ),
        ),
        (
            "UTF-16 declared UTF-8",
            raw_doc("cs2", utf16, "text/plain; charset=utf-8"),
        ),
        (
            "unknown charset",
            raw_doc("cs3", b"Ha Noi".to_vec(), "text/plain; charset=klingon"),
        ),
        ("empty", text_doc("empty", "")),
        (
            "over the size limit",
            text_doc("big", &"a".repeat((4 << 20) + 1)),
        ),
    ]
}

fn acceptable(code: Code) -> bool {
    matches!(code, Code::InvalidArgument | Code::OutOfRange)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_inputs_get_an_answer_or_a_clear_status_and_the_server_stays_serving() {
    let server = TestServer::start(&["--max-document-bytes", "4194304"]).await;
    let mut client = server.client().await;
    for (name, doc) in corpus() {
        let mut req = tonic::Request::new(AnalyzeRequest {
            document: Some(doc),
            ..Default::default()
        });
        req.set_timeout(Duration::from_secs(20));
        match client.analyze(req).await {
            Ok(r) => check_offsets(r.get_ref()),
            Err(s) => assert!(
                acceptable(s.code()),
                "{name}: {:?} {}",
                s.code(),
                s.message()
            ),
        }
    }

    // All of them on one stream: exactly one answer each, in any order.
    let (docs, names): (Vec<_>, Vec<_>) = corpus()
        .into_iter()
        .map(|(name, doc)| {
            (
                AnalyzeStreamRequest {
                    request: Some(AnalyzeRequest {
                        document: Some(doc),
                        ..Default::default()
                    }),
                },
                name,
            )
        })
        .unzip();
    let mut ids: Vec<String> = docs
        .iter()
        .map(|d| {
            d.request
                .as_ref()
                .and_then(|r| r.document.as_ref())
                .map(|d| d.id.clone())
                .unwrap_or_default()
        })
        .collect();
    let mut answers = client
        .analyze_stream(tokio_stream::iter(docs))
        .await
        .expect("stream")
        .into_inner();
    let mut got = Vec::new();
    while let Some(msg) = answers.message().await.expect("stream stays up") {
        let r = msg.response.expect("response");
        if let Some(e) = &r.error {
            assert!(
                ["INVALID_ARGUMENT", "OUT_OF_RANGE"].contains(&e.status.as_str()),
                "{}: {} {}",
                r.id,
                e.status,
                e.message
            );
        } else {
            check_offsets(&r);
        }
        got.push(r.id);
    }
    got.sort();
    ids.sort();
    assert_eq!(
        got,
        ids,
        "one answer per article ({} sent: {names:?})",
        ids.len()
    );

    let mut health = tonic_health::pb::health_client::HealthClient::new(server.channel().await);
    let status = health
        .check(tonic_health::pb::HealthCheckRequest::default())
        .await
        .expect("health")
        .into_inner()
        .status;
    assert_eq!(status, 1, "SERVING after the hostile corpus");

    // A message over the transport's limit (four times the document limit, 16 MiB here)
    // cannot be decoded, so it has no id to answer: the stream ends with OUT_OF_RANGE, after
    // the answers to the articles before it. (An article between the two limits gets its own
    // OUT_OF_RANGE answer: tests/service.rs.)
    let before: Vec<_> = (0..3)
        .map(|i| AnalyzeStreamRequest {
            request: Some(AnalyzeRequest {
                document: Some(text_doc(&format!("ok{i}"), "Ông Minh đến Huế.")),
                ..Default::default()
            }),
        })
        .collect();
    let huge = AnalyzeStreamRequest {
        request: Some(AnalyzeRequest {
            document: Some(text_doc("huge", &"a".repeat(17 << 20))),
            ..Default::default()
        }),
    };
    let stream = tokio_stream::StreamExt::chain(
        tokio_stream::iter(before),
        tokio_stream::StreamExt::throttle(tokio_stream::iter([huge]), Duration::from_millis(300)),
    );
    let mut answers = client
        .analyze_stream(stream)
        .await
        .expect("stream")
        .into_inner();
    let mut answered = Vec::new();
    let end = loop {
        match answers.message().await {
            Ok(Some(m)) => answered.push(m.response.expect("response").id),
            Ok(None) => break None,
            Err(s) => break Some(s.code()),
        }
    };
    // Answers come as articles finish, not in the order sent.
    answered.sort();
    assert_eq!(answered, ["ok0", "ok1", "ok2"]);
    assert_eq!(end, Some(Code::OutOfRange));
    server.stop().await;
}
