//! Requests into work: one `Job` per article, whichever RPC or command it came from.
use crate::analysis::pipeline::{Content, Options, Stages};
use crate::analysis::AnalysisError;
use crate::proto::{self, document, OffsetUnit, Stage};

use super::ApiError;

/// A document's content, owned, so a job can move to a worker thread.
pub enum OwnedContent {
    /// Plain text, analysed as given.
    Text(String),
    /// An HTML page.
    Html(String),
    /// Bytes in some charset: an HTML page or a text dump.
    Raw {
        /// The bytes as fetched.
        bytes: Vec<u8>,
        /// The HTTP content type, if known (its charset is used).
        content_type: String,
    },
}

impl OwnedContent {
    /// The content as the analysis core takes it.
    pub fn as_content(&self) -> Content<'_> {
        match self {
            OwnedContent::Text(s) => Content::Text(s),
            OwnedContent::Html(s) => Content::Html(s),
            OwnedContent::Raw {
                bytes,
                content_type,
            } => Content::Raw {
                bytes,
                content_type,
            },
        }
    }

    /// Size in bytes.
    pub fn len(&self) -> usize {
        self.as_content().len()
    }

    /// Whether there are no bytes at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Everything one analysis needs, owned.
pub struct Job {
    /// The caller's id of the article.
    pub id: String,
    /// What to analyse.
    pub content: OwnedContent,
    /// Stages and limits.
    pub options: Options,
    /// The unit of the answer's offsets.
    pub unit: OffsetUnit,
}

/// A refusal: the article's id (when readable) and why.
pub type Refusal = (String, ApiError);

impl Job {
    /// The job of an AnalyzeRequest.
    pub fn from_analyze(req: proto::AnalyzeRequest, max_bytes: usize) -> Result<Job, Refusal> {
        let stages = stages_of(&req.stages);
        Self::new(
            req.document,
            stages,
            req.offset_unit,
            req.include_removed,
            max_bytes,
        )
    }

    /// The job of an ExtractRequest: extraction only.
    pub fn from_extract(req: proto::ExtractRequest, max_bytes: usize) -> Result<Job, Refusal> {
        let stages = Stages {
            extract: Some(true),
            segment: false,
            entities: false,
            pos: false,
        };
        Self::new(
            req.document,
            Ok(stages),
            req.offset_unit,
            req.include_removed,
            max_bytes,
        )
    }

    /// The job of a SegmentRequest: sentences and words, after extraction when asked or when
    /// the content is a page.
    pub fn from_segment(req: proto::SegmentRequest, max_bytes: usize) -> Result<Job, Refusal> {
        let stages = Stages {
            extract: req.extract.then_some(true),
            segment: true,
            entities: false,
            pos: req.pos,
        };
        Self::new(req.document, Ok(stages), req.offset_unit, false, max_bytes)
    }

    /// The job of a TagEntitiesRequest, extraction as for Segment.
    pub fn from_tag_entities(
        req: proto::TagEntitiesRequest,
        max_bytes: usize,
    ) -> Result<Job, Refusal> {
        let stages = Stages {
            extract: req.extract.then_some(true),
            segment: false,
            entities: true,
            pos: false,
        };
        Self::new(req.document, Ok(stages), req.offset_unit, false, max_bytes)
    }

    fn new(
        document: Option<proto::Document>,
        stages: Result<Stages, ApiError>,
        offset_unit: i32,
        include_removed: bool,
        max_bytes: usize,
    ) -> Result<Job, Refusal> {
        let id = document.as_ref().map(|d| d.id.clone()).unwrap_or_default();
        let fail = |e: ApiError| (id.clone(), e);
        let stages = stages.map_err(fail)?;
        let unit = OffsetUnit::try_from(offset_unit)
            .map_err(|_| fail(ApiError::UnknownOffsetUnit(offset_unit)))?;
        let doc = document.ok_or_else(|| fail(ApiError::NoDocument))?;
        let content = match doc.content {
            Some(document::Content::Text(t)) => OwnedContent::Text(t),
            Some(document::Content::Html(h)) => OwnedContent::Html(h),
            Some(document::Content::Raw(b)) => OwnedContent::Raw {
                bytes: b,
                content_type: doc.content_type,
            },
            None => return Err(fail(ApiError::NoContent(doc.id))),
        };
        if content.is_empty() {
            return Err(fail(ApiError::EmptyContent));
        }
        // Refused before it is queued: the analysis would refuse it too, after a wait.
        if content.len() > max_bytes {
            return Err(fail(ApiError::Analysis(AnalysisError::TooLarge {
                size: content.len(),
                limit: max_bytes,
            })));
        }
        let options = Options {
            stages,
            include_removed,
            max_bytes,
        };
        Ok(Job {
            id: doc.id,
            content,
            options,
            unit,
        })
    }
}

/// The stages of a request's list. Empty: all of them, extraction by content (raw bytes and
/// HTML are pages and get it, text is taken as given).
pub fn stages_of(list: &[i32]) -> Result<Stages, ApiError> {
    if list.is_empty() {
        return Ok(Stages::ALL);
    }
    let mut s = Stages {
        extract: Some(false),
        segment: false,
        entities: false,
        pos: false,
    };
    for &v in list {
        match Stage::try_from(v) {
            Ok(Stage::Extract) => s.extract = Some(true),
            Ok(Stage::Segment) => s.segment = true,
            Ok(Stage::Entities) => s.entities = true,
            Ok(Stage::Pos) => s.pos = true,
            _ => return Err(ApiError::UnknownStage(v.to_string())),
        }
    }
    Ok(s)
}

/// Stage names ("extract,segment" or several arguments) as the request's list.
pub fn parse_stages<S: AsRef<str>>(names: &[S]) -> Result<Vec<i32>, ApiError> {
    names
        .iter()
        .flat_map(|n| n.as_ref().split(','))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| match n {
            "extract" => Ok(Stage::Extract as i32),
            "segment" => Ok(Stage::Segment as i32),
            "entities" => Ok(Stage::Entities as i32),
            "pos" => Ok(Stage::Pos as i32),
            other => Err(ApiError::UnknownStage(format!("{other:?}"))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(content: document::Content) -> Option<proto::Document> {
        Some(proto::Document {
            id: "a".into(),
            content: Some(content),
            ..Default::default()
        })
    }

    #[test]
    fn stage_names_and_numbers() {
        assert_eq!(
            parse_stages(&["extract,segment", "entities"]).unwrap(),
            [1, 2, 3].map(|s| Stage::try_from(s).unwrap() as i32)
        );
        assert!(matches!(
            parse_stages(&["pos-tags"]),
            Err(ApiError::UnknownStage(_))
        ));
        assert_eq!(stages_of(&[]).unwrap(), Stages::ALL);
        assert!(stages_of(&[99]).is_err());
    }

    #[test]
    fn every_rpc_leaves_extraction_to_one_rule() {
        let raw = document::Content::Raw(b"page".to_vec());
        let max = 1 << 20;
        for job in [
            Job::from_analyze(
                proto::AnalyzeRequest {
                    document: doc(raw.clone()),
                    ..Default::default()
                },
                max,
            ),
            Job::from_segment(
                proto::SegmentRequest {
                    document: doc(raw.clone()),
                    ..Default::default()
                },
                max,
            ),
            Job::from_tag_entities(
                proto::TagEntitiesRequest {
                    document: doc(raw.clone()),
                    ..Default::default()
                },
                max,
            ),
        ] {
            let job = job.map_err(|e| e.1).unwrap();
            assert_eq!(job.options.stages.extract, None, "default by content");
        }
        let job = Job::from_segment(
            proto::SegmentRequest {
                document: doc(document::Content::Text("x".into())),
                extract: true,
                ..Default::default()
            },
            max,
        )
        .map_err(|e| e.1)
        .unwrap();
        assert_eq!(job.options.stages.extract, Some(true));
        assert!(job.options.stages.segment && !job.options.stages.entities);
    }

    #[test]
    fn refusals_keep_the_id() {
        let (id, e) = Job::from_analyze(
            proto::AnalyzeRequest {
                document: doc(document::Content::Text(String::new())),
                ..Default::default()
            },
            10,
        )
        .err()
        .unwrap();
        assert_eq!((id.as_str(), e), ("a", ApiError::EmptyContent));
        let (_, e) = Job::from_analyze(proto::AnalyzeRequest::default(), 10)
            .err()
            .unwrap();
        assert_eq!(e, ApiError::NoDocument);
    }
}
