#pragma once
// exec: drivers: any program that speaks the driver protocol (protocol/PROTOCOL.md) on its
// standard input and output. The program runs in a process group of its own; a request that
// is not answered within the timeout, an exit, a line that is not a response, or a response
// the protocol does not allow makes the implementation Broken, and its whole process group
// is killed. Its stderr is kept (the last 64 KiB) for the reason.
//
// Nothing it makes outlives it. Where the kernel allows, it runs in namespaces of its own (a
// PID namespace, a private /dev/shm, its own IPC; see src/posix/isolation.hpp): everything in
// its /dev/shm is its own and goes with it. Elsewhere it gets a /dev/shm name prefix of its own
// in SHMCHECK_SHM_PREFIX (the C++ drivers name their shm_open segments with it, the Python
// driver its semaphores), and when it is stopped every /dev/shm entry with that prefix, or held
// by its processes when it was asked to stop and still there when they are gone, is removed.
// Either way what was removed is returned by stop().
#include <shmcheck/harness/confinement.hpp>
#include <shmcheck/harness/implementation.hpp>

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace shmcheck::harness {

// Why a driver must share the machine's namespaces, for one that cannot work in its own; empty:
// it is isolated where the kernel allows.
struct SharedNamespaces {
  std::string why;
};

class ExecImplementation : public Implementation {
 public:
  // Starts `argv` and performs the hello handshake (Broken if it fails).
  // With a Confinement, in its surroundings (Broken when the machine cannot give them:
  // check confinement_unavailable() first).
  ExecImplementation(std::string spec, std::vector<std::string> argv,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10), SharedNamespaces shared = {},
                     Confinement confinement = {});
  ~ExecImplementation() override;
  ExecImplementation(const ExecImplementation&) = delete;
  ExecImplementation& operator=(const ExecImplementation&) = delete;

  const Description& describe() const override { return description_; }
  // One round trip: the operations travel as one batch request.
  std::vector<Outcome> run(const nlohmann::json& ops) override;
  // Sends bye and waits (briefly) for a clean exit, and for what it started to finish (a
  // resource tracker unlinking what its users leaked); the process group is killed regardless.
  void close();
  std::vector<std::string> stop() override {
    close();
    return shm_leftovers_;
  }

  pid_t pid() const noexcept { return pid_; }
  void set_timeout(std::chrono::milliseconds timeout) override { timeout_ = timeout; }
  std::chrono::milliseconds timeout() const override { return timeout_; }
  bool kill_now() override;
  int process_group() const override { return pid_; }
  std::optional<std::vector<std::string>> own_dev_shm() const override;
  std::string isolation() const override { return isolation_; }
  std::string name_prefix() const override { return shm_prefix_; }
  // The prefix it was given, "shmcheck-<harness pid>-<counter>-".
  const std::string& shm_prefix() const noexcept { return shm_prefix_; }
  // The /dev/shm entries it left behind, removed when it was stopped (names, without /dev/shm/).
  const std::vector<std::string>& shm_leftovers() const noexcept { return shm_leftovers_; }

  // For the fault suite, which acts on the driver from outside.
  // Its live processes as this process sees their ids: the driver and what it started (not the
  // namespace's init above it).
  std::vector<pid_t> processes() const;
  // How it ended, once it has (after a Broken): timed out (a hang), or its wait status.
  struct Ending {
    bool timed_out = false;
    std::optional<int> wait_status;
  };
  const Ending& ending() const noexcept { return ending_; }
  // Its private /dev/shm and /tmp (a Confinement's), as descriptors of the directories, -1
  // when it has none.
  int dev_shm_dir() const noexcept { return private_dev_shm_; }
  int tmp_dir() const noexcept { return private_tmp_; }
  // What is in its private temporary directory now, each entry as "kPrivateTmpDir/NAME"
  // ("kPrivateTmpDir/NAME/" for a directory), a directory's contents after it; empty when it
  // has none.
  std::vector<std::string> tmp_entries() const;

 private:
  nlohmann::json request(nlohmann::json req);  // returns the response's outcome object
  void write_line(const std::string& line, std::chrono::steady_clock::time_point deadline);
  std::string read_line(std::chrono::steady_clock::time_point deadline);
  std::string how_it_ended(const std::string& otherwise);  // "exited early (status 1)", ...
  void drain_stderr();
  [[noreturn]] void broken(const std::string& reason);
  void kill_group();  // stop_group(), then remove what it left (once)
  void stop_group();  // SIGKILL the group and wait (up to 2 s) until it is empty
  void remove_shm_leftovers();

  std::string spec_;
  std::vector<std::string> argv_;
  std::chrono::milliseconds timeout_;
  pid_t pid_ = -1;
  int to_child_ = -1, from_child_ = -1, child_err_ = -1;
  std::string out_buffer_;
  std::string err_tail_;
  long long next_id_ = 0;
  bool dead_ = false;
  bool group_gone_ = false;  // its process group is empty: never signal its id again
  Description description_;
  std::string shm_prefix_;
  std::set<std::string> held_at_stop_;  // /dev/shm names its processes held when it was stopped
  std::vector<std::string> shm_leftovers_;
  bool cleaned_up_ = false;
  bool isolated_ = false;
  std::string isolation_;
  int private_dev_shm_ = -1;  // pins its tmpfs
  int private_tmp_ = -1;      // and its /tmp's, when confined
  bool private_tmp_wanted_ = false;
  Ending ending_;
  int driver_status_ = -1;    // in namespaces: the driver's wait status, from the init above it
  std::vector<pid_t> strays_;  // its descendants seen before it exited (no PID namespace)
};

}  // namespace shmcheck::harness
