//! Access control: optional TLS and mutual TLS from PEM files, optional bearer tokens.
//! Health (and metrics, on their own port) stay open so probes and balancers need no secret.
use std::path::{Path, PathBuf};
use std::sync::Arc;

use subtle::ConstantTimeEq;
use tonic::transport::{Certificate, Identity, ServerTlsConfig};
use tonic::{Request, Status};

use crate::telemetry::names;

/// Environment variable with comma-separated tokens. Read directly, never through the
/// `Config` (whose Debug form is logged at start-up).
pub const TOKENS_ENV: &str = "VITEXT_AUTH_TOKENS";

#[derive(Debug, thiserror::Error)]
/// A TLS or token setting that cannot be used.
pub enum AccessError {
    #[error("{0}: {1}")]
    /// A file could not be read.
    Read(PathBuf, std::io::Error),
    #[error("--tls-cert and --tls-key go together")]
    /// A certificate without its key or a key without its certificate.
    HalfIdentity,
    #[error("--tls-client-ca needs --tls-cert and --tls-key (mutual TLS is TLS)")]
    /// A client CA without TLS.
    ClientCaWithoutTls,
    #[error("auth tokens file {0} holds no token")]
    /// A tokens file without a token.
    NoTokens(PathBuf),
}

fn read(path: &Path) -> Result<Vec<u8>, AccessError> {
    std::fs::read(path).map_err(|e| AccessError::Read(path.to_path_buf(), e))
}

/// The server's TLS settings, if TLS is on.
pub fn tls_config(
    cert: Option<&Path>,
    key: Option<&Path>,
    client_ca: Option<&Path>,
) -> Result<Option<ServerTlsConfig>, AccessError> {
    let (cert, key) = match (cert, key) {
        (Some(c), Some(k)) => (c, k),
        (None, None) if client_ca.is_some() => return Err(AccessError::ClientCaWithoutTls),
        (None, None) => return Ok(None),
        _ => return Err(AccessError::HalfIdentity),
    };
    let mut tls = ServerTlsConfig::new().identity(Identity::from_pem(read(cert)?, read(key)?));
    if let Some(ca) = client_ca {
        // Clients must present a certificate signed by this CA; the handshake fails otherwise.
        tls = tls.client_ca_root(Certificate::from_pem(read(ca)?));
    }
    Ok(Some(tls))
}

/// Bearer tokens accepted by the API, from a file (one per line, '#' comments) and/or the
/// VITEXT_AUTH_TOKENS environment variable. None: no token needed.
pub fn load_tokens(file: Option<&Path>) -> Result<Option<BearerAuth>, AccessError> {
    let mut tokens = Vec::new();
    if let Some(path) = file {
        let text = String::from_utf8_lossy(&read(path)?).into_owned();
        let before = tokens.len();
        tokens.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(|l| l.as_bytes().to_vec()),
        );
        if tokens.len() == before {
            return Err(AccessError::NoTokens(path.to_path_buf()));
        }
    }
    if let Ok(env) = std::env::var(TOKENS_ENV) {
        tokens.extend(
            env.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| t.as_bytes().to_vec()),
        );
    }
    Ok((!tokens.is_empty()).then(|| BearerAuth {
        tokens: Arc::new(tokens),
    }))
}

/// Interceptor: the call needs `authorization: Bearer <token>` with a known token.
#[derive(Clone)]
pub struct BearerAuth {
    tokens: Arc<Vec<Vec<u8>>>,
}

impl BearerAuth {
    /// Compares against every token without stopping at a match, each comparison in constant
    /// time for its length, so timing tells nothing about which bytes were right.
    fn accepts(&self, presented: &[u8]) -> bool {
        let mut ok = subtle::Choice::from(0);
        for t in self.tokens.iter() {
            ok |= t.as_slice().ct_eq(presented);
        }
        ok.into()
    }

    /// Whether the headers carry "authorization: Bearer <known token>" (gRPC metadata are
    /// HTTP/2 headers, so both APIs ask the same question); a refusal is counted.
    pub fn admits(&self, headers: &http::HeaderMap) -> bool {
        let presented = headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim);
        let ok = presented.is_some_and(|token| self.accepts(token.as_bytes()));
        if !ok {
            metrics::counter!(names::AUTH_FAILURES).increment(1);
        }
        ok
    }
}

/// What a caller without a known token is told.
pub const UNAUTHENTICATED: &str =
    "missing or unknown bearer token (header \"authorization: Bearer <token>\")";

impl tonic::service::Interceptor for BearerAuth {
    fn call(&mut self, request: Request<()>) -> Result<Request<()>, Status> {
        if self.admits(request.metadata().as_ref()) {
            Ok(request)
        } else {
            Err(Status::unauthenticated(UNAUTHENTICATED))
        }
    }
}

/// The API's gate: a bearer-token check when tokens are configured, open otherwise.
#[derive(Clone)]
pub struct Gate(Option<BearerAuth>);

impl Gate {
    /// The interceptor, checking tokens when some are set.
    pub fn new(auth: Option<BearerAuth>) -> Self {
        Self(auth)
    }
    /// Whether calls need a token.
    pub fn is_closed(&self) -> bool {
        self.0.is_some()
    }
    /// Whether a call with these headers may go on.
    pub fn admits(&self, headers: &http::HeaderMap) -> bool {
        self.0.as_ref().is_none_or(|auth| auth.admits(headers))
    }
}

impl tonic::service::Interceptor for Gate {
    fn call(&mut self, request: Request<()>) -> Result<Request<()>, Status> {
        match &mut self.0 {
            Some(auth) => auth.call(request),
            None => Ok(request),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic::service::Interceptor;

    fn auth(tokens: &[&str]) -> BearerAuth {
        BearerAuth {
            tokens: Arc::new(tokens.iter().map(|t| t.as_bytes().to_vec()).collect()),
        }
    }

    fn with_header(value: Option<&str>) -> Request<()> {
        let mut r = Request::new(());
        if let Some(v) = value {
            r.metadata_mut()
                .insert("authorization", v.parse().expect("ascii"));
        }
        r
    }

    #[test]
    fn only_known_tokens_pass() {
        let mut a = auth(&["s3cret-one", "s3cret-two"]);
        assert!(a.call(with_header(Some("Bearer s3cret-two"))).is_ok());
        assert!(a.call(with_header(Some("bearer s3cret-one"))).is_ok());
        for bad in [
            None,
            Some("Bearer"),
            Some("Bearer s3cret"),
            Some("Basic s3cret-one"),
            Some("s3cret-one"),
        ] {
            let e = a.call(with_header(bad)).expect_err("refused");
            assert_eq!(e.code(), tonic::Code::Unauthenticated, "{bad:?}");
        }
    }

    #[test]
    fn tls_settings_are_all_or_nothing() {
        let p = Path::new("/nonexistent.pem");
        assert!(tls_config(None, None, None).expect("off").is_none());
        assert!(matches!(
            tls_config(Some(p), None, None),
            Err(AccessError::HalfIdentity)
        ));
        assert!(matches!(
            tls_config(None, None, Some(p)),
            Err(AccessError::ClientCaWithoutTls)
        ));
        assert!(matches!(
            tls_config(Some(p), Some(p), None),
            Err(AccessError::Read(..))
        ));
    }
}
