//! How a connection holds its config: anything that can lend it, borrowed
//! for firmware (`&ServerConfig`), shared for servers (`Arc<ServerConfig>`,
//! `Arc<OwnedServerConfig>`).

use super::{ClientConfig, ServerConfig};
use crate::crypto::Provider;

/// What a client connection holds its config by: something that lends a
/// [`ClientConfig`] view each time the handshake needs it.
///
/// Implemented for `ClientConfig` itself, for references, and with `alloc`
/// for `Box`, `Rc`, `Arc` of any implementor and for `OwnedClientConfig`.
/// A connection takes `C:
/// ClientConfigRef + Clone` (a renegotiation starts a new handshake with a
/// clone): `&ClientConfig` in firmware, `Arc<OwnedClientConfig>` in a
/// server that builds its configs at run time and drops them when the
/// last connection is gone.
///
/// An application can implement it for a type of its own that owns what
/// the view borrows.
pub trait ClientConfigRef {
    /// The crypto provider of the config (the connection's record layer
    /// and handshake states are of its types).
    type Provider: Provider;
    /// The config, borrowing from `self`.
    fn client_config(&self) -> ClientConfig<'_, Self::Provider>;
}

/// What a server connection holds its config by: something that lends a
/// [`ServerConfig`] view each time the handshake needs it.
///
/// Implemented for `ServerConfig` itself, for references, and with `alloc`
/// for `Box`, `Rc`, `Arc` of any implementor and for `OwnedServerConfig`.
/// See [`ClientConfigRef`].
pub trait ServerConfigRef {
    /// The crypto provider of the config (the connection's record layer
    /// and handshake states are of its types).
    type Provider: Provider;
    /// The config, borrowing from `self`.
    fn server_config(&self) -> ServerConfig<'_, Self::Provider>;
}

impl<P: Provider> ClientConfigRef for ClientConfig<'_, P> {
    type Provider = P;
    fn client_config(&self) -> ClientConfig<'_, P> {
        *self
    }
}

impl<P: Provider> ServerConfigRef for ServerConfig<'_, P> {
    type Provider = P;
    fn server_config(&self) -> ServerConfig<'_, P> {
        *self
    }
}

/// The impls for references and smart pointers of an implementor.
macro_rules! lend_through {
    ($trait:ident, $method:ident, $view:ident, $($ptr:ty),+) => {
        $(
            impl<T: $trait + ?Sized> $trait for $ptr {
                type Provider = T::Provider;
                fn $method(&self) -> $view<'_, T::Provider> {
                    (**self).$method()
                }
            }
        )+
    };
}

lend_through!(ClientConfigRef, client_config, ClientConfig, &T);
lend_through!(ServerConfigRef, server_config, ServerConfig, &T);

#[cfg(feature = "alloc")]
mod pointers {
    extern crate alloc;
    use super::*;
    use alloc::boxed::Box;
    use alloc::rc::Rc;
    use alloc::sync::Arc;

    lend_through!(ClientConfigRef, client_config, ClientConfig, Box<T>, Rc<T>, Arc<T>);
    lend_through!(ServerConfigRef, server_config, ServerConfig, Box<T>, Rc<T>, Arc<T>);
}
