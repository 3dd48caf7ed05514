//! Purpose: how the PostgreSQL backend's sessions travel — with `sslmode=require` (or
//! `verify-ca` / `verify-full`) in the URL, over TLS (rustls) verified against the system's
//! certificate authorities and the one in `sslrootcert=PATH` if given (a cloud provider's
//! bundle), the server's name matching its certificate; otherwise (`disable`, `prefer`, or
//! none) over plain TCP or a Unix socket, as on a private network.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

use deadpool_postgres::{Manager, ManagerConfig};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_postgres::config::SslMode;
use tokio_postgres::{AsyncMessage, Client, Connection, NoTls, Notification};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::pg_error;
use crate::store::StoreError;

/// The transport of every session.
#[derive(Clone)]
pub enum Tls {
    Plain,
    Verified(MakeRustlsConnect),
}

/// The URL as the driver parses it, and the file of libpq's `sslrootcert=PATH`, a parameter
/// the driver does not know. libpq's verifying modes, which it does not parse either, become
/// the `require` it does: the certificate is always verified here, so `require` already means
/// `verify-full`.
pub fn split_url(url: &str) -> (String, Option<PathBuf>) {
    let url = url
        .replace("sslmode=verify-full", "sslmode=require")
        .replace("sslmode=verify-ca", "sslmode=require");
    let Some((base, query)) = url.split_once('?') else {
        return (url, None);
    };
    let mut root = None;
    let mut kept = Vec::new();
    for pair in query.split('&') {
        match pair.strip_prefix("sslrootcert=") {
            Some(path) => {
                let decoded: String = url::form_urlencoded::parse(format!("p={path}").as_bytes())
                    .map(|(_, value)| value.into_owned())
                    .collect();
                root = Some(PathBuf::from(decoded));
            }
            None => kept.push(pair),
        }
    }
    match kept.is_empty() {
        true => (base.to_string(), root),
        false => (format!("{base}?{}", kept.join("&")), root),
    }
}

impl Tls {
    /// What the URL's `sslmode` asks for.
    pub fn of(config: &tokio_postgres::Config, root: Option<&Path>) -> Result<Tls, StoreError> {
        if config.get_ssl_mode() != SslMode::Require {
            return Ok(Tls::Plain);
        }
        let found = rustls_native_certs::load_native_certs();
        let mut roots = rustls::RootCertStore::empty();
        roots.add_parsable_certificates(found.certs);
        if let Some(path) = root {
            let unreadable = |why: String| {
                StoreError::Backend(
                    format!("sslrootcert {} cannot be read: {why}", path.display()).into(),
                )
            };
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| unreadable(e.to_string()))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| unreadable(e.to_string()))?;
            if certs.is_empty() {
                return Err(unreadable("it holds no PEM certificate".into()));
            }
            roots.add_parsable_certificates(certs);
        }
        if roots.is_empty() {
            return Err(StoreError::Backend(
                "sslmode=require, but the system has no certificate authorities to verify the server with (install ca-certificates, or add the server's CA to it)".into(),
            ));
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let client = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| StoreError::Backend(Box::new(e)))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Tls::Verified(MakeRustlsConnect::new(client)))
    }

    /// The pool's connection manager.
    pub fn manager(&self, config: tokio_postgres::Config, pooled: ManagerConfig) -> Manager {
        match self {
            Tls::Plain => Manager::from_config(config, NoTls, pooled),
            Tls::Verified(tls) => Manager::from_config(config, tls.clone(), pooled),
        }
    }

    /// A dedicated session (not pooled), its connection driven on the current runtime.
    pub async fn connect(&self, config: &tokio_postgres::Config) -> Result<Client, StoreError> {
        match self {
            Tls::Plain => {
                let (client, connection) = config.connect(NoTls).await.map_err(pg_error)?;
                tokio::spawn(drive(connection));
                Ok(client)
            }
            Tls::Verified(tls) => {
                let (client, connection) = config.connect(tls.clone()).await.map_err(pg_error)?;
                tokio::spawn(drive(connection));
                Ok(client)
            }
        }
    }

    /// A dedicated session whose notifications arrive on the returned receiver.
    pub async fn connect_listening(
        &self,
        config: &tokio_postgres::Config,
    ) -> Result<(Client, tokio::sync::mpsc::UnboundedReceiver<Notification>), StoreError> {
        match self {
            Tls::Plain => {
                let (client, connection) = config.connect(NoTls).await.map_err(pg_error)?;
                Ok((client, forward(connection)))
            }
            Tls::Verified(tls) => {
                let (client, connection) = config.connect(tls.clone()).await.map_err(pg_error)?;
                Ok((client, forward(connection)))
            }
        }
    }
}

/// Forwards the notifications a session hears (LISTEN) to the receiver, which closes when the
/// session ends.
fn forward<S, T>(
    mut connection: Connection<S, T>,
) -> tokio::sync::mpsc::UnboundedReceiver<Notification>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    T: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (heard, receiver) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                Some(Ok(AsyncMessage::Notification(notification))) => {
                    if heard.send(notification).is_err() {
                        break;
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(error)) => {
                    tracing::debug!(%error, "a listening PostgreSQL session ended");
                    break;
                }
                None => break,
            }
        }
    });
    receiver
}

async fn drive(connection: impl std::future::Future<Output = Result<(), tokio_postgres::Error>>) {
    if let Err(error) = connection.await {
        tracing::debug!(%error, "a PostgreSQL session ended");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn hostile_urls_split_and_keep_everything_but_the_root_certificate(text in "\\PC*") {
            let (url, root) = split_url(&text);
            if !text.contains("sslrootcert=") && !text.contains("sslmode=verify-") {
                prop_assert_eq!(url, text);
                prop_assert!(root.is_none());
            } else {
                // Only ever shorter: a pair taken out, a verifying mode named `require`.
                prop_assert!(url.len() <= text.len());
            }
        }
    }

    #[test]
    fn the_root_certificate_is_taken_out_of_the_url_and_verifying_modes_mean_require() {
        let (url, root) =
            split_url("postgres://u:p@db/steward?sslmode=verify-full&sslrootcert=%2Fetc%2Frds.pem");
        assert_eq!(url, "postgres://u:p@db/steward?sslmode=require");
        assert_eq!(root, Some(PathBuf::from("/etc/rds.pem")));
        let (url, root) = split_url("postgres://db/steward?sslrootcert=ca.pem&application_name=x");
        assert_eq!(url, "postgres://db/steward?application_name=x");
        assert_eq!(root, Some(PathBuf::from("ca.pem")));
        assert_eq!(
            split_url("postgres://db/steward"),
            ("postgres://db/steward".to_string(), None)
        );
    }
}
