import Crypto

/// The ML-KEM parameter sets the hybrid groups use (FIPS 203).
enum MLKEMParameterSet: Sendable, Hashable {
    case mlkem768
    case mlkem1024

    /// The encapsulation key's length, 384·k + 32 bytes (FIPS 203 §8, Table 3).
    var encapsulationKeyLength: Int {
        switch self {
        case .mlkem768: return 1184
        case .mlkem1024: return 1568
        }
    }

    /// The ciphertext's length, 32·(d_u·k + d_v) bytes (FIPS 203 §8, Table 3).
    var ciphertextLength: Int {
        switch self {
        case .mlkem768: return 1088
        case .mlkem1024: return 1568
        }
    }

    /// Encapsulates a fresh secret to the peer's encapsulation key: the server's side of the KEM.
    ///
    /// draft-ietf-tls-ecdhe-mlkem §3.1: "the server MUST perform the encapsulation key check
    /// described in Section 7.2 of FIPS 203 on the client's encapsulation key, and abort with an
    /// illegal_parameter alert if it fails." swift-crypto's key parser (BoringSSL's
    /// `MLKEM768_parse_public_key`) performs that check: the length, and every coefficient
    /// below q = 3329.
    func encapsulate(
        to encapsulationKey: ArraySlice<UInt8>, provider: CryptoProvider
    ) throws -> (ciphertext: [UInt8], secret: SymmetricKey) {
        guard encapsulationKey.count == encapsulationKeyLength else { throw Self.invalidEncapsulationKey }
        #if BoringSSLProvider
        if provider == .boringSSL {
            guard let result = BoringSSLMLKEMKey.encapsulate(self, to: encapsulationKey) else { throw Self.invalidEncapsulationKey }
            return result
        }
        #endif
        let result: KEM.EncapsulationResult
        do {
            switch self {
            case .mlkem768: result = try MLKEM768.PublicKey(rawRepresentation: encapsulationKey).encapsulate()
            case .mlkem1024: result = try MLKEM1024.PublicKey(rawRepresentation: encapsulationKey).encapsulate()
            }
        } catch {
            throw Self.invalidEncapsulationKey
        }
        return (Array(result.encapsulated), result.sharedSecret)
    }

    private static var invalidEncapsulationKey: TLSError { TLSError(.illegalParameter("ML-KEM encapsulation key")) }
}

/// A client's ML-KEM key pair for one handshake: the encapsulation key goes in its key share,
/// the decapsulation key never leaves this value.
struct MLKEMDecapsulationKey: Sendable {
    private enum Backing: Sendable {
        case mlkem768(MLKEM768.PrivateKey)
        case mlkem1024(MLKEM1024.PrivateKey)
        #if BoringSSLProvider
        case boringSSL(BoringSSLMLKEMKey)
        #endif
    }

    let parameters: MLKEMParameterSet
    /// The encapsulation key, as the client's share carries it.
    let encapsulationKey: [UInt8]
    private let backing: Backing

    static func generate(_ parameters: MLKEMParameterSet, provider: CryptoProvider) throws -> MLKEMDecapsulationKey {
        #if BoringSSLProvider
        if provider == .boringSSL {
            let key = BoringSSLMLKEMKey(parameters)
            return MLKEMDecapsulationKey(parameters: parameters, encapsulationKey: key.encapsulationKey, backing: .boringSSL(key))
        }
        #endif
        do {
            switch parameters {
            case .mlkem768:
                let key = try MLKEM768.PrivateKey.generate()
                return MLKEMDecapsulationKey(
                    parameters: parameters, encapsulationKey: Array(key.publicKey.rawRepresentation), backing: .mlkem768(key))
            case .mlkem1024:
                let key = try MLKEM1024.PrivateKey.generate()
                return MLKEMDecapsulationKey(
                    parameters: parameters, encapsulationKey: Array(key.publicKey.rawRepresentation), backing: .mlkem1024(key))
            }
        } catch {
            throw TLSError(.internalFailure("ML-KEM key generation failed"))
        }
    }

    /// The secret the server encapsulated in `ciphertext`.
    ///
    /// draft-ietf-tls-ecdhe-mlkem §3.1: a ciphertext of the wrong length is an illegal_parameter;
    /// "If ML-KEM decapsulation fails for any other reason, the connection MUST be aborted with
    /// an internal_error alert." (ML-KEM's implicit rejection means a ciphertext of the right
    /// length never fails: a forged one yields a secret the server does not have, and Finished fails.)
    func decapsulate(_ ciphertext: ArraySlice<UInt8>) throws -> SymmetricKey {
        guard ciphertext.count == parameters.ciphertextLength else {
            throw TLSError(.illegalParameter("ML-KEM ciphertext of \(ciphertext.count) bytes"))
        }
        do {
            switch backing {
            case .mlkem768(let key): return try key.decapsulate(ciphertext)
            case .mlkem1024(let key): return try key.decapsulate(ciphertext)
            #if BoringSSLProvider
            case .boringSSL(let key): return try key.decapsulate(ciphertext)
            #endif
            }
        } catch {
            throw TLSError(.internalFailure("ML-KEM decapsulation failed"))
        }
    }
}
