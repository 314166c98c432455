//! A small gRPC cache service written by hand, without protoc: two prost
//! messages, a server for any [`Cache`], and a client. What `tonic-build`
//! would generate, cut down to two methods:
//!
//! ```proto
//! service Cache {
//!   rpc Get(Key) returns (Value);               // unary
//!   rpc Scan(Key) returns (stream Value);       // server streaming
//! }
//! ```
#![allow(dead_code)]

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::uri::PathAndQuery;
use tonic::codegen::{Service, StdError};
use tonic::{Request, Response, Status};
use tonic_prost::ProstCodec;

/// A request for `key` (or the prefix to scan).
pub fn key(key: &str) -> Request<Key> {
    Request::new(Key {
        key: key.to_owned(),
    })
}

/// The request: a key, or a prefix to scan.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Key {
    #[prost(string, tag = "1")]
    pub key: String,
}

/// A value.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Value {
    #[prost(string, tag = "1")]
    pub value: String,
}

pub const GET: &str = "/cache.Cache/Get";
pub const SCAN: &str = "/cache.Cache/Scan";

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// What the server serves.
pub trait Cache: Clone + Send + Sync + 'static {
    /// The value of `key`.
    fn get(&self, key: String) -> impl Future<Output = Result<String, Status>> + Send;
    /// The values under `prefix`, then how the stream ends.
    fn scan(&self, prefix: String) -> (Vec<String>, Result<(), Status>);
}

/// The tonic service of a [`Cache`].
#[derive(Clone)]
pub struct CacheServer<C>(pub C);

impl<C: Cache> tonic::server::NamedService for CacheServer<C> {
    const NAME: &'static str = "cache.Cache";
}

struct Get<C>(C);

impl<C: Cache> tonic::server::UnaryService<Key> for Get<C> {
    type Response = Value;
    type Future = BoxFuture<Result<Response<Value>, Status>>;

    fn call(&mut self, request: Request<Key>) -> Self::Future {
        let cache = self.0.clone();
        Box::pin(async move {
            let value = cache.get(request.into_inner().key).await?;
            Ok(Response::new(Value { value }))
        })
    }
}

struct Scan<C>(C);

type ValueStream = tokio_stream::Iter<std::vec::IntoIter<Result<Value, Status>>>;

impl<C: Cache> tonic::server::ServerStreamingService<Key> for Scan<C> {
    type Response = Value;
    type ResponseStream = ValueStream;
    type Future = BoxFuture<Result<Response<ValueStream>, Status>>;

    fn call(&mut self, request: Request<Key>) -> Self::Future {
        let (values, end) = self.0.scan(request.into_inner().key);
        let mut items: Vec<Result<Value, Status>> = values
            .into_iter()
            .map(|value| Ok(Value { value }))
            .collect();
        if let Err(status) = end {
            items.push(Err(status));
        }
        Box::pin(async move { Ok(Response::new(tokio_stream::iter(items))) })
    }
}

impl<C: Cache, B> Service<http::Request<B>> for CacheServer<C>
where
    B: http_body::Body + Send + 'static,
    B::Error: Into<StdError> + Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let cache = self.0.clone();
        let codec = ProstCodec::<Value, Key>::default();
        match request.uri().path() {
            GET => Box::pin(async move {
                Ok(tonic::server::Grpc::new(codec)
                    .unary(Get(cache), request)
                    .await)
            }),
            SCAN => Box::pin(async move {
                Ok(tonic::server::Grpc::new(codec)
                    .server_streaming(Scan(cache), request)
                    .await)
            }),
            _ => Box::pin(async move { Ok(Status::unimplemented("no such method").into_http()) }),
        }
    }
}

/// A client of the cache service over any tonic transport (a `Channel`,
/// with layers).
pub struct CacheClient<T>(tonic::client::Grpc<T>);

impl<T> CacheClient<T>
where
    T: tonic::client::GrpcService<tonic::body::Body>,
    T::Error: Into<StdError>,
    T::ResponseBody: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    <T::ResponseBody as http_body::Body>::Error: Into<StdError> + Send,
{
    pub fn new(transport: T) -> Self {
        CacheClient(tonic::client::Grpc::new(transport))
    }

    async fn ready(&mut self) -> Result<(), Status> {
        self.0
            .ready()
            .await
            .map_err(|e| Status::unavailable(format!("transport not ready: {}", e.into())))
    }

    /// `Get`.
    pub async fn get(&mut self, request: Request<Key>) -> Result<String, Status> {
        self.ready().await?;
        let codec = ProstCodec::<Key, Value>::default();
        let response = self
            .0
            .unary(request, PathAndQuery::from_static(GET), codec)
            .await?;
        Ok(response.into_inner().value)
    }

    /// `Scan`: the values received before the stream ended, and how it ended.
    pub async fn scan(&mut self, request: Request<Key>) -> (Vec<String>, Result<(), Status>) {
        let mut values = Vec::new();
        if let Err(status) = self.ready().await {
            return (values, Err(status));
        }
        let codec = ProstCodec::<Key, Value>::default();
        let mut stream = match self
            .0
            .server_streaming(request, PathAndQuery::from_static(SCAN), codec)
            .await
        {
            Ok(response) => response.into_inner(),
            Err(status) => return (values, Err(status)),
        };
        loop {
            match stream.message().await {
                Ok(Some(value)) => values.push(value.value),
                Ok(None) => return (values, Ok(())),
                Err(status) => return (values, Err(status)),
            }
        }
    }
}
