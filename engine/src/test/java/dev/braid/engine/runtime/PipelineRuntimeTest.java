package dev.braid.engine.runtime;

import static dev.braid.engine.compile.Specs.*;
import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Target;
import dev.braid.engine.run.InvocationException;
import dev.braid.engine.run.StepResult;
import dev.braid.engine.spec.Step;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every step kind end to end on a real CamelContext with the offline mock provider. */
class PipelineRuntimeTest {

    static PipelineRuntime runtime;

    @BeforeAll
    static void start() {
        runtime = new PipelineRuntime(new RuntimeSettings(List.of(), Set.of("log"), Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    static Target mock() {
        return Target.of("mock", "echo");
    }

    static Target mock(String option, String value) {
        return new Target("mock", "echo", Map.of(option, value));
    }

    static InvocationResult run(String name, Object input) throws Exception {
        return runtime.invoke(name, input, null).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static Throwable failure(String name, Object input) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> runtime.invoke(name, input, null).toCompletableFuture().get(10, TimeUnit.SECONDS));
        return e.getCause();
    }

    static void deployActive(dev.braid.engine.spec.PipelineSpec spec) {
        runtime.deploy(spec, 1);
        runtime.activate(spec.name(), 1);
    }

    static StepResult result(InvocationResult r, String id) {
        return r.steps().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow(
                () -> new AssertionError("no result for step " + id + " in " + r.steps()));
    }

    @Test
    void transformsChainThroughStepOutputs() throws Exception {
        deployActive(pipeline("chain",
                step("a", transform("{ 'x': input.text & '!' }")),
                step("b", transform("steps.a.x & '?'"))));
        InvocationResult r = run("chain", Map.of("text", "hi"));
        assertEquals("hi!?", r.output());
        assertEquals("chain", r.pipeline());
        assertEquals(1, r.version());
        assertTrue(r.id().startsWith("inv_"));
        assertEquals(List.of("a", "b"), r.steps().stream().map(StepResult::id).toList());
        assertTrue(r.steps().stream().allMatch(s -> s.status().equals("ok")));
    }

    @Test
    void requestIdBecomesTheEnvelopeId() throws Exception {
        deployActive(pipeline("ids", step("a", transform("1"))));
        InvocationResult r = runtime.invoke("ids", Map.of(), new InvokeOptions(null, "req-42"))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals("req-42", r.id());
    }

    @Test
    void modelStepRendersPromptsAndRecordsUsage() throws Exception {
        deployActive(pipeline("chat",
                step("reply", chat(mock(), "You answer politely.", "Question: {{input.text}}"))));
        InvocationResult r = run("chat", Map.of("text", "where is my parcel?"));
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) r.output();
        assertEquals("Question: where is my parcel?", out.get("text"));
        assertEquals("mock/echo", out.get("model"));
        StepResult s = result(r, "reply");
        assertEquals("ok", s.status());
        assertEquals("mock/echo", s.model());
        assertTrue(s.usage().totalTokens() > 0);
        assertEquals(s.usage().totalTokens(), r.usage().totalTokens());
    }

    @Test
    void userTextIsNeverEvaluated() throws Exception {
        deployActive(pipeline("inject",
                step("reply", chat(mock(), null, "{{input.text}}")),
                step("out", transform("{ 'echo': steps.reply.text, 'raw': input.text }"))));
        String hostile = "${sys:user.home} {{steps}} #{1+1} {{input.text}} ${body} {{ vars }}";
        InvocationResult r = run("inject", Map.of("text", hostile));
        assertEquals(Map.of("echo", hostile, "raw", hostile), r.output());
    }

    @Test
    void messagesReferenceInsertsOpenAiShapedMessages() throws Exception {
        deployActive(pipeline("msgs",
                step("reply", model(ModelTask.CHAT, mock(), null, "{{input.messages}}", null, null))));
        List<Object> messages = List.of(
                Map.of("role", "system", "content", "be brief"),
                Map.of("role", "user", "content", List.of(
                        Map.of("type", "text", "text", "first part, "),
                        Map.of("type", "text", "text", "second part"))));
        InvocationResult r = run("msgs", Map.of("messages", messages));
        assertEquals("first part, second part", ((Map<?, ?>) r.output()).get("text"));
    }

    @Test
    void badMessagesAreTheCallersFault() throws Exception {
        deployActive(pipeline("badmsgs",
                step("reply", model(ModelTask.CHAT, mock(), null, "{{input.messages}}", null, null))));
        Throwable t = failure("badmsgs", Map.of("messages", "not a list"));
        InvocationException.InputInvalid e = assertInstanceOf(InvocationException.InputInvalid.class, t);
        assertEquals(400, e.status());
    }

    @Test
    void visionStepGetsTheImageOnTheUserMessage() throws Exception {
        deployActive(pipeline("vision",
                step("photo", model(ModelTask.VISION, mock(), new Step.Prompt(null, "Describe it"), null, null,
                        "{{input.image}}"))));
        InvocationResult r = run("vision", Map.of("image", "https://img.example.com/a.png"));
        assertEquals("Describe it: https://img.example.com/a.png", ((Map<?, ?>) r.output()).get("text"));
    }

    @Test
    void sentimentStepTakesText() throws Exception {
        deployActive(pipeline("mood",
                step("mood", model(ModelTask.SENTIMENT, Target.of("local", "lexicon"), null, null, "{{input.text}}", null))));
        InvocationResult r = run("mood", Map.of("text", "I love it, this is wonderful and great"));
        Map<?, ?> out = (Map<?, ?>) r.output();
        assertEquals("positive", out.get("label"), out.toString());
    }

    @Test
    void whenFalseSkipsTheBranch() throws Exception {
        deployActive(pipeline("skip",
                step("both", parallel(Duration.ofSeconds(5), Step.OnBranchError.CONTINUE,
                        step("reply", chat(mock(), null, "{{input.text}}")),
                        when("photo", "$exists(input.image)",
                                model(ModelTask.VISION, mock(), new Step.Prompt(null, "Look"), null, null, "{{input.image}}")))),
                step("out", aggregate("{ 'reply': steps.reply.text, 'photo': steps.photo.text }"))));
        InvocationResult r = run("skip", Map.of("text", "hello"));
        assertEquals(Map.of("reply", "hello"), r.output());
        assertEquals("skipped", result(r, "photo").status());
        assertEquals("ok", result(r, "reply").status());

        InvocationResult withImage = run("skip", Map.of("text", "hello", "image", "https://x.example/p.png"));
        assertEquals(Map.of("reply", "hello", "photo", "Look: https://x.example/p.png"), withImage.output());
        assertEquals("ok", result(withImage, "photo").status());
    }

    @Test
    void timedOutBranchReadsAsNullUnderContinue() throws Exception {
        // the fast branch gets a whole second (a loaded CI machine); the slow one could never make it
        deployActive(pipeline("slowcont",
                step("fan", parallel(Duration.ofSeconds(1), Step.OnBranchError.CONTINUE,
                        step("fast", chat(mock(), null, "{{input.text}}")),
                        step("slow", chat(mock("delay", "20s"), null, "{{input.text}}"))))));
        long t0 = System.nanoTime();
        InvocationResult r = run("slowcont", Map.of("text", "hi"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 10_000, "waited for the slow branch: " + ms + " ms");
        Map<?, ?> out = (Map<?, ?>) r.output();
        assertEquals("hi", ((Map<?, ?>) out.get("fast")).get("text"));
        assertTrue(out.containsKey("slow"));
        assertNull(out.get("slow"));
        assertEquals("timeout", result(r, "slow").status());
        assertEquals("ok", result(r, "fast").status());
        assertEquals("ok", result(r, "fan").status());
    }

    @Test
    void timedOutBranchFailsWith504UnderFail() throws Exception {
        deployActive(pipeline("slowfail",
                step("fan", parallel(Duration.ofSeconds(1), Step.OnBranchError.FAIL,
                        step("fast", chat(mock(), null, "{{input.text}}")),
                        step("slow", chat(mock("delay", "20s"), null, "{{input.text}}"))))));
        Throwable t = failure("slowfail", Map.of("text", "hi"));
        InvocationException.StepFailed e = assertInstanceOf(InvocationException.StepFailed.class, t);
        assertEquals(504, e.status());
        assertEquals("branch_timeout", e.code());
        assertEquals("fan", e.stepId());
    }

    @Test
    void failedBranchKeepsItsOwnExceptionUnderFail() throws Exception {
        deployActive(pipeline("brokenfail",
                step("fan", parallel(Duration.ofSeconds(5), Step.OnBranchError.FAIL,
                        step("ok1", chat(mock(), null, "{{input.text}}")),
                        step("bad", chat(mock("failWith", "500"), null, "{{input.text}}"))))));
        Throwable t = failure("brokenfail", Map.of("text", "hi"));
        ModelException.ProviderError e = assertInstanceOf(ModelException.ProviderError.class, t);
        assertEquals(502, e.status());
    }

    @Test
    void failedBranchReadsAsNullUnderContinueAndAggregateRequireFailsWith502() throws Exception {
        deployActive(pipeline("brokencont",
                step("fan", parallel(Duration.ofSeconds(5), Step.OnBranchError.CONTINUE,
                        step("good", chat(mock(), null, "{{input.text}}")),
                        step("bad", chat(mock("failWith", "500"), null, "{{input.text}}")))),
                step("out", aggregate("{ 'good': steps.good.text, 'bad': steps.bad.text }"))));
        InvocationResult r = run("brokencont", Map.of("text", "hi"));
        assertEquals(Map.of("good", "hi"), r.output());
        assertEquals("failed", result(r, "bad").status());
        assertNotNull(result(r, "bad").error());

        runtime.deploy(pipeline("brokenreq",
                step("fan", parallel(Duration.ofSeconds(5), Step.OnBranchError.CONTINUE,
                        step("good2", chat(mock(), null, "{{input.text}}")),
                        step("bad2", chat(mock("failWith", "500"), null, "{{input.text}}")))),
                step("out2", aggregate("{ 'good': steps.good2.text }", "good2", "bad2"))), 1);
        runtime.activate("brokenreq", 1);
        Throwable t = failure("brokenreq", Map.of("text", "hi"));
        InvocationException.StepFailed e = assertInstanceOf(InvocationException.StepFailed.class, t);
        assertEquals(422, e.status(), "a failed require is the pipeline's fault, not a provider's");
        assertEquals("required_step_failed", e.code());
        assertEquals(InvocationException.Fault.PIPELINE, e.fault());
        assertTrue(e.getMessage().contains("bad2"), e.getMessage());
    }

    @Test
    void jsonataRuntimeErrorIsAStepFailure() throws Exception {
        deployActive(pipeline("jerr", step("boom", transform("$number('abc') + $error('nope')"))));
        Throwable t = failure("jerr", Map.of());
        InvocationException.StepFailed e = assertInstanceOf(InvocationException.StepFailed.class, t);
        assertEquals(422, e.status(), "a JSONata failure at run time is the pipeline's fault, not a provider's");
        assertEquals("step_failed", e.code());
        assertEquals(InvocationException.Fault.PIPELINE, e.fault());
        assertEquals("boom", e.stepId());
    }

    @Test
    void camelStepRunsIntegratorProcessorsOnTheInput() throws Exception {
        deployActive(pipeline("escape",
                step("raw", camel(
                        Map.of("to", "log:braid-test?level=DEBUG"),
                        Map.of("setHeader", Map.of("name", "seen", "constant", "yes")),
                        Map.of("setBody", Map.of("constant", "from camel")))),
                step("out", transform("{ 'camel': steps.raw, 'input': input.text }"))));
        InvocationResult r = run("escape", Map.of("text", "hi"));
        assertEquals(Map.of("camel", "from camel", "input", "hi"), r.output());
    }

    @Test
    void enrichCallsHttpWithEncodedValuesAndStoresJson() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicReference<String> seenPath = new AtomicReference<>();
        server.createContext("/customers/", ex -> {
            seenPath.set(ex.getRequestURI().getRawPath() + "?" + ex.getRequestURI().getRawQuery());
            byte[] body = "{\"tier\":\"gold\",\"id\":7}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/missing/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.createContext("/slow/", ex -> {
            try {
                Thread.sleep(1500); // the test server may block; the runtime may not
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        try {
            deployActive(pipeline("crm",
                    step("customer", enrich(base + "/customers/{{input.id}}?q={{input.q}}", Duration.ofSeconds(2))),
                    step("out", transform("{ 'tier': steps.customer.tier, 'var': vars.customer.id }"))));
            InvocationResult r = run("crm", Map.of("id", "a b/../admin", "q", "x&y=1"));
            assertEquals(Map.of("tier", "gold", "var", 7), r.output());
            assertEquals("/customers/a%20b%2F..%2Fadmin?x%26y%3D1".replace("?x", "?q=x"), seenPath.get());

            deployActive(pipeline("crm404", step("c", enrich(base + "/missing/{{input.id}}", Duration.ofSeconds(2)))));
            InvocationException.StepFailed e404 = assertInstanceOf(InvocationException.StepFailed.class,
                    failure("crm404", Map.of("id", "1")));
            assertEquals(502, e404.status());

            deployActive(pipeline("crmslow", step("c", enrich(base + "/slow/{{input.id}}", Duration.ofMillis(200)))));
            InvocationException.StepFailed eslow = assertInstanceOf(InvocationException.StepFailed.class,
                    failure("crmslow", Map.of("id", "1")));
            assertEquals(504, eslow.status());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void unknownPipelineAndUnloadedVersionAre404() throws Exception {
        InvocationException.PipelineNotFound p = assertInstanceOf(InvocationException.PipelineNotFound.class,
                failure("nope", Map.of()));
        assertEquals("pipeline_not_found", p.code());
        deployActive(pipeline("pinned", step("a", transform("'v1'"))));
        ExecutionException e = assertThrows(ExecutionException.class, () -> runtime.invoke(
                "pinned", Map.of(), new InvokeOptions(9, null)).toCompletableFuture().get(5, TimeUnit.SECONDS));
        InvocationException.PipelineNotFound v = assertInstanceOf(InvocationException.PipelineNotFound.class, e.getCause());
        assertEquals("version_not_found", v.code());
        assertEquals(404, v.status());
    }

    @Test
    void pinnedVersionRunsBesideTheActiveOne() throws Exception {
        deployActive(pipeline("pin2", step("a", transform("'v1'"))));
        runtime.deploy(pipeline("pin2", step("a", transform("'v2'"))), 2);
        assertEquals("v1", run("pin2", Map.of()).output());
        InvocationResult pinned = runtime.invoke("pin2", Map.of(), new InvokeOptions(2, null))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals("v2", pinned.output());
        assertEquals(2, pinned.version());
        assertEquals(1, runtime.activeVersion("pin2").getAsInt());
        assertTrue(runtime.pipelineNames().contains("pin2"));
    }

    @Test
    void maskedInputReachesTheModelAndRestoreAppliesToTheFinalOutputOnly() throws Exception {
        deployActive(pipeline("masked",
                step("redact", mask(true)),
                step("reply", chat(mock(), null, "{{input.text}}")),
                step("out", transform("{ 'reply': steps.reply.text, "
                        + "'modelSawPlaceholder': $contains(steps.reply.text, '<EMAIL_1>'), "
                        + "'modelSawEmail': $contains(steps.reply.text, 'ann@example.com') }"))));
        InvocationResult r = run("masked", Map.of("text", "write to ann@example.com please"));
        assertEquals(Map.of("reply", "write to ann@example.com please",
                "modelSawPlaceholder", true, "modelSawEmail", false), r.output());
    }

    @Test
    void withoutRestoreTheOutputKeepsPlaceholdersAndFieldsLimitWhatIsMasked() throws Exception {
        deployActive(pipeline("maskfields",
                step("redact", mask(false, "input.text")),
                step("out", transform("{ 'text': input.text, 'contact': input.contact }"))));
        InvocationResult r = run("maskfields", Map.of("text", "mail ann@example.com", "contact", "bob@example.com"));
        assertEquals(Map.of("text", "mail <EMAIL_1>", "contact", "bob@example.com"), r.output());
    }

    @Test
    void stepsAfterAModelCallRunOffTheModelScheduler() throws Exception {
        deployActive(pipeline("threads",
                step("reply", chat(mock("delay", "20ms"), null, "{{input.text}}")),
                step("where", camel(Map.of("setBody", Map.of("simple", "${threadName}"))))));
        String thread = (String) run("threads", Map.of("text", "hi")).output();
        assertTrue(thread.startsWith("braid-route-"), thread);
    }
}
