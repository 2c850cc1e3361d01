// Built with -fno-sanitize=function (tests/fuzz/CMakeLists.txt): clang 14 cannot emit
// asio::co_spawn's coroutines with that check ("Cannot represent a difference across sections"),
// so they live here, apart from the broker's code and the fuzz target's.
#include "tests/fuzz/run_handler.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace hie::fuzz {

std::optional<net::HttpResponse> run_handler(const net::HttpHandler& handler,
                                             net::HttpRequest& request,
                                             const net::RequestContext& context) {
  static boost::asio::io_context io;
  std::optional<net::HttpResponse> response;
  boost::asio::co_spawn(io, handler(request, context),
                        [&](std::exception_ptr error, net::HttpResponse answer) {
                          if (!error) response = std::move(answer);
                        });
  io.restart();
  io.run();
  return response;
}

}  // namespace hie::fuzz
