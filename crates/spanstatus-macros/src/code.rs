//! `#[code(..)]` values: a spelling of a canonical code, checked at compile
//! time with the core's own parser, or `transparent`.

use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;
use spanstatus_core::Code;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Ident, Lit};

/// What a `#[code(..)]` attribute says.
#[derive(Clone)]
pub(crate) enum CodeArg {
    /// A code, and the span of the token that spelled it.
    Code(Code, Span),
    /// `transparent`: the code of the single field.
    Transparent(Span),
}

impl Parse for CodeArg {
    fn parse(input: ParseStream<'_>) -> syn::Result<CodeArg> {
        let arg = if input.peek(Lit) {
            let lit: Lit = input.parse()?;
            let spelling = match &lit {
                Lit::Str(s) => s.value(),
                Lit::Int(i) if i.suffix().is_empty() => i.base10_digits().to_owned(),
                _ => return Err(syn::Error::new(lit.span(), expected("this literal"))),
            };
            match Code::parse(&spelling) {
                Ok(code) => CodeArg::Code(code, lit.span()),
                Err(_) => {
                    return Err(syn::Error::new(
                        lit.span(),
                        unrecognized(&format!("{spelling:?}"), &spelling),
                    ));
                }
            }
        } else {
            let ident = input.call(<Ident as syn::ext::IdentExt>::parse_any)?;
            let spelling = ident.to_string();
            if spelling == "transparent" {
                CodeArg::Transparent(ident.span())
            } else {
                match Code::parse(&spelling) {
                    Ok(code) => CodeArg::Code(code, ident.span()),
                    Err(_) => {
                        return Err(syn::Error::new(
                            ident.span(),
                            unrecognized(&format!("`{spelling}`"), &spelling),
                        ));
                    }
                }
            }
        };
        if !input.is_empty() {
            return Err(input.error(
                "expected one code in `#[code(..)]`, e.g. `#[code(NotFound)]` or `#[code(transparent)]`",
            ));
        }
        Ok(arg)
    }
}

/// The `Code` variant path for the expansion: `::spanstatus::__private::Code::NotFound`.
pub(crate) fn code_path(code: Code, span: Span) -> TokenStream {
    let variant = Ident::new(&format!("{code:?}"), span);
    quote_spanned!(span=> ::spanstatus::__private::Code::#variant)
}

/// Every code's variant name: `Ok, Cancelled, ..., Unauthenticated`.
fn all_names() -> String {
    Code::ALL
        .iter()
        .map(|code| format!("{code:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn accepted() -> String {
    format!(
        "expected one of the 17 canonical codes: {} (in any spelling the core parses: \
         `NotFound`, `NOT_FOUND`, `not_found`, \"not found\", or its number, `5`), \
         or `transparent` on a single-field variant or newtype struct",
        all_names()
    )
}

fn expected(what: &str) -> String {
    format!("{what} is not a status code: {}", accepted())
}

/// The error for a spelling that is no code, with a suggestion when one is close.
fn unrecognized(shown: &str, spelling: &str) -> String {
    let mut message = format!("unrecognized status code {shown}");
    if spelling.bytes().all(|b| b.is_ascii_digit()) {
        message.push_str(" (the numbers are 0 to 16)");
    } else if let Some(code) = closest(spelling) {
        message.push_str(&format!(" (did you mean `{code:?}`?)"));
    }
    message.push_str(": ");
    message.push_str(&accepted());
    message
}

/// The code whose name is within two edits of `spelling` (ignoring case and
/// separators), if exactly one is.
fn closest(spelling: &str) -> Option<Code> {
    let squash = |s: &str| -> Vec<u8> {
        s.bytes()
            .filter(|b| b.is_ascii_alphanumeric())
            .map(|b| b.to_ascii_lowercase())
            .collect()
    };
    let input = squash(spelling);
    let mut best: Option<(usize, Code)> = None;
    for code in Code::ALL {
        let distance = levenshtein(&input, &squash(code.as_str()));
        if distance <= 2 && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, code));
        }
    }
    best.map(|(_, code)| code)
}

fn levenshtein(a: &[u8], b: &[u8]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, &x) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, &y) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(x != y);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// The one `#[code(..)]` among `attrs`, if any; a second one is an error.
pub(crate) fn find(attrs: &[Attribute]) -> syn::Result<Option<CodeArg>> {
    let mut found: Option<CodeArg> = None;
    let mut errors: Option<syn::Error> = None;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("code")) {
        let parsed = match &attr.meta {
            syn::Meta::List(list) => list.parse_args::<CodeArg>(),
            _ => Err(syn::Error::new_spanned(
                &attr.meta,
                "expected `#[code(..)]` with a code, e.g. `#[code(NotFound)]`",
            )),
        };
        let result = parsed.and_then(|arg| match &found {
            Some(_) => Err(syn::Error::new_spanned(
                attr,
                "a second `#[code(..)]`: give one code (a variant's code, or the enum's default)",
            )),
            None => {
                found = Some(arg);
                Ok(())
            }
        });
        if let Err(error) = result {
            match &mut errors {
                Some(errors) => errors.combine(error),
                None => errors = Some(error),
            }
        }
    }
    match errors {
        Some(errors) => Err(errors),
        None => Ok(found),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(tokens: TokenStream) -> syn::Result<CodeArg> {
        syn::parse2(tokens)
    }

    #[test]
    fn every_spelling_the_core_parses() {
        for tokens in [
            quote::quote!(NotFound),
            quote::quote!(NOT_FOUND),
            quote::quote!(not_found),
            quote::quote!("not found"),
            quote::quote!("not-found"),
            quote::quote!(5),
        ] {
            match parse(tokens.clone()) {
                Ok(CodeArg::Code(code, _)) => assert_eq!(code, Code::NotFound, "{tokens}"),
                _ => panic!("{tokens} did not parse"),
            }
        }
        assert!(matches!(
            parse(quote::quote!(transparent)),
            Ok(CodeArg::Transparent(_))
        ));
        assert!(matches!(
            parse(quote::quote!(Canceled)),
            Ok(CodeArg::Code(Code::Cancelled, _))
        ));
    }

    #[test]
    fn a_wrong_name_lists_what_is_accepted() {
        let error = parse(quote::quote!(NotFund)).err().unwrap().to_string();
        assert!(
            error.starts_with("unrecognized status code `NotFund` (did you mean `NotFound`?)"),
            "{error}"
        );
        assert!(error.contains("Unauthenticated"), "{error}");
        let error = parse(quote::quote!("teapot")).err().unwrap().to_string();
        assert!(
            error.starts_with("unrecognized status code \"teapot\": expected"),
            "{error}"
        );
        assert!(parse(quote::quote!(17)).is_err());
        assert!(parse(quote::quote!(5u8)).is_err());
        assert!(parse(quote::quote!(NotFound, Internal)).is_err());
    }
}
