#pragma once
// A property: a generator of operation sequences. Every generated sequence runs as one batch
// on the implementation under test, and every outcome must agree with the model (model.hpp).
// So a property is data about *what to try*; what is right is decided in one place.
#include <shmcheck/harness/implementation.hpp>

#include <rapidcheck.h>

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace shmcheck::properties {

// One generated case: the operations, in protocol form.
struct Case {
  nlohmann::json ops = nlohmann::json::array();
};
void showValue(const Case& c, std::ostream& os);

struct Property {
  std::string id;           // "slice-read"
  std::string description;  // one line, for people
  // Builds the generator for an implementation (it may only use typecodes the
  // implementation has).
  std::function<rc::Gen<Case>(const harness::Capabilities&)> generator;
  // "" if the implementation can run it, else why not (the verdict is then unsupported).
  std::function<std::string(const harness::Capabilities&)> unsupported_because = [](const harness::Capabilities&) {
    return std::string();
  };
};

// The properties by theme (one file each), and all of them in the order they run.
std::vector<Property> construction_properties();  // construction.cpp
std::vector<Property> element_properties();       // elements.cpp
std::vector<Property> slice_properties();         // slices.cpp
std::vector<Property> object_properties();        // objects.cpp: c strings, copy, views, sizes
std::vector<Property> lock_properties();          // locks.cpp
std::vector<Property> process_properties();       // processes.cpp
std::vector<Property> stateful_properties();      // stateful.cpp
const std::vector<Property>& all_properties();

// Why a property cannot run on an implementation that lacks children or started children.
std::string needs_child(const harness::Capabilities& caps);
std::string needs_async_child(const harness::Capabilities& caps);

}  // namespace shmcheck::properties
