#pragma once
// FHIR R4 general-purpose datatypes held by the model (hl7.org/fhir/R4/datatypes.html).

#include "broker/model/element.hpp"

namespace hie::model {

struct Identifier;

struct Coding {
  static constexpr std::string_view fhir_type = "Coding";
  std::string system;
  std::string version;
  std::string code;
  std::string display;
  std::optional<bool> user_selected;
  bool operator==(const Coding&) const = default;
};

struct CodeableConcept {
  static constexpr std::string_view fhir_type = "CodeableConcept";
  std::vector<Coding> coding;
  std::string text;
  bool operator==(const CodeableConcept&) const = default;
};

struct Period {
  static constexpr std::string_view fhir_type = "Period";
  std::string start;  ///< dateTime
  std::string end;    ///< dateTime
  bool operator==(const Period&) const = default;
};

struct Quantity {
  static constexpr std::string_view fhir_type = "Quantity";
  std::optional<Decimal> value;
  std::string comparator;  ///< code: < | <= | >= | >
  std::string unit;
  std::string system;
  std::string code;
  bool operator==(const Quantity&) const = default;
};

/// Quantity profiles that FHIR names as their own types in choices (onsetAge, length).
struct Age : Quantity {
  static constexpr std::string_view fhir_type = "Age";
  bool operator==(const Age&) const = default;
};
struct Duration : Quantity {
  static constexpr std::string_view fhir_type = "Duration";
  bool operator==(const Duration&) const = default;
};

struct Range {
  static constexpr std::string_view fhir_type = "Range";
  std::optional<Quantity> low;
  std::optional<Quantity> high;
  bool operator==(const Range&) const = default;
};

struct Ratio {
  static constexpr std::string_view fhir_type = "Ratio";
  std::optional<Quantity> numerator;
  std::optional<Quantity> denominator;
  bool operator==(const Ratio&) const = default;
};

struct Reference {
  static constexpr std::string_view fhir_type = "Reference";
  std::string reference;  ///< "Patient/123", an absolute URL, "urn:uuid:...", or "#contained"
  std::string type;       ///< uri
  Box<Identifier> identifier;
  std::string display;
  bool operator==(const Reference&) const = default;
};

struct Identifier {
  static constexpr std::string_view fhir_type = "Identifier";
  std::string use;  ///< code
  std::optional<CodeableConcept> type;
  std::string system;  ///< uri
  std::string value;
  std::optional<Period> period;
  std::optional<Reference> assigner;
  bool operator==(const Identifier&) const = default;
};

struct HumanName {
  static constexpr std::string_view fhir_type = "HumanName";
  std::string use;  ///< code
  std::string text;
  std::string family;
  std::vector<std::string> given;
  std::vector<std::string> prefix;
  std::vector<std::string> suffix;
  std::optional<Period> period;
  bool operator==(const HumanName&) const = default;
};

struct Address {
  static constexpr std::string_view fhir_type = "Address";
  std::string use;   ///< code
  std::string type;  ///< code
  std::string text;
  std::vector<std::string> line;
  std::string city;
  std::string district;
  std::string state;
  std::string postal_code;
  std::string country;
  std::optional<Period> period;
  bool operator==(const Address&) const = default;
};

struct ContactPoint {
  static constexpr std::string_view fhir_type = "ContactPoint";
  std::string system;  ///< code
  std::string value;
  std::string use;  ///< code
  std::optional<std::int64_t> rank;
  std::optional<Period> period;
  bool operator==(const ContactPoint&) const = default;
};

struct Annotation {
  static constexpr std::string_view fhir_type = "Annotation";
  std::variant<std::monostate, Reference, std::string> author;
  std::string time;  ///< dateTime
  std::string text;  ///< markdown, required
  bool operator==(const Annotation&) const = default;
};

struct Attachment {
  static constexpr std::string_view fhir_type = "Attachment";
  std::string content_type;  ///< code
  std::string language;      ///< code
  std::string data;          ///< base64Binary
  std::string url;
  std::optional<std::int64_t> size;
  std::string hash;  ///< base64Binary
  std::string title;
  std::string creation;  ///< dateTime
  bool operator==(const Attachment&) const = default;
};

struct Meta {
  static constexpr std::string_view fhir_type = "Meta";
  std::string version_id;    ///< id
  std::string last_updated;  ///< instant
  std::string source;        ///< uri: the exchange a resource came from
  std::vector<std::string> profile;
  std::vector<Coding> security;
  std::vector<Coding> tag;
  bool operator==(const Meta&) const = default;
};

/// Human-readable summary; the XHTML is kept exactly as received.
struct Narrative {
  static constexpr std::string_view fhir_type = "Narrative";
  std::string status;  ///< code
  std::string div;     ///< xhtml
  bool operator==(const Narrative&) const = default;
};

template <class V>
void describe(V& v, Coding& x) {
  v.field("system", x.system, Primitive::uri);
  v.field("version", x.version);
  v.field("code", x.code, Primitive::code);
  v.field("display", x.display);
  v.field("userSelected", x.user_selected);
}

template <class V>
void describe(V& v, CodeableConcept& x) {
  v.field("coding", x.coding);
  v.field("text", x.text);
}

template <class V>
void describe(V& v, Period& x) {
  v.field("start", x.start, Primitive::date_time);
  v.field("end", x.end, Primitive::date_time);
}

template <class V>
void describe(V& v, Quantity& x) {
  v.field("value", x.value);
  v.field("comparator", x.comparator, Primitive::code);
  v.field("unit", x.unit);
  v.field("system", x.system, Primitive::uri);
  v.field("code", x.code, Primitive::code);
}

template <class V>
void describe(V& v, Age& x) {
  describe(v, static_cast<Quantity&>(x));
}

template <class V>
void describe(V& v, Duration& x) {
  describe(v, static_cast<Quantity&>(x));
}

template <class V>
void describe(V& v, Range& x) {
  v.field("low", x.low);
  v.field("high", x.high);
}

template <class V>
void describe(V& v, Ratio& x) {
  v.field("numerator", x.numerator);
  v.field("denominator", x.denominator);
}

template <class V>
void describe(V& v, Reference& x) {
  v.field("reference", x.reference);
  v.field("type", x.type, Primitive::uri);
  v.field("identifier", x.identifier);
  v.field("display", x.display);
}

template <class V>
void describe(V& v, Identifier& x) {
  v.field("use", x.use, Primitive::code);
  v.field("type", x.type);
  v.field("system", x.system, Primitive::uri);
  v.field("value", x.value);
  v.field("period", x.period);
  v.field("assigner", x.assigner);
}

template <class V>
void describe(V& v, HumanName& x) {
  v.field("use", x.use, Primitive::code);
  v.field("text", x.text);
  v.field("family", x.family);
  v.field("given", x.given);
  v.field("prefix", x.prefix);
  v.field("suffix", x.suffix);
  v.field("period", x.period);
}

template <class V>
void describe(V& v, Address& x) {
  v.field("use", x.use, Primitive::code);
  v.field("type", x.type, Primitive::code);
  v.field("text", x.text);
  v.field("line", x.line);
  v.field("city", x.city);
  v.field("district", x.district);
  v.field("state", x.state);
  v.field("postalCode", x.postal_code);
  v.field("country", x.country);
  v.field("period", x.period);
}

template <class V>
void describe(V& v, ContactPoint& x) {
  v.field("system", x.system, Primitive::code);
  v.field("value", x.value);
  v.field("use", x.use, Primitive::code);
  v.field("rank", x.rank, Primitive::positive_int);
  v.field("period", x.period);
}

template <class V>
void describe(V& v, Annotation& x) {
  v.choice("author", x.author);
  v.field("time", x.time, Primitive::date_time);
  v.required("text", x.text, Primitive::markdown);
}

template <class V>
void describe(V& v, Attachment& x) {
  v.field("contentType", x.content_type, Primitive::code);
  v.field("language", x.language, Primitive::code);
  v.field("data", x.data, Primitive::base64_binary);
  v.field("url", x.url, Primitive::url);
  v.field("size", x.size, Primitive::unsigned_int);
  v.field("hash", x.hash, Primitive::base64_binary);
  v.field("title", x.title);
  v.field("creation", x.creation, Primitive::date_time);
}

template <class V>
void describe(V& v, Meta& x) {
  v.field("versionId", x.version_id, Primitive::id);
  v.field("lastUpdated", x.last_updated, Primitive::instant);
  v.field("source", x.source, Primitive::uri);
  v.field("profile", x.profile, Primitive::canonical);
  v.field("security", x.security);
  v.field("tag", x.tag);
}

template <class V>
void describe(V& v, Narrative& x) {
  v.required("status", x.status, Primitive::code);
  v.required("div", x.div, Primitive::xhtml);
}

/// Elements every resource has (FHIR Resource).
struct ResourceBase {
  std::string id;
  std::optional<Meta> meta;
  std::string implicit_rules;  ///< uri
  std::string language;        ///< code
  bool operator==(const ResourceBase&) const = default;
};

/// Elements every resource but Bundle has (FHIR DomainResource). `contained`, `extension` and
/// `modifierExtension` are not held; the reader reports them.
struct DomainResource : ResourceBase {
  std::optional<Narrative> text;
  bool operator==(const DomainResource&) const = default;
};

template <class V>
void describe(V& v, ResourceBase& x) {
  v.field("id", x.id, Primitive::id);
  v.field("meta", x.meta);
  v.field("implicitRules", x.implicit_rules, Primitive::uri);
  v.field("language", x.language, Primitive::code);
}

template <class V>
void describe(V& v, DomainResource& x) {
  v.base(static_cast<ResourceBase&>(x));
  v.field("text", x.text);
}

}  // namespace hie::model
