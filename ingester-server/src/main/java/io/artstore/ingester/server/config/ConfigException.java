package io.artstore.ingester.server.config;

/** A setting that is missing, malformed or out of range. The message names the setting and says what to fix. */
public final class ConfigException extends RuntimeException {

    private final String setting;

    public ConfigException(String setting, String problem) {
        super(setting + ": " + problem);
        this.setting = setting;
    }

    /** The file key (e.g. {@code server.port in config.yaml}) or environment variable that is wrong. */
    public String setting() {
        return setting;
    }
}
