#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The operating system's cryptographically secure generator, for ``RandomSource/system``.
///
/// A handshake draws several small values (hello randoms, a legacy session ID, each ticket's
/// age_add and sealing nonce), and a system call per draw costs more than the draw. On Linux,
/// draws of up to ``pooledLimit`` bytes are served from a buffer per thread that one
/// `getentropy` call refills with 256 bytes:
/// - The buffer lives in its own pages marked `MADV_WIPEONFORK`: a forked child finds them
///   zeroed, so it sees an empty buffer and refills from the kernel rather than repeating its
///   parent's bytes (two processes sealing tickets under one key with the same nonces).
///   Where the kernel refuses that mark, nothing is buffered.
/// - Bytes are cleared from the buffer as they are handed out, so it never holds a value
///   already in use, and the pages are left out of core dumps.
/// - Each thread has its own buffer: draws take no lock.
///
/// Larger draws, other systems, and any failure go to the kernel directly.
enum SystemRandom {
    /// The largest draw served from the per-thread buffer.
    static let pooledLimit = 64

    /// Fills `buffer` with random bytes.
    static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard !buffer.isEmpty else { return }
        #if os(Linux) && canImport(Glibc)
            if buffer.count <= pooledLimit, let pool = ThreadPool.current, pool.take(into: buffer) { return }
        #endif
        fillFromKernel(buffer)
    }

    /// Fills `buffer` from the kernel's generator with one `getentropy` call per 256 bytes,
    /// where `SystemRandomNumberGenerator` makes a system call per 8 bytes; where `getentropy`
    /// is missing or fails, through `SystemRandomNumberGenerator`.
    private static func fillFromKernel(_ buffer: UnsafeMutableRawBufferPointer) {
        var offset = 0
        #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
            while offset < buffer.count {
                let chunk = min(256, buffer.count - offset)
                guard getentropy(buffer.baseAddress! + offset, chunk) == 0 else { break }
                offset += chunk
            }
        #endif
        var generator = SystemRandomNumberGenerator()
        while offset < buffer.count {
            var word = generator.next()
            let take = min(8, buffer.count - offset)
            withUnsafeBytes(of: &word) { (buffer.baseAddress! + offset).copyMemory(from: $0.baseAddress!, byteCount: take) }
            offset += take
        }
    }
}

#if os(Linux) && canImport(Glibc)
    extension SystemRandom {
        /// One thread's buffer: a count of unused bytes, then the bytes, in pages of their own.
        struct ThreadPool {
            /// One `getentropy` call's most.
            static let capacity = 256

            private let pages: UnsafeMutableRawPointer

            /// Unused bytes, at the end of the buffer. Zero in a fresh mapping and in a forked
            /// child's wiped pages alike.
            private var remaining: Int {
                get { pages.load(as: Int.self) }
                nonmutating set { pages.storeBytes(of: newValue, as: Int.self) }
            }

            private var bytes: UnsafeMutableRawPointer { pages + MemoryLayout<Int>.stride }

            /// This thread's buffer, made on its first draw; nil where buffering is unavailable.
            static var current: ThreadPool? {
                guard let key = threadKey else { return nil }
                if let value = pthread_getspecific(key) {
                    return value == unavailable ? nil : ThreadPool(pages: value)
                }
                guard let pages = mapPages() else {
                    pthread_setspecific(key, unavailable)
                    return nil
                }
                pthread_setspecific(key, pages)
                return ThreadPool(pages: pages)
            }

            /// Copies `buffer.count` unused bytes out and clears them; false if the refill failed.
            func take(into buffer: UnsafeMutableRawBufferPointer) -> Bool {
                if remaining < buffer.count {
                    guard getentropy(bytes, Self.capacity) == 0 else {
                        remaining = 0
                        return false
                    }
                    remaining = Self.capacity
                }
                let start = bytes + (Self.capacity - remaining)
                buffer.baseAddress!.copyMemory(from: start, byteCount: buffer.count)
                start.initializeMemory(as: UInt8.self, repeating: 0, count: buffer.count)
                remaining -= buffer.count
                return true
            }

            /// Marks a thread whose pages could not be made safe: it draws from the kernel.
            private static var unavailable: UnsafeMutableRawPointer { UnsafeMutableRawPointer(bitPattern: 1)! }

            private static let length = max(Int(sysconf(Int32(_SC_PAGESIZE))), MemoryLayout<Int>.stride + capacity)

            /// Anonymous private pages that a fork wipes in the child; nil if the kernel will not.
            private static func mapPages() -> UnsafeMutableRawPointer? {
                let mapped = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                guard let pages = mapped, pages != MAP_FAILED else { return nil }
                guard madvise(pages, length, MADV_WIPEONFORK) == 0 else {
                    munmap(pages, length)
                    return nil
                }
                // Best effort: random bytes have no place in a core dump.
                _ = madvise(pages, length, MADV_DONTDUMP)
                return pages
            }

            /// The key of each thread's pages, unmapped (and so cleared) when the thread exits.
            private static let threadKey: pthread_key_t? = {
                var key = pthread_key_t()
                let created = pthread_key_create(&key) { value in
                    guard let value, value != ThreadPool.unavailable else { return }
                    munmap(value, ThreadPool.length)
                }
                return created == 0 ? key : nil
            }()
        }
    }
#endif
