import XCTest

@testable import TLSKit

#if canImport(Glibc)
    import Glibc
#endif

final class RandomSourceTests: XCTestCase {
    func testSystemSourceFillsEveryRequestedLength() {
        // 256 bytes is one getentropy call's limit: longer requests take several. Up to 64
        // bytes come from the per-thread buffer on Linux.
        for count in [0, 1, 7, 8, 9, 32, 33, 63, 64, 65, 255, 256, 257, 1_000] {
            XCTAssertEqual(RandomSource.system.bytes(count).count, count)
        }
        XCTAssertNotEqual(RandomSource.system.bytes(32), RandomSource.system.bytes(32))
        // Every byte position varies: no position is left at its initial zero.
        for length in [300, 64, 12] {
            var seen = [Set<UInt8>](repeating: [], count: length)
            for _ in 0..<64 { for (index, byte) in RandomSource.system.bytes(length).enumerated() { seen[index].insert(byte) } }
            XCTAssertTrue(seen.allSatisfy { $0.count > 8 }, "\(length)-byte draws")
        }
    }

    func testBufferedDrawsNeverRepeatAcrossRefills() {
        // 1,000 draws of 32 bytes cross the 256-byte buffer's refill many times, and draws of
        // odd sizes leave remainders smaller than the next draw.
        var drawn = Set<[UInt8]>()
        for index in 0..<1_000 {
            drawn.insert(RandomSource.system.bytes(32))
            _ = RandomSource.system.bytes(index % 61 + 1)
        }
        XCTAssertEqual(drawn.count, 1_000)
    }

    func testDrawsOnOtherThreadsAreDistinct() {
        let draws = LockProtected([[UInt8]]())
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let mine = (0..<100).map { _ in RandomSource.system.bytes(16) }
            draws.withValue { $0.append(contentsOf: mine) }
        }
        let all = draws.withValue { $0 }
        XCTAssertEqual(all.count, 800)
        XCTAssertEqual(Set(all).count, 800)
    }

    #if os(Linux) && canImport(Glibc)
        func testForkedChildDoesNotRepeatItsParentsBufferedBytes() throws {
            // The parent's buffer holds unused bytes at the fork. A child that inherited them
            // would hand out the very bytes the parent hands out next.
            _ = RandomSource.system.bytes(8)
            var pipeEnds: [Int32] = [0, 0]
            XCTAssertEqual(pipe(&pipeEnds), 0)
            let child = fork()
            if child == 0 {
                // Only what is safe between fork and exit: stack memory, the draw, write, _exit.
                withUnsafeTemporaryAllocation(byteCount: 32, alignment: 1) { buffer in
                    SystemRandom.fill(buffer)
                    _ = write(pipeEnds[1], buffer.baseAddress, 32)
                }
                _exit(0)
            }
            XCTAssertGreaterThan(child, 0)
            close(pipeEnds[1])
            let parentDraw = RandomSource.system.bytes(32)
            var childDraw = [UInt8](repeating: 0, count: 32)
            let count = childDraw.withUnsafeMutableBytes { read(pipeEnds[0], $0.baseAddress, 32) }
            close(pipeEnds[0])
            var status: Int32 = 0
            XCTAssertEqual(waitpid(child, &status, 0), child)
            XCTAssertEqual(count, 32)
            XCTAssertNotEqual(childDraw, [UInt8](repeating: 0, count: 32))
            XCTAssertNotEqual(childDraw, parentDraw)
        }
    #endif
}
