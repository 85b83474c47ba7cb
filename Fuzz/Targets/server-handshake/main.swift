import FuzzSupport

// Every scenario once, from a real start.
FuzzDriver.run(fuzz, warmUp: (0...255).map { [UInt8($0), 1] })
