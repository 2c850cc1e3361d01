// C-CDA and FHIR speed: documents/s and MB/s on one core, on real public samples. Two figures per
// document: reading it into the model (what the broker's translator does with every message),
// and the same plus writing the FHIR collection Bundle (what `hiebroker translate` prints).

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "adapters/collection_bundle.hpp"
#include "adapters/registry.hpp"
#include "broker/model/json.hpp"

namespace {

using namespace hie::adapters;

struct Sample {
  const char* format;
  const char* path;  // under tests/data
};

constexpr Sample kSamples[] = {
    {"cda", "ccda/hl7-ccda-examples/CCD_2.xml"},
    {"cda", "ccda/hl7-ccda-examples/Consultation_Note.xml"},
    {"cda", "ccda/hl7-ccda-examples/Discharge_Summary.xml"},
    {"fhir", "fhir/synthea/Kelley882_Marks830.json"},
    {"fhir", "fhir/synthea/Bob965_Keeling57.json"},
};

std::string read_sample(const char* path) {
  std::ifstream in(std::string(HIE_SOURCE_DIR) + "/tests/data/" + path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("cannot read tests/data/") + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Context bench_context() {
  Context context;
  context.exchange_id = "bench";
  context.default_utc_offset = "+00:00";
  return context;
}

void to_model(benchmark::State& state, Sample sample) {
  const std::string bytes = read_sample(sample.path);
  const Adapter& adapter = *all_adapters().find(sample.format);
  const Context context = bench_context();
  for (auto _ : state) {
    auto translation = adapter.to_model(bytes, context);
    if (!translation) throw std::runtime_error(sample.path + std::string(": ") + translation.error().describe());
    benchmark::DoNotOptimize(translation->resources.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes.size() * state.iterations()));
  state.SetItemsProcessed(state.iterations());
}

void to_fhir_json(benchmark::State& state, Sample sample) {
  const std::string bytes = read_sample(sample.path);
  const Adapter& adapter = *all_adapters().find(sample.format);
  const Context context = bench_context();
  for (auto _ : state) {
    auto translation = adapter.to_model(bytes, context);
    auto json = hie::model::to_json(to_collection_bundle(std::move(*translation)));
    benchmark::DoNotOptimize(json);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes.size() * state.iterations()));
  state.SetItemsProcessed(state.iterations());
}

const int kRegistered = [] {
  for (const Sample& sample : kSamples) {
    std::string name = sample.path;
    name = name.substr(name.rfind('/') + 1);
    benchmark::RegisterBenchmark((std::string(sample.format) + "_to_model/" + name).c_str(), to_model, sample);
    benchmark::RegisterBenchmark((std::string(sample.format) + "_to_fhir_json/" + name).c_str(), to_fhir_json,
                                 sample);
  }
  return 0;
}();

}  // namespace

BENCHMARK_MAIN();
