package cloud.angryninja.keeper.reseed;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import cloud.angryninja.keeper.credential.AccountRecord;
import cloud.angryninja.keeper.credential.CredentialStore;
import cloud.angryninja.keeper.doppler.DopplerException;
import cloud.angryninja.keeper.kube.Outcome;
import cloud.angryninja.keeper.workspace.Workspace;

/**
 * {@link Step#DOPPLER}: one write of the credential for every target workspace, with the account on record beside it,
 * skipped when Doppler already holds them. Doppler not configured: 500; failing: 502; the cluster is not touched.
 */
final class WriteDoppler implements ReseedStep {

    private final CredentialStore store;
    private final AccountRecord accounts;

    WriteDoppler(CredentialStore store, AccountRecord accounts) {
        this.store = store;
        this.accounts = accounts;
    }

    @Override
    public Optional<Exit> run(Reseed r) {
        long t = System.nanoTime();
        List<String> names = r.run.targets().stream().map(Workspace::dopplerSecret).distinct().toList();
        Map<String, String> secrets = new LinkedHashMap<>();
        names.forEach(n -> secrets.put(n, r.credential.authJson()));
        Map<String, String> record = accounts.entriesFor(r.credential.credential());
        secrets.putAll(record);
        try {
            Map<String, Optional<String>> current = store.read(List.copyOf(secrets.keySet()));
            if (ReseedDecisions.dopplerUnchanged(current, secrets)) {
                r.run.shared(Step.DOPPLER, Outcome.SUCCESS, ReseedStep.since(t), "unchanged: Doppler already holds this credential in " + names
                        + "; no write");
            } else {
                store.write(secrets);
                r.run.shared(Step.DOPPLER, Outcome.SUCCESS, ReseedStep.since(t), "wrote " + names + " in one request"
                        + record.entrySet().stream().map(e -> "; the account on record " + e.getKey() + " = " + e.getValue())
                                .findFirst().orElse(""));
            }
        } catch (DopplerException e) {
            r.run.shared(Step.DOPPLER, Outcome.FAILURE, ReseedStep.since(t), e.getMessage());
            return Exit.with(e.reason() == DopplerException.Reason.NOT_CONFIGURED ? 500 : 502,
                    "Doppler: " + e.getMessage() + "; the cluster was not touched");
        }
        return Optional.empty();
    }
}
