package dev.braid.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal blocking HTTP/1.1 keep-alive client on one socket: the request is pre-serialised bytes,
 * the response is read with Content-Length or chunked framing. It costs a few microseconds per call,
 * which keeps the load driver's own noise far below what it measures (the JDK HttpClient's
 * per-request overhead is tens of microseconds and several threads). For streams it notes when the
 * first non-empty {@code "content"} delta arrived (time to first token).
 */
final class HttpConn implements Closeable {

    private static final byte[] CONTENT = "\"content\":\"".getBytes(StandardCharsets.US_ASCII);

    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private final int timeoutMillis;

    HttpConn(String host, int port) {
        this(host, port, 30_000);
    }

    /** @param timeoutMillis how long a read may wait (admin calls on a loaded control plane take longer than load calls) */
    HttpConn(String host, int port, int timeoutMillis) {
        this.host = host;
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    /** One response: status, body (de-chunked), and the nanoTime the first content token arrived (0 if none). */
    record Response(int status, byte[] body, long firstTokenNanos) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    static byte[] request(String method, String host, int port, String path, String contentType, String body,
            String bearer) {
        return request(method, host, port, path, contentType, body, bearer, java.util.Map.of());
    }

    /** A request with extra headers (Portkey's routing headers). */
    static byte[] request(String method, String host, int port, String path, String contentType, String body,
            String bearer, java.util.Map<String, String> headers) {
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(256)
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n");
        if (bearer != null) {
            sb.append("Authorization: Bearer ").append(bearer).append("\r\n");
        }
        headers.forEach((name, value) -> sb.append(name).append(": ").append(value).append("\r\n"));
        if (body != null) {
            sb.append("Content-Type: ").append(contentType).append("\r\n");
        }
        sb.append("Content-Length: ").append(b.length).append("\r\n\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + b.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(b, 0, all, head.length, b.length);
        return all;
    }

    private void open() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(timeoutMillis);
        socket.connect(new InetSocketAddress(host, port), 2_000);
        in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        out = socket.getOutputStream();
    }

    /** Sends one request and reads its whole response; on an I/O error the connection is dropped (next call reconnects). */
    Response exchange(byte[] request, boolean watchTokens) throws IOException {
        if (socket == null) {
            open();
        }
        try {
            out.write(request);
            out.flush();
            return read(watchTokens);
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private Response read(boolean watchTokens) throws IOException {
        String status = line();
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closeAfter = false;
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("transfer-encoding") && value.equalsIgnoreCase("chunked")) {
                chunked = true;
            } else if (name.equalsIgnoreCase("connection") && value.equalsIgnoreCase("close")) {
                closeAfter = true;
            }
        }
        long firstToken = 0;
        byte[] body;
        if (chunked) {
            ByteArrayOutputStream all = new ByteArrayOutputStream(1024);
            while (true) {
                String size = line();
                int semi = size.indexOf(';');
                int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (n == 0) {
                    while (!line().isEmpty()) {
                        // trailers
                    }
                    break;
                }
                byte[] chunk = in.readNBytes(n);
                if (chunk.length < n) {
                    throw new EOFException("chunk cut short");
                }
                line();
                if (watchTokens && firstToken == 0 && hasToken(chunk)) {
                    firstToken = System.nanoTime();
                }
                all.write(chunk);
            }
            body = all.toByteArray();
        } else if (length >= 0) {
            body = in.readNBytes((int) length);
            if (body.length < length) {
                throw new EOFException("body cut short");
            }
        } else {
            body = in.readAllBytes();
            closeAfter = true;
        }
        if (closeAfter) {
            close();
        }
        return new Response(code, body, firstToken);
    }

    /** Whether the bytes hold a {@code "content":"x…"} with at least one character (the role chunk's is empty). */
    private static boolean hasToken(byte[] b) {
        outer:
        for (int i = 0; i + CONTENT.length < b.length; i++) {
            for (int j = 0; j < CONTENT.length; j++) {
                if (b[i + j] != CONTENT[j]) {
                    continue outer;
                }
            }
            if (b[i + CONTENT.length] != '"') {
                return true;
            }
        }
        return false;
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            sb.append((char) c);
        }
        throw new EOFException("connection closed");
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }
}
