package cloud.angryninja.keeper.leader;

import java.util.Optional;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a follower answers where only the leader can: 503 with {@code Retry-After}, naming the
 * leader (the Lease's holder identity, the leader's pod name) so the caller can retry (the Service
 * routes to either replica) or port-forward to that pod.
 */
@RegisterForReflection
public record FollowerReply(int status, String role, String identity, String leader, String message) {

    /** Pure: the reply of a follower named {@code identity} that last saw {@code leader} hold the Lease. */
    public static FollowerReply of(String identity, Optional<String> leader) {
        String holder = leader.filter(l -> !l.equals(identity)).orElse("unknown");
        return new FollowerReply(503, "follower", identity, holder,
                "this replica (" + identity + ") follows; the leader is " + holder + ": retry, or port-forward to the leader's pod");
    }

    /**
     * The 503 response to return when {@code leadership} does not lead, empty when it leads: the one place a REST call
     * asks who leads (the API's leader filters call it).
     */
    public static Optional<Response> unlessLeading(Leadership leadership, boolean text) {
        if (leadership.leads()) {
            return Optional.empty();
        }
        FollowerReply reply = of(leadership.identity(), leadership.leader());
        Response.ResponseBuilder r = Response.status(503).header(HttpHeaders.RETRY_AFTER, leadership.retryAfterSeconds())
                .header("Keeper-Leader", reply.leader());
        return Optional.of(text
                ? r.type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).entity(reply.message() + "\n").build()
                : r.type(MediaType.APPLICATION_JSON_TYPE).entity(reply).build());
    }
}
