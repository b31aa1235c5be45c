package cloud.angryninja.keeper.probe;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.vertx.http.HttpServerStart;

/**
 * Whether the keeper's HTTP server listens yet. The first probe cycle and the event streams wait for it (the dev
 * sandbox's workspace URLs pass through the keeper's own port), for at most a deadline: a dev-mode live reload keeps
 * the server it had, and fires no new start event.
 */
@Singleton
public class HttpListening {

    private final CountDownLatch started = new CountDownLatch(1);

    void onStart(@Observes HttpServerStart event) {
        started.countDown();
    }

    /** Waits until the HTTP server listens or {@code deadline} passed; answers whether it listens. */
    public boolean await(Duration deadline) {
        try {
            return started.await(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
