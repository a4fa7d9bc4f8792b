package dev.braid.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.DataInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

/**
 * A {@link JsonFactory} whose parsers refuse a number no double can hold ({@code 1e400},
 * {@code -2.5e308}, {@code 1e999999999}). Jackson reads those as infinity: a key's
 * {@code usdPerMonth} then failed with a 500, and an invoke input came back as the string
 * {@code "Infinity"} (issue 13, item 12). Checked once, at the token, so every body Braid reads
 * through its ObjectMapper is covered: records, trees and the controllers' own parsing.
 */
final class FiniteNumbers extends JsonFactory {

    private static final long serialVersionUID = 1L;

    FiniteNumbers(JsonFactory source) {
        super(source, null);
        setStreamReadConstraints(source.streamReadConstraints());
    }

    @Override
    public JsonFactory copy() {
        return new FiniteNumbers(this);
    }

    @Override
    protected JsonParser _createParser(InputStream in, IOContext ctxt) throws IOException {
        return new Checked(super._createParser(in, ctxt));
    }

    @Override
    protected JsonParser _createParser(Reader r, IOContext ctxt) throws IOException {
        return new Checked(super._createParser(r, ctxt));
    }

    @Override
    protected JsonParser _createParser(char[] data, int offset, int len, IOContext ctxt, boolean recyclable)
            throws IOException {
        return new Checked(super._createParser(data, offset, len, ctxt, recyclable));
    }

    @Override
    protected JsonParser _createParser(byte[] data, int offset, int len, IOContext ctxt) throws IOException {
        return new Checked(super._createParser(data, offset, len, ctxt));
    }

    @Override
    protected JsonParser _createParser(DataInput input, IOContext ctxt) throws IOException {
        return new Checked(super._createParser(input, ctxt));
    }

    private static final class Checked extends JsonParserDelegate {

        Checked(JsonParser d) {
            super(d);
        }

        private JsonToken check(JsonToken t) throws IOException {
            if (t == JsonToken.VALUE_NUMBER_FLOAT && !Double.isFinite(delegate.getDoubleValue())) {
                throw new NumberOutOfRange(delegate);
            }
            return t;
        }

        @Override
        public JsonToken nextToken() throws IOException {
            return check(delegate.nextToken());
        }

        @Override
        public JsonToken nextValue() throws IOException {
            return check(delegate.nextValue());
        }

        @Override
        public String nextTextValue() throws IOException {
            String text = delegate.nextTextValue();
            check(delegate.currentToken());
            return text;
        }

        @Override
        public int nextIntValue(int defaultValue) throws IOException {
            int value = delegate.nextIntValue(defaultValue);
            check(delegate.currentToken());
            return value;
        }

        @Override
        public long nextLongValue(long defaultValue) throws IOException {
            long value = delegate.nextLongValue(defaultValue);
            check(delegate.currentToken());
            return value;
        }

        @Override
        public Boolean nextBooleanValue() throws IOException {
            Boolean value = delegate.nextBooleanValue();
            check(delegate.currentToken());
            return value;
        }
    }
}
