package cloud.angryninja.keeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.testing.Tier;

/** Recorded request lines read as RBAC verbs and resources. */
@Tier.Unit
class ApiCallsTest {

    @Test
    void readsVerbsAndResourcesAsRbacDoes() {
        assertThat(ApiCalls.parse("GET", "/api/v1/namespaces/opencode/secrets/s1", "ua").rule()).isEqualTo("get secrets");
        assertThat(ApiCalls.parse("GET", "/api/v1/namespaces/opencode/secrets?fieldSelector=metadata.name%3Ds1", "ua").rule())
                .isEqualTo("list secrets");
        assertThat(ApiCalls.parse("GET", "/api/v1/namespaces/opencode/secrets?fieldSelector=x&watch=true", "ua").rule())
                .isEqualTo("watch secrets");
        ApiCalls.ApiCall patch = ApiCalls.parse("PATCH",
                "/apis/external-secrets.io/v1/namespaces/opencode/externalsecrets/es?fieldManager=opencode-keeper", "ua");
        assertThat(patch.rule()).isEqualTo("patch external-secrets.io/externalsecrets");
        assertThat(patch.namespace()).isEqualTo("opencode");
        assertThat(patch.name()).isEqualTo("es");
        assertThat(patch.query()).isEqualTo("fieldManager=opencode-keeper");
        assertThat(ApiCalls.parse("PATCH", "/apis/apps/v1/namespaces/opencode/deployments/d/status", "ua").rule())
                .isEqualTo("patch apps/deployments/status");
        assertThat(ApiCalls.parse("GET", "/apis/apps/v1/deployments?watch=true", "ua").rule()).isEqualTo("watch apps/deployments");
        assertThat(ApiCalls.parse("POST", "/api/v1/namespaces/opencode/secrets", "ua").rule()).isEqualTo("create secrets");
        assertThat(ApiCalls.parse("PUT", "/api/v1/namespaces/opencode/secrets/s1", "ua").rule()).isEqualTo("update secrets");
        assertThat(ApiCalls.parse("DELETE", "/api/v1/namespaces/opencode/secrets", "ua").rule()).isEqualTo("deletecollection secrets");
    }
}
