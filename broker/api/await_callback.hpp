#pragma once
// Awaiting a component that reports by callback on its own thread (the query engine, the
// store): the coroutine resumes on its own executor, never on the caller's thread.

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>
#include <utility>

namespace hie::api {

/// Runs `start(callback)`; `callback(T)` may run on any thread, once. Resumes with that T.
/// Not a coroutine itself: the awaitable comes straight from Asio, with no frame of our own.
template <class T, class Start>
boost::asio::awaitable<T> await_callback(Start start) {
  return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, void(T)>(
      [start = std::move(start)](auto handler) mutable {
        auto executor = boost::asio::get_associated_executor(handler);
        start(std::move_only_function<void(T)>(
            [handler = std::move(handler), executor](T value) mutable {
              boost::asio::post(executor, [handler = std::move(handler), value = std::move(value)]() mutable {
                std::move(handler)(std::move(value));
              });
            }));
      },
      boost::asio::use_awaitable);
}

}  // namespace hie::api
