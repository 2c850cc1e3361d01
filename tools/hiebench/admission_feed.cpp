#include "tools/hiebench/admission_feed.hpp"

#include <algorithm>
#include <cstdint>

namespace hie::tools {
namespace {

/// The Modulus 11 check digit of a nine-digit stem, or 10 when it has none.
int check_digit(std::uint64_t stem) {
  int sum = 0;
  for (int weight = 2; weight <= 10; ++weight, stem /= 10)
    sum += static_cast<int>(stem % 10) * weight;
  const int check = 11 - sum % 11;
  return check == 11 ? 0 : check;
}

}  // namespace

std::vector<std::string> bench_nhs_numbers(std::size_t count) {
  std::vector<std::string> out;
  out.reserve(count);
  for (std::uint64_t stem = 900000000; out.size() < count; ++stem)
    if (const int check = check_digit(stem); check != 10)
      out.push_back(std::to_string(stem) + std::to_string(check));
  return out;
}

std::string bench_patient_prefix(std::string_view run_id) {
  return "EV" + std::string(run_id) + "-";
}

std::string bench_patient_id(std::string_view run_id, std::size_t index) {
  return bench_patient_prefix(run_id) + std::to_string(index);
}

bool valid_run_id(std::string_view run_id) {
  return !run_id.empty() && run_id.size() <= 40 && std::ranges::all_of(run_id, [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::string admission_message(std::string_view run_id, std::size_t index,
                              std::string_view nhs_number) {
  const std::string control_id = std::string(run_id) + "-" + std::to_string(index);
  const std::string when = "20250304091200+0000";
  // PV1-2 class, PV1-3 location, PV1-19 visit number, PV1-44 admit time.
  std::vector<std::string> pv1(45);
  pv1[0] = "PV1", pv1[1] = "1", pv1[2] = "I", pv1[3] = "WARD1^BED1", pv1[19] = "V" + control_id,
  pv1[44] = when;
  std::string visit;
  for (const auto& field : pv1) visit += (visit.empty() ? "" : "|") + field;
  return "MSH|^~\\&|BENCH|BENCHFAC|HIE|HIE|" + when + "||ADT^A01^ADT_A01|" + control_id +
         "|P|2.5.1\r" + "EVN|A01|" + when + "\r" + "PID|1||" + std::string(nhs_number) +
         "^^^NHS^NH~" + bench_patient_id(run_id, index) +
         "^^^BENCH^MR||BENCH^PATIENT||19700101|F|||1 HIGH STREET^^LEEDS^^LS1 1AA\r" + visit + "\r";
}

}  // namespace hie::tools
