// clang-format off
#include "http/asio_config.h"  // before every other header: see there
// clang-format on
#include <atomic>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>

#include "http/response_writer.h"
#include "http/test_client.h"

namespace findme::http {
namespace {

namespace asio = boost::asio;
using testing::Client;

// Hands out `pieces` one per call, then 0; or fails at `fail_at` (a piece index).
struct PieceProducer {
  std::vector<std::string> pieces;
  std::size_t fail_at = SIZE_MAX;
  std::size_t next = 0;
  std::atomic<int> calls{0};
  std::atomic<bool> ran_on_io_thread{false};
  std::thread::id io_thread;

  Result<std::size_t> operator()(std::span<char> out) {
    ++calls;
    if (std::this_thread::get_id() == io_thread) ran_on_io_thread = true;
    if (next == fail_at) return make_error(Errc::unavailable, "disk went away");
    if (next == pieces.size()) return std::size_t{0};
    const std::string& piece = pieces[next++];
    if (piece.size() > out.size()) return make_error(Errc::internal, "piece too big for test");
    std::copy(piece.begin(), piece.end(), out.begin());
    return piece.size();
  }
};

// One accepted loopback connection whose server side is written by write_response() on an
// io_context thread, with a real BlockingPool for the producer.
class StreamBodyTest : public ::testing::Test {
 protected:
  StreamBodyTest() : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    client_ = std::make_unique<Client>(acceptor_.local_endpoint().port());
    conn_ = std::make_shared<Connection>(acceptor_.accept(), 1);
  }

  WriteOutcome write(api::Response response, std::string method = "GET",
                     BlockingPool* pool = nullptr) {
    request_.method = std::move(method);
    request_.request_id = "test-rid";
    std::promise<WriteOutcome> done;
    asio::co_spawn(
        io_,
        write_response(*conn_, std::move(response), request_, true, std::chrono::seconds(5), pool),
        [&done](std::exception_ptr e, WriteOutcome out) {
          if (e) out.ok = false;
          done.set_value(out);
        });
    std::thread io_thread([this] {
      producer_->io_thread = std::this_thread::get_id();  // before the pool ever sees the task
      io_.run();
    });
    WriteOutcome out = done.get_future().get();
    io_thread.join();
    io_.restart();
    return out;
  }

  api::Response streamed(std::optional<std::uint64_t> length) {
    // Shared by the test (to inspect it) and the response's std::function (which must be
    // copyable).
    std::shared_ptr<PieceProducer> p = producer_;
    return api::Response::send_stream({.content_type = "application/zip",
                                       .content_length = length,
                                       .next = [p](std::span<char> out) { return (*p)(out); }});
  }

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::unique_ptr<Client> client_;
  std::shared_ptr<Connection> conn_;
  api::Request request_;
  std::shared_ptr<PieceProducer> producer_ = std::make_shared<PieceProducer>();
  BlockingPool pool_{2};
};

TEST_F(StreamBodyTest, UnknownLengthIsSentChunkedAndProducedOffTheIoThread) {
  producer_->pieces = {"hello ", std::string(200'000, 'x'), "world"};

  WriteOutcome out = write(streamed(std::nullopt), "GET", &pool_);

  EXPECT_TRUE(out.ok);
  EXPECT_EQ(out.bytes, 200'011u);
  testing::Reply reply = client_->read();
  EXPECT_EQ(reply.result_int(), 200u);
  EXPECT_TRUE(reply.chunked());
  EXPECT_EQ(reply[boost::beast::http::field::content_type], "application/zip");
  EXPECT_EQ(reply.body(), "hello " + std::string(200'000, 'x') + "world");
  EXPECT_FALSE(producer_->ran_on_io_thread);
}

TEST_F(StreamBodyTest, KnownLengthIsSentWithContentLength) {
  producer_->pieces = {"abc", "defg"};

  WriteOutcome out = write(streamed(7), "GET", &pool_);

  EXPECT_TRUE(out.ok);
  testing::Reply reply = client_->read();
  EXPECT_FALSE(reply.chunked());
  EXPECT_EQ(reply[boost::beast::http::field::content_length], "7");
  EXPECT_EQ(reply.body(), "abcdefg");
  EXPECT_EQ(reply["X-Request-Id"], "test-rid");
}

TEST_F(StreamBodyTest, AProducerErrorCutsTheTransferSoTheClientCannotMistakeItForComplete) {
  producer_->pieces = {"abc", "def"};
  producer_->fail_at = 1;

  WriteOutcome out = write(streamed(6), "GET", &pool_);

  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.bytes, 3u);
  conn_.reset();  // the session closes the connection when ok is false
  EXPECT_THROW(client_->read(), boost::system::system_error);
}

TEST_F(StreamBodyTest, AShortBodyForItsContentLengthIsAnError) {
  producer_->pieces = {"abc"};

  WriteOutcome out = write(streamed(10), "GET", &pool_);

  EXPECT_FALSE(out.ok);
}

TEST_F(StreamBodyTest, ALongBodyForItsContentLengthIsAnError) {
  producer_->pieces = {"abc", "def"};

  WriteOutcome out = write(streamed(4), "GET", &pool_);

  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.bytes, 3u);
}

TEST_F(StreamBodyTest, HeadSendsTheHeaderWithoutProducing) {
  producer_->pieces = {"abc"};

  WriteOutcome out = write(streamed(3), "HEAD", &pool_);

  EXPECT_TRUE(out.ok);
  EXPECT_EQ(producer_->calls, 0);
}

TEST_F(StreamBodyTest, WithoutAPoolTheAnswerIs500NotBlockingTheIoThread) {
  producer_->pieces = {"abc"};

  WriteOutcome out = write(streamed(3), "GET", nullptr);

  EXPECT_EQ(out.status, 500);
  EXPECT_EQ(producer_->calls, 0);
  EXPECT_EQ(client_->read().result_int(), 500u);
}

}  // namespace
}  // namespace findme::http
