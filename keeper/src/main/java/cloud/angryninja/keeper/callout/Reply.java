package cloud.angryninja.keeper.callout;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;

/**
 * What one call gave: an HTTP status and its body, or the {@link Failure} to get one within its deadline.
 *
 * @param status  the HTTP status; 0 when no answer came
 * @param body    the body as text; empty when none came
 * @param failure why no answer came; empty when one did
 */
public record Reply(int status, String body, Optional<Failure> failure) {

    /**
     * Makes the call and waits for its answer, at most {@code deadline} (connect, send and the whole body): past it the
     * request is cancelled (its connection closed) and the reply is a {@link Failure.Kind#TIMEOUT}. Never throws: what
     * {@code call} throws, building the client or the request, is a failure too. Blocks the calling thread, so never
     * called on an event loop (the probes, reseeds and logins run on worker or virtual threads).
     */
    public static Reply await(Supplier<Uni<Response>> call, Duration deadline) {
        try {
            Response response = call.get().ifNoItem().after(deadline).fail().await().indefinitely();
            try (response) {
                return new Reply(response.getStatus(), body(response), Optional.empty());
            }
        } catch (RuntimeException e) {
            return new Reply(0, "", Optional.of(Failure.of(e)));
        }
    }

    private static String body(Response response) {
        if (!response.hasEntity()) {
            return "";
        }
        String body = response.readEntity(String.class);
        return body == null ? "" : body;
    }

    /** Never shows the body: an answer can echo a secret. */
    @Override
    public String toString() {
        return failure.map(f -> "Reply[" + f.kind() + " " + f.name() + "]").orElse("Reply[HTTP " + status + "]");
    }
}
