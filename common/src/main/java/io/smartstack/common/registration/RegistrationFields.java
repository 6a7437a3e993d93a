package io.smartstack.common.registration;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Reads the fields of a registration's JSON strictly: each field has the JSON type the original Nerve
 * writes (a number as a string of digits is accepted for {@code port} and {@code weight}, as the
 * original readers do), and its value must pass {@link RegistrationRules}. Unknown fields are ignored.
 */
final class RegistrationFields {
    private static final Pattern DIGITS = Pattern.compile("\\d{1,9}");

    private RegistrationFields() {}

    static DecodeResult read(JsonNode root, JsonNode endpoint, JsonNode nameNode, OptionalLong id) {
        JsonNode host = endpoint.get("host");
        if (host == null || host.isNull()) {
            return rejected(RejectionKind.HOST, "registration has no host");
        }
        if (!host.isTextual()) {
            return rejected(RejectionKind.HOST, "host is not a string: " + abbreviate(host));
        }
        JsonNode portNode = endpoint.get("port");
        if (portNode == null || portNode.isNull()) {
            return rejected(RejectionKind.PORT, "registration has no port");
        }
        OptionalInt port = wholeNumber(portNode);
        if (port.isEmpty()) {
            return rejected(RejectionKind.PORT, "registration port is not a port number: " + abbreviate(portNode));
        }
        Optional<DecodeResult.Rejected> badPort = RegistrationRules.port(port.getAsInt());
        if (badPort.isPresent()) {
            return badPort.get();
        }
        String name = null;
        if (nameNode != null && !nameNode.isNull()) {
            if (!nameNode.isTextual() && !nameNode.isIntegralNumber()) {
                return rejected(RejectionKind.NAME, "name is not a string: " + abbreviate(nameNode));
            }
            name = nameNode.asText();
        }
        OptionalInt weight = OptionalInt.empty();
        JsonNode weightNode = root.get("weight");
        if (weightNode != null && !weightNode.isNull()) {
            weight = wholeNumber(weightNode);
            if (weight.isEmpty()) {
                return rejected(RejectionKind.WEIGHT, "weight is not a whole number: " + abbreviate(weightNode));
            }
            Optional<DecodeResult.Rejected> badWeight = RegistrationRules.weight(weight.getAsInt());
            if (badWeight.isPresent()) {
                return badWeight.get();
            }
        }
        Optional<String> options = Optional.empty();
        JsonNode optionsNode = root.get("haproxy_server_options");
        if (optionsNode != null && !optionsNode.isNull()) {
            if (!optionsNode.isTextual()) {
                return rejected(
                        RejectionKind.SERVER_OPTIONS,
                        "haproxy_server_options is not a string: " + abbreviate(optionsNode));
            }
            options = Optional.of(optionsNode.asText());
        }
        JsonNode labelsNode = root.get("labels");
        Map<String, String> labels = new LinkedHashMap<>();
        if (labelsNode != null && !labelsNode.isNull()) {
            if (!labelsNode.isObject()) {
                return rejected(RejectionKind.LABELS, "labels is not an object: " + abbreviate(labelsNode));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = labelsNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                JsonNode value = entry.getValue();
                if (value.isNull()) {
                    continue;
                }
                if (!value.isValueNode()) {
                    return rejected(
                            RejectionKind.LABELS,
                            "label " + RegistrationRules.quote(entry.getKey()) + " is not a string: "
                                    + abbreviate(value));
                }
                labels.put(entry.getKey(), value.asText());
            }
        }
        Registration registration = new Registration(host.asText(), port.getAsInt(), name, weight, options, labels);
        return RegistrationRules.problems(registration).stream()
                .findFirst()
                .<DecodeResult>map(problem -> problem)
                .orElseGet(() -> new DecodeResult.Decoded(registration, id));
    }

    private static OptionalInt wholeNumber(JsonNode node) {
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            return OptionalInt.of(node.asInt());
        }
        if (node.isTextual() && DIGITS.matcher(node.asText()).matches()) {
            return OptionalInt.of(Integer.parseInt(node.asText()));
        }
        return OptionalInt.empty();
    }

    private static DecodeResult rejected(RejectionKind kind, String reason) {
        return new DecodeResult.Rejected(kind, reason);
    }

    private static String abbreviate(JsonNode node) {
        return RegistrationRules.quote(node.toString());
    }
}
