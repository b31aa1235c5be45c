package cloud.angryninja.keeper.opencode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The shapes of {@code GET /config/providers} seen from OpenCode 1.18.33. */
class OpenCodeProvidersTest {

    private static OpenCodeClient.Provider read(String json) throws Exception {
        return OpenCodeClient.copilotProvider(new ObjectMapper().readTree(json));
    }

    @Test
    void authJsonWithoutConfigIsLoaded() throws Exception {
        assertThat(read("{\"providers\":[{\"id\":\"github-copilot\",\"source\":\"custom\",\"options\":{\"apiKey\":\"\"},"
                + "\"models\":{\"a\":{},\"b\":{}}}]}")).isEqualTo(new OpenCodeClient.Provider(true, 2, "github-copilot loaded with 2 models"));
    }

    @Test
    void configWithAuthJsonIsLoaded() throws Exception {
        assertThat(read("{\"providers\":[{\"id\":\"github-copilot\",\"source\":\"config\","
                + "\"options\":{\"baseURL\":\"http://x\",\"apiKey\":\"\"},\"models\":{\"a\":{}}}]}").loaded()).isTrue();
    }

    @Test
    void configWithoutCredentialIsNotLoaded() throws Exception {
        OpenCodeClient.Provider p = read("{\"providers\":[{\"id\":\"github-copilot\",\"source\":\"config\","
                + "\"options\":{\"baseURL\":\"http://x\"},\"models\":{\"a\":{}}}]}");
        assertThat(p.loaded()).isFalse();
        assertThat(p.reason()).contains("has no credential");
    }

    @Test
    void absentOrEmptyIsNotLoaded() throws Exception {
        assertThat(read("{\"providers\":[{\"id\":\"opencode\",\"options\":{\"apiKey\":\"public\"},\"models\":{\"a\":{}}}]}").reason())
                .contains("github-copilot is not loaded");
        assertThat(read("{\"providers\":[{\"id\":\"github-copilot\",\"options\":{\"apiKey\":\"\"},\"models\":{}}]}").loaded()).isFalse();
        assertThat(read("{\"nope\":1}").loaded()).isFalse();
    }
}
