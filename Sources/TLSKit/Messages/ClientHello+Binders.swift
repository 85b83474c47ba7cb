extension ClientHello {
    /// The full encoded handshake message (with header) truncated just before the
    /// binders list, i.e. the input to the PSK binder transcript.
    ///
    /// RFC 8446 §4.2.11.2: "The PskBinderEntry is computed in the same way as the
    /// Finished message but with the BaseKey being the binder_key ... over the
    /// partial ClientHello up to and including the PreSharedKeyExtension.identities
    /// field." The handshake header carries the length of the whole message, binders
    /// included, so the binders must already have their final lengths (placeholders
    /// of the right size will do).
    ///
    /// Requires `extensions.preSharedKey != nil`.
    func encodedForBinders() -> [UInt8] {
        guard let preSharedKey = extensions.preSharedKey else {
            preconditionFailure("encodedForBinders() needs a pre_shared_key extension")
        }
        return Array(HandshakeMessage.clientHello(self).encoded().dropLast(preSharedKey.encodedBindersLength))
    }
}
