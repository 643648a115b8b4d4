package io.artstore.ingester.archfixture.core.clock;

import java.io.FileInputStream;
import java.io.IOException;

/** Breaks the rule that core.clock does no I/O. */
public final class ClockThatReadsAFile {

    public int firstByte() throws IOException {
        try (FileInputStream in = new FileInputStream("node.clock")) {
            return in.read();
        }
    }
}
