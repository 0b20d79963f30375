#pragma once
// Seeded faults, so that shmcheck can prove its suites catch broken implementations
// (drivers/mutant). Internal.
//
// A fault point is one line in a real code path of the library, guarded by
// SHMCHECK_FAULT(name):
//
//   if (reused && !SHMCHECK_FAULT(no_zero_fill)) std::memset(...);
//
// In the library (shmcheck_ref) SHMCHECK_FAULT(name) is the constant false: the compiler
// drops the faulty branch, and the reference has no faults and no cost. In its second build
// (shmcheck_ref_mutable, compiled with -DSHMCHECK_MUTABLE, linked only into shmcheck_mutant)
// it asks whether `name` is the one fault this process selected at start-up. Either way the
// name must be an enumerator below, so a misspelt fault point does not compile.
//
// The names, descriptions and the suite expected to catch each fault are a table beside the
// library, in lib/fault/faults.cpp (its interface: lib/fault/include/shmcheck/faults.hpp). A
// new fault needs an enumerator here, a row there, and its fault points.

namespace shmcheck::detail {

enum class Fault : unsigned char {
  none,
  lock_no_exclusion,
  lock_not_recursive,
  lock_kept_on_error,
  lock_released_early,
  owner_death_not_recovered,
  no_zero_fill,
  index_off_by_one,
  negative_index_not_wrapped,
  long_as_4_bytes,
  float_as_double,
  integer_saturates,
  torn_8_byte_stores,
  slice_length_mismatch_accepted,
  c_value_no_terminator,
  copy_aliases,
  segment_leaked,
  shm_name_left_behind,
  freed_while_child_uses,
  store_dropped_sometimes,
  pages_not_reserved,
  count,  // not a fault
};

#ifdef SHMCHECK_MUTABLE
// Whether `f` is the fault selected at start-up (mutant::select_fault).
bool fault_active(Fault f) noexcept;
#define SHMCHECK_FAULT(name) (::shmcheck::detail::fault_active(::shmcheck::detail::Fault::name))
#else
#define SHMCHECK_FAULT(name) (static_cast<void>(::shmcheck::detail::Fault::name), false)
#endif

}  // namespace shmcheck::detail
