#pragma once
// Store operations as Asio asynchronous operations: the store thread's answer comes back on the
// caller's executor (its strand), so a session can `co_await` durability without blocking.

#include <boost/asio/async_result.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "broker/store/store.hpp"

namespace hie::peers {

/// Runs `start(done)` and completes with what the store passes to `done`, on the caller's executor.
template <class Answer, class CompletionToken, class Start>
auto async_store_call(Start start, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, void(Answer)>(
      [](auto handler, Start start) {
        // The guard keeps the io_context running until the answer is delivered.
        auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
        std::move(start)([handler = std::move(handler), work = std::move(work)](Answer answer) mutable {
          auto executor = work.get_executor();
          boost::asio::post(executor, [handler = std::move(handler), answer = std::move(answer)]() mutable {
            std::move(handler)(std::move(answer));
          });
        });
      },
      token, std::move(start));
}

template <class CompletionToken>
auto async_append(store::Store& store, store::InboundMessage message, CompletionToken&& token) {
  return async_store_call<Result<store::Appended>>(
      [&store, message = std::move(message)](store::Store::AppendDone done) mutable {
        store.append(std::move(message), std::move(done));
      },
      std::forward<CompletionToken>(token));
}

template <class CompletionToken>
auto async_record_translations(store::Store& store, store::TranslationBatch batch, CompletionToken&& token) {
  return async_store_call<Status>(
      [&store, batch = std::move(batch)](store::Store::WriteDone done) mutable {
        store.record_translations(std::move(batch), std::move(done));
      },
      std::forward<CompletionToken>(token));
}

template <class CompletionToken>
auto async_replace_subscriptions(store::Store& store, store::SubscriptionChange change, CompletionToken&& token) {
  return async_store_call<Status>(
      [&store, change = std::move(change)](store::Store::WriteDone done) mutable {
        store.replace_subscriptions(std::move(change), std::move(done));
      },
      std::forward<CompletionToken>(token));
}

}  // namespace hie::peers
