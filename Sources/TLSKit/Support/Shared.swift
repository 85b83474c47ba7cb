/// An immutable value that a connection's handshake states hold by reference.
///
/// A configuration holds twenty-odd references (arrays, strings, closures, shared stores); a
/// state that carried one by value would retain and release every one of them each time the
/// state is copied, matched or replaced by the next, where a shared box costs one retain.
final class Shared<Value: Sendable>: Sendable {
    let value: Value

    init(_ value: Value) { self.value = value }
}
