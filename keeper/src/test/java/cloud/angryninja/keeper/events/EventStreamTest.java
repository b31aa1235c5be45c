package cloud.angryninja.keeper.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.sandbox.OpenCodeProcess;
import cloud.angryninja.keeper.testing.Loopback;
import cloud.angryninja.keeper.testing.TcpProxy;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.workspace.Workspace;

/**
 * One workspace's event stream against the real OpenCode 1.18.33 server: connects with basic auth,
 * reports a wrong password and keeps retrying, reopens a connection cut under it, stops at once;
 * and against silent loopback sockets, which the idle cut ends.
 */
@Tier.Integration
class EventStreamTest {

    static final Duration IDLE = Duration.ofMillis(800);
    static final HttpClient HTTP = EventStream.httpClient(Duration.ofSeconds(2));

    static Path root;
    static OpenCodeProcess server;

    final Recorder recorder = new Recorder();
    final List<EventStream> started = new CopyOnWriteArrayList<>();
    final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startOpenCode() throws IOException {
        root = Files.createTempDirectory("keeper-events-");
        server = OpenCodeProcess.start(OpenCodeProcess.Options.of(root.resolve("oc"), "pw-events"), Duration.ofSeconds(90));
    }

    @AfterAll
    static void stopOpenCode() throws IOException {
        if (server != null) {
            server.close();
        }
        if (root != null) {
            try (var paths = Files.walk(root)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @AfterEach
    void stopStreams() throws Exception {
        started.forEach(EventStream::stop);
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    /** What a stream reported, in order, as short strings. */
    static final class Recorder implements EventStream.Listener {
        final List<String> reports = new CopyOnWriteArrayList<>();

        @Override
        public void connected(Workspace w) {
            reports.add("connected");
        }

        @Override
        public void disconnected(Workspace w, String reason) {
            reports.add("disconnected: " + reason);
        }

        @Override
        public void reconnecting(Workspace w) {
            reports.add("reconnecting");
        }

        @Override
        public void copilotAuthError(Workspace w, int status) {
            reports.add("auth error " + status);
        }

        /** The reports without their reasons. */
        List<String> kinds() {
            return reports.stream().map(r -> r.split(":", 2)[0]).toList();
        }

        long count(String prefix) {
            return reports.stream().filter(r -> r.startsWith(prefix)).count();
        }
    }

    private static Workspace workspace(int port, String password) {
        return new Workspace("ws", URI.create("http://127.0.0.1:" + port), OpenCodeProcess.USERNAME, Optional.of(password),
                "opencode", "ws", "ws", "ws-secret", "COPILOT_AUTH_JSON", "WS_COPILOT_AUTH_JSON");
    }

    private EventStream stream(Workspace w) {
        EventStream s = new EventStream(w, HTTP, URI.create("https://api.githubcopilot.com"),
                new Backoff(Duration.ofMillis(100), Duration.ofMillis(400)), IDLE, recorder).start();
        started.add(s);
        return s;
    }

    /** What PassiveDetection's watchdog does, for one stream. */
    private void watchdog(EventStream s) {
        Thread t = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                s.cutIfIdle(System.nanoTime());
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        closing.add(t::interrupt);
    }

    @Test
    void readsARealServersStreamAndStopsAtOnce() throws InterruptedException {
        EventStream s = stream(workspace(server.port(), server.password()));
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.count("connected") == 1);

        long before = System.nanoTime();
        s.stop();
        assertThat(s.awaitStopped(Duration.ofSeconds(2))).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(2));
        assertThat(recorder.reports).as("a stop is no outage").containsExactly("connected");
    }

    @Test
    void aWrongPasswordIsReportedAndRetriedWithBackoff() {
        stream(workspace(server.port(), "not-the-password"));

        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.count("reconnecting") >= 3);
        assertThat(recorder.reports).startsWith("disconnected: HTTP 401, wrong username or password", "reconnecting");
        assertThat(recorder.count("connected")).isZero();
        assertThat(String.join("\n", recorder.reports)).doesNotContain("not-the-password");
    }

    @Test
    void aConnectionCutUnderTheStreamIsReopened() throws IOException {
        TcpProxy proxy = TcpProxy.to(server.port());
        closing.add(proxy);
        stream(workspace(proxy.port(), server.password()));
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.count("connected") == 1);

        proxy.dropAll();

        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.count("connected") == 2);
        assertThat(recorder.kinds()).containsSubsequence("connected", "disconnected", "reconnecting", "connected");
        assertThat(recorder.reports).contains("disconnected: stream broken (IOException)");
    }

    @Test
    void aClosedPortIsReportedAndRetried() throws IOException {
        int closed = Loopback.freePort();
        stream(workspace(closed, "x"));

        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.count("reconnecting") >= 2);
        assertThat(recorder.reports.get(0)).isEqualTo("disconnected: cannot connect to 127.0.0.1:" + closed);
    }

    @Test
    void aServerThatAnswersHeadersThenFallsSilentIsCut() throws IOException {
        ServerSocket silent = silentServer(true);
        EventStream s = stream(workspace(silent.getLocalPort(), "x"));
        watchdog(s);

        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.count("connected") >= 2);
        assertThat(recorder.reports).containsSubsequence("connected", "disconnected: silent for 800 ms", "reconnecting",
                "connected");
    }

    @Test
    void aServerThatNeverAnswersIsCut() throws IOException {
        ServerSocket silent = silentServer(false);
        EventStream s = stream(workspace(silent.getLocalPort(), "x"));
        watchdog(s);

        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.count("reconnecting") >= 1);
        assertThat(recorder.reports.get(0)).isEqualTo("disconnected: no answer within 800 ms");
        assertThat(recorder.count("connected")).isZero();
    }

    /** Accepts connections and, if asked, answers 200 text/event-stream headers, then says nothing more. */
    private ServerSocket silentServer(boolean sendHeaders) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        List<Socket> held = new CopyOnWriteArrayList<>();
        closing.add(() -> {
            server.close();
            for (Socket s : held) {
                s.close();
            }
        });
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    held.add(s);
                    if (sendHeaders) {
                        OutputStream out = s.getOutputStream();
                        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                } catch (IOException e) {
                    return;
                }
            }
        });
        return server;
    }
}
