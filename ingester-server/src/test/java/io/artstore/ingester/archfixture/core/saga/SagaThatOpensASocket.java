package io.artstore.ingester.archfixture.core.saga;

import java.io.IOException;
import java.net.Socket;

/** Breaks the rule that core.saga does no I/O. */
public final class SagaThatOpensASocket {

    public Socket participant() throws IOException {
        return new Socket("127.0.0.1", 8010);
    }
}
