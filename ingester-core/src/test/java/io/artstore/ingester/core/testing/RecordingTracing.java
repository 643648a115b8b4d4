package io.artstore.ingester.core.testing;

import io.artstore.ingester.core.port.out.StageTiming;
import io.artstore.ingester.core.port.out.TraceContext;
import io.artstore.ingester.core.port.out.TraceSpan;
import io.artstore.ingester.core.port.out.Tracing;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps the spans, events and stage timings it is told of, each span with its parent's name. */
public final class RecordingTracing implements Tracing {

    /** A span as it ended: its name, its parent's name (empty for a root), its attributes and events. */
    public record Recorded(String name, Optional<String> parent, Map<String, String> attributes, List<String> events,
            boolean failed) {
    }

    private final List<Recorded> spans = new CopyOnWriteArrayList<>();
    private final List<StageTiming> stages = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Deque<String>> open = ThreadLocal.withInitial(ArrayDeque::new);
    private final Optional<TraceContext> context;

    public RecordingTracing() {
        this(Optional.empty());
    }

    /** @param context what {@link #current()} answers, as if a trace were current */
    public RecordingTracing(Optional<TraceContext> context) {
        this.context = context;
    }

    @Override
    public TraceSpan start(String name, Map<String, String> attributes) {
        Deque<String> stack = open.get();
        Optional<String> parent = Optional.ofNullable(stack.peek());
        stack.push(name);
        Map<String, String> values = new LinkedHashMap<>(attributes);
        List<String> events = new CopyOnWriteArrayList<>();
        boolean[] failed = {false};
        return new TraceSpan() {
            @Override
            public void attribute(String key, String value) {
                values.put(key, value);
            }

            @Override
            public void event(String eventName, Map<String, String> eventAttributes) {
                events.add(eventName);
            }

            @Override
            public void failed(Throwable failure) {
                failed[0] = true;
            }

            @Override
            public void close() {
                stack.pop();
                spans.add(new Recorded(name, parent, Map.copyOf(values), List.copyOf(events), failed[0]));
            }
        };
    }

    @Override
    public void stage(StageTiming timing) {
        stages.add(timing);
    }

    @Override
    public void event(String name, Map<String, String> attributes) {
    }

    @Override
    public Optional<TraceContext> current() {
        return context;
    }

    public List<Recorded> spans() {
        return List.copyOf(spans);
    }

    public List<StageTiming> stages() {
        return List.copyOf(stages);
    }
}
