package io.artstore.ingester.core.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StorageFileNameTest {

    private static final Instant AT = Instant.parse("2025-01-02T15:30:45.123456Z");
    private static final FileId ID = FileId.parse("0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "report.pdf            | report_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b.pdf",
        "archive.tar.gz        | archive.tar_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b.gz",
        "README                | README_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        ".profile              | .profile_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        "a:b<c>d?*.txt        | a_b_c_d_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b.txt",
        "отчёт 2025 — финал.pdf | отчёт 2025 — финал_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b.pdf",
        "?.txt                 | file_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b.txt",
        "__a___b__.bin         | a_b_ivan_20250102T153045_0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b.bin",
    })
    void follows_the_artstore_naming_rule(String original, String expected) {
        assertThat(StorageFileName.of(original, "ivan", AT, ID)).isEqualTo(expected);
    }

    @Test
    void control_characters_and_slashes_become_underscores() {
        assertThat(StorageFileName.of("dir/sub\\x\t\u0001y.txt", "ivan", AT, ID)).startsWith("dir_sub_x_y_ivan_");
    }

    @Test
    void long_names_are_cut_to_200_characters_ending_in_an_ellipsis() {
        String name = StorageFileName.of("ж".repeat(500) + ".pdf", "ivan", AT, ID);

        assertThat(name.codePointCount(0, name.length())).isEqualTo(StorageFileName.MAX_LENGTH);
        assertThat(name).contains("жж..._ivan_").endsWith(ID + ".pdf");
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
