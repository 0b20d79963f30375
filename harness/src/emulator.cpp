#include <shmcheck/harness/emulator.hpp>

namespace shmcheck::harness {

namespace {

void stretch_one(nlohmann::json& op, double factor) {
  if (!op.is_object()) return;
  const std::string name = op.value("op", "");
  auto stretch = [&](nlohmann::json& holder) {
    if (holder.is_object() && holder.contains("timeout") && holder.at("timeout").is_number())
      holder["timeout"] = holder.at("timeout").get<double>() * factor;
  };
  if (name == "child" || name == "child_start" || name == "wait_for") stretch(op);
  if (name == "stress" && op.contains("params")) stretch(op["params"]);
  if (op.contains("ops") && op.at("ops").is_array())
    for (auto& inner : op["ops"]) stretch_one(inner, factor);
}

}  // namespace

nlohmann::json stretch_deadlines(const nlohmann::json& ops, double factor) {
  nlohmann::json out = ops;
  if (factor == 1.0 || !out.is_array()) return out;
  for (auto& op : out) stretch_one(op, factor);
  return out;
}

std::optional<std::string> emulator_refusal(Implementation& impl) {
  const Description& d = impl.describe();
  const nlohmann::json& p = d.platform;
  if (!d.capabilities.robust_lock || !p.is_object() || p.value("robust_futex", true) != false) return std::nullopt;
  const Outcome made = impl.run_one({{"op", "create"}, {"shape", "value"}, {"tc", "i"}, {"lock", "own"}});
  if (made.ok) {
    impl.run_one({{"op", "drop"}, {"obj", made.result}});
    return std::nullopt;
  }
  if (made.kind != "os_error") return std::nullopt;  // not the refusal above: the cases judge it
  return "emulator: the kernel's robust futex list is not available here (get_robust_list: " +
         p.value("robust_futex_error", std::string("fails")) +
         "; qemu-user does not implement set_robust_list), and the C library refuses robust mutexes "
         "without it: the implementation's locks are robust, and its first object was refused (" +
         made.type + ": " + made.message + ")";
}

}  // namespace shmcheck::harness
