package io.flowplane.agent.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gRPC messages inside what a plaintext HTTP/2 client sent on one connection: DATA frames
 * joined per stream, split at gRPC's 5-byte length prefixes. Enough to check, from the outside,
 * what an agent sent.
 */
public final class Http2Messages {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private Http2Messages() {
    }

    public static List<byte[]> of(byte[] connection) {
        ByteBuffer in = ByteBuffer.wrap(connection);
        for (byte b : PREFACE) {
            if (!in.hasRemaining() || in.get() != b) {
                throw new IllegalArgumentException("not a plaintext HTTP/2 client connection");
            }
        }
        Map<Integer, ByteArrayOutputStream> streams = new LinkedHashMap<>();
        while (in.remaining() >= 9) {
            int length = ((in.get() & 0xff) << 16) | ((in.get() & 0xff) << 8) | (in.get() & 0xff);
            int type = in.get() & 0xff;
            int flags = in.get() & 0xff;
            int stream = in.getInt() & 0x7fffffff;
            if (in.remaining() < length) {
                break; // cut off mid-frame when the connection closed
            }
            byte[] payload = new byte[length];
            in.get(payload);
            if (type == 0) { // DATA
                int from = 0;
                int to = length;
                if ((flags & 0x8) != 0) { // PADDED
                    int pad = payload[0] & 0xff;
                    from = 1;
                    to = length - pad;
                }
                streams.computeIfAbsent(stream, k -> new ByteArrayOutputStream()).write(payload, from, to - from);
            }
        }
        List<byte[]> messages = new ArrayList<>();
        for (ByteArrayOutputStream s : streams.values()) {
            ByteBuffer data = ByteBuffer.wrap(s.toByteArray());
            while (data.remaining() >= 5) {
                data.get(); // compressed flag: gRPC here never compresses
                int size = data.getInt();
                byte[] message = new byte[size];
                data.get(message);
                messages.add(message);
            }
        }
        return messages;
    }
}
