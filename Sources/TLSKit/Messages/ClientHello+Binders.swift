extension ClientHello {
    /// The full encoded handshake message (with header) and the offset of its binders list:
    /// the input to the PSK binder transcript is everything before that offset.
    ///
    /// RFC 8446 §4.2.11.2: "The PskBinderEntry is computed in the same way as the
    /// Finished message but with the BaseKey being the binder_key ... over the
    /// partial ClientHello up to and including the PreSharedKeyExtension.identities
    /// field." The handshake header carries the length of the whole message, binders
    /// included, so the binders must already have their final lengths (placeholders
    /// of the right size will do; they can then be overwritten in place).
    ///
    /// Requires `extensions.preSharedKey != nil`.
    func encodedWithBindersOffset() -> (message: [UInt8], bindersOffset: Int) {
        guard let preSharedKey = extensions.preSharedKey else {
            preconditionFailure("encodedWithBindersOffset() needs a pre_shared_key extension")
        }
        let message = HandshakeMessage.encoded(.clientHello, self)
        return (message, message.count - preSharedKey.encodedBindersLength)
    }
}
