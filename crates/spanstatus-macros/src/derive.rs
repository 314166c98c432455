//! `#[derive(HasCode)]`.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Field, Fields, Ident, Member, Type, WherePredicate};

use crate::code::{self, CodeArg};

/// How one variant (or the struct) gets its code.
enum Source {
    Code(TokenStream),
    /// The code and status message of this field.
    Transparent {
        member: Member,
        ty: Box<Type>,
    },
}

pub(crate) fn expand(input: DeriveInput) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    // When an attribute was wrong, its error is enough: no "has no status
    // code" errors follow from it.
    let top_result = code::find(&input.attrs);
    let top_failed = top_result.is_err()
        || (matches!(top_result, Ok(Some(CodeArg::Transparent(_))))
            && matches!(input.data, Data::Enum(_)));
    let top = errors.take(top_result).flatten();

    // Each arm: (pattern, source). The pattern binds the transparent field as
    // `__spanstatus_field`.
    let mut arms: Vec<(TokenStream, Source)> = Vec::new();
    match &input.data {
        Data::Enum(data) => {
            if let Some(CodeArg::Transparent(span)) = &top {
                errors.push(syn::Error::new(
                    *span,
                    "`#[code(transparent)]` goes on a single-field variant, not on the enum: \
                     the enum's own `#[code(..)]` is the default for variants without one",
                ));
            }
            let default = match &top {
                Some(CodeArg::Code(code, span)) => Some(code::code_path(*code, *span)),
                _ => None,
            };
            for variant in &data.variants {
                let misplaced = errors.check_fields(&variant.fields);
                let ident = &variant.ident;
                let own = match code::find(&variant.attrs) {
                    Ok(own) => own,
                    Err(error) => {
                        errors.push(error);
                        continue;
                    }
                };
                let source = match own {
                    Some(CodeArg::Code(code, span)) => Source::Code(code::code_path(code, span)),
                    Some(CodeArg::Transparent(span)) => {
                        match errors.take(single_field(
                            &variant.fields,
                            span,
                            &format!("variant `{ident}`"),
                        )) {
                            Some(source) => source,
                            None => continue,
                        }
                    }
                    None => match &default {
                        Some(default) => Source::Code(default.clone()),
                        None if misplaced || top_failed => continue,
                        None => {
                            errors.push(syn::Error::new(
                                ident.span(),
                                format!(
                                    "variant `{ident}` has no status code: add `#[code(..)]` to it \
                                     (e.g. `#[code(Internal)]`, or `#[code(transparent)]` for a \
                                     single field with a code), or a default `#[code(..)]` on the enum"
                                ),
                            ));
                            continue;
                        }
                    },
                };
                let pattern = match &source {
                    Source::Transparent { member, .. } => {
                        quote!(Self::#ident { #member: __spanstatus_field, .. })
                    }
                    Source::Code(_) => quote!(Self::#ident { .. }),
                };
                arms.push((pattern, source));
            }
        }
        Data::Struct(data) => {
            let misplaced = errors.check_fields(&data.fields);
            let ident = &input.ident;
            let source = match top {
                Some(CodeArg::Code(code, span)) => Some(Source::Code(code::code_path(code, span))),
                Some(CodeArg::Transparent(span)) => errors.take(single_field(
                    &data.fields,
                    span,
                    &format!("struct `{ident}`"),
                )),
                None if misplaced || top_failed => None,
                None => {
                    errors.push(syn::Error::new(
                        ident.span(),
                        format!(
                            "struct `{ident}` has no status code: add `#[code(..)]` to it \
                             (e.g. `#[code(NotFound)]`, or `#[code(transparent)]` for a newtype \
                             around an error with a code)"
                        ),
                    ));
                    None
                }
            };
            if let Some(source) = source {
                let pattern = match &source {
                    Source::Transparent { member, .. } => {
                        quote!(Self { #member: __spanstatus_field, .. })
                    }
                    Source::Code(_) => quote!(Self { .. }),
                };
                arms.push((pattern, source));
            }
        }
        Data::Union(data) => {
            errors.push(syn::Error::new(
                data.union_token.span(),
                "`HasCode` cannot be derived for a union: implement `spanstatus::HasCode` by hand",
            ));
        }
    }
    errors.finish()?;

    let ident = &input.ident;
    let type_params: Vec<&Ident> = input
        .generics
        .type_params()
        .map(|param| &param.ident)
        .collect();
    let mut generics = input.generics.clone();
    let bounds: Vec<WherePredicate> = arms
        .iter()
        .filter_map(|(_, source)| match source {
            Source::Transparent { ty, .. } if mentions_any(ty.to_token_stream(), &type_params) => {
                Some(syn::parse_quote_spanned!(ty.span()=> #ty: ::spanstatus::__private::HasCode))
            }
            _ => None,
        })
        .collect();
    if !bounds.is_empty() {
        generics.make_where_clause().predicates.extend(bounds);
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();

    let code_arms = arms.iter().map(|(pattern, source)| match source {
        Source::Code(code) => quote!(#pattern => #code,),
        Source::Transparent { ty, .. } => quote_spanned!(ty.span()=>
            #pattern => ::spanstatus::__private::HasCode::code(__spanstatus_field),
        ),
    });
    let message_arms = arms.iter().map(|(pattern, source)| match source {
        Source::Code(_) => quote!(#pattern => ::core::option::Option::None,),
        Source::Transparent { ty, .. } => quote_spanned!(ty.span()=>
            #pattern => ::spanstatus::__private::HasCode::status_message(__spanstatus_field),
        ),
    });
    // An empty enum has no value: `match *self {}`.
    let scrutinee = if arms.is_empty() {
        quote!(*self)
    } else {
        quote!(self)
    };

    // Known by its type, so that a tower layer's `S::Error` of this type or a
    // chain holding it finds the code with no `HasCode` bound. A generic type
    // has no one type to register.
    let register = input
        .generics
        .params
        .is_empty()
        .then(|| quote!(::spanstatus::__private::register_error!(#ident);));

    Ok(quote! {
        #register

        #[automatically_derived]
        impl #impl_generics ::spanstatus::__private::HasCode for #ident #ty_generics #where_clause {
            fn code(&self) -> ::spanstatus::__private::Code {
                match #scrutinee {
                    #(#code_arms)*
                }
            }

            fn status_message(
                &self,
            ) -> ::core::option::Option<::spanstatus::__private::Cow<'_, ::core::primitive::str>> {
                match #scrutinee {
                    #(#message_arms)*
                }
            }
        }
    })
}

/// The one field of a `transparent` variant or struct.
fn single_field(fields: &Fields, span: Span, what: &str) -> syn::Result<Source> {
    let mut iter = fields.iter();
    match (iter.next(), iter.next()) {
        (Some(field), None) => Ok(Source::Transparent {
            member: match &field.ident {
                Some(ident) => Member::Named(ident.clone()),
                None => Member::Unnamed(syn::Index { index: 0, span }),
            },
            ty: Box::new(field.ty.clone()),
        }),
        _ => Err(syn::Error::new(
            span,
            format!(
                "`#[code(transparent)]` needs exactly one field, whose code it takes; \
                 {what} has {}",
                match fields.len() {
                    0 => "none".to_owned(),
                    n => n.to_string(),
                }
            ),
        )),
    }
}

/// Whether `tokens` name one of the type parameters (so the field's type
/// needs a `HasCode` bound).
fn mentions_any(tokens: TokenStream, params: &[&Ident]) -> bool {
    tokens.into_iter().any(|token| match token {
        proc_macro2::TokenTree::Ident(ident) => params.iter().any(|param| **param == ident),
        proc_macro2::TokenTree::Group(group) => mentions_any(group.stream(), params),
        _ => false,
    })
}

/// Collects every error, so that one build reports them all.
#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(errors) => errors.combine(error),
            None => self.0 = Some(error),
        }
    }

    fn take<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        result.map_err(|error| self.push(error)).ok()
    }

    /// `#[code(..)]` belongs on the variant or the type, not on a field:
    /// reports each one, and whether there was one.
    fn check_fields(&mut self, fields: &Fields) -> bool {
        let mut misplaced = false;
        for attr in fields
            .iter()
            .flat_map(|field: &Field| &field.attrs)
            .filter(|attr| attr.path().is_ident("code"))
        {
            misplaced = true;
            self.push(syn::Error::new_spanned(
                attr,
                "`#[code(..)]` goes on the variant (or the struct), not on a field: \
                 `#[code(transparent)]` on a single-field variant takes that field's code",
            ));
        }
        misplaced
    }

    fn finish(self) -> syn::Result<()> {
        match self.0 {
            Some(errors) => Err(errors),
            None => Ok(()),
        }
    }
}
