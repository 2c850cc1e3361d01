// The peer protocol's messages as text: what is read from a peer, what the broker writes.
#include "broker/peers/peer_protocol.hpp"

#include <gtest/gtest.h>

#include "broker/peers/payload_check.hpp"

namespace hie::peers::protocol {
namespace {

Incoming read_ok(const std::string& text) {
  auto read = read_message(text);
  EXPECT_TRUE(std::holds_alternative<Incoming>(read)) << text << ": " << std::get<Unreadable>(read).detail;
  return std::holds_alternative<Incoming>(read) ? std::get<Incoming>(read) : Incoming{};
}

Unreadable read_bad(const std::string& text) {
  auto read = read_message(text);
  EXPECT_TRUE(std::holds_alternative<Unreadable>(read)) << text;
  return std::holds_alternative<Unreadable>(read) ? std::get<Unreadable>(read) : Unreadable{};
}

TEST(PeerProtocol, ReadsEachRequestOfTheDocumentedExamples) {
  auto hello = read_ok(R"({"type": "hello", "id": "h1", "protocol": 1, "exchange": "city-hie", "formats": ["fhir"]})");
  EXPECT_EQ(hello.id, "h1");
  const auto& h = std::get<Hello>(hello.body);
  EXPECT_EQ(h.protocol, 1);
  EXPECT_EQ(h.exchange, "city-hie");
  EXPECT_EQ(h.formats, std::vector<std::string>{"fhir"});

  auto publish = read_ok(R"({"type": "publish", "id": "p17", "format": "fhir", "control_id": "msg-0017",
                             "payload": "{\"resourceType\": \"Bundle\"}", "future_member": 3})");
  const auto& p = std::get<Publish>(publish.body);
  EXPECT_EQ(p.control_id, "msg-0017");
  EXPECT_EQ(p.payload, R"({"resourceType": "Bundle"})");

  auto announce = read_ok(R"({"type": "announce", "id": "a3", "patients": [
    {"identifiers": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"},
                     {"system": "https://city-hie.example/Id/mrn", "value": "C-77"}]}]})");
  const auto& a = std::get<Announce>(announce.body);
  ASSERT_EQ(a.patients.size(), 1u);
  EXPECT_EQ(a.patients[0][1], (store::PatientIdentity{"https://city-hie.example/Id/mrn", "C-77"}));

  auto result = read_ok(R"({"type": "result", "id": "r9", "re": "q9", "format": "cda", "payloads": ["<a/>", "<b/>"]})");
  EXPECT_EQ(result.re, "q9");
  EXPECT_EQ(std::get<QueryResult>(result.body).payloads, (std::vector<std::string>{"<a/>", "<b/>"}));
  auto single = read_ok(R"({"type": "result", "id": "r9", "re": "q9", "format": "fhir", "payload": "{}"})");
  EXPECT_EQ(std::get<QueryResult>(single.body).payloads, std::vector<std::string>{"{}"});
  auto error = read_ok(R"({"type": "result", "id": "r9", "re": "q9", "error": "not-found"})");
  EXPECT_EQ(std::get<QueryResult>(error.body).error, "not-found");
}

TEST(PeerProtocol, NamesWhatIsWrongWithAMessageItCannotRead) {
  EXPECT_EQ(read_bad("{").reason, "malformed");
  EXPECT_EQ(read_bad(R"({"type":"ping","id":"x"} trailing)").reason, "malformed");
  EXPECT_EQ(read_bad(R"({"type":"ping","id":""})").detail, "id: must not be empty");
  EXPECT_EQ(read_bad(R"({"type":"ping","id":")" + std::string(129, 'x') + "\"}").detail,
            "id: longer than 128 characters");
  auto no_type = read_bad(R"({"id":"x1"})");
  EXPECT_EQ(no_type.re, "x1");
  EXPECT_EQ(no_type.detail, "type: is required");
  EXPECT_EQ(read_bad(R"({"type":"event","id":"e1"})").reason, "unknown-type");
  EXPECT_EQ(read_bad(R"({"type":"hello","id":"h","protocol":"1","exchange":"x"})").detail,
            "hello.protocol: expected a whole number");
  EXPECT_EQ(read_bad(R"({"type":"result","id":"r","error":"not-found"})").detail, "result.re: is required");
  EXPECT_EQ(read_bad(R"({"type":"result","id":"r","re":"q","error":"boom"})").detail,
            "result.error: expected not-found, refused or unavailable");
  EXPECT_EQ(read_bad(R"({"type":"announce","id":"a","patients":[{"identifiers":[{"system":"s"}]}]})").detail,
            "announce.patients[0].identifiers[0].value: is required");
  std::string many = R"({"type":"announce","id":"a","patients":[)";
  for (int i = 0; i < 10001; ++i) many += std::string(i ? "," : "") + "{}";
  EXPECT_EQ(read_bad(many + "]}").detail, "announce.patients: more than 10000 in one announce");
}

// Found by tests/fuzz/peer_protocol_fuzz.cpp: an unknown type or event word was quoted as sent, so
// a control character in it split the nack's detail, which the broker logs at info, over lines.
TEST(PeerProtocol, QuotesAnUnknownWordOnOneLineOfValidText) {
  auto type = read_bad(R"({"type":"qu\ry","id":"q7","patient":[{"system":"s","value":"v"}]})");
  EXPECT_EQ(type.re, "q7");
  EXPECT_EQ(type.reason, "unknown-type");
  EXPECT_EQ(type.detail, "no message type 'qu?y' in protocol 1");
  auto event = read_bad(R"({"type":"subscribe","id":"s1","events":["admission\nx"]})");
  EXPECT_EQ(event.detail, "subscribe.events: unknown event kind \"admission?x\"");
  // Cut at 32 bytes, but not inside a character: 31 letters and a two-byte "é" leave 31 letters.
  auto cut = read_bad(R"({"type":"subscribe","id":"s1","events":[")" + std::string(31, 'a') + "\xC3\xA9\"]}");
  EXPECT_EQ(cut.detail, "subscribe.events: unknown event kind \"" + std::string(31, 'a') + "\"");
}

// Found with peer_protocol_fuzz's invariants on a large input: the recursive parser overflowed the
// stack on deep nesting, which a peer can send within limits.max_message_bytes.
TEST(PeerProtocol, ADeeplyNestedMessageIsMalformedNotACrash) {
  auto deep = read_bad(R"({"type":"ping","id":"x","n":)" + std::string(1'000'000, '['));
  EXPECT_EQ(deep.reason, "malformed");
  EXPECT_TRUE(deep.detail.starts_with("not JSON")) << deep.detail;
}

TEST(PeerProtocol, ReadsAPeersQueryAndNamesWhatIsWrongWithIt) {
  auto in = read_ok(
      R"({"type":"query","id":"q1","patient":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"3870146052"}],)"
      R"("resource_types":["Observation","Condition"],"date":{"ge":"2025-01-01","le":"2026-11-26"}})");
  const auto& query = std::get<Query>(in.body);
  ASSERT_EQ(query.patient.size(), 1u);
  EXPECT_EQ(query.patient[0].value, "3870146052");
  EXPECT_EQ(query.resource_types, (std::vector<std::string>{"Observation", "Condition"}));
  EXPECT_EQ(query.date_ge, "2025-01-01");
  EXPECT_EQ(query.date_le, "2026-11-26");
  EXPECT_EQ(read_bad(R"({"type":"query","id":"q2"})").detail, "query.patient: expected a non-empty array of {system, value}");
  EXPECT_EQ(read_bad(R"({"type":"query","id":"q3","patient":[{"system":"s"}]})").detail, "query.patient[0].value: is required");
  EXPECT_EQ(read_bad(R"({"type":"query","id":"q4","patient":[{"system":"s","value":"v"}],"resource_types":[1]})").detail,
            "query.resource_types: expected an array of names");
  EXPECT_EQ(read_bad(R"({"type":"query","id":"q5","patient":[{"system":"s","value":"v"}],"date":"2025"})").detail,
            "query.date: expected {ge, le}");
  EXPECT_EQ(result("b1", "q1", "fhir", "{}"), R"({"type":"result","id":"b1","re":"q1","format":"fhir","payload":"{}"})");
}

TEST(PeerProtocol, WritesRepliesThatNameTheRequest) {
  EXPECT_EQ(hello_ack("b1", "h1", "hiebroker 0.1.0"),
            R"({"type":"ack","id":"b1","re":"h1","protocol":1,"broker":"hiebroker 0.1.0"})");
  EXPECT_EQ(publish_ack("b2", "p17", 4211, false), R"({"type":"ack","id":"b2","re":"p17","journal_id":4211,"duplicate":false})");
  EXPECT_EQ(announce_ack("b3", "a3", 2), R"({"type":"ack","id":"b3","re":"a3","patients":2})");
  EXPECT_EQ(nack("b4", "", "malformed", "not JSON"), R"({"type":"nack","id":"b4","re":"","reason":"malformed","detail":"not JSON"})");
  EXPECT_EQ(pong("b5", "x1"), R"({"type":"pong","id":"b5","re":"x1"})");
  EXPECT_EQ(result_error("b6", "q1", "unavailable", ""), R"({"type":"result","id":"b6","re":"q1","error":"unavailable"})");
  QueryRequest request;
  request.patient = {{"https://fhir.nhs.uk/Id/nhs-number", "9434765919"}};
  request.deadline = std::chrono::milliseconds(250);
  EXPECT_EQ(query("q7", request),
            R"({"type":"query","id":"q7","patient":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}],"deadline_ms":250})");
}

TEST(PayloadCheck, TellsAPayloadOfTheWrongKindBeforeTheAck) {
  EXPECT_TRUE(check_payload("hl7v2", "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\rPID|1\r"));
  auto not_hl7 = check_payload("hl7v2", "hello");
  ASSERT_FALSE(not_hl7);
  EXPECT_FALSE(not_hl7.error().message().empty());
  EXPECT_TRUE(check_payload("fhir", R"({"resourceType":"Patient"})"));
  EXPECT_TRUE(check_payload("fhir", "{\"resourceType\":\"Patient\"}\n{\"resourceType\":\"Observation\"}\n"));
  auto broken_line = check_payload("fhir", "{\"resourceType\":\"Patient\"}\n{\"resourceType\":\n");
  ASSERT_FALSE(broken_line);
  EXPECT_EQ(broken_line.error().location(), "line 2");
  auto broken = check_payload("fhir", "{\n  \"resourceType\": \"Patient\",\n");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().location(), "payload");
  EXPECT_TRUE(check_payload("cda", "\xEF\xBB\xBF<?xml version=\"1.0\"?><ClinicalDocument/>"));
  EXPECT_FALSE(check_payload("cda", "ClinicalDocument"));
  EXPECT_TRUE(check_payload("csv", "nhs_number,name\n9434765919,X\n"));
  EXPECT_FALSE(check_payload("csv", std::string("a,b\n\0", 5)));
  EXPECT_FALSE(check_payload("csv", ""));
}

TEST(PayloadCheck, ADeeplyNestedFhirPayloadIsCheckedWithoutExhaustingTheStack) {
  // A peer may publish up to limits.max_message_bytes; 4 MiB of nesting once overflowed the
  // stack of the recursive reader. Closed, it is well-formed JSON; cut off, it is an error.
  const std::size_t depth = 4 << 20;
  std::string deep = "{\"resourceType\":\"Patient\",\"x\":" + std::string(depth, '[') + std::string(depth, ']') + "}";
  EXPECT_TRUE(check_payload("fhir", deep));
  EXPECT_FALSE(check_payload("fhir", "{\"x\":" + std::string(depth, '[')));
}

}  // namespace
}  // namespace hie::peers::protocol
