//! A LogDNA export API over TLS on 127.0.0.1, its certificate signed by a
//! CA made for the run (rcgen), so only a client told to trust that CA
//! (`--cacert`, `SSL_CERT_FILE`) accepts it. Every connection is counted,
//! handshakes that fail included, to tell a retry from none.

use crate::hostile_server::{line, page};
use axum::response::Response;
use axum::Router;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio_rustls::rustls;

pub struct TlsServer {
    pub url: String,
    /// The CA that signed the server's certificate, as PEM.
    pub ca_pem: String,
    connections: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

struct TlsListener {
    tcp: tokio::net::TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    connections: Arc<AtomicUsize>,
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<tokio::net::TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((tcp, addr)) = self.tcp.accept().await else {
                continue;
            };
            self.connections.fetch_add(1, Ordering::SeqCst);
            // A client that refuses the certificate ends its handshake.
            if let Ok(tls) = self.acceptor.accept(tcp).await {
                return (tls, addr);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.tcp.local_addr()
    }
}

/// A CA, and a certificate for 127.0.0.1 and localhost that it signed.
fn certificates() -> (String, rustls::ServerConfig) {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "kp-triage test CA");
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    let der = rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone()], der)
        .unwrap();
    (ca.pem(), config)
}

impl TlsServer {
    /// Answers every request with one export page of two lines.
    pub fn start(from_secs: i64) -> TlsServer {
        TlsServer::answering(move || {
            let lines = vec![
                line((from_secs + 60) * 1000, "over tls a"),
                line((from_secs + 30) * 1000, "over tls b"),
            ];
            page(lines, None)
        })
    }

    /// Answers every request with what `answer` makes.
    pub fn answering(answer: impl Fn() -> Response + Clone + Send + Sync + 'static) -> TlsServer {
        let (ca_pem, config) = certificates();
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let url = format!("https://{}", std_listener.local_addr().unwrap());
        let counted = requests.clone();
        let app = Router::new().fallback(move || {
            let (counted, answer) = (counted.clone(), answer.clone());
            async move {
                counted.fetch_add(1, Ordering::SeqCst);
                answer()
            }
        });
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let conns = connections.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = TlsListener {
                    tcp: tokio::net::TcpListener::from_std(std_listener).unwrap(),
                    acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
                    connections: conns,
                };
                tokio::select! {
                    _ = axum::serve(listener, app) => {}
                    _ = stopped => {}
                }
            });
        });
        TlsServer {
            url,
            ca_pem,
            connections,
            requests,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            s.send(()).ok();
        }
        if let Some(t) = self.thread.take() {
            t.join().ok();
        }
    }
}
