package io.flowplane.controlplane.api;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Refuses request bodies over the limit (413), whether or not they declare a length. A body that
 * is only moderately too large is read to its end and discarded first: answering while the client
 * is still sending makes many clients see a reset connection instead of the 413.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
final class BodyLimit implements ContainerRequestFilter {
    /** How much of an oversized body is drained so the client can read the answer. */
    static final long DRAIN_BYTES = 8L * 1024 * 1024;

    private final long maxBytes;

    BodyLimit(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getLength() > maxBytes) {
            if (request.getLength() <= maxBytes + DRAIN_BYTES) {
                drain(request.getEntityStream(), request.getLength());
            }
            request.abortWith(Problem.response(413, "Content Too Large",
                    "request body is " + request.getLength() + " bytes; the limit is " + maxBytes, java.util.List.of()));
            return;
        }
        request.setEntityStream(new Limited(request.getEntityStream(), maxBytes));
    }

    /** Reads and discards up to {@code limit} bytes; the connection closes anyway if more follow. */
    static void drain(InputStream in, long limit) {
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        try {
            int n;
            while (total < limit && (n = in.read(buffer)) > 0) {
                total += n;
            }
        } catch (IOException e) {
            // The client went away: nothing left to answer.
        }
    }

    /** Thrown while reading past the limit. */
    static final class TooLarge extends IOException {
        TooLarge(long max) {
            super("request body exceeds the limit of " + max + " bytes");
        }
    }

    private static final class Limited extends FilterInputStream {
        private final long max;
        private long read;

        Limited(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws TooLarge {
            read += n;
            if (read > max) {
                drain(in, DRAIN_BYTES);
                throw new TooLarge(max);
            }
        }
    }
}
