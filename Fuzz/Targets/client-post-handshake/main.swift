import FuzzSupport

// Every scenario once.
FuzzDriver.run(fuzz, warmUp: (0...255).map { [UInt8($0)] })
