package cloud.angryninja.keeper.testing;

/** Made-up Copilot credentials for tests. */
public final class TestCredentials {

    private TestCredentials() {
    }

    /** An OpenCode auth.json holding one github-copilot OAuth credential whose refresh and access tokens are {@code token}. */
    public static String authJson(String token) {
        return "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"" + token + "\",\"access\":\"" + token + "\",\"expires\":0}}";
    }
}
