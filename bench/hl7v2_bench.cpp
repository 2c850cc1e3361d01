// HL7 v2 speed: parse, and parse + translate + serialise to FHIR JSON, on real samples.
// Each benchmark cycles through 5,000 distinct copies of one message (MSH-10 differs), the
// same workload bench/hl7v2_peers.mjs gives the Node parsers, and reads PID-5.1 like they do.

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "adapters/collection_bundle.hpp"
#include "adapters/hl7v2/batch.hpp"
#include "adapters/hl7v2/hl7v2_adapter.hpp"
#include "adapters/hl7v2/message.hpp"
#include "adapters/hl7v2/text.hpp"
#include "broker/model/json.hpp"

namespace {

using namespace hie::adapters;

const char* kSamples[] = {
    "fhir-converter/ADT01-23.hl7",
    "fhir-converter/LRI_2.0-NG_CBC_Typ_Message.hl7",
    "cdc-trusted-intermediary/003_CA_ORU_R01_CDPH_produced_0_initial_message.hl7",
};

std::vector<std::string> distinct_copies(const std::string& relative, std::size_t count) {
  std::ifstream in(std::string(HIE_SOURCE_DIR) + "/tests/data/hl7v2/" + relative, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  const std::string text = s.str();
  auto parsed = hl7v2::Message::parse(text);
  if (!parsed) throw std::runtime_error(relative + ": " + parsed.error().describe());
  const std::string control(parsed->control_id());
  const auto at = text.find("|" + control + "|");
  std::vector<std::string> copies;
  for (std::size_t i = 0; i < count; ++i) {
    std::string copy = text;
    copy.replace(at + 1, control.size(), control + "-" + std::to_string(i));
    copies.push_back(std::move(copy));
  }
  return copies;
}

void parse_and_read_family(benchmark::State& state, const char* relative) {
  auto copies = distinct_copies(relative, 5000);
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& text = copies[i++ % copies.size()];
    auto message = hl7v2::Message::parse(text);
    const auto* pid = message->find("PID");
    std::string family = hl7v2::decode_text(hl7v2::raw_value(*pid, message->delimiters(), {"PID", 5, 1, 1}),
                                            message->delimiters(), message->charset());
    benchmark::DoNotOptimize(family);
    bytes += text.size();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(state.iterations());
}

// The same, then every field of every segment is read, so no segment is left unsplit: the cost of
// a full parse, for comparing with parsers that build the whole tree.
void full_parse(benchmark::State& state, const char* relative) {
  auto copies = distinct_copies(relative, 5000);
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& text = copies[i++ % copies.size()];
    auto message = hl7v2::Message::parse(text);
    std::size_t total = 0;
    for (const auto& segment : message->segments())
      for (std::size_t f = 1; f <= segment.field_count(); ++f) total += segment.field(f).size();
    const auto* pid = message->find("PID");
    std::string family = hl7v2::decode_text(hl7v2::raw_value(*pid, message->delimiters(), {"PID", 5, 1, 1}),
                                            message->delimiters(), message->charset());
    benchmark::DoNotOptimize(total);
    benchmark::DoNotOptimize(family);
    bytes += text.size();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(state.iterations());
}

void translate_to_fhir_json(benchmark::State& state, const char* relative) {
  auto copies = distinct_copies(relative, 5000);
  hl7v2::Hl7v2Adapter adapter;
  Context context;
  context.exchange_id = "bench";
  context.default_utc_offset = "+00:00";
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& text = copies[i++ % copies.size()];
    auto translation = adapter.to_model(text, context);
    auto json = hie::model::to_json(to_collection_bundle(std::move(*translation)));
    benchmark::DoNotOptimize(json);
    bytes += text.size();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(state.iterations());
}

const int kRegistered = [] {
  for (const char* sample : kSamples) {
    std::string name = sample;
    name = name.substr(name.find('/') + 1);
    benchmark::RegisterBenchmark(("hl7v2_parse/" + name).c_str(), parse_and_read_family, sample);
    benchmark::RegisterBenchmark(("hl7v2_full_parse/" + name).c_str(), full_parse, sample);
    benchmark::RegisterBenchmark(("hl7v2_to_fhir_json/" + name).c_str(), translate_to_fhir_json, sample);
  }
  return 0;
}();

}  // namespace

BENCHMARK_MAIN();
