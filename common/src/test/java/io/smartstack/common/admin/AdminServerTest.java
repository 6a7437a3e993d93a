package io.smartstack.common.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {
    private final HttpClient client = HttpClient.newHttpClient();
    private AdminServer server;

    @BeforeEach
    void start() throws Exception {
        server = new AdminServer(new InetSocketAddress("127.0.0.1", 0), "admin-test")
                .route("GET", "/status", request -> AdminServer.Response.json(Map.of("ok", true)))
                .route(
                        "POST",
                        "/services/*",
                        request -> AdminServer.Response.json(
                                Map.of("service", request.pathAfter("/services/"), "body", request.bodyText())))
                .route("GET", "/boom", request -> {
                    throw new IllegalStateException("broken handler");
                });
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void routesByMethodAndPathAndAnswersJson() throws Exception {
        HttpResponse<String> status = send("GET", "/status", null);
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(status.body()).contains("\"ok\" : true");

        HttpResponse<String> prefixed = send("POST", "/services/web", "{\"x\":1}");
        assertThat(AdminServer.JSON.readTree(prefixed.body()).get("service").asText())
                .isEqualTo("web");
        assertThat(AdminServer.JSON.readTree(prefixed.body()).get("body").asText())
                .isEqualTo("{\"x\":1}");
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405() throws Exception {
        assertThat(send("GET", "/nothing", null).statusCode()).isEqualTo(404);
        assertThat(send("DELETE", "/status", null).statusCode()).isEqualTo(405);
    }

    @Test
    void failingHandlerAnswers500AndTheServerKeepsServing() throws Exception {
        HttpResponse<String> failed = send("GET", "/boom", null);
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(failed.body()).contains("broken handler");
        assertThat(send("GET", "/status", null).statusCode()).isEqualTo(200);
    }

    @Test
    void startTwiceFailsAndCloseIsIdempotent() {
        assertThrows(IllegalStateException.class, server::start);
        server.close();
        server.close();
        AdminServer neverStarted = new AdminServer(new InetSocketAddress("127.0.0.1", 0), "unused");
        neverStarted.close();
    }
}
