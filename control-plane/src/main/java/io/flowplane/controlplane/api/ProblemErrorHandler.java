package io.flowplane.controlplane.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.List;

/**
 * What Jetty itself answers (a {@code %00} in a path, a header too large, an unknown method, a
 * request it cannot parse) as application/problem+json, like every answer of the API, instead of
 * its HTML error page. Jetty's message is kept only where it is a plain reason, never a cause.
 */
public final class ProblemErrorHandler extends org.eclipse.jetty.server.handler.ErrorHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ProblemErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
    }

    /** An answer with a body for every method, not only GET/POST/HEAD (an unknown method got an empty 405). */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    /** The same inside the servlet context, where Jetty hands errors to the servlet API's variant. */
    public static final class InContext extends org.eclipse.jetty.ee10.servlet.ErrorHandler {
        public InContext() {
            setShowStacks(false);
            setShowCauses(false);
        }

        @Override
        public boolean errorPageForMethod(String method) {
            return true;
        }

        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                        Callback callback) throws IOException {
            writeProblem(response, code, message, callback);
        }

        @Override
        protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
                                                     String contentType, List<Charset> charsets, int code, String message,
                                                     Throwable cause) throws IOException {
            writeProblem(response, code, message, callback);
            return true;
        }
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        writeProblem(response, code, message, callback);
    }

    @Override
    protected boolean generateAcceptableResponse(Request request, Response response, Callback callback, String contentType,
                                                 List<Charset> charsets, int code, String message, Throwable cause)
            throws IOException {
        writeProblem(response, code, message, callback);
        return true;
    }

    static void writeProblem(Response response, int code, String message, Callback callback) throws IOException {
        int status = code < 400 || code > 599 ? 500 : code;
        String title = HttpStatus.getMessage(status);
        Problem problem = new Problem("about:blank", title, status, detail(status, title, message), List.of());
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(problem)), callback);
    }

    /** Jetty's reasons ("Ambiguous URI empty segment", "Request Header Fields Too Large") read well; exceptions do not. */
    static String detail(int status, String title, String message) {
        if (message == null || message.isBlank() || message.contains("Exception") || message.contains("java.")
                || message.contains("org.eclipse")) {
            return switch (status) {
                case 400 -> "the request could not be parsed (check the path, the headers and the body)";
                case 431 -> "the request's headers are too large";
                case 414 -> "the request's URI is too long";
                default -> title;
            };
        }
        return message.length() > 200 ? message.substring(0, 200) : message;
    }
}
