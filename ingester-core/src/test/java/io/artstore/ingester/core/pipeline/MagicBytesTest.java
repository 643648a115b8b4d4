package io.artstore.ingester.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MagicBytesTest {

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Test
    void programs_under_a_document_name_are_disguised() {
        assertThat(MagicBytes.disguised(bytes(0x7f, 'E', 'L', 'F', 2, 1, 1, 0), "invoice.pdf")).hasValueSatisfying(
                kind -> assertThat(kind).contains("ELF").contains(".pdf"));
        assertThat(MagicBytes.disguised(bytes('M', 'Z', 0x90, 0), "photo.JPG")).hasValueSatisfying(kind -> assertThat(kind).contains("PE"));
        assertThat(MagicBytes.disguised(bytes(0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1), "notes.txt")).isPresent();
        assertThat(MagicBytes.disguised("#!/bin/sh\n".getBytes(StandardCharsets.US_ASCII), "readme.txt")).isPresent();
    }

    @Test
    void honest_names_documents_and_class_files_are_not() {
        assertThat(MagicBytes.disguised(bytes(0x7f, 'E', 'L', 'F'), "libz.so")).isEmpty();
        assertThat(MagicBytes.disguised(bytes('M', 'Z'), "setup.exe")).isEmpty();
        assertThat(MagicBytes.disguised("#!/usr/bin/env python3".getBytes(StandardCharsets.US_ASCII), "tool.py")).isEmpty();
        assertThat(MagicBytes.disguised(bytes(0x7f, 'E', 'L', 'F'), "installer")).isEmpty();
        assertThat(MagicBytes.disguised("%PDF-1.7".getBytes(StandardCharsets.US_ASCII), "report.pdf")).isEmpty();
        // A Java class file shares the fat Mach-O magic; its version bytes tell it apart.
        assertThat(MagicBytes.disguised(bytes(0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 61), "Main.txt")).isEmpty();
    }
}
