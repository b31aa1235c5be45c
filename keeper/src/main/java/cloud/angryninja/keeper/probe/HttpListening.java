package cloud.angryninja.keeper.probe;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.vertx.http.HttpServerStart;

/**
 * Whether the keeper's HTTP server listens yet. The first probe cycle and the event streams wait for it (the dev
 * sandbox's workspace URLs pass through the keeper's own port), for at most a deadline: a dev-mode live reload keeps
 * the server it had, and fires no new start event. A shutdown ends the wait: what waited must not start then (a
 * short-lived application, such as one whose start-up failed, is gone by the time the deadline passes).
 */
@Singleton
public class HttpListening {

    private final CountDownLatch started = new CountDownLatch(1);
    private volatile boolean shutDown;

    /** Quarkus fires {@link HttpServerStart} asynchronously: a synchronous observer never hears it. */
    void onStart(@ObservesAsync HttpServerStart event) {
        started.countDown();
    }

    void onStop(@Observes ShutdownEvent event) {
        shutDown = true;
        started.countDown();
    }

    /** Whether the HTTP server has been heard to listen; false once the application shuts down. */
    public boolean listening() {
        return started.getCount() == 0 && !shutDown;
    }

    /** Whether the application is shutting down (its beans may be gone). */
    public boolean shuttingDown() {
        return shutDown;
    }

    /**
     * Waits until the HTTP server listens or {@code deadline} passed; answers whether the caller may go on: false once
     * the application shuts down (or the waiting thread is interrupted), true otherwise, listening or not.
     */
    public boolean awaitUnlessShutDown(Duration deadline) {
        try {
            started.await(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !shutDown;
    }
}
