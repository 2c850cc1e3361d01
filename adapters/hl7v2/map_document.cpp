// MDM: TXA + the OBX after it → DocumentReference.
//
// Text OBX (TX, FT, ST; each repetition a line) are joined with "\n" into one text/plain
// attachment (UTF-8, base64). ED OBX become one attachment each: contentType from the type of
// data and subtype (AP^PDF → application/pdf), data as sent when the encoding is Base64 (checked),
// encoded here when it is A (ASCII) or Hex. A document with no content is not written (content
// is required) and is reported. status from TXA-19 availability (AV current, OB superseded, CA
// entered-in-error); docStatus from TXA-17 (AU/LA/DO final, DI/IN/IP/PA preliminary).

#include "adapters/hl7v2/clinical_helpers.hpp"
#include "adapters/hl7v2/segment_mappers.hpp"
#include "broker/model/formats.hpp"
#include "broker/model/resource.hpp"

namespace hie::adapters::hl7v2 {
namespace {

using model::Severity;
using namespace clinical;

std::string media_type(const std::string& type, const std::string& subtype) {
  const std::string t = upper(type);
  std::string major = t == "AP" || t == "APPLICATION" ? "application"
                      : t == "TEXT" || t == "TX"      ? "text"
                      : t == "IM" || t == "IMAGE"     ? "image"
                      : t == "AU" || t == "AUDIO"     ? "audio"
                      : t == "VI" || t == "VIDEO"     ? "video"
                      : t == "MULTIPART"              ? "multipart"
                                                      : "";
  if (major.empty() || subtype.empty()) return "application/octet-stream";
  return major + "/" + lower(subtype);
}

std::optional<std::string> hex_bytes(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

/// ED in OBX-5 (source ^ type ^ subtype ^ encoding ^ data) → attachment, or nullopt with an issue.
std::optional<model::Attachment> ed_attachment(MappingContext& ctx, const Segment& obx, std::size_t rep) {
  std::string type = ctx.text(obx, {"OBX", 5, rep, 2});
  std::string subtype = ctx.text(obx, {"OBX", 5, rep, 3});
  std::string encoding = upper(ctx.text(obx, {"OBX", 5, rep, 4}));
  const Address data_at{"OBX", 5, rep, 5};
  std::string_view raw = ctx.raw(obx, data_at);
  if (raw.empty()) return std::nullopt;
  model::Attachment a;
  a.content_type = media_type(type, subtype);
  if (encoding == "BASE64") {
    std::string data(raw);  // base64 has no HL7 delimiters or escapes
    std::erase_if(data, [](char c) { return c == ' ' || c == '\n' || c == '\r'; });
    if (!model::is_base64(data, model::Base64Rule::strict)) {
      ctx.issue(Severity::error, "value", ctx.location(obx, data_at), "ED data is not valid base64: not mapped");
      return std::nullopt;
    }
    a.data = data;
  } else if (encoding == "HEX") {
    auto bytes = hex_bytes(raw);
    if (!bytes) {
      ctx.issue(Severity::error, "value", ctx.location(obx, data_at), "ED data is not valid hex: not mapped");
      return std::nullopt;
    }
    a.data = base64_encode(*bytes);
  } else if (encoding == "A" || encoding.empty()) {
    a.data = base64_encode(ctx.text(obx, data_at));
  } else {
    ctx.issue(Severity::error, "code-invalid", ctx.location(obx, {"OBX", 5, rep, 4}),
              "ED encoding '" + encoding + "' unknown: data not mapped");
    return std::nullopt;
  }
  return a;
}

}  // namespace

void map_documents(MappingContext& ctx, const std::string& patient_ref) {
  const auto& segments = ctx.message().segments();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const Segment& txa = segments[i];
    if (txa.id() != "TXA") continue;

    model::DocumentReference d;
    d.id = ctx.stable_id("DocumentReference", txa);
    d.meta = ctx.meta();
    ctx.raw(txa, {"TXA", 1});  // set id: position only
    ctx.raw(txa, {"TXA", 3});  // content presentation: carried by the attachments' content types

    if (auto type = to_codeable_concept(ctx, {txa, 2})) {
      for (auto& c : type->coding)
        if (c.system.empty()) c.system = "http://terminology.hl7.org/CodeSystem/v2-0270";
      d.type = *type;
    }

    // TXA-4 activity time → context.period.start; TXA-6 origination time → date (instant).
    auto activity = to_fhir_datetime(ctx, {txa, 4});
    auto origination = to_fhir_datetime(ctx, {txa, 6});
    for (const auto* when : {&origination, &activity}) {
      if (*when && (*when)->find('T') != std::string::npos) {
        d.date = **when;
        break;
      }
    }
    if (activity) {
      model::DocumentReferenceContext dc;
      dc.period = model::Period{*activity, {}};
      d.context = dc;
    }

    // Authors: TXA-9 originator (repeating), TXA-5 primary activity provider; TXA-10 authenticator.
    for (std::size_t field : {9u, 5u})
      for (std::size_t r = 1; r <= ctx.repetitions(txa, field); ++r)
        if (auto who = xcn_reference(ctx, {txa, field, r})) d.author.push_back(*who);
    if (auto who = xcn_reference(ctx, {txa, 10})) d.authenticator = *who;

    // TXA-12 unique document number (EI); a bare OID is written as urn:oid in rfc3986 form.
    if (auto id = ei_identifier(ctx, txa, 12)) {
      const std::string& v = id->value;
      const bool oid = v.find_first_not_of("0123456789.") == std::string::npos && v.find('.') != std::string::npos;
      if (oid && id->system.rfind("urn:hiebroker:", 0) == 0 && id->system.ends_with(":id:local")) {
        id->system = "urn:ietf:rfc:3986";
        id->value = "urn:oid:" + v;
      }
      d.master_identifier = *id;
    }

    std::string title = ctx.text(txa, {"TXA", 16});
    std::string doc_status = upper(ctx.text(txa, {"TXA", 17}));
    if (doc_status == "AU" || doc_status == "LA" || doc_status == "DO") d.doc_status = "final";
    else if (doc_status == "DI" || doc_status == "IN" || doc_status == "IP" || doc_status == "PA") d.doc_status = "preliminary";
    else if (!doc_status.empty())
      ctx.issue(Severity::warning, "code-invalid", ctx.location(txa, {"TXA", 17}),
                "document completion status '" + doc_status + "' unknown: docStatus not set");
    std::string availability = upper(ctx.text(txa, {"TXA", 19}));
    d.status = availability == "OB" ? "superseded" : availability == "CA" ? "entered-in-error" : "current";
    if (!availability.empty() && availability != "AV" && availability != "UN" && availability != "OB" && availability != "CA")
      ctx.issue(Severity::warning, "code-invalid", ctx.location(txa, {"TXA", 19}),
                "availability status '" + availability + "' unknown: status 'current' assumed");
    d.description = ctx.text(txa, {"TXA", 25});

    if (!patient_ref.empty()) {
      model::Reference subject;
      subject.reference = patient_ref;
      d.subject = subject;
    }

    // Content: the OBX after this TXA, up to the next TXA.
    std::string text;
    bool has_text = false;
    for (std::size_t j = i + 1; j < segments.size() && segments[j].id() != "TXA"; ++j) {
      const Segment& obx = segments[j];
      if (obx.id() != "OBX") continue;
      std::string value_type = upper(ctx.text(obx, {"OBX", 2}));
      if (value_type == "TX" || value_type == "FT" || value_type == "ST") {
        ctx.raw(obx, {"OBX", 1});
        for (std::size_t r = 1; r <= ctx.repetitions(obx, 5); ++r) {
          if (has_text) text += '\n';
          text += ctx.text(obx, {"OBX", 5, r});
          has_text = true;
        }
      } else if (value_type == "ED") {
        ctx.raw(obx, {"OBX", 1});
        for (std::size_t r = 1; r <= ctx.repetitions(obx, 5); ++r) {
          if (auto a = ed_attachment(ctx, obx, r)) {
            a->title = title;
            d.content.push_back({*a, std::nullopt});
          }
        }
      }
    }
    if (has_text) {
      model::Attachment a;
      a.content_type = "text/plain; charset=utf-8";
      a.data = base64_encode(text);
      a.title = title;
      d.content.insert(d.content.begin(), {a, std::nullopt});
    }
    if (d.content.empty()) {
      ctx.issue(Severity::warning, "incomplete", ctx.location(txa, {"TXA", 0}),
                "document without text or encapsulated content: no DocumentReference written");
      continue;
    }
    ctx.out().resources.emplace_back(std::move(d));
  }
}

}  // namespace hie::adapters::hl7v2
