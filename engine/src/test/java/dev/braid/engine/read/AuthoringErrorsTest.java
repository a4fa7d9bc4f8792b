package dev.braid.engine.read;

import static dev.braid.engine.read.SpecAssertions.HEADER;
import static dev.braid.engine.read.SpecAssertions.assertAt;
import static dev.braid.engine.read.SpecAssertions.error;
import static dev.braid.engine.read.SpecAssertions.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.engine.spec.ValidationError;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Errors an author meets first: JSONata calls checked against the library's built-ins (name and
 * arity, with the position of the call), and root causes listed before the errors they cause.
 */
class AuthoringErrorsTest {

    @Test
    void unknownJsonataFunctionIsRejectedAtTheCallWithASuggestion() {
        List<ValidationError> errors = errors(HEADER + """
                steps:
                  - id: shout
                    transform: { jsonata: "$lowerCase(input.text)" }
                """);
        ValidationError e = error(errors, "unknown function");
        assertEquals("JSONata: unknown function $lowerCase (did you mean $lowercase?)", e.message());
        // the call's '$' inside the quoted scalar: column 27 is the quote, 28 the '$'
        assertAt(e, 6, 28, "steps[0].transform.jsonata");
    }

    @Test
    void wrongArityOfABuiltInIsRejected() {
        ValidationError e = error(errors(HEADER + """
                steps:
                  - id: cut
                    transform: { jsonata: "$substring()" }
                """), "takes");
        assertEquals("JSONata: $substring takes 1 to 3 arguments, got 0", e.message());
        ValidationError tooMany = error(errors(HEADER + """
                steps:
                  - id: up
                    transform: { jsonata: "$uppercase(input.a, input.b)" }
                """), "takes");
        assertEquals("JSONata: $uppercase takes 0 to 1 arguments, got 2", tooMany.message());
    }

    @Test
    void aCallInALiteralBlockPointsAtItsLineAndColumn() {
        List<ValidationError> errors = errors(HEADER + """
                steps:
                  - id: t
                    transform:
                      jsonata: |
                        {
                          "a": $lowercase(input.text),
                          "b": $nope(input.text)
                        }
                """);
        ValidationError e = error(errors, "unknown function $nope");
        assertAt(e, 10, 16, "steps[0].transform.jsonata");
    }

    @Test
    void whenAndAggregateAreCheckedToo() {
        List<ValidationError> errors = errors(HEADER + """
                steps:
                  - id: a
                    when: "$existz(input.text)"
                    transform: { jsonata: input }
                  - id: b
                    aggregate: { jsonata: "$sum()" }
                """);
        error(errors, "unknown function $existz (did you mean $exists?)");
        error(errors, "$sum takes 1 argument, got 0");
    }

    @Test
    void validCallsPass() {
        // built-ins with their context-defaulted first argument, chains, lambdas, bound names, partial application
        new PipelineReader().read(HEADER + """
                steps:
                  - id: ok
                    transform:
                      jsonata: |
                        (
                          $up := function($s) { $uppercase($s) };
                          $cut := $substring(?, 0, 3);
                          {
                            "a": input.text ~> $substring(1),
                            "b": $up(input.text),
                            "c": $cut(input.text),
                            "d": input.text.$lowercase(),
                            "e": $map([1,2], function($v, $i) { $v + $i }),
                            "f": $zip([1], [2], [3]),
                            "g": $string(input.n)
                          }
                        )
                """);
    }

    @Test
    void aMisspeltKeyComesBeforeTheErrorItCauses() {
        List<ValidationError> errors = errors(HEADER + """
                steps:
                  - id: reply
                    model:
                      targets: [{ provider: mock, model: echo }]
                      promt: { user: "{{input.text}}" }
                """);
        assertEquals("unknown key 'promt' (did you mean 'prompt'?)", errors.get(0).message());
        assertTrue(errors.size() == 1 || errors.get(1).message().equals("a chat step needs prompt or messages"),
                errors.toString());
        assertEquals(2, errors.size(), "the derived error follows the root cause: " + errors);
    }

    @Test
    void aMisspeltRequiredKeyComesBeforeItsMissingKey() {
        List<ValidationError> errors = errors(HEADER + """
                steps:
                  - id: t
                    transform: { jsonnata: input }
                """);
        assertEquals("unknown key 'jsonnata' (did you mean 'jsonata'?)", errors.get(0).message());
        assertEquals("missing required key 'jsonata'", errors.get(1).message());
    }
}
