package io.smartstack.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** GET a JSON document from an admin API. */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    public static JsonNode get(String url) {
        Traffic.Answer answer = Traffic.get(url);
        if (answer.status() != 200) {
            throw new IllegalStateException("GET " + url + ": " + answer);
        }
        try {
            return MAPPER.readTree(answer.body());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + url + " is not JSON: " + answer.body(), e);
        }
    }
}
