import Foundation
import SwiftASN1
import X509

/// Reading PEM files and the certificates in them, for configuration.
enum PEMFiles {
    /// The text of the file at `path`; a missing or unreadable file is a configuration error.
    static func read(_ path: String) throws -> String {
        guard let contents = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "not a readable file" : "no such file"
            throw TLSError.configuration("cannot read \(path): \(reason)")
        }
        return String(decoding: contents, as: UTF8.self)
    }

    /// Every `CERTIFICATE` block in `pem`, in order. Other blocks are skipped; a
    /// certificate that does not parse, or none at all, is a configuration error.
    static func certificates(fromPEM pem: String, source: String) throws -> [Certificate] {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: pem)
        } catch {
            throw TLSError.configuration("\(source) is not valid PEM: \(error)")
        }
        let certificates = try documents.filter { $0.discriminator == Certificate.defaultPEMDiscriminator }
            .enumerated().map { index, document in
                do {
                    return try Certificate(pemDocument: document)
                } catch {
                    throw TLSError.configuration("certificate \(index + 1) in \(source) cannot be parsed: \(error)")
                }
            }
        guard !certificates.isEmpty else {
            throw TLSError.configuration("no CERTIFICATE found in \(source)")
        }
        return certificates
    }

    /// The DER encoding of `certificate`, exactly as it was parsed or signed.
    static func derBytes(of certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }
}
