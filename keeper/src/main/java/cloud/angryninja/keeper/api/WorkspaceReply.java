package cloud.angryninja.keeper.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import io.quarkus.runtime.annotations.RegisterForReflection;

import cloud.angryninja.keeper.adoption.CredentialHomes;
import cloud.angryninja.keeper.probe.WorkspaceState;
import cloud.angryninja.keeper.quota.QuotaView;

/**
 * One workspace in {@code GET /workspaces}: its probe state's fields, its Copilot quota under {@code quota}, and the
 * credential it holds against Doppler's under {@code heldCredential}.
 */
@RegisterForReflection
public record WorkspaceReply(@JsonUnwrapped WorkspaceState state, QuotaView quota, CredentialHomes.Held heldCredential) {
}
