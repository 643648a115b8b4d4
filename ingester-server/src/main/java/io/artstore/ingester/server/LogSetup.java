package io.artstore.ingester.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import io.artstore.ingester.server.config.LoggingSettings;
import java.nio.file.Path;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;
import org.slf4j.LoggerFactory;

/**
 * Points logback at the configured format, level and file, replacing the start-up configuration of
 * {@code logback.xml}. Done in code so that the one configuration, parsed once, decides everything.
 */
final class LogSetup {

    /**
     * Key-value pairs ({@code %kvp}) carry the fields of an operation's line, e.g. file_id and duration_ms; a line
     * written within a trace ends with its {@code trace_id} (JSON lines carry it as a field, from the MDC).
     */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level [%thread] %logger{36} - %msg %kvp"
            + "%replace( trace_id=%X{trace_id}){' trace_id=$', ''}%n";

    private LogSetup() {}

    static void apply(LoggingSettings settings) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.reset();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(settings.level(), Level.INFO));
        // Jetty is chatty at INFO about its own start-up; our lines say what matters.
        context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        start(context, console, "console", encoder(context, settings.format()));
        root.addAppender(console);

        settings.file().ifPresent(file -> root.addAppender(rollingFile(context, settings, file)));
    }

    private static RollingFileAppender<ILoggingEvent> rollingFile(LoggerContext context, LoggingSettings settings, Path file) {
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setFile(file.toString());
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(context);
        policy.setParent(appender);
        policy.setFileNamePattern(file + ".%d{yyyy-MM-dd}.%i.gz");
        policy.setMaxFileSize(new FileSize(settings.maxFileBytes()));
        policy.setMaxHistory(settings.maxHistoryDays());
        policy.start();
        appender.setRollingPolicy(policy);
        start(context, appender, "file", encoder(context, settings.format()));
        return appender;
    }

    private static void start(LoggerContext context, OutputStreamAppender<ILoggingEvent> appender, String name,
            Encoder<ILoggingEvent> encoder) {
        appender.setContext(context);
        appender.setName(name);
        appender.setEncoder(encoder);
        appender.start();
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext context, LoggingSettings.Format format) {
        if (format == LoggingSettings.Format.JSON) {
            // Each key-value pair of a line (file_id, saga_id, duration_ms, ...) becomes a field of its own, so that
            // a log collector can filter on it; the timestamp is ISO-8601 in UTC, as in the text format.
            LogstashEncoder json = new LogstashEncoder();
            json.setContext(context);
            json.setTimeZone("UTC");
            json.setTimestampPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
            json.setIncludeKeyValuePairs(true);
            json.setIncludeContext(false);
            LogstashFieldNames names = new LogstashFieldNames();
            names.setVersion("[ignore]");
            names.setLevelValue("[ignore]");
            json.setFieldNames(names);
            json.start();
            return json;
        }
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern(TEXT_PATTERN);
        text.start();
        return text;
    }
}
