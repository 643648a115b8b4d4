package io.artstore.ingester.kafka;

/** Some records of a batch did not reach the broker; the batch may be sent again as a whole. */
public final class KafkaSendException extends RuntimeException {

    public KafkaSendException(String message, Throwable cause) {
        super(message, cause);
    }
}
