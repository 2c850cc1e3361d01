#pragma once
// The cheap look a publish gets before it is acknowledged: is the payload this format at all?
// Full translation happens after the ACK; this only keeps bytes of the wrong kind out of the
// journal's accepted rows, so the sender hears about them while it can still act.

#include <string_view>

#include "broker/core/result.hpp"

namespace hie::peers {

/// Ok, or an error whose message says where the payload stops being `format` (no patient data).
/// Formats without a check here (and unknown ones) pass: translation reports on them.
Status check_payload(std::string_view format, std::string_view payload);

}  // namespace hie::peers
