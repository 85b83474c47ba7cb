/// Which end of the connection a handshake step belongs to.
enum HandshakeRole: Sendable {
    case client, server
}

/// The bytes a CertificateVerify signature covers.
enum CertificateVerifyContent {
    private static let serverContext = Array("TLS 1.3, server CertificateVerify".utf8)
    private static let clientContext = Array("TLS 1.3, client CertificateVerify".utf8)

    /// RFC 8446 §4.4.3: 64 spaces, a context string naming the signer's role, a zero byte,
    /// then the transcript hash up to (not including) the CertificateVerify.
    static func make(signer: HandshakeRole, transcriptHash: [UInt8]) -> [UInt8] {
        var content = [UInt8](repeating: 0x20, count: 64)
        content.reserveCapacity(64 + 34 + transcriptHash.count)
        content.append(contentsOf: signer == .server ? serverContext : clientContext)
        content.append(0)
        content.append(contentsOf: transcriptHash)
        return content
    }
}
