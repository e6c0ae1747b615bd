package dev.vcdn.origin.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.shared.testing.TestS3Server;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against s3proxy: the S3 REST API with SigV4 checked, as AWS S3 or MinIO would. */
class S3RecordingStoreTest extends RecordingStoreContract {

    private static TestS3Server server;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestS3Server.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Override
    RecordingStore store() throws Exception {
        S3RecordingStore store = new S3RecordingStore(vertx, workers, vertx.createHttpClient(), settings(TestS3Server.SECRET_KEY),
                Clock.systemUTC());
        await(store.createBucket());
        return store;
    }

    private static S3RecordingStore.Settings settings(String secret) {
        return new S3RecordingStore.Settings(server.endpoint(), "rec-" + UUID.randomUUID().toString().substring(0, 8),
                "us-east-1", TestS3Server.ACCESS_KEY, secret);
    }

    @Test
    void aWrongSecretIsRefusedByTheServer() {
        S3RecordingStore store = new S3RecordingStore(vertx, workers, vertx.createHttpClient(), settings("not-the-secret"), Clock.systemUTC());
        assertThat(store.createBucket().toCompletionStage().toCompletableFuture())
                .failsWithin(java.time.Duration.ofSeconds(10)).withThrowableThat().withMessageContaining("status 403");
    }

    @Test
    void aListingWithADoctypeIsRefused() {
        String hostile = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<ListBucketResult><Contents><Key>&e;</Key><Size>1</Size></Contents></ListBucketResult>";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> S3RecordingStore.page(hostile.getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("DOCTYPE");
    }
}
