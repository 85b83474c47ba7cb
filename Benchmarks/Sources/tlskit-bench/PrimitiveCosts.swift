import Crypto
import Foundation
import NIOCore
import NIOEmbedded

/// `--primitives`: what single swift-crypto calls cost here, in nanoseconds per call, as
/// comment lines. These explain the figures (how much of a handshake is HMAC set-up, what
/// one small AEAD record costs); they are not figures themselves.
enum PrimitiveCosts {
    private static func measure(_ name: String, calls: Int, _ body: () -> Int) -> Int {
        var sink = 0
        for _ in 0..<max(calls / 100, 10) { sink &+= body() }
        let start = Monotonic.now()
        for _ in 0..<calls { sink &+= body() }
        let nanoseconds = Double(Monotonic.now() - start) / Double(calls)
        Report.comment("primitive \(name) \(String(format: "%.0f", nanoseconds)) ns")
        return sink
    }

    static func run(scale: Double) {
        let calls = { (count: Int) in max(Int(Double(count) * scale), 100) }
        let key = SymmetricKey(data: [UInt8](repeating: 7, count: 32))
        let info = [UInt8](repeating: 3, count: 50)
        let keyed = HMAC<SHA256>(key: key)
        var sink = 0
        sink &+= measure("hmac_sha256_init", calls: calls(200_000)) {
            withExtendedLifetime(HMAC<SHA256>(key: key)) { 1 }
        }
        sink &+= measure("hmac_sha256_copy_update_finalize", calls: calls(200_000)) {
            var mac = keyed
            mac.update(data: info)
            return mac.finalize().withUnsafeBytes { Int($0[0]) }
        }
        sink &+= measure("hkdf_sha256_extract", calls: calls(200_000)) {
            HKDF<SHA256>.extract(inputKeyMaterial: key, salt: info).withUnsafeBytes { Int($0[0]) }
        }
        sink &+= measure("sha256_two_blocks", calls: calls(200_000)) {
            var hash = SHA256()
            info.withUnsafeBytes { hash.update(bufferPointer: $0) }
            info.withUnsafeBytes { hash.update(bufferPointer: $0) }
            return hash.finalize().withUnsafeBytes { Int($0[0]) }
        }
        sink &+= measure("array_from_hmac_iterator", calls: calls(200_000)) { Array(keyed.finalize()).count }
        let aesKey = SymmetricKey(size: .bits128)
        let nonce = try! AES.GCM.Nonce(data: [UInt8](repeating: 1, count: 12))
        let record = [UInt8](repeating: 9, count: 200)
        sink &+= measure("aes128gcm_seal_200_bytes", calls: calls(200_000)) {
            (try? AES.GCM.seal(record, using: aesKey, nonce: nonce, authenticating: info))?.tag.count ?? 0
        }
        sink &+= recordPathCosts(key: aesKey, nonce: nonce, calls: calls(20_000))
        sink &+= recordAssemblyCosts(size: 200, name: "200", key: aesKey, nonce: nonce, calls: calls(200_000))
        sink &+= recordAssemblyCosts(size: 16_384, name: "16k", key: aesKey, nonce: nonce, calls: calls(20_000))
        let signingKey = P256.Signing.PrivateKey()
        let signature = try! signingKey.signature(for: info)
        sink &+= measure("p256_sign", calls: calls(5_000)) { (try? signingKey.signature(for: info))?.rawRepresentation.count ?? 0 }
        sink &+= measure("p256_verify", calls: calls(5_000)) { signingKey.publicKey.isValidSignature(signature, for: info) ? 1 : 0 }
        sink &+= measure("x25519_keygen", calls: calls(20_000)) { Curve25519.KeyAgreement.PrivateKey().publicKey.rawRepresentation.count }
        let ours = Curve25519.KeyAgreement.PrivateKey()
        let theirs = Curve25519.KeyAgreement.PrivateKey().publicKey
        sink &+= measure("x25519_agreement", calls: calls(20_000)) {
            (try? ours.sharedSecretFromKeyAgreement(with: theirs))?.withUnsafeBytes { Int($0[0]) } ?? 0
        }
        sink &+= embeddedChannelCost(calls: calls(100_000))
        Report.comment("primitive checksum \(sink)")
    }

    /// What the ways of handing a 16 KiB record to swift-crypto's AES-GCM cost: the one-shot
    /// round trip `limit_bulk_aes128gcm_16k` measures, then the copies a record layer adds.
    private static func recordPathCosts(key: SymmetricKey, nonce: AES.GCM.Nonce, calls: Int) -> Int {
        let plaintext = [UInt8](repeating: 0x5a, count: 16_384)
        let header: [UInt8] = [23, 3, 3, 0x40, 0x11]
        let box = try! AES.GCM.seal(plaintext, using: key, nonce: nonce, authenticating: header)
        let wire = [UInt8](box.ciphertext) + [UInt8](box.tag)
        let tagStart = wire.count - 16
        var combined = Data(count: 12 + wire.count)
        combined.withUnsafeMutableBytes { buffer in
            nonce.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: 12) }
            wire.withUnsafeBytes { (buffer.baseAddress! + 12).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        }
        var output = [UInt8](repeating: 0, count: wire.count + 5)
        var sink = 0
        sink &+= measure("aes128gcm_seal_16k", calls: calls) {
            (try? AES.GCM.seal(plaintext, using: key, nonce: nonce, authenticating: header))?.tag.count ?? 0
        }
        sink &+= measure("aes128gcm_open_16k_from_box", calls: calls) {
            (try? AES.GCM.open(box, using: key, authenticating: header))?.count ?? 0
        }
        sink &+= measure("aes128gcm_open_16k_box_from_array_slices", calls: calls) {
            let box = try! AES.GCM.SealedBox(nonce: nonce, ciphertext: wire[..<tagStart], tag: wire[tagStart...])
            return (try? AES.GCM.open(box, using: key, authenticating: header))?.count ?? 0
        }
        sink &+= measure("aes128gcm_open_16k_box_from_combined_data", calls: calls) {
            let box = try! AES.GCM.SealedBox(combined: combined)
            return (try? AES.GCM.open(box, using: key, authenticating: header))?.count ?? 0
        }
        sink &+= measure("data_16k_copy_bytes_to", calls: calls) {
            output.withUnsafeMutableBytes { box.ciphertext.copyBytes(to: UnsafeMutableRawBufferPointer(rebasing: $0[5...])) }
        }
        sink &+= measure("data_16k_with_unsafe_bytes_copy", calls: calls) {
            output.withUnsafeMutableBytes { out in
                box.ciphertext.withUnsafeBytes { out.baseAddress!.advanced(by: 5).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                return out.count
            }
        }
        let adopted = try! AES.GCM.SealedBox(combined: combined)
        let sharesStorage = combined.withUnsafeBytes { mine in
            adopted.combined!.withUnsafeBytes { $0.baseAddress == mine.baseAddress }
        }
        Report.comment("primitive aes128gcm_sealed_box_keeps_combined_data \(sharesStorage)")
        return sink
    }

    /// The two ways of opening a received record of `size` bytes with swift-crypto's public
    /// API, each building its sealed box from the record's bytes on every call, and the two ways
    /// of reading a seal's output back: what a record costs beyond the AEAD itself, and so which
    /// way the default provider takes for which records.
    private static func recordAssemblyCosts(size: Int, name: String, key: SymmetricKey, nonce: AES.GCM.Nonce, calls: Int) -> Int {
        let header: [UInt8] = [23, 3, 3, UInt8(truncatingIfNeeded: (size + 16) >> 8), UInt8(truncatingIfNeeded: size + 16)]
        let plaintext = [UInt8](repeating: 0x5a, count: size)
        let box = try! AES.GCM.seal(plaintext, using: key, nonce: nonce, authenticating: header)
        let wire = [UInt8](box.ciphertext) + [UInt8](box.tag)
        let tagStart = wire.count - 16
        var output = [UInt8](repeating: 0, count: wire.count)
        var sink = 0
        sink &+= measure("aes128gcm_open_\(name)_box_from_raw_buffers", calls: calls) {
            wire.withUnsafeBytes { raw in
                let box = try! AES.GCM.SealedBox(
                    nonce: nonce, ciphertext: UnsafeRawBufferPointer(rebasing: raw[..<tagStart]),
                    tag: UnsafeRawBufferPointer(rebasing: raw[tagStart...]))
                return (try? AES.GCM.open(box, using: key, authenticating: header))?.count ?? 0
            }
        }
        sink &+= measure("aes128gcm_open_\(name)_box_from_new_combined_data", calls: calls) {
            var combined = Data(count: 12 + wire.count)
            combined.withUnsafeMutableBytes { buffer in
                nonce.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: 12) }
                wire.withUnsafeBytes { (buffer.baseAddress! + 12).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            }
            let box = try! AES.GCM.SealedBox(combined: combined)
            return (try? AES.GCM.open(box, using: key, authenticating: header))?.count ?? 0
        }
        sink &+= measure("aes128gcm_seal_\(name)_read_ciphertext_and_tag", calls: calls) {
            let box = try! AES.GCM.seal(plaintext, using: key, nonce: nonce, authenticating: header)
            return output.withUnsafeMutableBytes { out in
                box.ciphertext.withUnsafeBytes { out.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                box.tag.withUnsafeBytes { (out.baseAddress! + size).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                return out.count
            }
        }
        sink &+= measure("aes128gcm_seal_\(name)_read_combined", calls: calls) {
            let box = try! AES.GCM.seal(plaintext, using: key, nonce: nonce, authenticating: header)
            return output.withUnsafeMutableBytes { out in
                box.combined!.withUnsafeBytes { out.baseAddress!.copyMemory(from: $0.baseAddress! + 12, byteCount: $0.count - 12) }
                return out.count
            }
        }
        return sink
    }

    /// What the NIO figures' harness costs per 16 KiB record with no TLS at all: a write and
    /// flush on one `EmbeddedChannel`, moved by `readOutbound` and `writeInbound` to another,
    /// whose handler reads it. Both libraries' `*nio*_bulk_*` figures pay this on top of their
    /// handlers.
    private static func embeddedChannelCost(calls: Int) -> Int {
        final class Counter: ChannelInboundHandler {
            typealias InboundIn = ByteBuffer
            var bytes = 0
            func channelRead(context: ChannelHandlerContext, data: NIOAny) { bytes += unwrapInboundIn(data).readableBytes }
        }
        let loop = EmbeddedEventLoop()
        let sender = EmbeddedChannel(loop: loop)
        let counter = Counter()
        let receiver = EmbeddedChannel(handler: counter, loop: loop)
        let record = ByteBuffer(bytes: [UInt8](repeating: 0x5a, count: 16_384 + 22))
        let result = measure("nio_embedded_pair_16k_record_no_tls", calls: calls) {
            sender.writeAndFlush(record, promise: nil)
            while let bytes = try? sender.readOutbound(as: ByteBuffer.self) { try? receiver.writeInbound(bytes) }
            while (try? receiver.readInbound(as: ByteBuffer.self)) != nil {}
            return counter.bytes
        }
        _ = try? sender.finish()
        _ = try? receiver.finish()
        return result
    }
}
