package cloud.angryninja.keeper.api;

import io.smallrye.config.ConfigMapping;

/** {@code keeper.api.*}: the keeper's own HTTP API. */
@ConfigMapping(prefix = "keeper.api")
public interface ApiConfig {

    /** Bearer token every API call (e.g. {@code GET /workspaces}) must carry. Required. */
    String token();
}
