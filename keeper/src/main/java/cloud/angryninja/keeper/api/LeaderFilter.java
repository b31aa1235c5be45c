package cloud.angryninja.keeper.api;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

import cloud.angryninja.keeper.leader.FollowerReply;
import cloud.angryninja.keeper.leader.Leadership;

/**
 * On a follower, a {@link LeaderRequired} resource does not run: the answer is 503 naming the leader
 * ({@link FollowerReply}), as text when the caller asks for text/plain and not JSON. Runs after the token filters.
 */
@Provider
@LeaderRequired
@Priority(Priorities.AUTHORIZATION)
public class LeaderFilter implements ContainerRequestFilter {

    @Inject
    Leadership leadership;

    @Override
    public void filter(ContainerRequestContext request) {
        FollowerReply.unlessLeading(leadership, Accept.wantsText(request.getHeaderString(HttpHeaders.ACCEPT)))
                .ifPresent(request::abortWith);
    }
}
