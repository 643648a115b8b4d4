package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.port.out.TokenUses;
import io.artstore.ingester.core.port.out.TokenUsesContract;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** Another view is the same folder opened again, as after a restart. */
class FileTokenUsesContractTest extends TokenUsesContract {

    @TempDir
    Path folder;

    @Override
    protected TokenUses createUses() {
        return FileTokenUses.open(folder.resolve("token-uses"), Clock.systemUTC());
    }

    @Override
    protected TokenUses anotherView(TokenUses uses) {
        return FileTokenUses.open(folder.resolve("token-uses"), Clock.systemUTC());
    }
}
