import CMosquitto

/// `mosquitto_lib_init` is not thread-safe and must run once per process; a global's
/// initializer runs exactly once, under the runtime's own lock.
private let libraryInitialization: Int32 = mosquitto_lib_init()

func ensureMosquittoLibraryInitialized() throws(MQTTError) {
    try check(libraryInitialization, "initialise libmosquitto")
}

/// The `struct mosquitto *` of one client.
///
/// `@unchecked Sendable` because the pointer is shared between the network thread and callers
/// of publish/subscribe/disconnect: libmosquitto guards those entry points with its own
/// mutexes once `mosquitto_threaded_set(true)` is in effect, which `MQTTClient` sets before
/// the handle is ever shared. Setup calls (options, will, TLS) happen before the network
/// thread starts.
struct MosquittoHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// Swift's import of the C enum constants, as the `Int32` that the functions return.
enum MosquittoCode {
    static let success = Int32(MOSQ_ERR_SUCCESS.rawValue)
    static let noConnection = Int32(MOSQ_ERR_NO_CONN.rawValue)
    static let invalid = Int32(MOSQ_ERR_INVAL.rawValue)
}
