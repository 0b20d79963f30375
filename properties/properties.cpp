// Every property, in the order they run: one file per theme.
#include "property.hpp"

namespace shmcheck::properties {

const std::vector<Property>& all_properties() {
  static const std::vector<Property> all = [] {
    std::vector<Property> ps;
    for (auto&& theme : {construction_properties(), element_properties(), slice_properties(), object_properties(),
                         lock_properties(), process_properties(), stateful_properties()})
      ps.insert(ps.end(), theme.begin(), theme.end());
    return ps;
  }();
  return all;
}

void showValue(const Case& c, std::ostream& os) {
  for (const auto& o : c.ops) os << "\n    " << o.dump();
}

}  // namespace shmcheck::properties
