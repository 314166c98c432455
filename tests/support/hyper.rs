//! A gRPC-shaped handler and a hyper server (HTTP/1 and HTTP/2) on
//! 127.0.0.1:0, for the tower end-to-end tests.
#![allow(dead_code)] // each user takes what it needs

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};

/// A body of one message and the trailers `grpc-status: N`.
pub struct GrpcReply(Option<http_body::Frame<Bytes>>, Option<http::HeaderMap>);

impl http_body::Body for GrpcReply {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Infallible>>> {
        let frame = match self.0.take() {
            Some(frame) => Some(frame),
            None => self.1.take().map(http_body::Frame::trailers),
        };
        std::task::Poll::Ready(frame.map(Ok))
    }
}

/// `/N` answers one message, then `grpc-status: N` and a message.
pub async fn grpc_handler(
    request: Request<hyper::body::Incoming>,
) -> Result<Response<GrpcReply>, Infallible> {
    let code: i32 = request.uri().path()[1..].parse().unwrap();
    let mut trailers = http::HeaderMap::new();
    trailers.insert("grpc-status", code.to_string().parse().unwrap());
    trailers.insert("grpc-message", format!("call%20{code}").parse().unwrap());
    let mut response = Response::new(GrpcReply(
        Some(http_body::Frame::data(Bytes::from_static(b"\0\0\0\0\0"))),
        Some(trailers),
    ));
    response.headers_mut().insert(
        "content-type",
        http::HeaderValue::from_static("application/grpc"),
    );
    Ok(response)
}

/// Serves the service `make` returns, one per connection, on 127.0.0.1:0
/// (on the current runtime); its address.
pub async fn serve<S, B>(make: impl Fn() -> S + Send + 'static) -> SocketAddr
where
    S: tower::Service<Request<hyper::body::Incoming>, Response = Response<B>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let service = hyper_util::service::TowerToHyperService::new(make());
            tokio::spawn(async move {
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

/// `/N` answers with status N and a short body.
pub async fn status_handler(
    request: Request<hyper::body::Incoming>,
) -> Result<Response<http_body_util::Full<Bytes>>, Infallible> {
    let status: u16 = request.uri().path()[1..].parse().unwrap();
    let mut response = Response::new(http_body_util::Full::new(Bytes::from_static(b"hello")));
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
    Ok(response)
}

/// An HTTP/1 connection to `addr`, driven on the current runtime.
pub async fn http1(
    addr: SocketAddr,
) -> hyper::client::conn::http1::SendRequest<http_body_util::Empty<Bytes>> {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (send, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);
    send
}

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A body of these frames, in order; an `Err` fails it there.
pub struct Frames(pub std::collections::VecDeque<Result<http_body::Frame<Bytes>, BoxError>>);

impl http_body::Body for Frames {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, BoxError>>> {
        std::task::Poll::Ready(self.0.pop_front())
    }
}
