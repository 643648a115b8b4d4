package io.artstore.ingester.core.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StorageFileNameTest {

    private static final Instant AT = Instant.parse("2025-01-02T15:30:45.123456Z");
    private static final FileId ID = FileId.parse("0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "report.pdf            | report_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b.pdf",
        "archive.tar.gz        | archive.tar_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b.gz",
        "README                | README_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        ".profile              | profile_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        "a:b<c>d?*.txt        | a_b_c_d_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b.txt",
        "отчёт 2025 — финал.pdf | отчёт 2025 — финал_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b.pdf",
        "?.txt                 | file_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b.txt",
        "__a___b__.bin         | a_b_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b.bin",
    })
    void follows_the_artstore_naming_rule(String original, String expected) {
        assertThat(StorageFileName.of(original, "ivan", AT, ID)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "../../etc/passwd      | etc_passwd_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        "..\\..\\boot.ini      | boot_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b.ini",
        "/etc/passwd           | etc_passwd_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        "../.ssh/id_rsa        | ssh_id_rsa_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        "..                    | file_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        "._.x.txt              | x_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b.txt",
        "...tar.gz             | tar_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b.gz",
        "a/../b.txt            | a_.._b_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b.txt",
    })
    void stored_names_never_start_with_a_dot_or_leave_their_folder(String original, String expected) {
        String name = StorageFileName.of(original, "ivan", AT, ID);

        assertThat(name).isEqualTo(expected).doesNotStartWith(".").doesNotContain("/").doesNotContain("\\");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000.txt", "\u0000", "report.pdf\u0000.exe"})
    void a_nul_byte_in_the_original_name_is_refused(String original) {
        assertThatThrownBy(() -> StorageFileName.of(original, "ivan", AT, ID))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.kind()).isEqualTo(IngestException.Kind.INVALID_REQUEST);
                    assertThat(e.code()).isEqualTo("invalid_filename");
                    assertThat(e.getMessage()).doesNotContain("\u0000");
                });
        assertThatThrownBy(() -> StorageFileName.checkOriginal(original)).isInstanceOf(IngestException.class);
    }

    @Test
    void control_characters_and_slashes_become_underscores() {
        assertThat(StorageFileName.of("dir/sub\\x\t\u0001y.txt", "ivan", AT, ID)).startsWith("dir_sub_x_y_ivan_");
    }

    @Test
    void long_names_are_cut_to_200_characters_ending_in_an_ellipsis() {
        String name = StorageFileName.of("z".repeat(500) + ".pdf", "ivan", AT, ID);

        assertThat(name.codePointCount(0, name.length())).isEqualTo(StorageFileName.MAX_LENGTH);
        assertThat(name).contains("zz..._ivan_").endsWith(ID + ".pdf");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ж", "文", "\uD83D\uDCC4"})
    void long_names_of_multibyte_characters_are_cut_to_fit_a_255_byte_file_system_name_with_any_sidecar(String character) {
        String name = StorageFileName.of(character.repeat(200) + ".pdf", "ivan", AT, ID);

        int bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        assertThat(bytes).isLessThanOrEqualTo(StorageFileName.MAX_BYTES);
        assertThat(bytes + ".attr.json".length()).isLessThanOrEqualTo(255);
        assertThat(name).contains(character + "..._ivan_").endsWith(ID + ".pdf");
    }

    @Test
    void an_absurdly_long_extension_still_fits() {
        String name = StorageFileName.of("a." + "x".repeat(400), "ivan", AT, ID);

        assertThat(name.length()).isLessThanOrEqualTo(StorageFileName.MAX_LENGTH);
    }

    @Test
    void a_name_that_sanitises_to_nothing_is_refused() {
        assertThatThrownBy(() -> StorageFileName.of("<>:?*", "ivan", AT, ID))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.kind()).isEqualTo(IngestException.Kind.INVALID_REQUEST);
                    assertThat(e.code()).isEqualTo("invalid_filename");
                });
    }

    @Test
    void the_folder_is_the_utc_hour() {
        assertThat(StorageFileName.folderOf(AT)).isEqualTo("2025/01/02/15/");
    }
}
