package io.flowplane.agent.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy for partition tests: {@link #cut()} closes every connection and refuses new
 * ones (they are closed on accept) until {@link #restore()}. Records every byte the client sent,
 * so a test can check what left the agent.
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private final java.util.List<ByteArrayOutputStream> connections = new java.util.ArrayList<>();
    private volatile boolean cut;
    private volatile boolean holdUp;
    private volatile boolean holdDown;
    private volatile boolean closed;

    public TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "tcp-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public void cut() {
        cut = true;
        sockets.forEach(TcpProxy::closeQuietly);
        sockets.clear();
    }

    public void restore() {
        cut = false;
        holdUp = false;
        holdDown = false;
    }

    /**
     * A partition that keeps the connections open: nothing is delivered either way (the bytes wait,
     * as in a network that drops packets and retransmits), until {@link #releaseDown()} or
     * {@link #restore()}.
     */
    public void hold() {
        holdUp = true;
        holdDown = true;
    }

    /** What the server sent during a {@link #hold()} is delivered, and is again; the other way stays held. */
    public void releaseDown() {
        holdDown = false;
    }

    /** Every byte clients sent through the proxy so far. */
    public byte[] sentByClients() {
        synchronized (sent) {
            return sent.toByteArray();
        }
    }

    /** What clients sent, one array per connection, in the order they were accepted. */
    public java.util.List<byte[]> sentPerConnection() {
        synchronized (sent) {
            return connections.stream().map(ByteArrayOutputStream::toByteArray).toList();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (cut) {
                    closeQuietly(client);
                    continue;
                }
                Socket upstream = new Socket();
                try {
                    upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
                } catch (IOException e) {
                    closeQuietly(client);
                    continue;
                }
                sockets.add(client);
                sockets.add(upstream);
                ByteArrayOutputStream own = new ByteArrayOutputStream();
                synchronized (sent) {
                    connections.add(own);
                }
                pump(client, upstream, own, true);
                pump(upstream, client, null, false);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, ByteArrayOutputStream record, boolean up) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (record != null) {
                        synchronized (sent) {
                            sent.write(buf, 0, n);
                            record.write(buf, 0, n);
                        }
                    }
                    while (up ? holdUp : holdDown) {
                        Thread.sleep(5);
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // cut or closed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        cut();
        server.close();
    }
}
