package dev.vcdn.shared.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A server's certificate chain (leaf first, sent whole) and its private key, read from PEM files and
 * checked to belong together: the key signs and the leaf's public key verifies.
 */
public record TlsMaterial(List<X509Certificate> chain, PrivateKey key) {

    /** Far above any real chain or key file; a bigger file is not read. */
    static final long MAX_FILE_BYTES = 1 << 20;

    public TlsMaterial {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("no certificate");
        }
    }

    public static TlsMaterial load(Path certificateFile, Path keyFile) throws TlsFileException {
        List<X509Certificate> chain = readCertificates(certificateFile);
        PrivateKey key = privateKey(keyFile);
        X509Certificate leaf = chain.get(0);
        if (!signsFor(key, leaf)) {
            throw new TlsFileException(keyFile, "not the key of the first certificate in " + certificateFile + " ("
                    + leaf.getSubjectX500Principal().getName() + ")");
        }
        return new TlsMaterial(chain, key);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** The chain as PEM, leaf first. */
    public String certificatePem() {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : chain) {
            try {
                pem.append(PemFile.encode("CERTIFICATE", certificate.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("a parsed certificate cannot be encoded again", e);
            }
        }
        return pem.toString();
    }

    /** The key as PKCS#8 PEM, whatever form its file had. */
    public String keyPem() {
        return PemFile.encode("PRIVATE KEY", key.getEncoded());
    }

    /** Every certificate of a PEM file, in file order; at least one. */
    public static List<X509Certificate> readCertificates(Path file) throws TlsFileException {
        List<PemFile.Block> blocks = blocks(file);
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (PemFile.Block block : blocks) {
                if (block.label().equals("CERTIFICATE")) {
                    try (InputStream der = new ByteArrayInputStream(block.der())) {
                        chain.add((X509Certificate) factory.generateCertificate(der));
                    }
                }
            }
        } catch (CertificateException | IOException e) {
            throw new TlsFileException(file, "a certificate in it cannot be read: " + e.getMessage());
        }
        if (chain.isEmpty()) {
            throw new TlsFileException(file, "no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
        }
        return chain;
    }

    private static PrivateKey privateKey(Path file) throws TlsFileException {
        List<PemFile.Block> keys = blocks(file).stream().filter(block -> block.label().contains("PRIVATE KEY")).toList();
        if (keys.size() != 1) {
            throw new TlsFileException(file, keys.isEmpty() ? "no PEM private key (-----BEGIN PRIVATE KEY-----) in it"
                    : "more than one private key in it");
        }
        try {
            return PrivateKeys.decode(keys.get(0));
        } catch (IllegalArgumentException e) {
            throw new TlsFileException(file, e.getMessage());
        }
    }

    private static List<PemFile.Block> blocks(Path file) throws TlsFileException {
        try {
            if (!Files.isRegularFile(file)) {
                throw new TlsFileException(file, "no such file");
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new TlsFileException(file, "larger than " + MAX_FILE_BYTES + " bytes: not a certificate or key file");
            }
            return PemFile.blocks(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new TlsFileException(file, "cannot be read: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new TlsFileException(file, e.getMessage());
        }
    }

    private static boolean signsFor(PrivateKey key, X509Certificate leaf) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            return false;
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
