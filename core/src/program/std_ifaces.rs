//! Method sets of the standard library's common interfaces, for repositories indexed without it.
//!
//! A service repository does not contain the standard library, so an interface that embeds
//! `io.WriteCloser` (`type SnapshotSink interface { io.WriteCloser; ID() string }`) would lose
//! `Write` and `Close`: calls of `sink.Close()` would stay unresolved and types would appear to
//! satisfy it with fewer methods than Go requires. When the embedded interface's package is not
//! in the program, its method names come from this table. When the standard library *is*
//! indexed, the real declarations are used and this table is never read.

/// `(import path, interface name, method names)`: the Go 1.19 declarations.
const TABLE: &[(&str, &str, &[&str])] = &[
    ("io", "Reader", &["Read"]),
    ("io", "Writer", &["Write"]),
    ("io", "Closer", &["Close"]),
    ("io", "Seeker", &["Seek"]),
    ("io", "ReadWriter", &["Read", "Write"]),
    ("io", "ReadCloser", &["Read", "Close"]),
    ("io", "WriteCloser", &["Write", "Close"]),
    ("io", "ReadWriteCloser", &["Read", "Write", "Close"]),
    ("io", "ReadSeeker", &["Read", "Seek"]),
    ("io", "ReadSeekCloser", &["Read", "Seek", "Close"]),
    ("io", "WriteSeeker", &["Write", "Seek"]),
    ("io", "ReadWriteSeeker", &["Read", "Write", "Seek"]),
    ("io", "ReaderAt", &["ReadAt"]),
    ("io", "WriterAt", &["WriteAt"]),
    ("io", "ReaderFrom", &["ReadFrom"]),
    ("io", "WriterTo", &["WriteTo"]),
    ("io", "ByteReader", &["ReadByte"]),
    ("io", "ByteScanner", &["ReadByte", "UnreadByte"]),
    ("io", "ByteWriter", &["WriteByte"]),
    ("io", "RuneReader", &["ReadRune"]),
    ("io", "RuneScanner", &["ReadRune", "UnreadRune"]),
    ("io", "StringWriter", &["WriteString"]),
    ("fmt", "Stringer", &["String"]),
    ("fmt", "GoStringer", &["GoString"]),
    ("fmt", "Formatter", &["Format"]),
    ("sort", "Interface", &["Len", "Less", "Swap"]),
    ("sync", "Locker", &["Lock", "Unlock"]),
    ("context", "Context", &["Deadline", "Done", "Err", "Value"]),
    (
        "net",
        "Conn",
        &[
            "Read",
            "Write",
            "Close",
            "LocalAddr",
            "RemoteAddr",
            "SetDeadline",
            "SetReadDeadline",
            "SetWriteDeadline",
        ],
    ),
    ("net", "Listener", &["Accept", "Close", "Addr"]),
    ("net", "Addr", &["Network", "String"]),
    ("net", "Error", &["Error", "Timeout", "Temporary"]),
    ("net/http", "Handler", &["ServeHTTP"]),
    ("net/http", "RoundTripper", &["RoundTrip"]),
    (
        "net/http",
        "ResponseWriter",
        &["Header", "Write", "WriteHeader"],
    ),
    ("net/http", "Flusher", &["Flush"]),
    (
        "hash",
        "Hash",
        &["Write", "Sum", "Reset", "Size", "BlockSize"],
    ),
    ("encoding", "BinaryMarshaler", &["MarshalBinary"]),
    ("encoding", "BinaryUnmarshaler", &["UnmarshalBinary"]),
    ("encoding", "TextMarshaler", &["MarshalText"]),
    ("encoding", "TextUnmarshaler", &["UnmarshalText"]),
    ("encoding/json", "Marshaler", &["MarshalJSON"]),
    ("encoding/json", "Unmarshaler", &["UnmarshalJSON"]),
    ("io/fs", "File", &["Stat", "Read", "Close"]),
    ("io/fs", "FS", &["Open"]),
    (
        "io/fs",
        "FileInfo",
        &["Name", "Size", "Mode", "ModTime", "IsDir", "Sys"],
    ),
    (
        "os",
        "FileInfo",
        &["Name", "Size", "Mode", "ModTime", "IsDir", "Sys"],
    ),
];

/// The method names of `path.name` if it is one of the standard interfaces above.
pub(crate) fn method_names(path: &str, name: &str) -> Option<&'static [&'static str]> {
    TABLE
        .iter()
        .find(|(p, n, _)| *p == path && *n == name)
        .map(|(_, _, methods)| *methods)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_interfaces() {
        assert_eq!(
            method_names("io", "WriteCloser"),
            Some(&["Write", "Close"][..])
        );
        assert_eq!(
            method_names("net/http", "Handler"),
            Some(&["ServeHTTP"][..])
        );
        assert_eq!(method_names("io", "Nope"), None);
        assert_eq!(method_names("example.com/io", "Reader"), None);
    }
}
