import Foundation
import CMallocInfo
import Glibc

/// The process's resident memory and the allocator's in-use bytes at one moment.
struct ProcessMemory {
    /// Resident set size (`/proc/self/statm`, second field, in pages).
    let residentBytes: Int
    /// Bytes handed out by malloc (`mallinfo2`: `uordblks` + `hblkhd`).
    let heapBytes: Int

    /// Trims the allocator's free memory first (`malloc_trim(0)`), so that freed pages left
    /// over from earlier figures do not hide the growth being measured.
    static func snapshot() throws -> ProcessMemory {
        malloc_trim(0)
        let statm = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8)
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else {
            throw TLSKitPair.Failure(description: "cannot read /proc/self/statm")
        }
        let info = mallinfo2()
        return ProcessMemory(
            residentBytes: pages * Int(sysconf(Int32(_SC_PAGESIZE))),
            heapBytes: Int(info.uordblks) + Int(info.hblkhd))
    }
}
