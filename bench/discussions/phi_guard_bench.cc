// Throughput of the patient-data guard on clinical French, against a baseline that only
// walks the same bytes (counting code points), in the same run, so the ratio does not
// depend on the machine. Text: the sentences of tests/data/phi_corpus.tsv without their
// marks, repeated to ~1 MB ("mixed": about 1 sentence in 3 holds identifying data), and
// the sentences without identifying data alone ("clean", the common case).
//   build/bench/discussions/phi_guard_bench [--benchmark_repetitions=5]
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "services/discussions/phi_guard.h"
#include "libs/text/utf8.h"

namespace {

std::string Unmark(const std::string& line) {
  std::string out;
  for (size_t i = 0; i < line.size();) {
    if (line.compare(i, 2, "[[") == 0) {
      const size_t bar = line.find('|', i);
      i = bar == std::string::npos ? i + 2 : bar + 1;
    } else if (line.compare(i, 2, "]]") == 0) {
      i += 2;
    } else {
      out += line[i++];
    }
  }
  return out;
}

std::string Corpus(bool clean_only) {
  const char* dir = std::getenv("MELTINGDOC_SOURCE_DIR");
  std::ifstream in(std::string(dir ? dir : MELTINGDOC_DEFAULT_SOURCE_DIR) + "/tests/data/phi_corpus.tsv");
  std::string one, line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (clean_only && line.find("[[") != std::string::npos) continue;
    one += Unmark(line);
    one += '\n';
  }
  if (one.empty()) std::abort();
  std::string text;
  while (text.size() < (1u << 20)) text += one;
  return text;
}

const std::string& Text(int which) {
  static const std::string mixed = Corpus(false);
  static const std::string clean = Corpus(true);
  return which == 0 ? mixed : clean;
}

void BM_Baseline_CountCodePoints(benchmark::State& state) {
  const std::string& text = Text(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    size_t n = meltingdoc::text::CodePointCount(text);
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
}

void BM_Guard(benchmark::State& state) {
  const std::string& text = Text(static_cast<int>(state.range(0)));
  size_t findings = 0;
  for (auto _ : state) {
    auto f = meltingdoc::discussions::FindPatientData(text);
    findings = f.size();
    benchmark::DoNotOptimize(f);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
  state.counters["findings"] = static_cast<double>(findings);
}

// A case-sized text (4 KB), as CreateCase sees it.
void BM_Guard_CaseSized(benchmark::State& state) {
  const std::string text = Text(1).substr(0, 4096);
  for (auto _ : state) benchmark::DoNotOptimize(meltingdoc::discussions::FindPatientData(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
}

}  // namespace

// Arg 0: mixed text, 1: clean text.
BENCHMARK(BM_Baseline_CountCodePoints)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Guard)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Guard_CaseSized)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
