#pragma once
// What the fuzz targets do not report again: nlohmann's dump() of a string that is not UTF-8
// throws type_error 316. A driver's text in a message that shmcheck writes out (a Violation's
// excerpt, a result in results.json) hits it; fixed on branch i14-attacks (driver text made
// safe before it is passed on). Counted as known, so that a run goes on to find other bugs.
#include <nlohmann/json.hpp>

namespace shmcheck::fuzz {

inline bool known_non_utf8(const nlohmann::json::exception& e) { return e.id == 316; }

}  // namespace shmcheck::fuzz
