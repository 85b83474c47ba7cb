extension TLSConnection: CustomStringConvertible, CustomReflectable {
    /// A summary of the connection's state. Never contains keys or secrets.
    public var description: String {
        let suite = negotiatedParameters.map { ", \($0.cipherSuite)" } ?? ""
        let state = error.map { "failed: \($0)" } ?? (isHandshakeComplete ? "established" : "handshaking")
        return "\(type(of: self))(\(state)\(suite))"
    }

    /// Mirrors only public state, so `dump` and debuggers' summaries show no key material.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "isHandshakeComplete": isHandshakeComplete, "negotiatedParameters": negotiatedParameters as Any,
                "error": error as Any,
            ], displayStyle: .class)
    }
}
