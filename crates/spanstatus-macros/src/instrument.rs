//! `#[instrument]`: tracing's `#[instrument]`, and the span's status from the
//! function's `Result`.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Expr, Ident, ItemFn, ReturnType, Token, Type};

/// The arguments `#[tracing::instrument]` takes (tracing-attributes 0.1.x),
/// forwarded as they are.
const TRACING_ARGS: [&str; 10] = [
    "name",
    "target",
    "parent",
    "follows_from",
    "level",
    "skip",
    "skip_all",
    "fields",
    "err",
    "ret",
];

/// One argument: `key`, `key = expr` or `key(...)`.
struct Arg {
    key: Ident,
    value: Value,
}

enum Value {
    None,
    Eq(Token![=], Expr),
    Group(TokenTree),
}

impl Parse for Arg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Arg> {
        let key = input.call(Ident::parse_any)?;
        let value = if input.peek(Token![=]) {
            Value::Eq(input.parse()?, input.parse()?)
        } else if input.peek(syn::token::Paren) {
            Value::Group(input.parse()?)
        } else {
            Value::None
        };
        Ok(Arg { key, value })
    }
}

impl ToTokens for Arg {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.key.to_tokens(tokens);
        match &self.value {
            Value::None => {}
            Value::Eq(eq, expr) => {
                eq.to_tokens(tokens);
                expr.to_tokens(tokens);
            }
            Value::Group(group) => group.to_tokens(tokens),
        }
    }
}

/// The parsed arguments: ours, and tracing's to forward.
struct Args {
    forwarded: Vec<Arg>,
    /// The span's name as tracing will give it, when `name = ..` overrides it.
    name: Option<Expr>,
    ok: Option<Span>,
    cancel: Option<Span>,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Args> {
        let mut args = Args {
            forwarded: Vec::new(),
            name: None,
            ok: None,
            cancel: None,
        };
        let mut errors: Option<syn::Error> = None;
        let mut push = |error: syn::Error| match &mut errors {
            Some(errors) => errors.combine(error),
            None => errors = Some(error),
        };
        for arg in Punctuated::<Arg, Token![,]>::parse_terminated(input)? {
            let key = arg.key.to_string();
            match key.as_str() {
                "ok" | "cancel" => {
                    let slot = if key == "ok" {
                        &mut args.ok
                    } else {
                        &mut args.cancel
                    };
                    if !matches!(arg.value, Value::None) {
                        push(syn::Error::new_spanned(
                            &arg,
                            format!("`{key}` takes no value: write `{key}` alone"),
                        ));
                    } else if slot.is_some() {
                        push(syn::Error::new(
                            arg.key.span(),
                            format!("`{key}` is given twice"),
                        ));
                    } else {
                        *slot = Some(arg.key.span());
                    }
                }
                known if TRACING_ARGS.contains(&known) => {
                    if let ("name", Value::Eq(_, expr)) = (known, &arg.value) {
                        args.name = Some(expr.clone());
                    }
                    args.forwarded.push(arg);
                }
                _ => push(syn::Error::new(
                    arg.key.span(),
                    format!(
                        "unknown argument `{key}` of `#[spanstatus::instrument]`: expected \
                         tracing's `name`, `target`, `parent`, `follows_from`, `level`, `skip`, \
                         `skip_all`, `fields`, `err`, `ret`, or `ok` (set OK on an `Ok`) or \
                         `cancel` (set CANCELLED when an `async fn`'s future is dropped)"
                    ),
                )),
            }
        }
        match errors {
            Some(errors) => Err(errors),
            None => Ok(args),
        }
    }
}

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let args: Args = syn::parse2(args)?;
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = syn::parse2(item)?;

    let is_async = sig.asyncness.is_some();
    let result_type = match &sig.output {
        ReturnType::Type(_, ty) if is_result(ty) => Some(hint_type(ty)),
        _ => None,
    };
    let mut errors: Option<syn::Error> = None;
    let mut push = |error: syn::Error| match &mut errors {
        Some(errors) => errors.combine(error),
        None => errors = Some(error),
    };
    if let (Some(span), false) = (args.cancel, is_async) {
        push(syn::Error::new(
            span,
            "`cancel` needs an `async fn`: only a future can be dropped before it completes \
             (a sync function always runs to its end, or panics)",
        ));
    }
    if let (Some(span), None) = (args.ok, &result_type) {
        push(syn::Error::new(
            span,
            "`ok` needs a function that returns a `Result` (a return type whose last path \
             segment is `Result`: `Result<T, E>`, `io::Result<T>`, `anyhow::Result<T>`)",
        ));
    }
    if let Some(errors) = errors {
        return Err(errors);
    }

    let forwarded = &args.forwarded;
    let tracing_attr = quote!(#[::spanstatus::__private::tracing::instrument(#(#forwarded),*)]);

    // Identifiers of ours are hygienic: the body cannot see them.
    let mixed = Span::mixed_site();
    let result = Ident::new("__spanstatus_result", mixed);
    let error = Ident::new("__spanstatus_error", mixed);
    let probe = Ident::new("__spanstatus_probe", mixed);
    let guard = Ident::new("__spanstatus_guard", mixed);
    let span = Ident::new("__spanstatus_span", mixed);

    // Which span is this function's: the one tracing's attribute created and
    // entered, unless a filter disabled it (then the current span is the
    // caller's, which must be left alone). `line!()` here and in tracing's
    // `span!` both name the line of this attribute.
    let span_name = match &args.name {
        Some(name) => name.to_token_stream(),
        None => {
            let name = sig.ident.to_string();
            quote!(#name)
        }
    };
    let callsite = quote! {
        &::spanstatus::__private::Callsite {
            name: #span_name,
            module_path: ::core::module_path!(),
            file: ::core::file!(),
            line: ::core::line!(),
        }
    };

    // The span to set: the one the guard holds with `cancel`; else the
    // current span, checked and used in place when there is a status to set.
    let own_span = match args.cancel {
        Some(_) => quote!(#span),
        None => quote!(#callsite),
    };
    let record = result_type.as_ref().map(|_| {
        let on_ok = match args.ok {
            Some(ok) => quote_spanned!(ok=> ::spanstatus::__private::record_ok(#own_span)),
            None => quote!(),
        };
        quote! {
            match &#result {
                ::core::result::Result::Err(#error) => {
                    #[allow(unused_imports)]
                    use ::spanstatus::__private::autoref::{
                        HasCodeProbe as _, NoCodeProbe as _, DisplayProbe as _, NoDisplayProbe as _,
                    };
                    let #probe = &::spanstatus::__private::autoref::Probe(#error);
                    ::spanstatus::__private::record_error(
                        #own_span,
                        #probe.__spanstatus_code(),
                        #probe.__spanstatus_status_message(),
                        || #probe.__spanstatus_display(),
                    );
                }
                ::core::result::Result::Ok(_) => { #on_ok }
            }
        }
    });

    // The function's return type, `impl Trait` inferred: what the body's
    // block is given before it is checked, so that `?`, `return` and
    // coercions in its tail (`Ok(&vec)` to `&[u8]`) work as in the function.
    let hint = match (&result_type, &sig.output) {
        (Some(hint), _) => hint.to_token_stream(),
        (None, ReturnType::Default) => quote!(()),
        (None, ReturnType::Type(_, ty)) => hint_type(ty).into_token_stream(),
    };
    let body = if is_async {
        // With `cancel`, the span is looked up when the body starts (it is
        // the current span then) and kept by the guard.
        let (start, complete) = match args.cancel {
            Some(cancel) => (
                quote_spanned! {cancel=>
                    let #guard = ::spanstatus::__private::CancelGuard::new(
                        ::spanstatus::__private::own_span(#callsite),
                    );
                },
                match &record {
                    Some(_) => quote!(let #span = #guard.complete();),
                    None => quote!(#guard.complete();),
                },
            ),
            None => (quote!(), quote!()),
        };
        // A panic in a poll is recorded on the function's span as it
        // unwinds (UNKNOWN, `panicked: <payload>`).
        quote! {
            #start
            let #result: #hint = ::spanstatus::__private::CatchPanic::new(#callsite, async move {
                if false {
                    return ::spanstatus::__private::type_hint::<#hint>();
                }
                #block
            })
            .await;
            #complete
            #record
            #result
        }
    } else {
        quote! {
            let #result: #hint = ::spanstatus::__private::catch_panic(#callsite, move || -> #hint #block);
            #record
            #result
        }
    };

    Ok(quote! {
        #tracing_attr
        #(#attrs)*
        #vis #sig {
            #body
        }
    })
}

/// Whether the return type is a `Result`: its last path segment is `Result`
/// (`Result<T, E>`, `io::Result<T>`, `anyhow::Result<T>`, `fmt::Result`).
fn is_result(ty: &Type) -> bool {
    match ty {
        Type::Path(path) => path
            .path
            .segments
            .last()
            .is_some_and(|segment| segment.ident == "Result"),
        Type::Group(group) => is_result(&group.elem),
        Type::Paren(paren) => is_result(&paren.elem),
        _ => false,
    }
}

/// The return type as a type annotation inside the body: `impl Trait`
/// becomes `_` (inferred from the body).
fn hint_type(ty: &Type) -> Type {
    struct ImplToInfer;
    impl VisitMut for ImplToInfer {
        fn visit_type_mut(&mut self, ty: &mut Type) {
            if let Type::ImplTrait(impl_trait) = ty {
                *ty = Type::Infer(syn::TypeInfer {
                    underscore_token: Token![_](syn::spanned::Spanned::span(impl_trait)),
                });
            } else {
                syn::visit_mut::visit_type_mut(self, ty);
            }
        }
    }
    let mut ty = ty.clone();
    ImplToInfer.visit_type_mut(&mut ty);
    ty
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(tokens: TokenStream) -> Type {
        syn::parse2(tokens).unwrap()
    }

    #[test]
    fn a_result_is_a_last_segment_named_result() {
        for tokens in [
            quote!(Result<u8, E>),
            quote!(io::Result<u8>),
            quote!(::anyhow::Result<u8>),
            quote!(std::result::Result<(), Box<dyn std::error::Error>>),
            quote!(fmt::Result),
        ] {
            assert!(is_result(&ty(tokens.clone())), "{tokens}");
        }
        for tokens in [
            quote!(u8),
            quote!(Option<u8>),
            quote!(&Result<u8, E>),
            quote!(impl Future<Output = Result<u8, E>>),
        ] {
            assert!(!is_result(&ty(tokens.clone())), "{tokens}");
        }
    }

    #[test]
    fn impl_trait_becomes_inferred_in_the_hint() {
        let hint = hint_type(&ty(quote!(Result<Vec<impl Display + '_>, impl Error>)));
        assert_eq!(
            hint.to_token_stream().to_string(),
            quote!(Result<Vec<_>, _>).to_string()
        );
    }

    #[test]
    fn ours_are_stripped_and_tracings_kept() {
        let args: Args = syn::parse2(quote!(
            level = "debug",
            ok,
            skip(a, b),
            cancel,
            fields(x = f::<A, B>(1)),
            err(Debug)
        ))
        .unwrap();
        assert_eq!((args.ok.is_some(), args.cancel.is_some()), (true, true));
        let forwarded = &args.forwarded;
        assert_eq!(
            quote!(#(#forwarded),*).to_string(),
            quote!(
                level = "debug",
                skip(a, b),
                fields(x = f::<A, B>(1)),
                err(Debug)
            )
            .to_string()
        );
        let args: Args = syn::parse2(quote!(parent = make::<A, B>(), name = "x")).unwrap();
        assert_eq!(args.forwarded.len(), 2);
        assert!(args.name.is_some());
        assert!(syn::parse2::<Args>(quote!(retry)).is_err());
        assert!(syn::parse2::<Args>(quote!(ok, ok)).is_err());
    }
}
