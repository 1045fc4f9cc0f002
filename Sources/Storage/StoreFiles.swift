import Foundation

/// Who may read the database: only the gateway's user. Sales, tokens' hashes and camera
/// evidence are in it.
///
/// The directory is created 0700 and an absent database file is created empty with 0600 before
/// SQLite opens it; SQLite gives the `-wal` and `-shm` files it creates the main file's mode, so
/// no file of the store is ever readable by others, even for a moment. No process-wide umask
/// is changed (other threads create files too). Existing files are left as the operator set them,
/// and reported by ``openPermissions(path:)`` when group or others can read them.
enum StoreFiles {
    static func prepare(path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        guard isFile(path) else { return }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 {
            // The mode argument is filtered by the umask; 0600 minus a umask is still owner-only,
            // but a umask such as 0277 would leave it unwritable, so set it outright.
            _ = fchmod(fd, 0o600)
            close(fd)
        } else if errno != EEXIST {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path,
                                                                 NSLocalizedDescriptionKey: String(cString: strerror(errno))])
        }
    }

    /// Lines naming each of the store's paths that group or others can read (or, for the
    /// directory, list), with what to run.
    static func openPermissions(path: String) -> [String] {
        guard isFile(path) else { return [] }
        var paths = [path, path + "-wal", path + "-shm"]
        let directory = (path as NSString).deletingLastPathComponent
        paths.insert(directory.isEmpty ? "." : directory, at: 0)
        return paths.compactMap { file in
            guard let mode = mode(of: file), mode & 0o044 != 0 else { return nil }
            let wanted = file == paths[0] ? "700" : "600"
            return "\(file) is readable by group or others (mode \(String(mode & 0o777, radix: 8))): chmod \(wanted) '\(file)'"
        }
    }

    static func mode(of path: String) -> UInt16? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return UInt16(truncatingIfNeeded: info.st_mode)
    }

    /// SQLite's in-memory and URI names are not files.
    private static func isFile(_ path: String) -> Bool {
        !path.isEmpty && path != ":memory:" && !path.hasPrefix("file:")
    }
}
