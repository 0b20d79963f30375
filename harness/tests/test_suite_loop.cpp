// The suite loop with fake implementations: cases are recorded in order with their replay
// commands, a broken implementation is opened again for the next case, one that cannot be
// opened makes every case broken, and expectations decide what counts.
#include <shmcheck/harness/suite.hpp>

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace h = shmcheck::harness;
using nlohmann::json;

namespace {

class Fake : public h::Implementation {
 public:
  explicit Fake(const std::string& spec) {
    d_.spec = spec;
    d_.name = "fake";
    d_.version = "1.0";
  }
  const h::Description& describe() const override { return d_; }
  std::vector<h::Outcome> run(const json&) override { return {}; }

 private:
  h::Description d_;
};

// Three cases; "breaks" breaks the implementation it runs on, "fails" fails.
class Toy : public h::Suite {
 public:
  std::vector<h::CaseInfo> cases() const override {
    return {{"spec", "first", "a"}, {"spec", "breaks", "b"}, {"spec", "fails", "c"}};
  }
  std::string replay_arguments(const h::Subject& s, const h::CaseInfo& c) const override {
    return "run --impl " + s.label + " --case " + c.id;
  }
  h::Judged run(h::Session& session, const h::CaseInfo& c, h::Results&) override {
    ran.push_back(session.subject.label + "/" + c.id);
    h::Judged j;
    if (c.id == "breaks") {
      j.result.verdict = h::Verdict::broken;
      j.result.message = "it broke";
      j.result.implementation_broke = true;
    }
    if (c.id == "fails") j.result.verdict = h::Verdict::fail;
    return j;
  }
  std::vector<std::string> ran;
};

json load(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

std::string temp_json(const char* name) { return (std::filesystem::path(::testing::TempDir()) / name).string(); }

}  // namespace

TEST(SuiteLoop, RecordsEveryCaseAndRestartsWhatBroke) {
  const std::string path = temp_json("suite-loop-restart.json");
  h::Results results(path, 7, "test", json::object());
  std::map<std::string, int> opened;
  Toy toy;
  h::run_suite(toy, {{"good", {"good"}, {}}}, [&](const std::string& spec) {
    ++opened[spec];
    return std::make_unique<Fake>(spec);
  }, results);
  EXPECT_EQ(toy.ran, (std::vector<std::string>{"good/first", "good/breaks", "good/fails"}));
  EXPECT_EQ(opened["good"], 2) << "opened once, and again after it broke";
  const json doc = load(path);
  ASSERT_EQ(doc.at("results").size(), 3u);
  EXPECT_EQ(doc["results"][0]["verdict"], "pass");
  EXPECT_EQ(doc["results"][1]["verdict"], "broken");
  EXPECT_EQ(doc["results"][2]["verdict"], "fail");
  EXPECT_EQ(doc["results"][2]["source"], "c");
  EXPECT_NE(doc["results"][2]["repro"].get<std::string>().find("run --impl good --case fails"), std::string::npos);
  EXPECT_EQ(doc.at("implementations").at(0).at("name"), "fake");
  EXPECT_EQ(results.exit_status(), 1);
}

TEST(SuiteLoop, WhatCannotBeOpenedIsBrokenForEveryCaseAndTheNextSubjectStillRuns) {
  const std::string path = temp_json("suite-loop-broken.json");
  h::Results results(path, 7, "test", json::object());
  Toy toy;
  h::run_suite(toy, {{"dead", {"dead"}, {}}, {"good", {"good"}, {}}}, [&](const std::string& spec) -> std::unique_ptr<h::Implementation> {
    if (spec == "dead") throw h::Broken("no such program", "last words");
    return std::make_unique<Fake>(spec);
  }, results);
  const json doc = load(path);
  ASSERT_EQ(doc.at("results").size(), 6u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(doc["results"][i]["impl"], "dead");
    EXPECT_EQ(doc["results"][i]["verdict"], "broken");
    EXPECT_NE(doc["results"][i]["message"].get<std::string>().find("could not be started: no such program"), std::string::npos);
  }
  EXPECT_EQ(doc["implementations"][0]["broken"].get<std::string>().substr(0, 15), "no such program");
  EXPECT_EQ(toy.ran.size(), 3u) << "the second subject ran all its cases";
}

TEST(SuiteLoop, AnImplementationThatCannotBeRestartedBreaksTheRestWithTheReason) {
  const std::string path = temp_json("suite-loop-no-restart.json");
  h::Results results(path, 7, "test", json::object());
  int opened = 0;
  Toy toy;
  h::run_suite(toy, {{"once", {"once"}, {}}}, [&](const std::string& spec) -> std::unique_ptr<h::Implementation> {
    if (opened++ > 0) throw h::Broken("it will not start again");
    return std::make_unique<Fake>(spec);
  }, results);
  const json doc = load(path);
  ASSERT_EQ(doc.at("results").size(), 3u);
  EXPECT_EQ(doc["results"][2]["verdict"], "broken");
  EXPECT_NE(doc["results"][2]["message"].get<std::string>().find("could not be restarted after it broke: it will not start again"),
            std::string::npos);
  EXPECT_EQ(toy.ran.size(), 2u);
}

TEST(SuiteLoop, AnExpectedFailureDoesNotFailTheRun) {
  const std::string path = temp_json("suite-loop-expected.json");
  const std::string expect = temp_json("suite-loop-expectations.json");
  std::ofstream(expect) << R"({"implementation": "fake", "expected_failures": [
      {"suite": "spec", "case": "fails", "reason": "known"}, {"suite": "spec", "case": "breaks", "reason": "known too"}]})";
  h::Results results(path, 7, "test", json::object());
  Toy toy;
  const h::Expectations loaded = h::Expectations::load(expect);
  h::run_suite(toy, {{"good", {"good"}, [&](const h::Description& d) { return loaded.bound_to(d); }}},
               [](const std::string& spec) { return std::make_unique<Fake>(spec); }, results);
  EXPECT_EQ(results.exit_status(), 0);
  const json doc = load(path);
  EXPECT_TRUE(doc["results"][2]["expected"].get<bool>());
  EXPECT_EQ(doc["results"][2]["expectation"], "known");
}

// What the implementation leaves behind is named in results.json; what it was given and left
// is removed by stopping it, anything else that appeared meanwhile is only named.
class Leaky : public Fake {
 public:
  Leaky(const std::string& spec, std::string name) : Fake(spec), name_(std::move(name)) {}
  std::vector<std::string> stop() override {
    std::filesystem::remove("/dev/shm/" + name_);
    return {name_};
  }

 private:
  std::string name_;
};

TEST(SuiteLoop, LeftoversAreNamedAndCounted) {
  const std::string path = temp_json("suite-loop-leftovers.json");
  const std::string own = "shmcheck-test-own-" + std::to_string(getpid()), other = "shmcheck-test-other-" + std::to_string(getpid());
  h::Results results(path, 7, "test", json::object());
  Toy toy;
  h::run_suite(toy, {{"leaky", {"leaky"}, {}}}, [&](const std::string& spec) {
    std::ofstream("/dev/shm/" + own) << "x";
    std::ofstream("/dev/shm/" + other) << "x";
    return std::make_unique<Leaky>(spec, own);
  }, results);
  const json doc = load(path);
  ASSERT_EQ(doc.at("leftovers").size(), 1u) << doc.dump();
  const json& row = doc["leftovers"][0];
  EXPECT_EQ(row["impl"], "leaky");
  EXPECT_EQ(row["suite"], "spec");
  EXPECT_EQ(row["dev_shm"], json::array({own, own})) << "stopped twice: after the break and at the end";
  EXPECT_NE(std::find(row["appeared"].begin(), row["appeared"].end(), "/dev/shm/" + other), row["appeared"].end()) << row.dump();
  EXPECT_TRUE(std::filesystem::exists("/dev/shm/" + other)) << "what is not known to be its own is left alone";
  std::filesystem::remove("/dev/shm/" + other);
}

namespace {

// Robust locks on a platform without a robust futex list (qemu-user); its first object is
// made or refused as told, and every request it gets is written down in `requests`.
class OnEmulator : public h::Implementation {
 public:
  OnEmulator(bool refuses, bool robust_futex, std::vector<std::string>& requests) : refuses_(refuses), requests_(requests) {
    d_.spec = "emu";
    d_.name = "emu";
    d_.capabilities.robust_lock = true;
    d_.platform = {{"os", "linux"}, {"robust_futex", robust_futex}, {"robust_futex_error", "Function not implemented"}};
  }
  const h::Description& describe() const override { return d_; }
  std::vector<h::Outcome> run(const json& ops) override {
    std::vector<h::Outcome> out;
    for (const auto& op : ops) {
      requests_.push_back(op.at("op"));
      h::Outcome o;
      if (op.at("op") == "create" && refuses_) {
        o.ok = false;
        o.kind = "os_error";
        o.type = "OSError";
        o.message = "[Errno 95] Operation not supported: pthread_mutex_init (process-shared, robust)";
      } else {
        o.result = op.at("op") == "create" ? json("h1") : json();
      }
      out.push_back(o);
    }
    return out;
  }

 private:
  bool refuses_;
  std::vector<std::string>& requests_;
  h::Description d_;
};

json run_on_emulator(const char* file, bool refuses, bool robust_futex, Toy& toy, std::vector<std::string>& requests) {
  const std::string path = temp_json(file);
  h::Results results(path, 7, "test", json::object());
  h::run_suite(toy, {{"emu", {"emu"}, {}}}, [&](const std::string&) {
    return std::make_unique<OnEmulator>(refuses, robust_futex, requests);
  }, results);
  return load(path);
}

}  // namespace

TEST(SuiteLoop, AnEmulatorThatRefusesRobustMutexesMakesEveryCaseUnsupported) {
  Toy toy;
  std::vector<std::string> requests;
  const json doc = run_on_emulator("suite-loop-emulator-refuses.json", true, false, toy, requests);
  ASSERT_EQ(doc.at("results").size(), 3u);
  for (const auto& r : doc["results"]) {
    EXPECT_EQ(r["verdict"], "unsupported");
    const std::string m = r["message"];
    EXPECT_EQ(m.rfind("emulator:", 0), 0u) << m;
    EXPECT_NE(m.find("Operation not supported: pthread_mutex_init"), std::string::npos) << m;
  }
  EXPECT_TRUE(toy.ran.empty()) << "no case runs where nothing can be made";
  EXPECT_EQ(requests, (std::vector<std::string>{"create"}));
}

TEST(SuiteLoop, AnEmulatorThatMakesObjectsRunsEveryCase) {
  Toy toy;
  std::vector<std::string> requests;
  const json doc = run_on_emulator("suite-loop-emulator-makes.json", false, false, toy, requests);
  EXPECT_EQ(toy.ran.size(), 3u);
  EXPECT_EQ(doc["results"][0]["verdict"], "pass");
  ASSERT_GE(requests.size(), 2u);
  EXPECT_EQ(requests[0], "create");
  EXPECT_EQ(requests[1], "drop") << "the probe's object is given back";
}

TEST(SuiteLoop, WithARobustFutexListNothingIsProbed) {
  Toy toy;
  std::vector<std::string> requests;
  const json doc = run_on_emulator("suite-loop-emulator-native.json", true, true, toy, requests);
  EXPECT_EQ(toy.ran.size(), 3u);
  EXPECT_TRUE(requests.empty());
}
