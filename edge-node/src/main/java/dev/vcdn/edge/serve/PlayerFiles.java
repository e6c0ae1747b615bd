package dev.vcdn.edge.serve;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.MimeMapping;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * The player's pages, scripts and styles, read from the class path once at start and gzipped once:
 * every viewer is answered from memory, gzipped when it takes gzip, nothing compressed per response.
 * A handful of files, hls.js the largest (about 620 KB, 190 KB gzipped). Thread-safe once loaded.
 */
public final class PlayerFiles implements Handler<RoutingContext> {

    /** How long a browser keeps a file before asking again (with its ETag). */
    static final int MAX_AGE_SECONDS = 300;

    record PlayerFile(String contentType, Buffer body, Optional<Buffer> gzipped, String etag) {
    }

    private final Map<String, PlayerFile> files;

    private PlayerFiles(Map<String, PlayerFile> files) {
        this.files = files;
    }

    /** Reads every file under {@code root} on the class path (blocking: once, off the event loop). */
    public static PlayerFiles load(String root) {
        URL index = PlayerFiles.class.getClassLoader().getResource(root + "/index.html");
        if (index == null) {
            throw new IllegalStateException("the player's files are not on the class path under " + root);
        }
        List<String> names = names(index, root);
        return new PlayerFiles(names.stream().collect(Collectors.toUnmodifiableMap(Function.identity(),
                name -> file(name, read(root + "/" + name)))));
    }

    Optional<PlayerFile> get(String name) {
        return Optional.ofNullable(files.get(name));
    }

    @Override
    public void handle(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        PlayerFile file = files.get(path.equals("/") ? "index.html" : path.substring(1));
        if (file == null) {
            ctx.next();
            return;
        }
        boolean gzip = file.gzipped().isPresent() && Responses.acceptsGzip(ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING));
        // A strong tag names one representation: the gzipped one has a tag of its own.
        String etag = gzip ? file.etag().replaceFirst("\"$", "-gzip\"") : file.etag();
        HttpServerResponse response = ctx.response()
                .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=" + MAX_AGE_SECONDS)
                .putHeader(HttpHeaders.ETAG, etag)
                .putHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
        String ifNoneMatch = ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH);
        if (ifNoneMatch != null && (ifNoneMatch.trim().equals("*") || ifNoneMatch.contains(etag))) {
            response.setStatusCode(304).end();
            return;
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, file.contentType());
        if (gzip) {
            response.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip").end(file.gzipped().get());
        } else {
            response.end(file.body());
        }
    }

    private static PlayerFile file(String name, byte[] bytes) {
        String type = Optional.ofNullable(MimeMapping.mimeTypeForFilename(name)).orElse("application/octet-stream");
        if (type.startsWith("text/") || type.endsWith("javascript") || type.endsWith("json")) {
            type += "; charset=utf-8";
        }
        byte[] gzipped = gzip(bytes);
        return new PlayerFile(type, Buffer.buffer(bytes), gzipped.length < bytes.length ? Optional.of(Buffer.buffer(gzipped))
                : Optional.empty(), etag(bytes));
    }

    /** The files' names under the root, from the player's jar or (in development) its folder. */
    private static List<String> names(URL index, String root) {
        try {
            if (index.getProtocol().equals("jar")) {
                String prefix = root + "/";
                return ((JarURLConnection) index.openConnection()).getJarFile().stream()
                        .filter(entry -> !entry.isDirectory() && entry.getName().startsWith(prefix))
                        .map(entry -> entry.getName().substring(prefix.length()))
                        .toList();
            }
            Path folder = Path.of(index.toURI()).getParent();
            try (Stream<Path> walk = Files.walk(folder)) {
                return walk.filter(Files::isRegularFile).map(file -> folder.relativize(file).toString().replace('\\', '/'))
                        .toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the player's files", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(String resource) {
        try (InputStream in = PlayerFiles.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
