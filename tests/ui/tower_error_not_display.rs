// A service whose error the layers cannot read (no `Display`): the error
// names the bound, where the service is used as one (hyper's, tonic's and
// axum's entry points require `Service<Request<B>>` just so).
use spanstatus::tower::HttpStatusLayer;
use tower::{Service, ServiceBuilder};

#[derive(Debug)]
struct Opaque;

fn serve<S: Service<http::Request<()>>>(_: S) {}

fn main() {
    let service = ServiceBuilder::new()
        .layer(HttpStatusLayer::client())
        .service(tower::service_fn(|_: http::Request<()>| async {
            Err::<http::Response<http_body_util::Empty<bytes::Bytes>>, _>(Opaque)
        }));
    serve(service);
}
