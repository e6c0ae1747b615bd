package dev.vcdn.origin.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worked examples of the S3 API reference ("Signature Calculations for the Authorization Header"). */
class SigV4Test {

    private static final SigV4 SIGNER = new SigV4("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1");
    private static final Instant TIME = Instant.parse("2013-05-24T00:00:00Z");

    @Test
    void getObjectWithARange() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", "examplebucket.s3.amazonaws.com");
        headers.put("Range", "bytes=0-9");
        headers.put("x-amz-content-sha256", SigV4.EMPTY_PAYLOAD_HASH);
        headers.put("x-amz-date", SigV4.amzDate(TIME));
        assertThat(SIGNER.authorization("GET", "/test.txt", Map.of(), headers, SigV4.EMPTY_PAYLOAD_HASH, TIME)).isEqualTo(
                "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                        + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                        + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    }

    @Test
    void listObjectsWithAQuery() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("host", "examplebucket.s3.amazonaws.com");
        headers.put("x-amz-content-sha256", SigV4.EMPTY_PAYLOAD_HASH);
        headers.put("x-amz-date", SigV4.amzDate(TIME));
        Map<String, String> query = new LinkedHashMap<>();
        query.put("prefix", "J");
        query.put("max-keys", "2");
        assertThat(SIGNER.authorization("GET", "/", query, headers, SigV4.EMPTY_PAYLOAD_HASH, TIME))
                .endsWith("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
    }

    @Test
    void namesAreEncodedAsS3Wants() {
        assertThat(SigV4.encode("a b/c~d.e_f-g*")).isEqualTo("a%20b%2Fc~d.e_f-g%2A");
        assertThat(SigV4.canonicalQuery(Map.of("prefix", "alice/", "list-type", "2")))
                .isEqualTo("list-type=2&prefix=alice%2F");
    }
}
