// UTF-8 for the whole suite: decoding, validation, counting and cleaning. Well-formed means
// RFC 3629: no overlong forms, no UTF-16 surrogates, nothing above U+10FFFF. Pure code, no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace meltingdoc::text {

// Length of the well-formed sequence starting at s[i] (1..4), or 0 when it is not one
// (stray continuation byte, bad lead, truncated, overlong, surrogate, above U+10FFFF).
size_t SequenceLength(absl::string_view s, size_t i);

// Decodes the code point at s[i] into `cp` and advances `i` past it; on an ill-formed
// sequence returns false and advances `i` by one byte (so a loop always makes progress).
bool DecodeUtf8(absl::string_view s, size_t& i, uint32_t& cp);

// Appends the UTF-8 encoding of `cp` (a Unicode scalar value).
void AppendUtf8(std::string& out, uint32_t cp);

// True when all of `s` is well-formed UTF-8 (ASCII eight bytes at a time).
bool IsValidUtf8(absl::string_view s);

// True for a byte that starts a code point (not a continuation byte 10xxxxxx).
inline bool StartsCodePoint(char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }

// Number of code points of well-formed `s` (bytes that start one: cheap, and for ill-formed
// input a count that never exceeds the byte count). Limits are in characters, not bytes.
size_t CodePointCount(absl::string_view s);

// The number of code points, or nullopt when `s` is not well-formed UTF-8.
std::optional<size_t> ValidCodePointCount(absl::string_view s);

// Well-formed UTF-8 with no control character (C0 or DEL) other than tab, and \n \r when
// `allow_newlines`.
bool IsCleanText(absl::string_view s, bool allow_newlines);

// `s` without its ASCII control characters other than tab and newline (and DEL).
std::string StripControlCharacters(absl::string_view s);

// At most `max_bytes` of `s` as clean one-line text: well-formed code points only (an
// ill-formed byte is dropped), no control character, cut before a code point that would not
// fit — for labels taken from the environment (a user or host name) that go into a bounded
// database column.
std::string CleanLabel(absl::string_view s, size_t max_bytes);

}  // namespace meltingdoc::text
