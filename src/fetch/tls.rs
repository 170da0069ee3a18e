//! Trusting a private CA (`--cacert FILE`, `SSL_CERT_FILE`) on top of the
//! public roots, and telling a certificate the client does not trust from a
//! network failure: retrying cannot fix the first, so it is not retried.

use reqwest::Certificate;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum CaError {
    #[error("cannot read the CA certificates in {path}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a PEM certificate bundle")]
    Pem {
        path: String,
        #[source]
        source: rustls::pki_types::pem::Error,
    },
    #[error("{path} holds no PEM certificate (-----BEGIN CERTIFICATE-----) that can be a root")]
    Empty { path: String },
}

/// The certificates of a PEM bundle, to trust as roots. One that cannot be
/// a root (a system bundle may hold such) is skipped rather than failing
/// every connection; a file with none is an error.
pub fn load_ca_file(path: &Path) -> Result<Vec<Certificate>, CaError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    let shown = super::neutralise(&path.display().to_string()).into_owned();
    let pem = std::fs::read(path).map_err(|source| CaError::Read {
        path: shown.clone(),
        source,
    })?;
    let mut certs = Vec::new();
    for der in CertificateDer::pem_slice_iter(&pem) {
        let der = der.map_err(|source| CaError::Pem {
            path: shown.clone(),
            source,
        })?;
        let mut probe = rustls::RootCertStore::empty();
        if probe.add(der.clone()).is_err() {
            continue;
        }
        certs.extend(Certificate::from_der(&der).ok());
    }
    if certs.is_empty() {
        return Err(CaError::Empty { path: shown });
    }
    Ok(certs)
}

/// The certificate the server showed was refused, if that is what `e` is.
pub(crate) fn certificate_refused(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut src = Some(e);
    while let Some(inner) = src {
        if let Some(
            t @ (rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented),
        ) = tls_error(inner)
        {
            return Some(t.to_string());
        }
        src = inner.source();
    }
    None
}

/// The TLS error in `e`, looking inside io::Errors, whose `source` skips
/// the error they wrap (the connector wraps one io::Error in another).
fn tls_error<'e>(e: &'e (dyn std::error::Error + 'static)) -> Option<&'e rustls::Error> {
    let mut cur = e;
    for _ in 0..8 {
        if let Some(t) = cur.downcast_ref::<rustls::Error>() {
            return Some(t);
        }
        cur = cur.downcast_ref::<std::io::Error>()?.get_ref()?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ca_file_must_be_readable_and_hold_a_certificate() {
        let dir = tempfile::tempdir().unwrap();
        let missing = load_ca_file(&dir.path().join("nope.pem")).unwrap_err();
        assert!(matches!(missing, CaError::Read { .. }), "{missing}");
        assert!(std::error::Error::source(&missing).is_some());
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let e = load_ca_file(&empty).unwrap_err();
        assert!(e.to_string().contains("holds no PEM certificate"), "{e}");
    }

    #[test]
    fn a_refused_certificate_is_found_inside_an_io_error() {
        let tls = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, tls);
        let io = std::io::Error::other(io);
        let said = certificate_refused(&io).unwrap();
        assert!(said.contains("invalid peer certificate"), "{said}");
        let other = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        assert_eq!(certificate_refused(&other), None);
    }
}
