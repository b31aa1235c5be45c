package cloud.angryninja.keeper.callout;

/**
 * Why a call got no HTTP answer, in the few kinds the features name in their reasons. Made from the exception alone:
 * only class names are kept, never a message (a message can carry a URL or a body).
 *
 * @param kind what happened
 * @param name a class name for the reason: {@code ConnectException} for every refused or failed connection, the
 *             innermost cause's simple name otherwise
 */
public record Failure(Kind kind, String name) {

    public enum Kind {
        /** The deadline passed: no answer, or no connection, in time. */
        TIMEOUT,
        /** The connection was refused or could not be made. */
        CONNECT,
        /** The calling thread was interrupted. */
        INTERRUPTED,
        /** Anything else: a connection that broke, an unknown host, a TLS failure. */
        OTHER
    }

    /** The failure {@code thrown} stands for; an interrupt is kept on the calling thread. */
    public static Failure of(Throwable thrown) {
        Throwable innermost = thrown;
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            innermost = t;
            if (isTimeout(t)) {
                return new Failure(Kind.TIMEOUT, t.getClass().getSimpleName());
            }
            if (t instanceof java.net.ConnectException) {
                return new Failure(Kind.CONNECT, "ConnectException");
            }
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return new Failure(Kind.INTERRUPTED, "InterruptedException");
            }
        }
        return new Failure(Kind.OTHER, innermost.getClass().getSimpleName());
    }

    /**
     * Mutiny's deadline, Vert.x's read timeout ({@code java.util.concurrent.TimeoutException}), Netty's connect timeout
     * (a {@code ConnectException} by type, a deadline by meaning), a socket's or the JDK client's timeout.
     */
    private static boolean isTimeout(Throwable t) {
        return t instanceof io.smallrye.mutiny.TimeoutException || t instanceof java.util.concurrent.TimeoutException
                || t instanceof java.net.SocketTimeoutException || t instanceof java.net.http.HttpTimeoutException
                || t.getClass().getSimpleName().equals("ConnectTimeoutException");
    }
}
