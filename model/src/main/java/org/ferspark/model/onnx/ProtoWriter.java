package org.ferspark.model.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal Protocol Buffers wire-format encoder: varint (wire type 0), length-delimited (2) and 32-bit (5) fields,
 * enough for the handful of ONNX messages {@link OnnxGraph} writes.
 *
 * <p>Why hand-written: Maven Central has no artifact with ONNX's generated Java classes from the ONNX project
 * itself; the alternatives are JavaCPP's {@code org.bytedeco:onnx} (native C++ bindings, platform jars) or ND4J's
 * SameDiff ONNX import (generated classes on ND4J's shaded protobuf, a large dependency for the import side). The
 * wire format of eight messages is a few dozen lines, and ONNX Runtime reads the result back in the tests
 * ({@code OnnxExporterTest}), so a wrong field number cannot go unnoticed. Field numbers: {@code onnx/onnx.proto}.
 * ONNX is a proto2 file: repeated scalars are written unpacked, which every protobuf parser reads.
 */
final class ProtoWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** A varint field: int32, int64 or enum (negative values take ten bytes, as protobuf encodes them). */
  ProtoWriter varint(int field, long value) {
    tag(field, 0);
    rawVarint(value);
    return this;
  }

  /** A string field, UTF-8. */
  ProtoWriter string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  /** A bytes field. */
  ProtoWriter bytes(int field, byte[] value) {
    tag(field, 2);
    rawVarint(value.length);
    out.writeBytes(value);
    return this;
  }

  /** An embedded message. */
  ProtoWriter message(int field, ProtoWriter message) {
    return bytes(field, message.toByteArray());
  }

  /** A float field (wire type 5, little-endian IEEE 754). */
  ProtoWriter float32(int field, float value) {
    tag(field, 5);
    int bits = Float.floatToIntBits(value);
    for (int i = 0; i < 4; i++) {
      out.write(bits >>> (8 * i) & 0xFF);
    }
    return this;
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void tag(int field, int wireType) {
    rawVarint((long) field << 3 | wireType);
  }

  private void rawVarint(long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) (v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
  }
}
