// Local validation: a visitor over each type's description.

#include "broker/model/validate.hpp"

#include <cctype>
#include <limits>
#include <set>

#include "broker/model/bindings.hpp"
#include "broker/model/detail/checks.hpp"
#include "broker/model/detail/emptiness.hpp"
#include "broker/model/detail/issue_sink.hpp"

namespace hie::model {
namespace {

/// What a resource's references may point at, when it sits in a Bundle.
struct BundleScope {
  std::set<std::string, std::less<>> full_urls;
  bool conditional_allowed = false;
};

bool is_resource_type_name(std::string_view s) {
  if (s.empty() || !std::isupper(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

/// FHIR path prefix of a type's elements: Age and Duration are Quantity.
template <class T>
std::string_view fhir_path_root() {
  if constexpr (std::is_base_of_v<Quantity, T>)
    return "Quantity";
  else
    return T::fhir_type;
}

/// FHIR type name used for a nested value's elements: backbone elements continue the path.
template <class T>
std::string nested_fhir_path(std::string_view element_path) {
  if constexpr (T::fhir_type == "BackboneElement" || T::fhir_type == "Element")
    return std::string(element_path);
  else
    return std::string(fhir_path_root<T>());
}

class Validator {
 public:
  Validator(detail::IssueSink& issues, std::string path, std::string fhir_path,
            const BundleScope* scope)
      : issues_(issues), path_(std::move(path)), fhir_(std::move(fhir_path)), scope_(scope) {}

  template <class T>
  void field(std::string_view name, T& member, Primitive p = Primitive::complex) {
    if (!detail::is_empty_value(member)) check(member, child(name), resolve<T>(p), element(name));
  }
  template <class T>
  void required(std::string_view name, T& member, Primitive p = Primitive::complex) {
    if (detail::is_empty_value(member)) {
      report(Severity::error, "required", child(name),
             "required element '" + std::string(name) + "' is missing");
    } else {
      check(member, child(name), resolve<T>(p), element(name));
    }
  }
  template <class V>
  void choice(std::string_view name, V& member) {
    std::visit(
        [&](auto& alt) {
          using Alt = std::decay_t<decltype(alt)>;
          if constexpr (!std::is_same_v<Alt, std::monostate>) {
            check(alt, child(choice_name(name, fhir_type_name<Alt>())), default_primitive<Alt>(),
                  element(name));
          }
        },
        member);
  }
  template <class V>
  void required_choice(std::string_view name, V& member) {
    // Emptiness, not index: an alternative read from only an extension holds nothing.
    if (detail::is_empty_value(member)) {
      report(Severity::error, "required", child(std::string(name) + "[x]"),
             "required element '" + std::string(name) + "[x]' is missing");
    }
    choice(name, member);
  }
  template <class T>
  void base(T& part) {
    describe(*this, part);
  }
  void resource(std::string_view name, std::optional<Resource>& member) {
    if (!member) return;
    std::visit(
        [&](auto& r) {
          validate_object(r, child(name), std::string(std::decay_t<decltype(r)>::fhir_type));
        },
        *member);
  }

  template <class T>
  void validate_object(T& value, const std::string& path, std::string fhir_path) {
    Validator inner(issues_, path, std::move(fhir_path), scope_);
    describe(inner, value);
  }

 private:
  template <class T>
  static Primitive resolve(Primitive p) {
    if (p != Primitive::complex) return p;
    if constexpr (OptionalLike<T> || VectorLike<T>)
      return default_primitive<typename T::value_type>();
    else
      return default_primitive<T>();
  }

  std::string child(std::string_view name) const { return path_ + '/' + std::string(name); }
  std::string element(std::string_view name) const { return fhir_ + '.' + std::string(name); }

  void report(Severity severity, std::string code, std::string location, std::string message) {
    issues_.add(severity, std::move(code), std::move(location), std::move(message));
  }

  void check_text(const std::string& value, const std::string& path, Primitive p,
                  const std::string& fhir_path) {
    if (!is_utf8(value)) {
      report(Severity::error, "value", path, "not valid UTF-8");
    } else if (!has_valid_form(p, value)) {
      report(Severity::error, "value", path, "not a valid FHIR " + std::string(to_string(p)));
    } else if (std::span<const std::string_view> codes = required_codes(fhir_path);
               !codes.empty() && std::find(codes.begin(), codes.end(), value) == codes.end()) {
      report(Severity::error, "code-invalid", path,
             "not a code of the value set required for " + fhir_path);
    }
  }

  void check_integer(std::int64_t value, const std::string& path, Primitive p) {
    std::int64_t low = std::numeric_limits<std::int32_t>::min();
    if (p == Primitive::positive_int) low = 1;
    if (p == Primitive::unsigned_int) low = 0;
    if (value < low || value > std::numeric_limits<std::int32_t>::max()) {
      report(Severity::error, "value", path, "out of range for FHIR " + std::string(to_string(p)));
    }
  }

  template <class T>
  void check(T& value, const std::string& path, Primitive p, const std::string& fhir_path) {
    if constexpr (std::is_same_v<T, std::string>) {
      check_text(value, path, p, fhir_path);
    } else if constexpr (PrimitiveWrapper<T>) {
      check_text(value.value, path, T::primitive, fhir_path);
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
      check_integer(value, path, p);
    } else if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, Decimal>) {
      // Decimal only ever holds valid text.
    } else if constexpr (OptionalLike<T>) {
      check(*value, path, p, fhir_path);
    } else if constexpr (VectorLike<T>) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        std::string item = path + '/' + std::to_string(i);
        if (detail::is_empty_value(value[i])) {
          report(Severity::error, "invalid", item, "empty element (it will not be written)");
        } else {
          check(value[i], item, p, fhir_path);
        }
      }
    } else {
      if constexpr (std::is_same_v<T, Reference>) check_reference(value, path);
      if constexpr (requires { detail::check_invariants(value, path, issues_); }) {
        detail::check_invariants(value, path, issues_);
      }
      validate_object(value, path, nested_fhir_path<T>(fhir_path));
    }
  }

  void check_reference(const Reference& ref, const std::string& path) {
    if (ref.reference.empty()) return;
    std::string where = path + "/reference";
    const std::string& r = ref.reference;
    if (std::size_t q = r.find('?');
        q != std::string::npos && is_resource_type_name(r.substr(0, q))) {
      if (!scope_ || !scope_->conditional_allowed) {
        report(Severity::error, "invalid", where,
               "conditional reference outside a transaction or batch Bundle");
      }
      return;
    }
    if (std::string problem = check_reference_syntax(r); !problem.empty()) {
      report(Severity::error, "value", where, problem);
      return;
    }
    if (r.starts_with('#')) {
      // ref-1: a local reference needs the contained resource, which the model does not hold.
      report(Severity::error, "invariant", where,
             "ref-1: reference to a contained resource, which the model does not hold");
      return;
    }
    if (r.starts_with("urn:uuid:") && scope_ && !scope_->full_urls.contains(r)) {
      report(Severity::error, "not-found", where, "urn:uuid reference to no entry of this Bundle");
    }
    if (!ref.type.empty() && r.find("://") == std::string::npos && !r.starts_with("urn:") &&
        !r.starts_with('#') && r.substr(0, r.find('/')) != ref.type) {
      report(Severity::error, "invalid", path + "/type", "type does not match the reference");
    }
  }

  detail::IssueSink& issues_;
  std::string path_;
  std::string fhir_;  ///< FHIR path of this value's elements ("Patient.contact", "HumanName")
  const BundleScope* scope_;
};

/// meta.versionId of an entry's resource, "" when none.
std::string_view version_id(const BundleEntry& e) {
  if (!e.resource) return "";
  return std::visit(
      [](const auto& r) -> std::string_view {
        if (r.meta) return r.meta->version_id;
        return {};
      },
      *e.resource);
}

// Bundle.type's code is checked by its required binding, with the other codes.
void check_bundle_rules(const Bundle& bundle, detail::IssueSink& issues) {
  const std::string& t = bundle.type;
  bool searchset = t == "searchset";
  bool needs_request = t == "batch" || t == "transaction" || t == "history";
  bool needs_response = t == "batch-response" || t == "transaction-response" || t == "history";
  if (bundle.total && !searchset && t != "history") {
    issues.add(Severity::error, "invariant", "/total", "bdl-1: total only in searchset or history");
  }
  // bdl-11, bdl-12: the model holds neither Composition nor MessageHeader.
  if (t == "document" || t == "message") {
    issues.add(
        Severity::error, "not-supported", "/entry/0",
        t == "document"
            ? "bdl-11: a document starts with a Composition, which the model does not hold"
            : "bdl-12: a message starts with a MessageHeader, which the model does not hold");
  }
  // bdl-7: (fullUrl, meta.versionId) unique; "\n" cannot occur in a uri.
  std::set<std::string, std::less<>> seen;
  for (std::size_t i = 0; i < bundle.entry.size(); ++i) {
    const BundleEntry& e = bundle.entry[i];
    std::string at = "/entry/" + std::to_string(i);
    if (e.search && !searchset) {
      issues.add(Severity::error, "invariant", at + "/search", "bdl-2: search only in searchset");
    }
    if (e.request.has_value() != needs_request) {
      issues.add(Severity::error, "invariant", at + "/request",
                 needs_request ? "bdl-3: request required in this Bundle type"
                               : "bdl-3: request only in batch, transaction or history");
    }
    if (e.response.has_value() != needs_response) {
      issues.add(Severity::error, "invariant", at + "/response",
                 needs_response ? "bdl-4: response required in this Bundle type"
                                : "bdl-4: response only in batch/transaction-response or history");
    }
    if (e.full_url.find("/_history/") != std::string::npos) {
      issues.add(Severity::error, "invariant", at + "/fullUrl",
                 "bdl-8: fullUrl is version specific");
    }
    if (!e.full_url.empty() && t != "history" &&
        !seen.insert(e.full_url + '\n' + std::string(version_id(e))).second) {
      issues.add(Severity::error, "invariant", at + "/fullUrl",
                 "bdl-7: fullUrl repeated with the same meta.versionId");
    }
  }
}

}  // namespace

std::string check_reference_syntax(std::string_view r) {
  if (r.starts_with('#')) {
    return r.size() == 1 || is_id(r.substr(1)) ? "" : "contained reference is not '#' + an id";
  }
  if (r.starts_with("urn:uuid:")) return is_uuid(r) ? "" : "not a valid urn:uuid";
  if (r.starts_with("urn:oid:")) return is_oid(r) ? "" : "not a valid urn:oid";
  if (!is_uri(r)) return "reference contains whitespace";
  if (r.find("://") != std::string_view::npos) return "";
  // Relative: Type/id or Type/id/_history/vid.
  std::size_t slash = r.find('/');
  if (slash == std::string_view::npos) return "relative reference is not Type/id";
  std::string_view type = r.substr(0, slash);
  std::string_view rest = r.substr(slash + 1);
  std::string_view id = rest.substr(0, rest.find('/'));
  if (!is_resource_type_name(type) || !is_id(id)) return "relative reference is not Type/id";
  if (id.size() < rest.size()) {
    std::string_view history = rest.substr(id.size());
    if (!history.starts_with("/_history/") || !is_id(history.substr(10))) {
      return "relative reference is not Type/id[/_history/vid]";
    }
  }
  return "";
}

Issues validate(const Resource& resource) {
  Issues issues;
  detail::IssueSink sink(issues);
  Validator v(sink, "", "", nullptr);
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        v.validate_object(const_cast<T&>(r), "", std::string(T::fhir_type));
      },
      resource);
  sink.finish();
  return issues;
}

Issues validate(const Bundle& bundle) {
  Issues issues;
  detail::IssueSink sink(issues);
  BundleScope scope;
  scope.conditional_allowed = bundle.type == "transaction" || bundle.type == "batch";
  for (const BundleEntry& e : bundle.entry) {
    if (!e.full_url.empty()) scope.full_urls.insert(e.full_url);
  }
  Validator v(sink, "", "", &scope);
  v.validate_object(const_cast<Bundle&>(bundle), "", "Bundle");
  check_bundle_rules(bundle, sink);
  sink.finish();
  return issues;
}

}  // namespace hie::model
