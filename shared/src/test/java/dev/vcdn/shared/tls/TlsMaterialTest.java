package dev.vcdn.shared.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {

    private static final LocalCertificateAuthority CA = LocalCertificateAuthority.create("test CA");

    @TempDir
    Path dir;

    private Path certificate() {
        return dir.resolve("server.crt");
    }

    private Path key() {
        return dir.resolve("server.key");
    }

    @Test
    void aChainAndItsPkcs8KeyAreReadWholeAndWrittenBackAsTheyWere() throws Exception {
        TlsMaterial issued = CA.issue(List.of("edge.example", "127.0.0.1"), Duration.ofDays(90));
        LocalCertificateAuthority.write(issued, certificate(), key());
        TlsMaterial read = TlsMaterial.load(certificate(), key());
        assertThat(read).isEqualTo(issued);
        assertThat(read.chain()).as("the chain is sent whole").hasSize(2);
        assertThat(read.chain().get(1)).isEqualTo(CA.certificate());
        assertThat(Files.readString(key())).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(read.leaf().getSubjectAlternativeNames().stream().map(name -> name.get(1).toString()).toList())
                .containsExactly("edge.example", "127.0.0.1");
    }

    @Test
    void keysInTheOlderFormatsOfOpensslAndCertManagerAreRead() throws Exception {
        TlsMaterial issued = CA.issue(List.of("edge.example"), Duration.ofDays(90));
        LocalCertificateAuthority.write(issued, certificate(), key());
        // SEC1 as openssl ecparam and Go's x509.MarshalECPrivateKey (cert-manager) write it: the curve named inside.
        BigInteger scalar = ((java.security.interfaces.ECPrivateKey) issued.key()).getS();
        ECPrivateKey sec1 = new ECPrivateKey(256, scalar, SECObjectIdentifiers.secp256r1);
        Files.writeString(key(), PemFile.encode("EC PRIVATE KEY", sec1.getEncoded()));
        assertThat(((java.security.interfaces.ECPrivateKey) TlsMaterial.load(certificate(), key()).key()).getS())
                .as("the same key, and it matched the certificate").isEqualTo(scalar);

        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        PrivateKey rsaKey = rsa.generateKeyPair().getPrivate();
        String pkcs1 = legacyPem(rsaKey);
        assertThat(pkcs1).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(PrivateKeys.decode(PemFile.blocks(pkcs1.getBytes(StandardCharsets.US_ASCII)).get(0)).getEncoded())
                .isEqualTo(rsaKey.getEncoded());
    }

    @Test
    void aFileThatCannotServeIsRefusedNamingIt() throws Exception {
        TlsMaterial issued = CA.issue(List.of("edge.example"), Duration.ofDays(90));
        TlsMaterial other = CA.issue(List.of("other.example"), Duration.ofDays(90));
        LocalCertificateAuthority.write(issued, certificate(), key());
        Files.writeString(key(), other.keyPem());
        assertRefused(key(), "not the key of the first certificate");

        Files.writeString(key(), issued.keyPem());
        Files.writeString(certificate(), "not a certificate\n");
        assertRefused(certificate(), "no PEM certificate");
        Files.writeString(certificate(), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertRefused(certificate(), "cannot be read");
        Files.writeString(certificate(), issued.certificatePem());

        Files.writeString(key(), "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertRefused(key(), "encrypted");
        Files.writeString(key(), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertRefused(key(), "damaged");
        Files.writeString(key(), "-----BEGIN EC PRIVATE KEY-----\nMAMCAQE=\n-----END EC PRIVATE KEY-----\n");
        assertRefused(key(), "SEC1");
        Files.writeString(key(), issued.keyPem() + issued.keyPem());
        assertRefused(key(), "more than one");
        Files.write(key(), new byte[(int) TlsMaterial.MAX_FILE_BYTES + 1]);
        assertRefused(key(), "larger than");
        Files.delete(key());
        assertRefused(key(), "no such file");
    }

    private void assertRefused(Path file, String problem) {
        assertThatThrownBy(() -> TlsMaterial.load(certificate(), key()))
                .isInstanceOf(TlsFileException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining(problem)
                .satisfies(e -> assertThat(((TlsFileException) e).file()).isEqualTo(file));
    }

    private static String legacyPem(PrivateKey key) throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(key);
        }
        return text.toString();
    }
}
