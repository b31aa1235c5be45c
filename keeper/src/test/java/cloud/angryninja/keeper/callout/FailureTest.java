package cloud.angryninja.keeper.callout;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionException;

import jakarta.ws.rs.ProcessingException;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.callout.Failure.Kind;
import cloud.angryninja.keeper.testing.Tier;

/**
 * What the REST client's exceptions become: the kinds the features' reasons name, with class names only. The
 * connection-refused and deadline paths also run for real in the features' tests (CopilotCheckerTest, QuotaClientTest,
 * LoginServiceTest, OpenCodeClientTest).
 */
@Tier.Unit
class FailureTest {

    /** Netty's connection refused and connect timeout: both {@code ConnectException}s by type. */
    static final class AnnotatedConnectException extends ConnectException {
        AnnotatedConnectException() {
            super("Connection refused: localhost/127.0.0.1:1");
        }
    }

    static final class ConnectTimeoutException extends ConnectException {
        ConnectTimeoutException() {
            super("connection timed out after 2000 ms: api.githubcopilot.com/140.82.112.21:443");
        }
    }

    @Test
    void aRefusedConnectionIsAConnectExceptionByName() {
        assertThat(Failure.of(new ProcessingException(new AnnotatedConnectException())))
                .isEqualTo(new Failure(Kind.CONNECT, "ConnectException"));
    }

    @Test
    void deadlinesAreTimeoutsHoweverTheyCome() {
        assertThat(Failure.of(new io.smallrye.mutiny.TimeoutException()).kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(Failure.of(new ProcessingException(new java.util.concurrent.TimeoutException("idle"))).kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(Failure.of(new ProcessingException(new ConnectTimeoutException())).kind()).as("a connect timeout").isEqualTo(Kind.TIMEOUT);
    }

    @Test
    void anInterruptIsKeptOnTheThread() {
        try {
            assertThat(Failure.of(new CompletionException(new InterruptedException())).kind()).isEqualTo(Kind.INTERRUPTED);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void anythingElseIsNamedByItsInnermostCauseAndNoMessage() {
        Failure f = Failure.of(new ProcessingException("GET https://api.github.com/user?token=secret failed",
                new UnknownHostException("ghe.example.com")));

        assertThat(f).isEqualTo(new Failure(Kind.OTHER, "UnknownHostException"));
        assertThat(f.toString()).doesNotContain("secret").doesNotContain("ghe.example.com");
    }
}
