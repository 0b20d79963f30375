// Handles: a separately exec'ed process attaches to an object and sees the same bytes.
#include "support/child.hpp"
#include "support/emulator.hpp"

#include <shmcheck/census.hpp>
#include <shmcheck/error.hpp>
#include <shmcheck/handle.hpp>

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

using namespace shmcheck;

namespace {

// Runs the attach child with a handle and returns (exit status, stdout).
std::pair<int, std::string> run_attach_child(const std::string& handle, const std::vector<std::string>& args) {
  std::string cmd = test::exec_command_line(SHMCHECK_ATTACH_CHILD) + " '" + handle + "'";
  for (const auto& a : args) cmd += " " + a;
  cmd += " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 256> buf;
  while (p && fgets(buf.data(), buf.size(), p)) out += buf.data();
  const int status = p ? pclose(p) : -1;
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace

TEST(Handle, ExecedChildAttachesAndSeesTheSameBytes) {
  Object a = make_array('i', std::vector<Item>{Item(1), Item(-2), Item(3)});
  ExportedHandle h(a);
  const auto [rc, out] = run_attach_child(h.text(), {"read"});
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "1,-2,3");
}

TEST(Handle, ExecedChildWritesAreSeenByTheParent) {
  Object v = make_value('q', Item(40));
  ExportedHandle h(v);
  const auto [rc, out] = run_attach_child(h.text(), {"add", "2"});
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(v.value(), Item(42));
}

TEST(Handle, HandleKeepsTheBlockAliveAfterTheSenderDropsIt) {
  std::string text;
  std::optional<ExportedHandle> h;
  {
    Object a = make_array('d', std::vector<Item>{Item(0.5), Item(1.5)});
    h.emplace(a);
    text = h->text();
  }  // the sender's object is gone; the exported reference keeps the block
  Object other = make_array('d', std::vector<Item>{Item(9.0), Item(9.0)});  // must not reuse it
  const auto [rc, out] = run_attach_child(text, {"read"});
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "0.5,1.5");
}

TEST(Handle, TextRoundTripsShapeTypecodeLengthAndLock) {
  Object a = make_array('c', 5);
  ExportedHandle h(a);
  EXPECT_NE(h.text().find("tc=c"), std::string::npos);
  EXPECT_NE(h.text().find("shape=array"), std::string::npos);
  EXPECT_NE(h.text().find("n=5"), std::string::npos);
  EXPECT_NE(h.text().find("lock="), std::string::npos);
  Object raw = make_value('i', Item(1), LockPolicy::none());
  ExportedHandle hr(raw);
  EXPECT_EQ(hr.text().find("lock="), std::string::npos);
}

TEST(Handle, MalformedHandlesAreValueErrorsNamingTheInput) {
  for (const char* bad : {"", "hello", "shmcheck-handle/1 tc=i", "shmcheck-handle/1 tc=i data=x:1",
                          "shmcheck-handle/1 tc=z data=3:64", "shmcheck-handle/1 tc=i n=abc data=3:64",
                          "shmcheck-handle/1 tc=i data=3:64 colour=red"}) {
    try {
      attach(bad);
      ADD_FAILURE() << "attached to '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_TRUE(e.kind() == ErrorKind::value || e.kind() == ErrorKind::type) << bad << ": " << e.what();
    }
  }
}

TEST(Handle, DescriptorThatIsNoArenaIsRefused) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const std::string text = "shmcheck-handle/1 tc=i shape=value n=1 data=" + std::to_string(fds[0]) + ":96";
  EXPECT_THROW(attach(text), Error);
  close(fds[0]);
  close(fds[1]);
}

TEST(Handle, ObjectsTravelOverAUnixSocket) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  Object a = make_array('h', std::vector<Item>{Item(5), Item(6)});
  send_object(sv[0], a);
  Object b = receive_object(sv[1]);
  EXPECT_EQ(b.get(1), Item(6));
  b.set(0, Item(-7));
  EXPECT_EQ(a.get(0), Item(-7));
  EXPECT_TRUE(b.is_synchronized());
  EXPECT_TRUE(b.get_lock() == a.get_lock());
  close(sv[0]);
  close(sv[1]);
}

TEST(Handle, ExecedChildHoldingTheLockIsRecoveredWhenKilled) {
  if (const auto why = test::owner_death_undetectable()) GTEST_SKIP() << *why;
  Object v = make_value('i', Item(0));
  ExportedHandle h(v);
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  std::vector<std::string> words = test::exec_argv(SHMCHECK_ATTACH_CHILD);  // built before the fork
  words.insert(words.end(), {h.text(), "hold-lock"});
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  char buf[8] = {};
  ASSERT_GT(read(out[0], buf, 4), 0);
  EXPECT_EQ(std::string(buf, 4), "held");
  EXPECT_FALSE(v.get_lock().acquire(false));
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  close(out[0]);
  EXPECT_TRUE(v.get_lock().acquire(true, std::chrono::seconds(1)));
  EXPECT_EQ(v.get_lock().owner_deaths(), 1u);
  v.get_lock().release();
}

TEST(Handle, FailedSendTakesItsTransferReferencesBack) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  close(sv[1]);  // nobody will receive
  Object a = make_array('i', 2);
  const auto data_refs = a.block().shared_references();
  const auto lock_refs = a.get_lock().block().shared_references();
  EXPECT_THROW(send_object(sv[0], a), OSError);
  EXPECT_EQ(a.block().shared_references(), data_refs);
  EXPECT_EQ(a.get_lock().block().shared_references(), lock_refs);
  close(sv[0]);
}

TEST(Handle, LengthBeyondTheBlockIsRefusedNotMapped) {
  Object a = make_array('i', 4);
  ExportedHandle h(a);
  std::string text = h.text();
  const auto pos = text.find("n=4");
  ASSERT_NE(pos, std::string::npos);
  // 2^62 elements of 4 bytes (2^30 where size_t has 32 bits): their byte count wraps to 0.
  text.replace(pos, 3, "n=" + std::to_string((std::numeric_limits<std::size_t>::max() >> 2) + 1));
  EXPECT_THROW(attach(text), RuntimeError);
}
