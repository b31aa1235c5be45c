package cloud.angryninja.keeper.kube;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Secret;

/** Pure: reading one key of a Secret as the pod sees it. */
public final class Secrets {

    private Secrets() {
    }

    /** The decoded value of {@code key}: from {@code data} (base64), else from {@code stringData}. */
    public static Optional<String> value(Secret secret, String key) {
        Map<String, String> data = secret.getData();
        if (data != null && data.get(key) != null) {
            try {
                return Optional.of(new String(Base64.getMimeDecoder().decode(data.get(key)), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        Map<String, String> stringData = secret.getStringData();
        return stringData == null ? Optional.empty() : Optional.ofNullable(stringData.get(key));
    }
}
