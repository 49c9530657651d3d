// Asynchronous logging survives the tracking server's death: the server is SIGKILLed and restarted
// on the same port and database while a training loop keeps logging; every point arrives.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "mlflow/mlflow.h"
#include "server_process.h"

namespace mlflow {
namespace {

TEST(ClientRestart, ServerKilledAndRestartedMidRunLosesNoMetric) {
  // Short backoff so the test takes seconds (the schedule itself is the Python client's).
  setenv("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "0.2", 1);
  setenv("MLFLOW_HTTP_REQUEST_BACKOFF_JITTER", "0.1", 1);
  std::string dir = testing::MakeTempDir("client-restart");
  testing::ServerProcess server(MLFLOW_CPP_BINARY, dir);
  server.Start();
  const int port = server.port();
  std::string run_id;
  constexpr int kSteps = 30000;
  {
    Client client(server.url());
    run_id = client.create_run("0").info.run_id;
    std::atomic<bool> killed{false};
    std::thread chaos([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
      server.Kill();
      killed = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(700));
      server.Start(port);  // same port, same database
    });
    for (int step = 0; step < kSteps; ++step) {
      client.log_metric_async(run_id, "loss", 1.0 / (step + 1), step);
      client.log_metric_async(run_id, "reward", step, step);
      if (step % 1000 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a training loop's pace
    }
    chaos.join();
    ASSERT_TRUE(killed);
    client.flush();
    client.set_terminated(run_id);
  }
  Client reader(server.url());
  auto loss = reader.get_metric_history(run_id, "loss");
  auto reward = reader.get_metric_history(run_id, "reward");
  EXPECT_EQ(loss.size(), static_cast<size_t>(kSteps));
  EXPECT_EQ(reward.size(), static_cast<size_t>(kSteps));
  EXPECT_EQ(reader.get_run(run_id).info.status, "FINISHED");
  server.Stop();
  std::filesystem::remove_all(dir);
  unsetenv("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR");
  unsetenv("MLFLOW_HTTP_REQUEST_BACKOFF_JITTER");
}

}  // namespace
}  // namespace mlflow
