//! How a connection holds its config: anything that can lend it, borrowed
//! for firmware (`&ServerConfig`), shared for servers (`Arc<ServerConfig>`,
//! `Arc<OwnedServerConfig>`).

use super::{ClientConfig, ServerConfig};

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
    /// The config, borrowing from `self`.
    fn client_config(&self) -> ClientConfig<'_>;
}

/// What a server connection holds its config by: something that lends a
/// [`ServerConfig`] view each time the handshake needs it.
///
/// Implemented for `ServerConfig` itself, for references, and with `alloc`
/// for `Box`, `Rc`, `Arc` of any implementor and for `OwnedServerConfig`.
/// See [`ClientConfigRef`].
pub trait ServerConfigRef {
    /// The config, borrowing from `self`.
    fn server_config(&self) -> ServerConfig<'_>;
}

impl ClientConfigRef for ClientConfig<'_> {
    fn client_config(&self) -> ClientConfig<'_> {
        *self
    }
}

impl ServerConfigRef for ServerConfig<'_> {
    fn server_config(&self) -> ServerConfig<'_> {
        *self
    }
}

/// The impls for references and smart pointers of an implementor.
macro_rules! lend_through {
    ($trait:ident, $method:ident, $view:ident, $($ptr:ty),+) => {
        $(
            impl<T: $trait + ?Sized> $trait for $ptr {
                fn $method(&self) -> $view<'_> {
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
