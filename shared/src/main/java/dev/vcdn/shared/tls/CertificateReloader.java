package dev.vcdn.shared.tls;

import dev.vcdn.shared.config.TlsConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renewed certificates taken without a restart: every {@link #CHECK_EVERY} the certificate and key
 * files are looked at (off the event loop); when they changed (certbot and cert-manager replace them,
 * certbot through symbolic links) they are read, checked as at start, and given to every HTTPS server
 * of the process for its new connections, while open connections keep the certificate they began
 * with. A change is read once the files have looked the same for one more check, so a writer
 * replacing the key and then the certificate is not caught half way. Files that cannot be used (half written, a key of another certificate) leave the previous
 * certificate in place: logged once per change, counted, tried again at the next change.
 */
public final class CertificateReloader {

    public static final Duration CHECK_EVERY = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(CertificateReloader.class);

    /**
     * What a file looks like from outside: where its link leads, its inode (a file replaced by a
     * rename is another one even with the same time and size), its time and size.
     */
    private record FileLook(Path real, Object inode, FileTime modified, long size) {

        static FileLook of(Path file) throws IOException {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileLook(file.toRealPath(), attributes.fileKey(), attributes.lastModifiedTime(), attributes.size());
        }
    }

    /** The two files: a change of either means a new look inside. */
    private record FileState(FileLook certificate, FileLook key) {

        static FileState of(Path certificate, Path key) throws IOException {
            return new FileState(FileLook.of(certificate), FileLook.of(key));
        }
    }

    /** A server to renew, by port: the instances of a server shared by several event loops are renewed once. */
    private record Served(int port, HttpServer server, ServerSSLOptions options) {
    }

    private final Vertx vertx;
    private final TlsConfig config;
    private final List<Served> servers = new CopyOnWriteArrayList<>();
    private final Counter reloads;
    private final Counter failures;
    private volatile TlsMaterial current;
    /** Touched by the one check in flight only (a worker thread). */
    private volatile FileState seen;
    private volatile FileState settling;
    private volatile String lastProblem;
    private boolean checking;

    private CertificateReloader(Vertx vertx, TlsConfig config, MeterRegistry metrics) {
        this.vertx = vertx;
        this.config = config;
        this.current = config.material();
        this.reloads = Counter.builder("vcdn.tls.reloads").description("Renewed certificates taken from the files")
                .register(metrics);
        this.failures = Counter.builder("vcdn.tls.reload.failures")
                .description("Changed certificate or key files that could not be used (the previous certificate stays)")
                .register(metrics);
        Gauge.builder("vcdn.tls.certificate.expiry.timestamp", this, reloader -> reloader.current.notAfter().getEpochSecond())
                .description("When the served certificate expires, in seconds since the epoch").baseUnit("seconds")
                .register(metrics);
    }

    /** Starts looking at the files of {@code config}, on a timer of the calling verticle (cancelled with it). */
    public static CertificateReloader start(Vertx vertx, TlsConfig config, MeterRegistry metrics) {
        CertificateReloader reloader = new CertificateReloader(vertx, config, metrics);
        log.info("HTTPS with {}: {} until {}, from {}", config.openSsl() ? "BoringSSL (netty-tcnative)" : "the JDK's TLS",
                config.material().leaf().getSubjectX500Principal().getName(), config.material().notAfter(), config.certificate());
        vertx.setPeriodic(CHECK_EVERY.toMillis(), id -> reloader.check());
        return reloader;
    }

    /**
     * The server is given every certificate taken from now on; {@code options} are the ones it was
     * started with. Instances sharing a port (one per event loop) share one server: the first stands
     * for them all.
     */
    public void serve(HttpServer server, ServerSSLOptions options) {
        int port = server.actualPort();
        synchronized (servers) {
            if (servers.stream().noneMatch(served -> served.port() == port)) {
                servers.add(new Served(port, server, options.copy()));
            }
        }
    }

    private void check() {
        if (checking) {
            return;
        }
        checking = true;
        vertx.executeBlocking(this::readIfChanged, false)
                .compose(changed -> changed == null ? Future.succeededFuture() : apply(changed))
                .onComplete(done -> checking = false);
    }

    /** Off the event loop: the files' new contents, or null when they did not change or cannot be used. */
    private TlsMaterial readIfChanged() {
        FileState state;
        try {
            state = FileState.of(config.certificate(), config.key());
        } catch (IOException e) {
            refuse(config.certificate() + " or " + config.key() + " cannot be looked at: " + e);
            return null;
        }
        if (state.equals(seen)) {
            return null;
        }
        if (!state.equals(settling)) {
            // Changed since the last look: read it at the next, when a writer replacing both files is done.
            settling = state;
            lastProblem = null; // a new change: its problem, if any, is told again
            return null;
        }
        seen = state;
        try {
            TlsMaterial material = TlsMaterial.load(config.certificate(), config.key());
            lastProblem = null;
            return material.equals(current) ? null : material;
        } catch (TlsFileException e) {
            refuse(e.getMessage());
            return null;
        }
    }

    /** Counted and logged once: the same problem seen at the next checks is the same change. */
    private void refuse(String problem) {
        if (problem.equals(lastProblem)) {
            return;
        }
        lastProblem = problem;
        failures.increment();
        log.warn("certificate files changed but cannot be used, the previous certificate is served on: {}", problem);
    }

    private Future<Void> apply(TlsMaterial material) {
        List<Future<Boolean>> updates = new ArrayList<>();
        for (Served served : servers) {
            try {
                updates.add(served.server().updateSSLOptions(served.options().copy()
                        .setKeyCertOptions(ServerTlsOptions.keyCert(material))));
            } catch (IllegalStateException notListening) {
                servers.remove(served); // closed with its verticle: it would refuse every renewal
            }
        }
        return Future.all(updates).<Void>mapEmpty().onSuccess(done -> {
            current = material;
            reloads.increment();
            log.info("certificate renewed from {}: {} until {}", config.certificate(),
                    material.leaf().getSubjectX500Principal().getName(), material.notAfter());
        }).onFailure(error -> {
            seen = null; // the same files are tried again at the next check
            failures.increment();
            log.warn("renewed certificate not taken by a server, the previous one is served on: {}", error.toString());
        });
    }
}
