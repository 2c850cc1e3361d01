#include "broker/peers/peer_answer.hpp"

namespace hie::peers {

std::string_view to_string(PeerAnswer::Outcome outcome) {
  switch (outcome) {
    case PeerAnswer::Outcome::answered: return "answered";
    case PeerAnswer::Outcome::error: return "error";
    case PeerAnswer::Outcome::timed_out: return "timed_out";
    case PeerAnswer::Outcome::not_connected: return "not_connected";
    case PeerAnswer::Outcome::disconnected: return "disconnected";
  }
  return "error";
}

}  // namespace hie::peers
