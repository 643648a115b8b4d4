package io.artstore.ingester.server.security;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;

/**
 * The client's address: the peer of the connection, unless that peer is a trusted proxy; then the
 * {@code X-Forwarded-For} entry nearest to us that is not a trusted proxy. Without trusted proxies the header is
 * ignored, since any client can write it.
 */
public final class ClientAddress {

    private final List<Range> trusted;

    /** @param trustedProxies addresses ({@code 10.0.0.5}) or CIDR ranges ({@code 10.0.0.0/8}, {@code fd00::/8}) */
    public ClientAddress(List<String> trustedProxies) {
        this.trusted = trustedProxies.stream().map(Range::parse).toList();
    }

    /** @throws IllegalArgumentException when {@code proxy} is neither an IP address nor a CIDR range */
    public static void check(String proxy) {
        Range.parse(proxy);
    }

    public String resolve(String peer, List<String> forwardedFor) {
        Objects.requireNonNull(peer, "peer");
        if (!isTrusted(peer)) {
            return peer;
        }
        List<String> hops = forwardedFor.stream().flatMap(header -> java.util.Arrays.stream(header.split(",")))
                .map(String::trim).filter(hop -> !hop.isEmpty()).toList();
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (!isLiteral(hop)) {
                return peer;
            }
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return peer;
    }

    private boolean isTrusted(String address) {
        return trusted.stream().anyMatch(range -> range.contains(address));
    }

    private static boolean isLiteral(String text) {
        // Dotted IPv4 or an IPv6 literal: never a host name, so that resolving it asks no DNS server.
        return text.matches("\\d{1,3}(\\.\\d{1,3}){3}") || (text.contains(":") && text.matches("[0-9a-fA-F:.]+"));
    }

    /** A CIDR range; a single address is a range of one. */
    record Range(BigInteger network, int prefix, int bits) {

        static Range parse(String text) {
            String trimmed = text.trim();
            int slash = trimmed.indexOf('/');
            String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
            if (!isLiteral(address)) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range");
            }
            byte[] bytes = bytes(address).orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not an IP address"));
            int bits = bytes.length * 8;
            int prefix;
            try {
                prefix = slash < 0 ? bits : Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0.." + bits);
            }
            return new Range(mask(new BigInteger(1, bytes), prefix, bits), prefix, bits);
        }

        boolean contains(String address) {
            if (!isLiteral(address)) {
                return false;
            }
            return bytes(address).filter(b -> b.length * 8 == bits)
                    .map(b -> mask(new BigInteger(1, b), prefix, bits).equals(network)).orElse(false);
        }

        private static BigInteger mask(BigInteger value, int prefix, int bits) {
            return value.shiftRight(bits - prefix);
        }

        private static java.util.Optional<byte[]> bytes(String literal) {
            try {
                // A literal only: the character check above keeps host names, and so DNS, out.
                return java.util.Optional.of(InetAddress.getByName(literal).getAddress());
            } catch (UnknownHostException e) {
                return java.util.Optional.empty();
            }
        }
    }
}
