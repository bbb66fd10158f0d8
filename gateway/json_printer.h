// Response messages -> JSON straight from reflection, for the gateway's hot path.
//
// protobuf 3.21's MessageToJsonString serializes the message, rebuilds google.protobuf.Type
// messages for every type involved (twice, with always_print_primitive_fields) and renders
// through a tree of nodes: ~100 us for one profile. This writes the same bytes directly, in
// a few microseconds, for the messages it knows how to write exactly — proto3 scalars,
// strings, enums, nested and repeated messages, google.protobuf.Timestamp — with protobuf's
// own rules (tests/unit/gateway/json_printer_test.cc compares both byte for byte):
//   - JSON names; every singular scalar outside a oneof is written, defaults included;
//     members of a oneof (and proto3 `optional`) only when set; unset message fields are
//     omitted; repeated fields always, [] when empty;
//   - protobuf's order: declaration order, except that set Timestamps and set oneof or
//     `optional` scalars come last, by field number (json_printer.cc says why);
//   - 64-bit integers as strings, enums by name (the number when unknown), doubles as
//     protobuf's SimpleDtoa ("NaN", "Infinity" quoted), strings escaped as protobuf does
//     (<, > and a few invisible code points as \uXXXX).
// Anything else (maps, bytes, floats, Any, Struct, Duration, FieldMask, wrappers, proto2,
// invalid UTF-8, an out-of-range Timestamp) makes it return false: the caller then uses
// MessageToJsonString, which also produces protobuf's errors.
#pragma once

#include <string>

namespace google::protobuf {
class Message;
}

namespace meltingdoc::gateway {

// Appends `message` as JSON to `out` and returns true, or returns false (with `out` in an
// unspecified state) when it cannot promise MessageToJsonString's exact output with
// always_print_primitive_fields.
bool PrintJsonFast(const google::protobuf::Message& message, std::string* out);

}  // namespace meltingdoc::gateway
