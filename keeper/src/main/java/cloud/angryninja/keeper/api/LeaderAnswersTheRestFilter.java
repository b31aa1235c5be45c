package cloud.angryninja.keeper.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

import cloud.angryninja.keeper.leader.FollowerReply;
import cloud.angryninja.keeper.leader.Leadership;

/** A {@link LeaderAnswersTheRest} resource's 404 on a follower becomes the 503 naming the leader ({@link FollowerReply}). */
@Provider
@LeaderAnswersTheRest
public class LeaderAnswersTheRestFilter implements ContainerResponseFilter {

    @Inject
    Leadership leadership;

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getStatus() != 404) {
            return;
        }
        FollowerReply.unlessLeading(leadership, Accept.wantsText(request.getHeaderString(HttpHeaders.ACCEPT))).ifPresent(reply -> {
            response.setStatus(reply.getStatus());
            response.getHeaders().clear();
            response.getHeaders().putAll(reply.getHeaders());
            response.setEntity(reply.getEntity(), null, reply.getMediaType());
        });
    }
}
