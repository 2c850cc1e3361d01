#pragma once
// Store::append as an Asio asynchronous operation: the store thread's answer comes back on the
// caller's executor (its strand), so a session can `co_await` durability without blocking.

#include <boost/asio/async_result.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "broker/store/store.hpp"

namespace hie::peers {

template <class CompletionToken>
auto async_append(store::Store& store, store::InboundMessage message, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, void(Result<store::Appended>)>(
      [&store](auto handler, store::InboundMessage m) {
        // The guard keeps the io_context running until the answer is delivered.
        auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
        store.append(std::move(m), [handler = std::move(handler), work = std::move(work)](
                                       Result<store::Appended> result) mutable {
          auto executor = work.get_executor();
          boost::asio::post(executor, [handler = std::move(handler), result = std::move(result)]() mutable {
            std::move(handler)(std::move(result));
          });
        });
      },
      token, std::move(message));
}

}  // namespace hie::peers
