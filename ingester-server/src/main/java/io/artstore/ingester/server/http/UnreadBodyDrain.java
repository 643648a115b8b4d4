package io.artstore.ingester.server.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

/**
 * Lets a client that is still sending a refused request's body receive the refusal. A route may answer before it
 * has read the body (an upload too large by its headers, a bad field, a missing right); Jetty then closes the
 * connection with the body's bytes still unread, the kernel answers them with a reset, and a client still writing
 * sees "connection reset" instead of the answer. So, as nginx's lingering close and Tomcat's swallowing do, an
 * error answer to a request with a body is sent at once with {@code Connection: close}, and then the rest of the
 * body is read and discarded, up to {@link #MAX_BYTES} and {@link #MAX_TIME}, before the connection closes.
 */
final class UnreadBodyDrain implements Filter {

    /** Past this, the client has had the answer long ago; the connection is closed whatever it still sends. */
    static final long MAX_BYTES = 64L * 1024 * 1024;
    static final Duration MAX_TIME = Duration.ofSeconds(5);

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        chain.doFilter(req, res);
        if (req instanceof HttpServletRequest request && res instanceof HttpServletResponse response
                && isHttp1(request) && !request.isAsyncStarted() && response.getStatus() >= 400 && hasBody(request)
                && !expectsContinue(request)) {
            drain(request, response);
        }
    }

    private static void drain(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ServletInputStream body;
        try {
            body = request.getInputStream();
        } catch (IllegalStateException readThroughReader) {
            return;
        }
        if (body.isFinished()) {
            return;
        }
        if (!response.isCommitted()) {
            response.setHeader("Connection", "close");
        }
        response.flushBuffer();
        long deadline = System.nanoTime() + MAX_TIME.toNanos();
        byte[] buffer = new byte[64 * 1024];
        long discarded = 0;
        try {
            for (int n; discarded < MAX_BYTES && System.nanoTime() - deadline < 0 && (n = body.read(buffer)) >= 0; ) {
                discarded += n;
            }
        } catch (IOException clientGone) {
            // nothing left to protect: the client stopped sending or closed
        }
    }

    /** HTTP/2 ends a refused request's stream alone, with no reset of the connection; it has no Connection header. */
    private static boolean isHttp1(HttpServletRequest request) {
        return request.getProtocol().startsWith("HTTP/1.");
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    /** A client waiting for 100 Continue sends no body after a final answer: reading would ask it for the body. */
    private static boolean expectsContinue(HttpServletRequest request) {
        String expect = request.getHeader("Expect");
        return expect != null && expect.toLowerCase(Locale.ROOT).contains("100-continue");
    }
}
