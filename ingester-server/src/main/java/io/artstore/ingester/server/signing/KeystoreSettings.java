package io.artstore.ingester.server.signing;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the signing key and its certificate are: a PKCS#12 file, its password and the key's alias.
 * The password is kept out of {@link #toString()}.
 */
public record KeystoreSettings(Path path, String password, String alias) {

    public KeystoreSettings {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(alias, "alias");
        if (alias.isBlank()) {
            throw new IllegalArgumentException("the signing key's alias in " + path + " must not be blank");
        }
    }

    @Override
    public String toString() {
        return "KeystoreSettings[path=" + path + ", password=***, alias=" + alias + "]";
    }
}
