#pragma once
// The reference implementation, all of it.
#include <shmcheck/array.hpp>
#include <shmcheck/block.hpp>
#include <shmcheck/census.hpp>
#include <shmcheck/error.hpp>
#include <shmcheck/handle.hpp>
#include <shmcheck/item.hpp>
#include <shmcheck/lock.hpp>
#include <shmcheck/object.hpp>
#include <shmcheck/raw_array.hpp>
#include <shmcheck/segment.hpp>
#include <shmcheck/slice.hpp>
#include <shmcheck/typecode.hpp>
#include <shmcheck/version.hpp>
