// EtcdClient against a real etcd (EtcdProcess), one per test.
#include "vireo/core/discovery/etcd_client.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "vireo/core/discovery/etcd_process.h"
#include "vireo/transport/mutex.h"

namespace vireo::etcd {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A status's message as a std::string (gmock prints this abseil's
// string_view as an array of chars).
std::string Msg(const absl::Status& status) { return std::string(status.message()); }

// Every wait gives up after this long: far beyond what a loaded machine
// needs, so reaching it means a bug.
constexpr absl::Duration kWait = absl::Seconds(30);

std::unique_ptr<EtcdProcess> StartEtcd() {
  absl::StatusOr<std::unique_ptr<EtcdProcess>> etcd = EtcdProcess::Start();
  EXPECT_TRUE(etcd.ok()) << etcd.status();
  return etcd.ok() ? *std::move(etcd) : nullptr;
}

std::unique_ptr<EtcdClient> NewClient(std::vector<std::string> endpoints) {
  EtcdClientOptions options;
  options.endpoints = std::move(endpoints);
  absl::StatusOr<std::unique_ptr<EtcdClient>> client = EtcdClient::Create(options);
  EXPECT_TRUE(client.ok()) << client.status();
  return client.ok() ? *std::move(client) : nullptr;
}

// A loopback port nothing listens on (connects are refused).
std::string DeadEndpoint() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  return absl::StrCat("127.0.0.1:", ntohs(addr.sin_port));
}

// Runs WatchPrefix on a thread and records what it delivers.
class Watcher {
 public:
  Watcher(EtcdClient* client, std::string prefix, int64_t start_revision) {
    std::promise<absl::Status> done;
    result_ = done.get_future();
    thread_ = std::thread([this, client, prefix, start_revision, done = std::move(done)]() mutable {
      done.set_value(client->WatchPrefix(prefix, start_revision, [this](const WatchBatch& batch) {
        transport::MutexLock lock(mu_);
        batch_revisions_.push_back(batch.revision);
        events_.insert(events_.end(), batch.events.begin(), batch.events.end());
        cv_.NotifyAll();
      }));
    });
  }
  ~Watcher() {
    if (thread_.joinable()) thread_.join();
  }

  // Waits until at least `n` events arrived; false after kWait.
  bool WaitForEvents(size_t n) {
    const absl::Time deadline = absl::Now() + kWait;
    transport::MutexLock lock(mu_);
    while (events_.size() < n) {
      if (cv_.WaitUntil(mu_, deadline)) return events_.size() >= n;
    }
    return true;
  }
  std::vector<WatchEvent> events() {
    transport::MutexLock lock(mu_);
    return events_;
  }
  std::vector<int64_t> batch_revisions() {
    transport::MutexLock lock(mu_);
    return batch_revisions_;
  }
  // What WatchPrefix returned; DeadlineExceeded (test side) when it has
  // not returned within kWait.
  absl::Status Result() {
    if (result_.wait_for(absl::ToChronoSeconds(kWait)) != std::future_status::ready) {
      return absl::DeadlineExceededError("the watch did not return");
    }
    thread_.join();
    return result_.get();
  }

 private:
  transport::Mutex mu_;
  transport::CondVar cv_;
  std::vector<WatchEvent> events_ ABSL_GUARDED_BY(mu_);
  std::vector<int64_t> batch_revisions_ ABSL_GUARDED_BY(mu_);
  std::future<absl::Status> result_;
  std::thread thread_;
};

std::string Describe(const WatchEvent& e) {
  return absl::StrCat(e.type == WatchEvent::Type::kPut ? "PUT " : "DELETE ", e.kv.key, "=",
                      e.kv.value);
}

std::vector<std::string> Describe(const std::vector<WatchEvent>& events) {
  std::vector<std::string> out;
  for (const WatchEvent& e : events) out.push_back(Describe(e));
  return out;
}

TEST(EtcdClient, PutGetRangeDeleteRoundTrip) {
  std::unique_ptr<EtcdProcess> etcd = StartEtcd();
  ASSERT_NE(etcd, nullptr);
  std::unique_ptr<EtcdClient> client = NewClient({etcd->endpoint()});
  ASSERT_NE(client, nullptr);

  // Keys and values with NUL, 0xff, quotes, braces and newlines.
  const std::string prefix("/svc/\xff\x00", 7);
  const std::string k1 = prefix + std::string("a\x00\x01", 3);
  const std::string k2 = prefix + "b\"{}\n";
  const std::string k3 = prefix + "\xff\xff";
  const std::string v1("\x00\xff\x80value", 8);
  const std::string v2 = "{\"json\": [1, 2]}\r\n";
  const std::string outside_before("/svc/\xfe", 6);
  const std::string outside_after("/svc/\xff\x01", 7);

  absl::StatusOr<RangeResult> empty = client->RangePrefix(prefix);
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_TRUE(empty->kvs.empty());
  int64_t last_revision = empty->revision;
  EXPECT_GT(last_revision, 0);

  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {k2, v2}, {k1, v1}, {k3, ""}, {outside_before, "x"}, {outside_after, "y"}}) {
    ASSERT_TRUE(client->Put(key, value).ok());
    absl::StatusOr<RangeResult> got = client->Get(key);
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_EQ(got->kvs.size(), 1u);
    EXPECT_EQ(got->kvs[0].key, key);
    EXPECT_EQ(got->kvs[0].value, value);
    EXPECT_EQ(got->kvs[0].lease, 0);
    EXPECT_GT(got->kvs[0].mod_revision, last_revision);
    EXPECT_EQ(got->revision, got->kvs[0].mod_revision);
    last_revision = got->revision;
  }

  absl::StatusOr<RangeResult> range = client->RangePrefix(prefix);
  ASSERT_TRUE(range.ok()) << range.status();
  ASSERT_EQ(range->kvs.size(), 3u);  // in key order, nothing outside the prefix
  EXPECT_EQ(range->kvs[0].key, k1);
  EXPECT_EQ(range->kvs[0].value, v1);
  EXPECT_EQ(range->kvs[1].key, k2);
  EXPECT_EQ(range->kvs[1].value, v2);
  EXPECT_EQ(range->kvs[2].key, k3);
  EXPECT_EQ(range->kvs[2].value, "");
  EXPECT_EQ(range->revision, last_revision);

  absl::StatusOr<RangeResult> everything = client->RangePrefix("");
  ASSERT_TRUE(everything.ok()) << everything.status();
  EXPECT_EQ(everything->kvs.size(), 5u);

  ASSERT_TRUE(client->Delete(k2).ok());
  absl::StatusOr<RangeResult> gone = client->Get(k2);
  ASSERT_TRUE(gone.ok()) << gone.status();
  EXPECT_TRUE(gone->kvs.empty());
  EXPECT_GT(gone->revision, last_revision);
  // Deleting a key that is not there is not an error (and changes nothing).
  EXPECT_TRUE(client->Delete(k2).ok());
  range = client->RangePrefix(prefix);
  ASSERT_TRUE(range.ok()) << range.status();
  ASSERT_EQ(range->kvs.size(), 2u);
  EXPECT_EQ(range->revision, gone->revision);
}

TEST(EtcdClient, EtcdErrorsComeBackWithTheirCode) {
  std::unique_ptr<EtcdProcess> etcd = StartEtcd();
  ASSERT_NE(etcd, nullptr);
  std::unique_ptr<EtcdClient> client = NewClient({etcd->endpoint()});
  ASSERT_NE(client, nullptr);
  // etcd refuses an empty key: InvalidArgument with its message.
  const absl::Status empty_key = client->Put("", "v");
  EXPECT_TRUE(absl::IsInvalidArgument(empty_key)) << empty_key;
  EXPECT_THAT(Msg(empty_key), HasSubstr("key is not provided"));
  EXPECT_THAT(Msg(empty_key), HasSubstr(etcd->endpoint()));
  // A lease that does not exist.
  const absl::Status no_lease = client->Put("k", "v", 12345);
  EXPECT_TRUE(absl::IsNotFound(no_lease)) << no_lease;
  EXPECT_THAT(Msg(no_lease), HasSubstr("requested lease not found"));
}

TEST(EtcdClient, LeaseKeepAliveAndRevoke) {
  std::unique_ptr<EtcdProcess> etcd = StartEtcd();
  ASSERT_NE(etcd, nullptr);
  std::unique_ptr<EtcdClient> client = NewClient({etcd->endpoint()});
  ASSERT_NE(client, nullptr);

  absl::StatusOr<int64_t> lease = client->LeaseGrant(absl::Milliseconds(9100));  // 10 s
  ASSERT_TRUE(lease.ok()) << lease.status();
  EXPECT_NE(*lease, 0);
  ASSERT_TRUE(client->Put("/leased/a", "1", *lease).ok());
  ASSERT_TRUE(client->Put("/leased/b", "2", *lease).ok());
  ASSERT_TRUE(client->Put("/leased/c", "3").ok());
  absl::StatusOr<RangeResult> got = client->Get("/leased/a");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->kvs.size(), 1u);
  EXPECT_EQ(got->kvs[0].lease, *lease);

  absl::StatusOr<int64_t> ttl = client->LeaseKeepAlive(*lease);
  ASSERT_TRUE(ttl.ok()) << ttl.status();
  EXPECT_EQ(*ttl, 10);  // a keep-alive answers with the full granted TTL

  ASSERT_TRUE(client->LeaseRevoke(*lease).ok());
  absl::StatusOr<RangeResult> left = client->RangePrefix("/leased/");
  ASSERT_TRUE(left.ok()) << left.status();
  ASSERT_EQ(left->kvs.size(), 1u);
  EXPECT_EQ(left->kvs[0].key, "/leased/c");

  absl::StatusOr<int64_t> after = client->LeaseKeepAlive(*lease);
  EXPECT_TRUE(absl::IsNotFound(after.status())) << after.status();
  EXPECT_THAT(Msg(after.status()), HasSubstr(absl::StrCat(*lease)));
  const absl::Status revoke_again = client->LeaseRevoke(*lease);
  EXPECT_TRUE(absl::IsNotFound(revoke_again)) << revoke_again;
}

TEST(EtcdClient, LeaseNotKeptAliveTakesItsKeyAway) {
  std::unique_ptr<EtcdProcess> etcd = StartEtcd();
  ASSERT_NE(etcd, nullptr);
  std::unique_ptr<EtcdClient> client = NewClient({etcd->endpoint()});
  ASSERT_NE(client, nullptr);

  absl::StatusOr<int64_t> lease = client->LeaseGrant(absl::Seconds(1));
  ASSERT_TRUE(lease.ok()) << lease.status();
  ASSERT_TRUE(client->Put("/ephemeral", "here", *lease).ok());
  const absl::Time deadline = absl::Now() + kWait;
  for (;;) {
    absl::StatusOr<RangeResult> got = client->Get("/ephemeral");
    ASSERT_TRUE(got.ok()) << got.status();
    if (got->kvs.empty()) break;
    ASSERT_LT(absl::Now(), deadline) << "the key outlived its lease";
    absl::SleepFor(absl::Milliseconds(50));
  }
  absl::StatusOr<int64_t> ttl = client->LeaseKeepAlive(*lease);
  EXPECT_TRUE(absl::IsNotFound(ttl.status())) << ttl.status();
}

TEST(EtcdClient, WatchFromRevisionSeesPutsAndDeletesInOrder) {
  std::unique_ptr<EtcdProcess> etcd = StartEtcd();
  ASSERT_NE(etcd, nullptr);
  std::unique_ptr<EtcdClient> client = NewClient({etcd->endpoint()});
  ASSERT_NE(client, nullptr);

  ASSERT_TRUE(client->Put("/w/before", "ignored").ok());
  absl::StatusOr<RangeResult> start = client->RangePrefix("/w/");
  ASSERT_TRUE(start.ok()) << start.status();
  // History: these happen before the watch starts, after its start revision.
  ASSERT_TRUE(client->Put("/w/a", "1").ok());
  ASSERT_TRUE(client->Put("/other", "not watched").ok());
  ASSERT_TRUE(client->Delete("/w/before").ok());

  Watcher watcher(client.get(), "/w/", start->revision + 1);
  ASSERT_TRUE(watcher.WaitForEvents(2));
  // Live changes.
  ASSERT_TRUE(client->Put("/w/b", std::string("\x00\xff", 2)).ok());
  ASSERT_TRUE(client->Put("/w/a", "2").ok());
  ASSERT_TRUE(client->Delete("/w/a").ok());
  ASSERT_TRUE(watcher.WaitForEvents(5));
  client->Shutdown();
  const absl::Status end = watcher.Result();
  EXPECT_TRUE(absl::IsCancelled(end)) << end;

  const std::vector<WatchEvent> events = watcher.events();
  EXPECT_THAT(Describe(events), ElementsAre("PUT /w/a=1", "DELETE /w/before=",
                                            absl::StrCat("PUT /w/b=", std::string("\x00\xff", 2)),
                                            "PUT /w/a=2", "DELETE /w/a="));
  for (size_t i = 1; i < events.size(); ++i) {
    EXPECT_GT(events[i].kv.mod_revision, events[i - 1].kv.mod_revision);
  }
  for (const int64_t revision : watcher.batch_revisions()) EXPECT_GT(revision, start->revision);
  // Calls after Shutdown fail at once.
  EXPECT_TRUE(absl::IsCancelled(client->Get("/w/a").status()));
  EXPECT_TRUE(absl::IsCancelled(client->WatchPrefix("/w/", 0, [](const WatchBatch&) {})));
}

TEST(EtcdClient, WatchFromCompactedRevisionIsOutOfRange) {
  std::unique_ptr<EtcdProcess> etcd = StartEtcd();
  ASSERT_NE(etcd, nullptr);
  std::unique_ptr<EtcdClient> client = NewClient({etcd->endpoint()});
  ASSERT_NE(client, nullptr);

  for (int i = 0; i < 5; ++i) ASSERT_TRUE(client->Put("/c/k", absl::StrCat(i)).ok());
  absl::StatusOr<RangeResult> now = client->Get("/c/k");
  ASSERT_TRUE(now.ok()) << now.status();
  absl::StatusOr<std::string> compacted = etcd->Etcdctl({"compact", absl::StrCat(now->revision)});
  ASSERT_TRUE(compacted.ok()) << compacted.status();

  int batches = 0;
  const absl::Status end =
      client->WatchPrefix("/c/", 2, [&batches](const WatchBatch&) { ++batches; });
  EXPECT_TRUE(absl::IsOutOfRange(end)) << end;
  EXPECT_THAT(Msg(end), HasSubstr(absl::StrCat("compact revision is ", now->revision)));
  EXPECT_EQ(batches, 0);
}

TEST(EtcdClient, KilledEtcdEndsWatchAndCallsUntilRestarted) {
  std::unique_ptr<EtcdProcess> etcd = StartEtcd();
  ASSERT_NE(etcd, nullptr);
  std::unique_ptr<EtcdClient> client = NewClient({etcd->endpoint()});
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Put("/k/kept", "1").ok());
  absl::StatusOr<RangeResult> kept = client->Get("/k/kept");
  ASSERT_TRUE(kept.ok()) << kept.status();

  {
    // From the put's revision: the watch is established once it delivers it.
    Watcher watcher(client.get(), "/k/", kept->revision);
    ASSERT_TRUE(watcher.WaitForEvents(1));
    ASSERT_TRUE(etcd->Kill().ok());
    const absl::Status end = watcher.Result();
    EXPECT_TRUE(absl::IsUnavailable(end)) << end;
    EXPECT_THAT(Msg(end), HasSubstr(etcd->endpoint()));
  }
  const absl::Status down = client->Get("/k/kept").status();
  EXPECT_TRUE(absl::IsUnavailable(down)) << down;
  EXPECT_THAT(Msg(down), HasSubstr(etcd->endpoint()));

  ASSERT_TRUE(etcd->Restart().ok());
  absl::StatusOr<RangeResult> back = client->Get("/k/kept");
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->kvs.size(), 1u);  // same data directory
  EXPECT_EQ(back->kvs[0].value, "1");

  // A graceful stop ends a watch too (etcd sends an error message first).
  {
    Watcher watcher(client.get(), "/k/", back->revision);
    ASSERT_TRUE(watcher.WaitForEvents(1));  // the history from back->revision
    ASSERT_TRUE(etcd->Stop().ok());
    const absl::Status end = watcher.Result();
    EXPECT_TRUE(absl::IsUnavailable(end)) << end;
  }
  ASSERT_TRUE(etcd->Restart().ok());
  EXPECT_TRUE(client->Put("/k/after", "2").ok());
}

TEST(EtcdClient, SecondEndpointServesWhenTheFirstIsDead) {
  std::unique_ptr<EtcdProcess> etcd = StartEtcd();
  ASSERT_NE(etcd, nullptr);
  const std::string dead = DeadEndpoint();
  std::unique_ptr<EtcdClient> client = NewClient({dead, "http://" + etcd->endpoint() + "/"});
  ASSERT_NE(client, nullptr);

  ASSERT_TRUE(client->Put("/two/a", "1").ok());
  absl::StatusOr<RangeResult> got = client->RangePrefix("/two/");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->kvs.size(), 1u);
  absl::StatusOr<int64_t> lease = client->LeaseGrant(absl::Seconds(5));
  ASSERT_TRUE(lease.ok()) << lease.status();
  EXPECT_TRUE(client->LeaseKeepAlive(*lease).ok());

  Watcher watcher(client.get(), "/two/", got->revision);
  ASSERT_TRUE(watcher.WaitForEvents(1));
  client->Shutdown();
  EXPECT_TRUE(absl::IsCancelled(watcher.Result()));

  // With etcd gone too, the error names both endpoints.
  std::unique_ptr<EtcdClient> other = NewClient({dead, etcd->endpoint()});
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(etcd->Kill().ok());
  const absl::Status none = other->Get("/two/a").status();
  EXPECT_TRUE(absl::IsUnavailable(none)) << none;
  EXPECT_THAT(Msg(none), HasSubstr(dead));
  EXPECT_THAT(Msg(none), HasSubstr(etcd->endpoint()));
  EXPECT_THAT(Msg(none), HasSubstr("refused"));
}

TEST(EtcdClient, ConcurrentCallsFromManyThreads) {
  std::unique_ptr<EtcdProcess> etcd = StartEtcd();
  ASSERT_NE(etcd, nullptr);
  std::unique_ptr<EtcdClient> client = NewClient({DeadEndpoint(), etcd->endpoint()});
  ASSERT_NE(client, nullptr);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&client, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string key = absl::StrCat("/mt/", t, "/", i);
        EXPECT_TRUE(client->Put(key, "v").ok());
        absl::StatusOr<RangeResult> got = client->Get(key);
        EXPECT_TRUE(got.ok() && got->kvs.size() == 1u);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  absl::StatusOr<RangeResult> all = client->RangePrefix("/mt/");
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->kvs.size(), 40u);
}

TEST(EtcdProcess, MissingBinaryIsFailedPrecondition) {
  ASSERT_EQ(::setenv("VIREO_ETCD", "/nonexistent/etcd", 1), 0);
  const absl::Status status = EtcdProcess::Start().status();
  ::unsetenv("VIREO_ETCD");
  EXPECT_TRUE(absl::IsFailedPrecondition(status)) << status;
  EXPECT_THAT(Msg(status), HasSubstr("/nonexistent/etcd"));
}

TEST(EtcdProcess, EtcdctlReportsErrors) {
  std::unique_ptr<EtcdProcess> etcd = StartEtcd();
  ASSERT_NE(etcd, nullptr);
  absl::StatusOr<std::string> put = etcd->Etcdctl({"put", "/ctl", "v"});
  ASSERT_TRUE(put.ok()) << put.status();
  absl::StatusOr<std::string> get = etcd->Etcdctl({"get", "--print-value-only", "/ctl"});
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(*get, "v\n");
  absl::StatusOr<std::string> bad = etcd->Etcdctl({"no-such-command"});
  EXPECT_FALSE(bad.ok());
}

}  // namespace
}  // namespace vireo::etcd
