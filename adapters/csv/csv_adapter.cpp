#include "adapters/csv/csv_adapter.hpp"

#include "adapters/csv/file_translation.hpp"

namespace hie::adapters::csv {

Result<Translation> CsvAdapter::to_model(std::string_view bytes, const Context& context) const {
  if (!mapping_)
    return make_error(
        Errc::unsupported,
        "csv needs a mapping file (--mapping FILE, or the exchange's mapping setting)");
  return FileTranslation(*mapping_, context).run(bytes);
}

bool CsvAdapter::sniff(std::string_view head) const {
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  if (head.empty() || head.find('\0') != std::string_view::npos) return false;
  const std::string_view first_line = head.substr(0, head.find_first_of("\r\n"));
  if (mapping_) return first_line.find(mapping_->delimiter) != std::string_view::npos;
  // Unconfigured: a header line with a delimiter, and nothing that says markup or HL7 v2.
  if (first_line.starts_with('<') || first_line.starts_with('{') || first_line.starts_with("MSH|"))
    return false;
  return first_line.find_first_of(",;\t") != std::string_view::npos;
}

Result<std::unique_ptr<Adapter>> CsvAdapter::with_mapping(std::string_view mapping_text,
                                                          std::string_view origin) const {
  auto mapping = parse_mapping(mapping_text, std::string(origin));
  if (!mapping) return mapping.error();
  return std::unique_ptr<Adapter>(
      std::make_unique<CsvAdapter>(std::make_shared<const Mapping>(std::move(*mapping))));
}

}  // namespace hie::adapters::csv
