package io.flowplane.controlplane.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback port that records the first bytes of every connection and hangs up: whether a client
 * told to use TLS began each connection with a TLS handshake record (0x16), or ever spoke
 * plaintext (an HTTP request line, the HTTP/2 preface) instead.
 */
public final class FirstBytes implements AutoCloseable {
    private final ServerSocket server;
    private final List<byte[]> connections = new CopyOnWriteArrayList<>();

    private FirstBytes(ServerSocket server) {
        this.server = server;
        Thread accept = new Thread(this::acceptAll, "first-bytes-" + server.getLocalPort());
        accept.setDaemon(true);
        accept.start();
    }

    public static FirstBytes start() throws IOException {
        return new FirstBytes(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The first bytes (up to 16) of each connection so far. */
    public List<byte[]> connections() {
        return List.copyOf(connections);
    }

    /** True when every connection so far opened with a TLS handshake record and none with plaintext. */
    public boolean allBeganWithTls() {
        return connections.stream().allMatch(b -> b.length > 0 && b[0] == 0x16 && !plaintext(b));
    }

    private static boolean plaintext(byte[] b) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        return s.startsWith("PRI * HTTP/2") || s.matches("^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) .*");
    }

    private void acceptAll() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(5_000);
                connections.add(readUpTo(s.getInputStream(), 16));
            } catch (IOException e) {
                // Closed, or a client that hung up first: nothing to record.
            }
        }
    }

    private static byte[] readUpTo(InputStream in, int max) throws IOException {
        byte[] buf = new byte[max];
        int n = 0;
        while (n < max) {
            int r = in.read(buf, n, max - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return Arrays.copyOf(buf, n);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
