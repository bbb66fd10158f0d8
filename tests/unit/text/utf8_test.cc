#include "libs/text/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace meltingdoc::text {
namespace {

TEST(Utf8, ValidatesRfc3629) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii long enough for the eight-byte fast path"));
  EXPECT_TRUE(IsValidUtf8("Hélène Lévêque Œ ß € \xF0\x9F\xA9\xBA \xF4\x8F\xBF\xBF"));
  EXPECT_FALSE(IsValidUtf8("H\xE9l\xE8ne"));          // Latin-1 é, è
  EXPECT_FALSE(IsValidUtf8("abcdefgh\xC3"));          // truncated after the fast path
  EXPECT_FALSE(IsValidUtf8("\xC3"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));              // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xC1\xBF"));              // overlong
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));          // overlong, three bytes
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));      // overlong, four bytes
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));          // UTF-16 surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));      // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\x80"));                  // stray continuation byte
  EXPECT_FALSE(IsValidUtf8("\xE2\x82" "x"));          // cut by an ASCII byte
}

TEST(Utf8, DecodesAndSkipsOneByteOnError) {
  const std::string s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\xA9\xBA\xFF" "b";
  std::vector<uint32_t> cps;
  std::vector<bool> ok;
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    ok.push_back(DecodeUtf8(s, i, cp));
    cps.push_back(cp);
  }
  EXPECT_EQ(cps, (std::vector<uint32_t>{'a', 0xE9, 0x20AC, 0x1FA7A, 0xFF, 'b'}));
  EXPECT_EQ(ok, (std::vector<bool>{true, true, true, true, false, true}));
  EXPECT_EQ(SequenceLength(s, 1), 2u);
  EXPECT_EQ(SequenceLength(s, 2), 0u);  // continuation byte
}

TEST(Utf8, EncodesEveryLength) {
  for (uint32_t cp : {0x41u, 0xE9u, 0x7FFu, 0x800u, 0x20ACu, 0xFFFDu, 0x10000u, 0x1FA7Au, 0x10FFFFu}) {
    std::string s;
    AppendUtf8(s, cp);
    size_t i = 0;
    uint32_t back = 0;
    ASSERT_TRUE(DecodeUtf8(s, i, back)) << cp;
    EXPECT_EQ(back, cp);
    EXPECT_EQ(i, s.size());
  }
}

TEST(Utf8, CountsCharactersNotBytes) {
  EXPECT_EQ(CodePointCount(""), 0u);
  EXPECT_EQ(CodePointCount("é"), 1u);
  EXPECT_EQ(CodePointCount("gynécologue"), 11u);
  EXPECT_EQ(CodePointCount("\xF0\x9F\x94\x91"), 1u);
  EXPECT_EQ(ValidCodePointCount("abc"), 3u);
  EXPECT_EQ(ValidCodePointCount("€"), 1u);
  EXPECT_EQ(ValidCodePointCount("\xF0\x9F\x94\x91"), 1u);
  EXPECT_EQ(ValidCodePointCount("\xC3"), std::nullopt);
  EXPECT_EQ(ValidCodePointCount("\xC0\xAF"), std::nullopt);
  EXPECT_EQ(ValidCodePointCount("\xED\xA0\x80"), std::nullopt);
  EXPECT_EQ(ValidCodePointCount("\xFF"), std::nullopt);
}

TEST(Utf8, CleanTextAndControlCharacters) {
  EXPECT_TRUE(IsCleanText("ligne\tcolonne é", false));
  EXPECT_TRUE(IsCleanText("ligne\r\nsuivante", true));
  EXPECT_FALSE(IsCleanText("ligne\nsuivante", false));
  EXPECT_FALSE(IsCleanText(std::string("a\0b", 3), true));
  EXPECT_FALSE(IsCleanText("a\x7F", true));
  EXPECT_FALSE(IsCleanText("\xC3", true));
  EXPECT_EQ(StripControlCharacters("a\x01" "b\x02" "c\nd\te\x7f\r"), "abc\nd\te");
  EXPECT_EQ(StripControlCharacters("é"), "é");
}

TEST(Utf8, CleanLabelCutsAtACodePointAndDropsWhatIsNotText) {
  // "Hélène" is 8 bytes: a cut at 2 bytes must not keep the first byte of "é".
  EXPECT_EQ(CleanLabel("Hélène", 2), "H");
  EXPECT_EQ(CleanLabel("Hélène", 3), "Hé");
  EXPECT_EQ(CleanLabel("Hélène", 100), "Hélène");
  EXPECT_EQ(CleanLabel("a\xC3" "b\x01\nc\xFF", 100), "abc");
  EXPECT_EQ(CleanLabel("\xF0\x9F\x94\x91x", 3), "");
  EXPECT_TRUE(IsValidUtf8(CleanLabel(std::string(99, 'a') + "é", 100)));
  EXPECT_EQ(CleanLabel(std::string(99, 'a') + "é", 100), std::string(99, 'a'));
}

}  // namespace
}  // namespace meltingdoc::text
