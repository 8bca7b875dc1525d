package dev.banter.uploads;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Uploads in an S3-compatible bucket (AWS S3, MinIO, Ceph, …), path-style, with checksums only
 * where the service requires them so that simpler S3 implementations work too.
 */
final class S3FileStore implements FileStore, AutoCloseable {
  private static final String SETTING = "BANTER_S3_BUCKET";

  /** A bucket that has not answered a check in this long counts as unreachable. */
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(3);

  private final S3Client s3;
  private final String bucket;

  /** The bucket and its endpoint, as the log names them. */
  private final String where;

  S3FileStore(String endpoint, String region, String bucket, String accessKey, String secretKey) {
    this.bucket = bucket;
    this.where =
        "bucket "
            + bucket
            + " at "
            + (endpoint == null || endpoint.isBlank() ? "AWS " + region : endpoint);
    var builder =
        S3Client.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .region(Region.of(region))
            .forcePathStyle(true)
            // plain signed bodies: simpler S3 implementations store aws-chunked framing as if it
            // were the file
            .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)));
    if (endpoint != null && !endpoint.isBlank()) {
      builder.endpointOverride(URI.create(endpoint));
    }
    this.s3 = builder.build();
  }

  @Override
  public void put(String name, Path file, String contentType) throws IOException {
    try {
      s3.putObject(
          b -> b.bucket(bucket).key(name).contentType(contentType), RequestBody.fromFile(file));
    } catch (S3Exception e) {
      throw new IOException("S3 put of " + name + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<byte[]> read(String name) throws IOException {
    try {
      return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(name)).asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw new IOException("S3 get of " + name + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<InputStream> open(String name) throws IOException {
    try {
      return Optional.of(s3.getObject(b -> b.bucket(bucket).key(name)));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw new IOException("S3 get of " + name + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(String name) throws IOException {
    try {
      s3.deleteObject(b -> b.bucket(bucket).key(name));
    } catch (S3Exception e) {
      throw new IOException("S3 delete of " + name + " failed: " + e.getMessage(), e);
    }
  }

  /** The bucket answers a HEAD (it exists, and these keys may use it) within a few seconds. */
  @Override
  public StoreProblem problem() {
    try {
      s3.headBucket(
          HeadBucketRequest.builder()
              .bucket(bucket)
              .overrideConfiguration(c -> c.apiCallTimeout(CHECK_TIMEOUT))
              .build());
      return null;
    } catch (S3Exception e) {
      String reason =
          switch (e.statusCode()) {
            case 403 -> "the bucket refuses these keys";
            case 404 -> "no such bucket";
            default -> "the bucket answers " + e.statusCode();
          };
      return new StoreProblem(SETTING, reason, where + ": " + e.getMessage());
    } catch (SdkException e) {
      return new StoreProblem(SETTING, "the bucket is unreachable", where + ": " + e.getMessage());
    }
  }

  @Override
  public void close() {
    s3.close();
  }
}
