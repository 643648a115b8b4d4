package io.artstore.ingester.core.saga;

import java.util.Map;

/**
 * Writes a saga's data into the log as string pairs and reads it back, so that recovery can re-run steps
 * with what earlier steps learnt.
 *
 * @param <D> the saga's data, usually a record
 */
public interface SagaDataFormat<D> {

    Map<String, String> write(D data);

    D read(Map<String, String> fields);

    /** For sagas whose data is the string pairs themselves. */
    static SagaDataFormat<Map<String, String>> pairs() {
        return new SagaDataFormat<>() {
            @Override
            public Map<String, String> write(Map<String, String> data) {
                return Map.copyOf(data);
            }

            @Override
            public Map<String, String> read(Map<String, String> fields) {
                return Map.copyOf(fields);
            }
        };
    }
}
