package cloud.angryninja.keeper.workspace;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import cloud.angryninja.keeper.kube.Secrets;
import cloud.angryninja.keeper.workspace.WorkspaceEvent.Kind;

/**
 * Workspace discovery ({@code keeper.discovery.enabled=true}): an informer per namespace on the
 * Deployments labelled {@value WorkspaceLabels#WORKSPACE} turns each into a workspace that joins,
 * changes and leaves with its Deployment, without a config edit or a restart. Each change is
 * published to {@link Workspaces} and then fired as a {@link WorkspaceEvent}. A configured workspace
 * wins over a discovered one of the same name; a Deployment whose labels or annotations do not make
 * a workspace is refused with one log line and changes nothing.
 */
@ApplicationScoped
public class WorkspaceDiscovery {

    private static final Logger LOG = Logger.getLogger(WorkspaceDiscovery.class);
    private static final Duration RETRY = Duration.ofSeconds(30);

    private final KubernetesClient kube;
    private final Workspaces workspaces;
    private final DiscoveryConfig config;
    private final Event<WorkspaceEvent> events;
    private final List<SharedIndexInformer<Deployment>> informers = new CopyOnWriteArrayList<>();
    /** namespace/deployment -> the workspace it declares (joined or not), and the last problem logged. */
    private final Map<String, String> sources = new HashMap<>();
    private final Map<String, String> problems = new HashMap<>();
    private final Map<String, String> passwordProblems = new HashMap<>();
    private volatile boolean running;

    @Inject
    public WorkspaceDiscovery(KubernetesClient kube, Workspaces workspaces, DiscoveryConfig config, Event<WorkspaceEvent> events) {
        this.kube = kube;
        this.workspaces = workspaces;
        this.config = config;
        this.events = events;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        running = true;
        for (String namespace : config.namespaces()) {
            Thread.ofVirtual().name("discovery-" + namespace).start(() -> watch(namespace));
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        informers.forEach(SharedIndexInformer::close);
    }

    /** Starts the namespace's informer; retries every 30 s while the Kubernetes API refuses the first list. */
    private void watch(String namespace) {
        while (running) {
            SharedIndexInformer<Deployment> informer = informer(kube, namespace, config.resync());
            informer.addEventHandler(new Handler());
            try {
                informer.start().toCompletableFuture().join();
                informers.add(informer);
                LOG.infof("workspace discovery: watching Deployments labelled %s in namespace %s", WorkspaceLabels.WORKSPACE, namespace);
                if (!running) {
                    informer.close();
                }
                return;
            } catch (RuntimeException e) {
                informer.close();
                LOG.warnf("workspace discovery: cannot list Deployments in namespace %s (%s); retrying in %d s", namespace,
                        rootCause(e), RETRY.toSeconds());
            }
            try {
                Thread.sleep(RETRY);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * The informer on a namespace's labelled Deployments, not started: a list and then a watch of
     * deployments with the label selector, which is what the Role must allow (README, RBAC).
     */
    public static SharedIndexInformer<Deployment> informer(KubernetesClient kube, String namespace, Duration resync) {
        return kube.apps().deployments().inNamespace(namespace).withLabel(WorkspaceLabels.WORKSPACE)
                .runnableInformer(resync.toMillis());
    }

    private final class Handler implements ResourceEventHandler<Deployment> {
        @Override
        public void onAdd(Deployment d) {
            upsert(d);
        }

        @Override
        public void onUpdate(Deployment before, Deployment after) {
            upsert(after);
        }

        @Override
        public void onDelete(Deployment d, boolean finalStateUnknown) {
            remove(source(d));
        }
    }

    /** A labelled Deployment appeared, changed or was resynced. */
    synchronized void upsert(Deployment d) {
        String source = source(d);
        WorkspaceLabels.Reading reading = WorkspaceLabels.read(d.getMetadata().getNamespace(), d.getMetadata().getName(),
                d.getMetadata().getLabels(), d.getMetadata().getAnnotations());
        if (reading.declared().isEmpty()) {
            refuse(source, reading.problem());
            return; // bad input changes nothing: a workspace it declared before stays as it was
        }
        WorkspaceLabels.Declared declared = reading.declared().get();
        String name = declared.withoutPassword().name();
        String owner = owner(name);
        if (owner != null && !owner.equals(source)) {
            refuse(source, "deployment " + source + " declares workspace " + name + ", which deployment " + owner + " declared first");
            return;
        }
        if (workspaces.isConfigured(name)) {
            refuse(source, "deployment " + source + " declares workspace " + name
                    + ", which the configuration already defines; the configured one is used");
            return;
        }
        String previousName = sources.get(source);
        if (previousName != null && !previousName.equals(name)) {
            remove(source); // renamed: the old workspace leaves, the new one joins
        }
        sources.put(source, name);
        Workspace workspace = declared.withPassword(password(source, declared));
        Workspaces.Change change = workspaces.putDiscovered(workspace);
        switch (change) {
            case JOINED -> {
                problems.remove(source);
                LOG.infof("workspace discovery: %s joined from deployment %s (%s)", name, source, workspace.url());
                events.fire(new WorkspaceEvent(Kind.JOINED, workspace));
            }
            case CHANGED -> {
                problems.remove(source);
                LOG.infof("workspace discovery: %s changed (deployment %s)", name, source);
                events.fire(new WorkspaceEvent(Kind.CHANGED, workspace));
            }
            case UNCHANGED -> problems.remove(source);
            case SHADOWED_BY_CONFIG -> refuse(source, "deployment " + source + " declares workspace " + name
                    + ", which the configuration already defines; the configured one is used");
        }
    }

    /** A labelled Deployment was deleted or lost its label. */
    synchronized void remove(String source) {
        problems.remove(source);
        passwordProblems.remove(source);
        String name = sources.remove(source);
        if (name == null) {
            return;
        }
        workspaces.removeDiscovered(name).ifPresent(w -> {
            LOG.infof("workspace discovery: %s left (deployment %s)", name, source);
            events.fire(new WorkspaceEvent(Kind.LEFT, w));
        });
    }

    private String owner(String workspace) {
        return sources.entrySet().stream().filter(e -> e.getValue().equals(workspace)).map(Map.Entry::getKey).findFirst()
                .orElse(null);
    }

    /** Logs a refusal once per distinct problem of a Deployment. */
    private void refuse(String source, String problem) {
        if (!problem.equals(problems.put(source, problem))) {
            LOG.warnf("workspace discovery: %s", problem);
        }
    }

    /** The OpenCode password from the Secret the Deployment names; empty (and one log line) when it cannot be read. */
    private Optional<String> password(String source, WorkspaceLabels.Declared declared) {
        Workspace w = declared.withoutPassword();
        String where = "secret " + w.namespace() + "/" + declared.passwordSecret();
        String problem;
        Optional<String> value = Optional.empty();
        try {
            Secret secret = kube.secrets().inNamespace(w.namespace()).withName(declared.passwordSecret()).get();
            value = secret == null ? Optional.empty() : Secrets.value(secret, declared.passwordKey());
            problem = secret == null ? where + " does not exist" : value.isEmpty() ? where + " has no key " + declared.passwordKey() : "";
        } catch (RuntimeException e) {
            problem = "cannot read " + where + " (" + rootCause(e) + ")";
        }
        if (problem.isEmpty()) {
            passwordProblems.remove(source);
        } else if (!problem.equals(passwordProblems.put(source, problem))) {
            LOG.warnf("workspace discovery: %s: %s; probing without a password", w.name(), problem);
        }
        return value;
    }

    private static String source(Deployment d) {
        return d.getMetadata().getNamespace() + "/" + d.getMetadata().getName();
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName();
    }
}
