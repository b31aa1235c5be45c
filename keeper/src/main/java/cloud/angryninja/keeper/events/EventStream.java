package cloud.angryninja.keeper.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import cloud.angryninja.keeper.opencode.OpenCodeClient;
import cloud.angryninja.keeper.workspace.Workspace;

/**
 * One workspace's {@code GET /global/event} stream, read line by line on its own virtual thread,
 * reopened with {@link Backoff} whenever it drops or cannot be opened, until {@link #stop()}. A
 * stream silent for longer than the idle timeout is cut by {@link #cutIfIdle(long)} (called by a
 * watchdog) and reopened. Nothing here throws at its caller: every failure becomes a
 * {@link Listener#disconnected} call.
 * <p>
 * The keeper's one call-out that is not a REST client, on purpose. A stream lives for hours, and what matters is the
 * connection under it: every line (a heartbeat, a part of an event) proves it alive, a silent one is cut at the idle
 * timeout, and each way it ends (refused, 401, cut, broken, closed) is named in the {@code disconnected} reason and
 * decides the next wait (a stream that lasted starts the backoff over). A blocking read of lines on one virtual thread
 * per workspace says all of that in a loop a reader can follow, and is tested on the JDK alone against the real
 * OpenCode and recorded streams ({@code EventStreamTest}). The REST client's SSE {@code Multi} hands over whole
 * events only, turns the ways a stream ends into framework exceptions, and would need the same backoff and idle
 * logic again as operators, for no gain in what the keeper sees.
 */
final class EventStream {

    /** What a stream reports. Called on the stream's thread; must return quickly. */
    interface Listener {
        void connected(Workspace workspace);

        /** The stream dropped or could not be opened; {@code reason} holds no secret. */
        void disconnected(Workspace workspace, String reason);

        /** A connection attempt after a dropped or failed one. */
        void reconnecting(Workspace workspace);

        /** OpenCode reported a Copilot call refused with this status (401, 403, or 429: also a rate-limit retry). */
        void copilotAuthError(Workspace workspace, int status);
    }

    private enum Phase {
        CONNECTING, STREAMING, WAITING, STOPPED
    }

    private final Workspace workspace;
    private final HttpClient http;
    private final URI copilotApi;
    private final Backoff backoff;
    private final Duration idleTimeout;
    private final Listener listener;
    private volatile Phase phase = Phase.CONNECTING;
    private volatile long lastActivityNanos = System.nanoTime();
    private volatile boolean stopped;
    private volatile Thread thread;

    /**
     * The HTTP client of the event streams (the JDK's): HTTP/1.1, connect deadline {@code connectTimeout}, no redirects;
     * a stream has no whole-call deadline, the idle cut takes its place.
     */
    static HttpClient httpClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    EventStream(Workspace workspace, HttpClient http, URI copilotApi, Backoff backoff, Duration idleTimeout, Listener listener) {
        this.workspace = workspace;
        this.http = http;
        this.copilotApi = copilotApi;
        this.backoff = backoff;
        this.idleTimeout = idleTimeout;
        this.listener = listener;
    }

    Workspace workspace() {
        return workspace;
    }

    EventStream start() {
        thread = Thread.ofVirtual().name("events-" + workspace.name()).start(this::run);
        return this;
    }

    /** Ends the stream: the connection is dropped and the thread ends shortly after. */
    void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Waits for the stream's thread to end; true when it did within {@code timeout}. */
    boolean awaitStopped(Duration timeout) throws InterruptedException {
        Thread t = thread;
        return t == null || t.join(timeout);
    }

    /** Cuts a connection that has been silent (or still opening) longer than the idle timeout. */
    void cutIfIdle(long nowNanos) {
        Phase p = phase;
        if ((p == Phase.CONNECTING || p == Phase.STREAMING) && nowNanos - lastActivityNanos > idleTimeout.toNanos()) {
            Thread t = thread;
            if (t != null) {
                t.interrupt();
            }
        }
    }

    private void run() {
        int failures = 0;
        boolean first = true;
        while (!stopped) {
            if (!first) {
                listener.reconnecting(workspace);
            }
            first = false;
            long opened = System.nanoTime();
            Result result = readOnce();
            Thread.interrupted(); // a watchdog cut is handled; the wait below must not be cut short by it
            if (stopped) {
                break;
            }
            listener.disconnected(workspace, result.reason);
            // a stream that lived a while starts the backoff over; repeated failures wait longer each time
            boolean lasted = result.streamed && System.nanoTime() - opened >= idleTimeout.toNanos();
            if (lasted) {
                failures = 0;
            }
            Duration wait = backoff.delay(failures++, ThreadLocalRandom.current().nextDouble());
            phase = Phase.WAITING;
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                // stop() or a late watchdog cut: the loop condition decides
            }
        }
        phase = Phase.STOPPED;
    }

    private record Result(boolean streamed, String reason) {
    }

    private Result readOnce() {
        phase = Phase.CONNECTING;
        lastActivityNanos = System.nanoTime();
        HttpRequest.Builder request = HttpRequest.newBuilder(workspace.endpoint("/global/event"))
                .header("Accept", "text/event-stream").GET();
        workspace.password().ifPresent(pw -> request.header("Authorization", OpenCodeClient.basicAuth(workspace.username(), pw)));
        HttpResponse<Stream<String>> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        } catch (ConnectException e) {
            return new Result(false, "cannot connect to " + workspace.url().getHost() + ":" + port(workspace.url()));
        } catch (IOException e) {
            return new Result(false, stopped ? "stopped" : "no answer (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            return new Result(false, stopped ? "stopped" : "no answer within " + idleTimeout.toMillis() + " ms");
        }
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() != 200) {
                return new Result(false, response.statusCode() == 401 ? "HTTP 401, wrong username or password"
                        : "HTTP " + response.statusCode());
            }
            phase = Phase.STREAMING;
            lastActivityNanos = System.nanoTime();
            listener.connected(workspace);
            ServerSentEvents events = new ServerSentEvents();
            CopilotRefusals refusals = new CopilotRefusals(copilotApi);
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                lastActivityNanos = System.nanoTime();
                events.accept(it.next()).flatMap(refusals::status)
                        .ifPresent(status -> listener.copilotAuthError(workspace, status));
                if (stopped) {
                    return new Result(true, "stopped");
                }
            }
            return new Result(true, "OpenCode closed the stream");
        } catch (UncheckedIOException e) {
            boolean cut = Thread.currentThread().isInterrupted() || e.getCause() != null
                    && e.getCause().getCause() instanceof InterruptedException;
            return new Result(true, stopped ? "stopped"
                    : cut ? "silent for " + idleTimeout.toMillis() + " ms" : "stream broken (" + e.getCause().getClass().getSimpleName() + ")");
        } catch (RuntimeException e) {
            return new Result(true, "stream broken (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
