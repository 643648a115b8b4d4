package io.artstore.ingester.storage.http;

/** The {@code code} words of the failures this adapter reports. */
final class Codes {

    /** No connection, a reset or a timeout: transient. */
    static final String UNREACHABLE = "se_unreachable";
    /** 502, 503 or 504: transient. */
    static final String UNAVAILABLE = "se_unavailable";
    /** Any other 5xx; the SE also answers 500 to a full disk and to a duplicate file id. */
    static final String SE_ERROR = "se_error";
    static final String UNAUTHORIZED = "se_unauthorized";
    static final String FORBIDDEN = "se_forbidden";
    static final String REJECTED = "se_rejected";
    static final String WRONG_MODE = "wrong_mode";
    static final String PIN_MISMATCH = "tls_pin_mismatch";
    static final String TLS_FAILED = "tls_handshake_failed";
    static final String CIRCUIT_OPEN = "se_circuit_open";
    static final String BUSY = "se_busy";
    static final String CHECKSUM_MISMATCH = "se_checksum_mismatch";
    static final String FILE_EXISTS = "file_exists";
    /** The SE answered with something that is not its documented JSON. */
    static final String INVALID_ANSWER = "se_invalid_answer";
    static final String NOT_FOUND = "file_not_found";

    private Codes() {}
}
