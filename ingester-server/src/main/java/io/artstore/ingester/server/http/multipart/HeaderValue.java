package io.artstore.ingester.server.http.multipart;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A header value of the form {@code type; name=value; name="quoted value"; name*=UTF-8''percent%20encoded}, as
 * {@code Content-Type} and {@code Content-Disposition} are written (RFC 7578, RFC 6266, RFC 8187).
 *
 * <p>Parameter names are compared without case; the first of two parameters of the same name is kept. In a
 * quoted value a backslash escapes only a double quote: browsers send Windows paths with bare backslashes.
 *
 * @param type the value before the first {@code ;}, lower case and trimmed
 * @param parameters the raw parameters by lower-case name ({@code filename*} still encoded)
 */
public record HeaderValue(String type, Map<String, String> parameters) {

    public HeaderValue {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    public static HeaderValue parse(String text) {
        int n = text.length();
        int semicolon = indexOfSemicolon(text, 0);
        String type = text.substring(0, semicolon).trim().toLowerCase(Locale.ROOT);
        Map<String, String> parameters = new LinkedHashMap<>();
        int i = semicolon + 1;
        while (i < n) {
            int equals = text.indexOf('=', i);
            int end = indexOfSemicolon(text, i);
            if (equals < 0 || equals > end) {
                i = end + 1; // a parameter without a value: nothing to keep
                continue;
            }
            String name = text.substring(i, equals).trim().toLowerCase(Locale.ROOT);
            int v = equals + 1;
            while (v < n && (text.charAt(v) == ' ' || text.charAt(v) == '\t')) {
                v++;
            }
            String value;
            if (v < n && text.charAt(v) == '"') {
                StringBuilder quoted = new StringBuilder();
                int j = v + 1;
                for (; j < n && text.charAt(j) != '"'; j++) {
                    char c = text.charAt(j);
                    if (c == '\\' && j + 1 < n && text.charAt(j + 1) == '"') {
                        c = '"';
                        j++;
                    }
                    quoted.append(c);
                }
                value = quoted.toString();
                end = indexOfSemicolon(text, Math.min(j + 1, n));
            } else {
                value = text.substring(v, end).trim();
            }
            if (!name.isEmpty()) {
                parameters.putIfAbsent(name, value);
            }
            i = end + 1;
        }
        return new HeaderValue(type, parameters);
    }

    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * A parameter that may also come in RFC 8187's extended form ({@code name*=charset'lang'%xx}), which wins
     * over the plain one when both are sent.
     *
     * @throws IllegalArgumentException when the extended form cannot be decoded (unknown charset, a bad
     *     percent escape, bytes that are not valid in the charset)
     */
    public Optional<String> extendedParameter(String name) {
        Optional<String> extended = parameter(name + "*");
        if (extended.isPresent()) {
            return Optional.of(decodeExtended(name + "*", extended.get()));
        }
        return parameter(name);
    }

    private static String decodeExtended(String name, String value) {
        int first = value.indexOf('\'');
        int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
        if (second < 0) {
            throw new IllegalArgumentException(name + " must read charset'language'value, got '" + value + "'");
        }
        String charsetName = value.substring(0, first).trim();
        Charset charset;
        if (charsetName.equalsIgnoreCase("UTF-8")) {
            charset = StandardCharsets.UTF_8;
        } else if (charsetName.equalsIgnoreCase("ISO-8859-1")) {
            charset = StandardCharsets.ISO_8859_1;
        } else {
            throw new IllegalArgumentException(name + " names the charset '" + charsetName + "'; only UTF-8 and ISO-8859-1 are read");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = second + 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                int hi = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(value.charAt(i + 2), 16);
                if (lo < 0) {
                    throw new IllegalArgumentException(name + " holds a '%' that is not followed by two hex digits");
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c > 0x7f) {
                throw new IllegalArgumentException(name + " holds a character that is not percent-encoded");
            } else {
                bytes.write(c);
            }
        }
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(name + " is not valid " + charset.name() + " once decoded");
        }
    }

    /** The next {@code ;} outside double quotes, or the end of the text. */
    private static int indexOfSemicolon(String text, int from) {
        boolean quoted = false;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                i++;
            } else if (c == ';' && !quoted) {
                return i;
            }
        }
        return text.length();
    }
}
