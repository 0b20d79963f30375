#pragma once
// Reads what audit/probe/static_probe.cpp left in an object file: the bytes after its
// marker, in the layout that file documents. Object formats differ (ELF, COFF, Mach-O, wasm)
// but all keep initialised constant data verbatim, so finding the marker is enough.
#include <nlohmann/json.hpp>

#include <string>

namespace shmcheck::audit {

// The probe's observation in the executed probe's shape ({"typecodes": ..., "facts": ...}):
// sizes, alignments, signedness, always-lock-free, and the ranges those imply. Throws
// ValueError when the marker is missing, repeated or the record is cut short.
nlohmann::json read_static_probe(const std::string& object_bytes);

}  // namespace shmcheck::audit
