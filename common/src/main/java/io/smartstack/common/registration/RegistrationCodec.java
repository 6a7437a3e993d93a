package io.smartstack.common.registration;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The registration wire format, byte-compatible with the original Nerve and Synapse.
 *
 * <p>Writing: compact JSON with keys in the order {@code host}, {@code port}, {@code name}, then
 * {@code weight}, {@code haproxy_server_options} and {@code labels} only when set. The znode name is
 * {@code <instance_id>_} (ZooKeeper appends the sequence), or with path encoding
 * {@code base64_<length>_<url-safe base64 of the JSON>_} so readers need no extra read.
 *
 * <p>Reading never throws: anything that is not a usable registration comes back as {@link
 * DecodeResult.Rejected} with the reason.
 */
public final class RegistrationCodec {
    /** Child names longer than this are not path-encoded (ZooKeeper paths must stay reasonable). */
    public static final int PATH_ENCODING_MAX_LENGTH = 65536;

    public static final String PATH_ENCODING_PREFIX = "base64_";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final Pattern ENCODED_NAME = Pattern.compile("base64_(\\d+)_(.*)");
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    private RegistrationCodec() {}

    /** The exact bytes the original Nerve writes for this registration. */
    public static byte[] encode(Registration registration) {
        return toJson(registration).getBytes(StandardCharsets.UTF_8);
    }

    public static String toJson(Registration registration) {
        ObjectNode root = JSON.createObjectNode();
        root.put("host", registration.host());
        root.put("port", registration.port());
        if (registration.name() == null) {
            root.putNull("name");
        } else {
            root.put("name", registration.name());
        }
        registration.weight().ifPresent(weight -> root.put("weight", weight));
        registration.haproxyServerOptions().ifPresent(options -> root.put("haproxy_server_options", options));
        if (!registration.labels().isEmpty()) {
            ObjectNode labels = root.putObject("labels");
            registration.labels().forEach(labels::put);
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("serializing a tree of strings and numbers cannot fail", e);
        }
    }

    /**
     * The znode name prefix to create (ZooKeeper's sequence follows it for sequential node types).
     *
     * @param pathEncoding the original's {@code use_path_encoding}
     */
    public static String childNamePrefix(Registration registration, String instanceId, boolean pathEncoding) {
        if (pathEncoding) {
            String encoded = Base64.getUrlEncoder().encodeToString(encode(registration));
            if (encoded.length() <= PATH_ENCODING_MAX_LENGTH) {
                return PATH_ENCODING_PREFIX + encoded.length() + "_" + encoded + "_";
            }
        }
        return instanceId + "_";
    }

    /**
     * Reads the registration carried in a path-encoded child name, without reading the znode. Empty when
     * the name is not path-encoded or cannot be decoded (the caller then reads the data, as the original).
     */
    public static Optional<DecodeResult.Decoded> decodeChildName(String childName) {
        Matcher matcher = ENCODED_NAME.matcher(childName);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        try {
            int length = Integer.parseInt(matcher.group(1));
            String rest = matcher.group(2);
            if (length > rest.length()) {
                return Optional.empty();
            }
            byte[] json = Base64.getUrlDecoder().decode(rest.substring(0, length));
            DecodeResult result = decode(childName, json, RegistrationFormat.NERVE);
            return result instanceof DecodeResult.Decoded decoded ? Optional.of(decoded) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Decodes a znode's data; {@code childName} supplies the id (number after the last {@code _}). The
     * result is either a registration that satisfies every {@link RegistrationRules} rule, or the first
     * rule it breaks. Strict JSON: one object, no trailing data, no duplicate keys, valid UTF-8.
     */
    public static DecodeResult decode(String childName, byte[] data, RegistrationFormat format) {
        if (data == null || data.length == 0) {
            return new DecodeResult.Rejected(RejectionKind.NO_DATA, "znode has no data");
        }
        Optional<DecodeResult.Rejected> tooLarge = RegistrationRules.dataSize(data.length);
        if (tooLarge.isPresent()) {
            return tooLarge.get();
        }
        JsonNode root;
        try {
            root = JSON.readTree(data);
        } catch (Exception e) {
            return new DecodeResult.Rejected(RejectionKind.NOT_JSON, "data is not JSON: " + preview(data));
        }
        if (root == null || !root.isObject()) {
            return new DecodeResult.Rejected(
                    RejectionKind.NOT_AN_OBJECT, "data is not a JSON object: " + preview(data));
        }
        JsonNode endpoint = root;
        JsonNode nameNode;
        if (format instanceof RegistrationFormat.Serverset serverset) {
            Optional<String> endpointName = serverset.endpointName();
            endpoint = endpointName.isPresent()
                    ? root.path("additionalEndpoints").path(endpointName.get())
                    : root.path("serviceEndpoint");
            if (!endpoint.isObject()) {
                return new DecodeResult.Rejected(
                        RejectionKind.NO_ENDPOINT,
                        endpointName
                                .map(n -> "serverset has no additionalEndpoints entry called " + n)
                                .orElse("serverset has no serviceEndpoint"));
            }
            nameNode = root.get("shard");
        } else {
            nameNode = root.get("name");
        }
        return RegistrationFields.read(root, endpoint, nameNode, sequenceId(childName));
    }

    /** The number after the last {@code _} of a znode name, as the original Synapse takes the server id. */
    public static OptionalLong sequenceId(String childName) {
        if (childName == null) {
            return OptionalLong.empty();
        }
        String suffix = childName.substring(childName.lastIndexOf('_') + 1);
        if (!DIGITS.matcher(suffix).matches() || suffix.length() > 18) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(suffix));
    }

    private static String preview(byte[] data) {
        return RegistrationRules.quote(new String(data, 0, Math.min(data.length, 200), StandardCharsets.UTF_8));
    }
}
